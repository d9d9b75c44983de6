import { formatDate, formatDateTime, londonDate } from '#src/shared/dates.ts'
import { countryName, languageName } from '#src/shared/reference-data.ts'
import type {
  GradingRow,
  LocationRow,
  ReferralEventRow,
  ReferralListRow,
  ReferralRow,
  SubjectRow,
} from './referral.repository.ts'
import {
  CLOSURE_REASONS,
  EXPLOITATION_TYPES,
  GRADE_LEVELS,
  SOURCES,
  STATUSES,
  THRIVE_ELEMENTS,
} from './referral.vocabulary.ts'
import { GENDERS, PREMISES_TYPES, SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { URGENCY_INDICATORS, urgencyReasonText } from './referral.urgency.ts'
import { describeAge } from '#src/modules/people/index.ts'

const STATUS_COLOURS: Record<string, string> = {
  new: 'govuk-tag--blue',
  'in-triage': 'govuk-tag--yellow',
  screening: 'govuk-tag--purple',
  'opened-as-case': 'govuk-tag--green',
  closed: 'govuk-tag--grey',
}

export function statusTag(status: string) {
  return { text: STATUSES.label(status), classes: STATUS_COLOURS[status] ?? '' }
}

/** "3 days", "5 hours": how long a referral has waited, as the triage queue shows it. */
export function waited(since: Date, now = new Date()): string {
  const hours = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 3_600_000))
  if (hours < 1) return 'under an hour'
  if (hours < 48) return `${hours} ${hours === 1 ? 'hour' : 'hours'}`
  const days = Math.floor(hours / 24)
  return `${days} days`
}

/**
 * Where a referral stands in time, as the queue shows it. Only a referral still waiting for triage (new or in
 * triage) is "waiting" (and the count stops there); one triaged into screening says when, a closed one when it
 * was closed, one opened as a live job when that was.
 */
export function standing(
  row: {
    status: string
    received_at: Date
    triaged_at: Date | null
    closed_at: Date | null
    opened_as_case_at?: Date | null
  },
  now = new Date(),
): string {
  switch (row.status) {
    case 'new':
    case 'in-triage':
      return `waiting ${waited(row.received_at, now)}`
    case 'closed':
      return row.closed_at ? `closed ${formatDate(londonDate(row.closed_at))}` : 'closed'
    case 'opened-as-case': {
      const at = row.opened_as_case_at ?? row.triaged_at
      return at ? `opened as a live job ${formatDate(londonDate(at))}` : 'opened as a live job'
    }
    default:
      return row.triaged_at
        ? `triaged ${formatDate(londonDate(row.triaged_at))}`
        : STATUSES.label(row.status).toLowerCase()
  }
}

export function presentQueueRow(row: ReferralListRow, tagLabels: Map<string, string>) {
  return {
    urgent: row.urgent,
    urgencyReasons: row.urgency_reasons.map(urgencyReasonText),
    standing: standing(row),
    id: row.id,
    reference: row.reference,
    received: formatDateTime(row.received_at),
    receivedIso: row.received_at.toISOString(),
    source: SOURCES.label(row.source),
    exploitation: row.exploitation_types.map((t) => EXPLOITATION_TYPES.label(t)),
    countyLines: row.county_lines,
    priorities: row.priority_tags.map((t) => tagLabels.get(t) ?? t),
    status: statusTag(row.status),
    assignee: row.assignee_name,
    overdue: row.overdue,
    peopleCount: row.people_count,
  }
}

export function presentSubject(subject: SubjectRow) {
  const [name, ...otherNames] = subject.names ?? []
  return {
    personId: subject.person_id,
    name,
    otherNames,
    role: SUBJECT_ROLES.label(subject.role),
    age: describeAge(subject),
    gender: GENDERS.label(subject.gender),
    nationalities: subject.nationalities.map(countryName),
    languages: subject.languages.map(languageName),
  }
}

export function presentLocation(location: LocationRow) {
  const address = [location.address_line_1, location.address_line_2, location.town, location.postcode].filter(
    Boolean,
  ) as string[]
  return { address, description: location.description, premisesType: PREMISES_TYPES.label(location.premises_type) }
}

export function presentEvent(event: ReferralEventRow, assigneeNames: Map<string, string>) {
  let label: string
  let text = event.reason ?? ''
  switch (event.kind) {
    case 'created':
      label = 'Referral recorded'
      break
    case 'status-changed': {
      label = `Status changed from ${STATUSES.label(event.from_status ?? '').toLowerCase()} to ${STATUSES.label(event.to_status ?? '').toLowerCase()}`
      const closure = event.details.closureReason
      if (typeof closure === 'string') text = `${CLOSURE_REASONS.label(closure)}. ${text}`
      break
    }
    case 'assigned': {
      const to = event.details.to
      label = typeof to === 'string' ? `Assigned to ${assigneeNames.get(to) ?? 'an officer'}` : 'Unassigned'
      break
    }
    case 'graded': {
      const levels = (event.details.levels ?? {}) as Record<string, string>
      label = 'Risk graded (THRIVE)'
      text = THRIVE_ELEMENTS.items
        .map((e) => `${e.text}: ${GRADE_LEVELS.label(levels[e.value] ?? '').toLowerCase()}`)
        .join(', ')
      break
    }
    case 'screened':
      // Neutral on purpose: the outcome is the person's victim facet, shown only where that is allowed.
      label = 'A person was screened'
      text = ''
      break
    default:
      label = event.kind
  }
  return {
    label: { text: label },
    text,
    datetime: { timestamp: event.occurred_at.toISOString(), format: 'datetime' },
    byline: { text: event.actor_name ?? 'Lantern' },
  }
}

export function presentReferral(referral: ReferralRow, tagLabels: Map<string, string>) {
  return {
    id: referral.id,
    reference: referral.reference,
    received: formatDateTime(referral.received_at),
    waited: waited(referral.received_at),
    source: SOURCES.label(referral.source),
    referringOrganisation: referral.referring_organisation,
    referrerName: referral.referrer_name,
    referrerContact: referral.referrer_contact,
    summary: referral.summary,
    exploitation: referral.exploitation_types.map((t) => EXPLOITATION_TYPES.label(t)),
    countyLines: referral.county_lines,
    priorities: referral.priority_tags.map((t) => tagLabels.get(t) ?? t),
    status: referral.status,
    statusTag: statusTag(referral.status),
    closureReason: referral.closure_reason ? CLOSURE_REASONS.label(referral.closure_reason) : null,
    assignedTo: referral.assigned_to,
    assignee: referral.assignee_name,
    createdBy: referral.created_by_name,
    createdAt: formatDateTime(referral.created_at),
    overdue: referral.overdue,
    version: referral.version,
    urgent: referral.urgent,
    urgencyReasons: referral.urgency_reasons.map(urgencyReasonText),
    indicators: referral.urgency_indicators.map((i) => URGENCY_INDICATORS.find((u) => u.value === i)?.text ?? i),
  }
}

const LEVEL_COLOURS: Record<string, string> = {
  high: 'govuk-tag--red',
  medium: 'govuk-tag--orange',
  low: 'govuk-tag--green',
}

/** The latest THRIVE grading, element by element, with who graded it and when. */
export function presentGrading(grading: GradingRow) {
  return {
    gradedBy: grading.graded_by_name ?? 'Lantern',
    gradedAt: formatDateTime(grading.graded_at),
    elements: THRIVE_ELEMENTS.items.map((e) => ({
      name: e.value,
      label: e.text,
      level: grading[e.value],
      levelText: GRADE_LEVELS.label(grading[e.value]),
      classes: LEVEL_COLOURS[grading[e.value]] ?? '',
      rationale: grading[`${e.value}_rationale`],
    })),
  }
}
