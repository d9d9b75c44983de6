import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { isUuid } from '#src/shared/ids.ts'
import { errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { DisclosuresQuery, PersonAccessQuery } from './dpo.forms.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { csvRows } from '#src/shared/csv.ts'
import {
  DISCLOSABLE_FIELDS,
  isDisclosableField,
  LAWFUL_BASES,
  type LawfulBasis,
} from '#src/modules/disclosures/index.ts'
import type * as repo from './dpo.repository.ts'
import { AUDIT_ACTIONS, type AuditCategory } from '#src/platform/audit/audit-events.ts'
import { CASE_ROLES } from '#src/modules/people/index.ts'

const ACTION_LABELS: Record<string, string> = {
  'person.viewed': 'Viewed their record',
  'victim-facet.viewed': 'Viewed their victim information',
  'referral.viewed': 'Viewed a referral about them',
  'immigration-status.viewed': 'Viewed immigration status',
  'immigration-status.recorded': 'Recorded immigration status',
  'disclosure.made': 'Disclosed to a partner',
  'disclosure.approved': 'Approved a disclosure',
  'disclosure.revoked': 'Revoked a disclosure',
  'disclosure.viewed': 'Partner viewed the disclosure',
  'subject-access.exported': 'Exported in a subject access bundle',
  'subject-access.viewed': 'Reviewed a subject access bundle',
}

const LOG_PAGE = 100

/** What a record type is called by the people who work with it. */
const SUBJECT_WORDS: Record<string, string> = {
  person: 'Person',
  referral: 'Referral',
  case: 'Live job',
  'nrm-referral': 'NRM referral',
  screening: 'Screening',
  location: 'Place',
  object: 'Phone, vehicle or other item',
  user: 'User',
  audit: 'Audit log',
  agency: 'Partner agency',
  disclosure: 'Disclosure',
  agreement: 'Information-sharing agreement',
  'safeguarding-plan': 'Safeguarding plan',
  'safeguarding-meeting': 'Hub meeting',
  import: 'Import',
  'api-token': 'API token',
  session: 'Session',
}
const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
export const subjectInWords = (type: string) => SUBJECT_WORDS[type] ?? capitalise(type.replace(/[-_.]/g, ' '))
/** An audited action in words: its own label, else "Live job: member added" from "case.member-added". */
export function actionInWords(action: string): string {
  if (ACTION_LABELS[action]) return ACTION_LABELS[action]
  const [type, ...rest] = action.split('.')
  return rest.length
    ? `${subjectInWords(type)}: ${rest.join(' ').replace(/-/g, ' ')}`
    : capitalise(action.replace(/[-_.]/g, ' '))
}

/** The DPA 2018 s62 categories, plus security events (sign-in, lockout) that fall outside them. */
const CATEGORY_LABELS: Record<AuditCategory, string> = {
  collection: 'Collection',
  alteration: 'Alteration',
  consultation: 'Consultation',
  disclosure: 'Disclosure (including transfers)',
  combination: 'Combination',
  erasure: 'Erasure',
  security: 'Security (sign-in and access control)',
}
const AUDIT_CATEGORIES = Object.keys(CATEGORY_LABELS) as AuditCategory[]
const isAuditCategory = (value: string): value is AuditCategory => Object.hasOwn(CATEGORY_LABELS, value)

function sendCsv(reply: FastifyReply, filename: string, header: string[], rows: unknown[][]) {
  const body = csvRows([header, ...rows])
  return reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .header('cache-control', 'no-store')
    .send(body)
}

function quarterRange(quarter: string): { from: Date; to: Date } | null {
  const match = /^(\d{4})-Q([1-4])$/.exec(quarter)
  if (!match) return null
  const year = Number(match[1])
  const q = Number(match[2])
  return {
    from: new Date(Date.UTC(year, (q - 1) * 3, 1)),
    to: new Date(Date.UTC(q === 4 ? year + 1 : year, q === 4 ? 0 : q * 3, 1)),
  }
}

function currentQuarter(now = new Date()): string {
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`
}

/** Signed in, or the API token used and who made it, so a read done with a token is traced to its maker too. */
function via(r: repo.Via): string {
  if (!r.via_token) return 'Signed in'
  if (!r.token_held) return 'API token (no longer held)'
  return r.token_maker ? `API token made by ${r.token_maker}` : 'API token made at the command line'
}

const WITHHELD = 'withheld: a restricted live job (a supervisor can see it)'

/**
 * One access change as the DPO reads it: what happened, for whom, on which record, and why. What a restricted
 * live job the reader may not see recorded (its reference, the people in it, the reason given) is withheld and
 * says so, as subject access does; the event itself, who did it and whom it gave access are always shown.
 */
export function describeAccessGrant(r: repo.AccessGrantRow) {
  const d = r.details as Record<string, unknown>
  const roleLabel = (role: unknown) =>
    typeof role === 'string' && Object.hasOwn(CASE_ROLES, role)
      ? CASE_ROLES[role as keyof typeof CASE_ROLES].toLowerCase()
      : String(role)
  const person = (id: string | null, name: string | null, hidden: boolean) =>
    !id
      ? null
      : hidden || r.case_hidden
        ? { text: 'A person in a restricted live job (withheld)', id: null }
        : { text: name ?? 'A person whose record was erased', id }
  const job = r.case_hidden
    ? 'A restricted live job (reference withheld)'
    : r.case_reference
      ? `Live job ${r.case_reference}`
      : 'A live job no longer held'
  const subject = person(r.person_id, r.person_name, r.person_hidden)
  const other = person(r.other_person_id, r.other_person_name, r.other_person_hidden)
  let what: string
  let forWhom: string
  let record: string
  switch (r.action) {
    case 'referral.assigned':
      what = d.to
        ? 'Referral with a potential victim assigned'
        : 'Referral with a potential victim unassigned: its recorder works it again'
      forWhom = d.to ? (r.for_user_name ?? 'An officer no longer held') : (r.referral_recorder ?? 'Its recorder')
      record = r.referral_reference ? `Referral ${r.referral_reference}` : 'A referral no longer held'
      break
    case 'case.opened':
      what = 'Live job opened from a referral with a potential victim: its opener leads it'
      forWhom = r.for_user_name ?? r.actor_name ?? 'Not recorded'
      record = job
      break
    case 'case.member-added':
      what = d.victimSide ? 'Put on a live job’s team: victims’ side' : 'Put on a live job’s team: suspects’ side'
      forWhom = r.for_user_name ?? 'A user no longer held'
      record = job
      break
    case 'case.member-removed':
      what = 'Taken off a live job’s team'
      forWhom = r.for_user_name ?? 'A user no longer held'
      record = job
      break
    case 'case.person-removed':
      what = `Removed from a live job as a ${roleLabel(d.role)}: the team’s duty to them ends`
      forWhom = 'The live job’s team'
      record = subject ? `${job}: ${subject.text}` : job
      break
    case 'person.support-worker-assigned':
      what = 'ISA assigned to support a victim'
      forWhom = r.for_user_name ?? 'Not recorded'
      record = subject?.text ?? 'A person'
      break
    case 'person.support-worker-ended':
      what = 'ISA’s support of a victim ended'
      forWhom = r.for_user_name ?? 'Not recorded'
      record = subject?.text ?? 'A person'
      break
    case 'person.merged':
      what = 'Two people merged: each record’s officers see the other’s victim side'
      forWhom = 'Everyone working either record’s victim side'
      record = `${other?.text ?? 'A person'} merged into ${subject?.text ?? 'a person'}`
      break
    default: {
      // case.updated: a victim added, the officer in charge changed, or the restriction lifted.
      const changed = Array.isArray(d.changed) ? (d.changed as string[]) : []
      if (typeof d.role === 'string') {
        what = `Added to a live job as a ${roleLabel(d.role)}: its team works their victim side`
        forWhom = 'The live job’s team'
        record = subject ? `${job}: ${subject.text}` : job
      } else if (changed.includes('officerInCharge')) {
        what = 'Made officer in charge of a live job'
        forWhom = r.for_user_name ?? 'Not recorded'
        record = job
      } else {
        what =
          d.restricted === false
            ? 'Restriction lifted from a live job: everyone who works live jobs can see it'
            : 'Restriction of a live job changed'
        forWhom = 'Everyone who works live jobs'
        record = job
      }
    }
  }
  return {
    id: r.id,
    when: formatDateTime(r.occurred_at),
    what,
    who: r.actor_name ?? 'System',
    via: via(r),
    forWhom,
    record,
    // The DPO follows a person on to who has seen their details.
    people: [subject, other].filter((p): p is { text: string; id: string } => p !== null && p.id !== null),
    why: r.case_hidden && r.justification ? WITHHELD : (r.justification ?? ''),
  }
}

/** Reports a data protection officer runs over the audit log: who saw what about a person, and what left to whom. */
export function registerDpoPages(app: FastifyInstance, { services }: AppDeps): void {
  const access = { config: { access: 'audit:view' as const } }
  const personAccessQuery = PersonAccessQuery(services.search.classify)
  const disclosuresQuery = DisclosuresQuery((q) => quarterRange(q) !== null)

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit/person', access, async (request, reply) => {
    const personId = request.query.personId?.trim() ?? ''
    const about = request.query.about === 'immigration-status' ? 'immigration-status' : 'address'
    const days = Math.min(Math.max(Number.parseInt(request.query.days ?? '90', 10) || 90, 1), 3650)
    const parsed = parseForm(personAccessQuery, request.query)
    const errors: FieldErrors = parsed.ok ? {} : parsed.errors
    // Finding the person first: by name (or date of birth), or by a referral or live job they are in. The search
    // is the team's own (audited, and blind to what the DPO may not see); its results link to the report. Words it
    // would read as a phone, vehicle or postcode are refused by the query form, before any search.
    const q = request.query.q?.trim() ?? ''
    let found: { personId: string; name: string; detail: string }[] | null = null
    if (request.query.q !== undefined && !errors.q) {
      const results = await services.search.search(q, { dateOfBirth: null }, userOf(request), actorOf(request))
      if (results.kind === 'reference') {
        const people = (
          await Promise.all(results.references.map((r) => services.dpo.peopleInRecord(r.kind, r.id, userOf(request))))
        ).flat()
        found = people.map((p) => ({
          personId: p.person_id,
          name: p.name,
          detail: `${q.toUpperCase()}, ${p.role.replace(/-/g, ' ')}${p.date_of_birth ? `, born ${formatDate(p.date_of_birth)}` : ''}`,
        }))
      } else if (results.kind === 'name' || results.kind === 'date-of-birth') {
        found = results.people.map((p) => ({
          personId: p.person_id,
          name: p.name,
          detail: p.date_of_birth
            ? `born ${formatDate(p.date_of_birth)}`
            : p.approximate_age
              ? `about ${p.approximate_age}`
              : 'date of birth not known',
        }))
      }
    }
    let rows: repo.AccessRow[] = []
    let personName: string | null = null
    if (isUuid(personId)) {
      ;({ rows, personName } = await services.dpo.personAccess(
        personId,
        about,
        days,
        userOf(request),
        actorOf(request),
      ))
    }
    const described = rows.map((r) => ({
      when: formatDateTime(r.occurred_at),
      who: r.user_name ?? 'System',
      role: r.role ?? '',
      // A disclosure or bundle about someone else that carried one of this person's places says so.
      what: `${ACTION_LABELS[r.action] ?? r.action}${r.about_other ? ' (another person’s record, carrying this place)' : ''}`,
      why: r.justification ?? '',
      via: via(r),
    }))
    if (request.query.format === 'csv' && isUuid(personId)) {
      return sendCsv(
        reply,
        `${about}-access-${personId}.csv`,
        ['When', 'Who', 'Role', 'What', 'Why', 'Via'],
        described.map((d) => [d.when, d.who, d.role, d.what, d.why, d.via]),
      )
    }
    return reply.code(Object.keys(errors).length ? 400 : 200).page('dpo/views/person.njk', {
      pageTitle: 'Who has seen a person’s details',
      personId,
      personName,
      about,
      days,
      rows: described,
      searched: isUuid(personId),
      q,
      found,
      errors,
      errorList: errorSummary(errors),
    })
  })

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit/log', access, async (request, reply) => {
    const category = request.query.category && isAuditCategory(request.query.category) ? request.query.category : null
    const action =
      request.query.action && Object.hasOwn(AUDIT_ACTIONS, request.query.action) ? request.query.action : null
    const subjectId = request.query.subject && isUuid(request.query.subject) ? request.query.subject : null
    const days = Math.min(Math.max(Number.parseInt(request.query.days ?? '30', 10) || 30, 1), 3650)
    const page = Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1)
    const csv = request.query.format === 'csv'
    const limit = csv ? 10_000 : LOG_PAGE
    const to = new Date()
    const from = new Date(to.getTime() - days * 86_400_000)
    const rows = await services.dpo.log(
      { category, action, subjectId, from, to },
      { limit: limit + 1, offset: csv ? 0 : (page - 1) * LOG_PAGE },
      actorOf(request),
    )
    const described = rows.slice(0, limit).map((r) => ({
      id: r.id,
      when: formatDateTime(r.occurred_at),
      category: r.category,
      action: actionInWords(r.action),
      who: r.user_name ?? 'System',
      via: via(r),
      subject: r.subject_type ? `${r.subject_type}${r.subject_id ? ` ${r.subject_id}` : ''}` : '',
      // In words, with a link where the record can be followed: a person to who has seen them, anything else
      // to every event about it. Never a bare id on the page (the CSV keeps the id for the DPO's records).
      about: r.subject_type ? subjectInWords(r.subject_type) : '',
      aboutHref: !r.subject_id
        ? null
        : r.subject_type === 'person'
          ? `/audit/person?personId=${r.subject_id}`
          : `/audit/log?subject=${r.subject_id}&days=${days}`,
      why: r.justification ?? '',
    }))
    if (csv) {
      return sendCsv(
        reply,
        `audit-log${category ? `-${category}` : ''}.csv`,
        ['Event', 'When', 'Category', 'What', 'Who', 'Via', 'About', 'Why'],
        described.map((d) => [d.id, d.when, d.category, d.action, d.who, d.via, d.subject, d.why]),
      )
    }
    const query = (p: number) =>
      `/audit/log?${new URLSearchParams({ ...(category ? { category } : {}), ...(action ? { action } : {}), ...(subjectId ? { subject: subjectId } : {}), days: String(days), page: String(p) }).toString()}`
    return reply.page('dpo/views/log.njk', {
      pageTitle: 'Audit log',
      categoryItems: [
        { value: '', text: 'All categories' },
        ...AUDIT_CATEGORIES.map((c) => ({ value: c, text: CATEGORY_LABELS[c], selected: c === category })),
      ],
      actionItems: [
        { value: '', text: 'All actions' },
        ...Object.entries(AUDIT_ACTIONS)
          .filter(([, c]) => !category || c === category)
          .map(([a]) => ({ value: a, text: actionInWords(a), selected: a === action })),
      ],
      subjectId,
      allHref: `/audit/log?${new URLSearchParams({ ...(category ? { category } : {}), ...(action ? { action } : {}), days: String(days) }).toString()}`,
      days,
      rows: described,
      csvHref: `${query(1)}&format=csv`,
      pagination: { previous: page > 1 ? query(page - 1) : null, next: rows.length > limit ? query(page + 1) : null },
    })
  })

  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/audit/access-granted',
    access,
    async (request, reply) => {
      const days = Math.min(Math.max(Number.parseInt(request.query.days ?? '30', 10) || 30, 1), 3650)
      const page = Math.max(Number.parseInt(request.query.page ?? '1', 10) || 1, 1)
      const csv = request.query.format === 'csv'
      const limit = csv ? 10_000 : LOG_PAGE
      const to = new Date()
      const from = new Date(to.getTime() - days * 86_400_000)
      const rows = await services.dpo.accessGrants(
        { from, to },
        { limit: limit + 1, offset: csv ? 0 : (page - 1) * LOG_PAGE },
        userOf(request),
        actorOf(request),
      )
      const described = rows.slice(0, limit).map(describeAccessGrant)
      if (csv) {
        return sendCsv(
          reply,
          `access-granted-${days}-days.csv`,
          ['Event', 'When', 'What', 'Who did it', 'Via', 'For whom', 'Record', 'Person ids', 'Why'],
          described.map((d) => [
            d.id,
            d.when,
            d.what,
            d.who,
            d.via,
            d.forWhom,
            d.record,
            d.people.map((p) => p.id).join(' '),
            d.why,
          ]),
        )
      }
      const query = (p: number) =>
        `/audit/access-granted?${new URLSearchParams({ days: String(days), page: String(p) }).toString()}`
      return reply.page('dpo/views/access-granted.njk', {
        pageTitle: 'Access granted',
        days,
        rows: described,
        csvHref: `${query(1)}&format=csv`,
        pagination: { previous: page > 1 ? query(page - 1) : null, next: rows.length > limit ? query(page + 1) : null },
      })
    },
  )

  app.get<{ Querystring: Record<string, string | undefined> }>('/audit/disclosures', access, async (request, reply) => {
    const agencyId = request.query.agencyId ?? ''
    const quarter = request.query.quarter ?? currentQuarter()
    const range = quarterRange(quarter)
    const parsed = parseForm(disclosuresQuery, { ...request.query, quarter })
    const errors: FieldErrors = parsed.ok ? {} : parsed.errors
    let rows: repo.DisclosureReportRow[] = []
    if (range && isUuid(agencyId)) {
      rows = await services.dpo.disclosuresTo(agencyId, range, quarter, actorOf(request))
    }
    const described = rows.map((r) => ({
      when: formatDateTime(r.occurred_at),
      what: ACTION_LABELS[r.action] ?? r.action,
      who: r.user_name ?? 'System',
      person: r.person_name ?? r.person_id,
      personId: r.person_id,
      fields: r.fields.map((f) => (isDisclosableField(f) ? DISCLOSABLE_FIELDS[f].label : f)).join('; '),
      purpose: r.purpose ?? '',
      basis: r.lawful_basis ? (LAWFUL_BASES[r.lawful_basis as LawfulBasis] ?? r.lawful_basis) : '',
      agreement: r.agreement_title ?? '',
    }))
    if (request.query.format === 'csv' && range && isUuid(agencyId)) {
      return sendCsv(
        reply,
        `disclosures-${quarter}.csv`,
        ['When', 'What', 'Who', 'Person', 'Person id', 'Fields', 'Purpose', 'Lawful basis', 'Agreement'],
        described.map((d) => [d.when, d.what, d.who, d.person, d.personId, d.fields, d.purpose, d.basis, d.agreement]),
      )
    }
    return reply.code(Object.keys(errors).length ? 400 : 200).page('dpo/views/disclosures.njk', {
      pageTitle: 'What was disclosed to an agency',
      agencies: await services.partners.list({ includeInactive: true }),
      agencyId,
      quarter,
      rows: described,
      searched: Boolean(range && isUuid(agencyId)),
      errors,
      errorList: errorSummary(errors),
    })
  })
}
