import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import {
  checkboxes,
  dateField,
  field,
  requiredText,
  withDateParts,
  withEveryProblem,
} from '#src/platform/http/page-forms.ts'
import { z } from 'zod'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { SafeguardingError } from './safeguarding.service.ts'
import { MeetingActionForm } from './safeguarding.forms.ts'
import {
  ACTION_STATUSES,
  AGENDA_KINDS,
  AGENDA_REASONS,
  CONTRIBUTION_KINDS,
  type ActionStatus,
} from './safeguarding.vocabulary.ts'
import { confidentialityStatement, minutesPdf, type MinutesAction } from './safeguarding.minutes.ts'
import { DISCLOSABLE_FIELDS, LAWFUL_BASES, presentShared, type LawfulBasis } from '#src/modules/disclosures/index.ts'
import { SUBJECT_ROLES } from '#src/modules/people/index.ts'

type Body = Record<string, unknown>
type Params = { id: string }
type ItemParams = { id: string; itemId: string }

const basisLabel = (basis: string) => LAWFUL_BASES[basis as LawfulBasis] ?? basis
const reasonText = (reasons: string[]) =>
  reasons.length
    ? `With ${reasons.map((r) => AGENDA_REASONS[r as keyof typeof AGENDA_REASONS] ?? r).join(' and ')}`
    : null
const itemLabel = (i: {
  kind: string
  plan_reference: string | null
  referral_reference: string | null
  case_reference: string | null
}) =>
  i.kind === 'plan-review'
    ? `Plan ${i.plan_reference}`
    : i.kind === 'live-job'
      ? `Live job ${i.case_reference}`
      : `Referral ${i.referral_reference}`

const REFERRAL_STATUS: Record<string, string> = {
  new: 'new',
  'in-triage': 'in triage',
  screening: 'screening',
  'opened-as-case': 'opened as a live job',
  closed: 'closed',
}

/** Safeguarding hub meetings (staff) and the partner users' pages: their agency's actions and meeting view. */
const DAYS_MESSAGE = 'Days of new referrals must be a whole number from 1 to 365'
/** A new hub meeting: its agenda is drawn from the referrals of the last `referralDays` days and the open plans. */
const MeetingForm = z.object({
  title: requiredText('Enter a title for the meeting', 200, 'Title must be 200 characters or fewer'),
  heldOn: dateField('Meeting date', { required: true }),
  referralDays: field(z.string().regex(/^\d{1,3}$/, { error: DAYS_MESSAGE }))
    .transform(Number)
    .refine((days) => days >= 1 && days <= 365, { error: DAYS_MESSAGE }),
})

/**
 * What an agency is given from an agenda item: who it is about, the agency, what it needs to know, and why; or an
 * action for it instead of a reason, with the date the action is due.
 */
const ItemShareForm = z.preprocess(
  (body) => {
    const form = body as Record<string, unknown>
    // A due date is asked for only with an action.
    return asString(form.text).trim() ? form : { ...form, dueOn: undefined }
  },
  z
    .object({
      text: field(),
      dueOn: dateField('Due date', { required: true }).optional(),
      personId: field(z.string().refine(isUuid, { error: 'Select who the agency needs to know about' })),
      agencyId: field(z.string().refine(isUuid, { error: 'Select the agency' })),
      fields: checkboxes().refine((fields) => fields.length > 0, {
        error: 'Select what the agency needs to know: only what it needs to act',
      }),
      purpose: field(),
    })
    .refine((share) => share.text !== '' || share.purpose !== '', {
      path: ['purpose'],
      error: 'Enter why the agency needs it, or give it an action',
      ...withEveryProblem,
    }),
)

export function registerHubPages(app: FastifyInstance, { services, config }: AppDeps): void {
  const safeguarding = services.safeguarding
  const manage = { config: { access: 'safeguarding-meeting:manage' as const } }
  const partner = { config: { access: 'safeguarding-action:update-own' as const } }
  const defaultDays = config.hubAgendaReferralDays

  const meetingId = (request: FastifyRequest<{ Params: Params }>) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  async function list(request: FastifyRequest, reply: FastifyReply, values: Body = {}, errors: FieldErrors = {}) {
    const meetings = await safeguarding.listMeetings()
    return reply.page('safeguarding/views/meetings.njk', {
      pageTitle: 'Safeguarding hub meetings',
      meetings: meetings.map((m) => ({ ...m, on: formatDate(m.held_on) })),
      agreements: (await safeguarding.attendanceOptions()).agreements,
      values: { referralDays: String(defaultDays), ...values },
      errors,
      errorList: errorSummary(errors, ['title', 'heldOn', 'referralDays', 'agreementId']),
    })
  }

  app.get('/hub-meetings', manage, (request, reply) => list(request, reply))

  app.post<{ Body: Body }>('/hub-meetings', manage, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(MeetingForm, withDateParts(body, 'heldOn'))
    if (!parsed.ok) return list(request, reply.code(400), body, parsed.errors)
    const { title, heldOn, referralDays } = parsed.value
    const agreementId = asString(body.agreementId)
    let id
    try {
      id = await safeguarding.createMeeting(
        { title, heldOn: heldOn!, referralDays, agreementId: isUuid(agreementId) ? agreementId : null },
        actorOf(request),
      )
    } catch (error) {
      if (error instanceof SafeguardingError && error.code === 'invalid')
        return list(request, reply.code(400), body, { [error.field ?? 'title']: error.message })
      throw error
    }
    await request.flash('Meeting created with its agenda')
    return reply.redirect(`/hub-meetings/${id}`, 303)
  })

  async function show(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldErrors = {},
    form: string | null = null,
  ) {
    const data = await safeguarding.meeting(meetingId(request), actorOf(request))
    const [attendance, owners] = await Promise.all([safeguarding.attendanceOptions(), safeguarding.ownerOptions()])
    const today = londonDate()
    const presentAction = (a: (typeof data.actions)[number]) => ({
      ...a,
      due: formatDate(a.due_on),
      overdue: a.status === 'open' && a.due_on < today,
      statusLabel: ACTION_STATUSES[a.status as ActionStatus] ?? a.status,
    })
    const items = data.items.map((i, n) => ({
      ...i,
      number: n + 1,
      kindLabel: AGENDA_KINDS[i.kind as keyof typeof AGENDA_KINDS] ?? i.kind,
      label: itemLabel(i),
      href:
        i.kind === 'plan-review'
          ? `/people/${i.plan_person_id}/safeguarding-plan`
          : i.kind === 'live-job'
            ? `/cases/${i.case_id}`
            : `/referrals/${i.referral_id}`,
      shareHref: `/hub-meetings/${data.meeting.id}/items/${i.id}`,
      detail: [
        i.kind === 'plan-review'
          ? i.next_review_on
            ? `Review due ${formatDate(i.next_review_on)}`
            : 'Review held'
          : i.kind === 'live-job'
            ? 'Open live job'
            : `Received ${formatDate(i.received_at)}, ${REFERRAL_STATUS[i.referral_status ?? ''] ?? i.referral_status}`,
        reasonText(i.reasons),
      ]
        .filter(Boolean)
        .join('. '),
      decisions: data.decisions.filter((d) => d.item_id === i.id),
      actions: data.actions.filter((a) => a.meeting_item_id === i.id).map(presentAction),
    }))
    const attendeeIds = new Set(data.attendees.map((a) => a.id))
    const apologyIds = new Set(data.apologies.map((a) => a.id))
    const agencyIds = new Set(data.agencies.map((a) => a.id))
    const itemChoices = (selected: unknown) => [
      { value: '', text: 'Other business (no agenda item)', selected: !selected },
      ...items.map((i) => ({ value: i.id, text: `${i.number}. ${i.label}`, selected: selected === i.id })),
    ]
    return reply.page('safeguarding/views/meeting.njk', {
      pageTitle: data.meeting.title,
      meeting: { ...data.meeting, on: formatDate(data.meeting.held_on) },
      items,
      general: {
        decisions: data.decisions.filter((d) => !d.item_id),
        actions: data.actions.filter((a) => !a.meeting_item_id).map(presentAction),
      },
      attendees: data.attendees,
      apologies: data.apologies,
      named: data.named,
      agreement: data.agreement,
      statement: confidentialityStatement(data.agreement, basisLabel),
      agreementChoices: [
        { value: '', text: 'None recorded' },
        ...attendance.agreements.map((a) => ({
          value: a.id,
          text: a.title,
          selected: a.id === data.meeting.agreement_id,
        })),
      ],
      namedAgencyChoices: [
        { value: '', text: 'No agency' },
        ...attendance.agencies.map((a) => ({
          value: a.id,
          text: a.name,
          selected: form === 'named' && values.attendeeAgency === a.id,
        })),
      ],
      agencies: data.agencies,
      userChoices: attendance.users.map((u) => ({ value: u.id, text: u.display_name, checked: attendeeIds.has(u.id) })),
      apologyChoices: attendance.users.map((u) => ({
        value: u.id,
        text: u.display_name,
        checked: apologyIds.has(u.id),
      })),
      agencyChoices: attendance.agencies.map((a) => ({ value: a.id, text: a.name, checked: agencyIds.has(a.id) })),
      decisionItems: itemChoices(form === 'decision' ? values.decisionItem : null),
      actionItems: itemChoices(form === 'action' ? values.actionItem : null),
      owners: {
        users: owners.users.map((u) => ({
          value: `user:${u.id}`,
          text: u.display_name,
          selected: form === 'action' && values.owner === `user:${u.id}`,
        })),
        agencies: owners.agencies.map((a) => ({
          value: `agency:${a.id}`,
          text: a.name,
          selected: form === 'action' && values.owner === `agency:${a.id}`,
        })),
      },
      values,
      errors,
      form,
      errorList: errorSummary(errors, [
        'userIds',
        'apologyUserIds',
        'agencyIds',
        'agreementId',
        'attendeeName',
        'attendeeRole',
        'attendeeAgency',
        'decisionItem',
        'decision',
        'actionItem',
        'text',
        'owner',
        'dueOn',
      ]),
    })
  }

  app.get<{ Params: Params }>('/hub-meetings/:id', manage, (request, reply) => show(request, reply))

  async function attempt(
    request: FastifyRequest<{ Params: Params; Body: Body }>,
    reply: FastifyReply,
    form: string,
    work: () => Promise<unknown>,
    done: string,
  ) {
    try {
      await work()
    } catch (error) {
      if (error instanceof SafeguardingError && error.code !== 'not-found')
        return show(
          request,
          reply.code(error.status),
          request.body ?? {},
          { [error.field === 'dueOn' ? 'dueOn-day' : (error.field ?? 'form')]: error.message },
          form,
        )
      throw error
    }
    await request.flash(done)
    return reply.redirect(`/hub-meetings/${request.params.id}`, 303)
  }

  app.post<{ Params: Params; Body: Body }>('/hub-meetings/:id/attendance', manage, (request, reply) => {
    const body = request.body ?? {}
    const userIds = asArray(body.userIds).filter(isUuid)
    const apologyUserIds = asArray(body.apologyUserIds).filter(isUuid)
    const agencyIds = asArray(body.agencyIds).filter(isUuid)
    const agreement = asString(body.agreementId)
    return attempt(
      request,
      reply,
      'attendance',
      () =>
        safeguarding.setAttendance(
          meetingId(request),
          {
            userIds,
            apologyUserIds,
            agencyIds,
            ...(body.agreementId !== undefined ? { agreementId: isUuid(agreement) ? agreement : null } : {}),
          },
          actorOf(request),
        ),
      'Attendance recorded',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/hub-meetings/:id/attendees', manage, (request, reply) => {
    const body = request.body ?? {}
    const agency = asString(body.attendeeAgency)
    return attempt(
      request,
      reply,
      'named',
      () =>
        safeguarding.addNamedAttendee(
          meetingId(request),
          {
            name: asString(body.attendeeName),
            role: asString(body.attendeeRole),
            agencyId: isUuid(agency) ? agency : null,
            apologies: asString(body.attendeeApologies) === 'yes',
          },
          actorOf(request),
        ),
      asString(body.attendeeApologies) === 'yes' ? 'Apologies recorded' : 'Attendee added',
    )
  })

  app.post<{ Params: ItemParams; Body: Body }>(
    '/hub-meetings/:id/attendees/:itemId/remove',
    manage,
    async (request, reply) => {
      if (!isUuid(request.params.id) || !isUuid(request.params.itemId)) throw new NotFoundError()
      await safeguarding.removeNamedAttendee(request.params.id, request.params.itemId, actorOf(request))
      await request.flash('Attendee removed')
      return reply.redirect(`/hub-meetings/${request.params.id}`, 303)
    },
  )

  app.post<{ Params: Params; Body: Body }>('/hub-meetings/:id/decisions', manage, (request, reply) => {
    const body = request.body ?? {}
    const item = asString(body.decisionItem)
    return attempt(
      request,
      reply,
      'decision',
      () =>
        safeguarding.addDecision(
          meetingId(request),
          { itemId: item || null, text: asString(body.decision) },
          actorOf(request),
        ),
      'Decision recorded',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/hub-meetings/:id/actions', manage, (request, reply) => {
    const id = meetingId(request)
    const body = request.body ?? {}
    const parsed = parseForm(MeetingActionForm, withDateParts(body, 'dueOn'))
    if (!parsed.ok) return show(request, reply.code(400), body, parsed.errors, 'action')
    const input = parsed.value
    return attempt(
      request,
      reply,
      'action',
      () => safeguarding.addMeetingAction(id, input, actorOf(request)),
      'Action added',
    )
  })

  app.get<{ Params: Params }>('/hub-meetings/:id/minutes.pdf', manage, async (request, reply) => {
    const data = await safeguarding.meeting(meetingId(request), null)
    const action = (a: (typeof data.actions)[number]): MinutesAction => ({
      text: a.text,
      owner: a.owner_name ?? 'No owner',
      dueOn: a.due_on,
      status: a.status,
    })
    const pdf = await minutesPdf({
      reference: data.meeting.reference,
      title: data.meeting.title,
      heldOn: data.meeting.held_on,
      statement: confidentialityStatement(data.agreement, basisLabel),
      attendees: [
        ...data.attendees.map((a) => a.display_name),
        ...data.named
          .filter((n) => !n.apologies)
          .map((n) => [n.name, n.role, n.agency_name].filter(Boolean).join(', ')),
      ],
      apologies: [
        ...data.apologies.map((a) => a.display_name),
        ...data.named.filter((n) => n.apologies).map((n) => [n.name, n.role, n.agency_name].filter(Boolean).join(', ')),
      ],
      agencies: data.agencies.map((a) => a.name),
      // Plan, referral and live job references only: the minutes are circulated to every agency attending.
      items: data.items.map((i) => ({
        label: [
          i.kind === 'plan-review'
            ? `Safeguarding plan ${i.plan_reference}: review`
            : i.kind === 'live-job'
              ? `Live job ${i.case_reference}`
              : `New referral ${i.referral_reference}`,
          reasonText(i.reasons)?.toLowerCase(),
        ]
          .filter(Boolean)
          .join(': '),
        decisions: data.decisions.filter((d) => d.item_id === i.id).map((d) => d.text),
        actions: data.actions.filter((a) => a.meeting_item_id === i.id).map(action),
      })),
      general: {
        decisions: data.decisions.filter((d) => !d.item_id).map((d) => d.text),
        actions: data.actions.filter((a) => !a.meeting_item_id).map(action),
      },
    })
    await safeguarding.recordMinutesDownload(data.meeting.id, actorOf(request))
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="hub-minutes-${data.meeting.reference}.pdf"`)
      .send(pdf)
  })

  // --- Partner users ---------------------------------------------------------------------------------------

  async function partnerList(
    request: FastifyRequest,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Body = {},
    formFor: string | null = null,
  ) {
    const { actions, meetings } = await safeguarding.partnerActions(userOf(request), actorOf(request))
    return reply.page('safeguarding/views/partner-actions.njk', {
      pageTitle: 'Your agency’s safeguarding actions',
      actions: actions.map((a) => ({
        ...a,
        due: formatDate(a.due_on),
        statusLabel: ACTION_STATUSES[a.status as ActionStatus] ?? a.status,
      })),
      meetings: meetings.map((m) => ({ ...m, on: formatDate(m.held_on) })),
      errors,
      values,
      formFor,
      errorList: errorSummary(errors, [], (key) => `#${key}`),
    })
  }

  app.get('/partner/actions', partner, (request, reply) => partnerList(request, reply))

  app.post<{ Params: Params; Body: Body }>('/partner/actions/:id', partner, async (request, reply) => {
    // A malformed id is answered exactly like another agency's id or a missing one.
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const body = request.body ?? {}
    const done = asString(body.done) === 'yes'
    const note = asString(body.note)
    try {
      await safeguarding.partnerUpdate(request.params.id, { done, note }, userOf(request), actorOf(request))
    } catch (error) {
      if (error instanceof SafeguardingError && error.code === 'invalid')
        return partnerList(
          request,
          reply.code(400),
          { [`note-${request.params.id}`]: error.message },
          { [`note-${request.params.id}`]: note, [`done-${request.params.id}`]: done },
          request.params.id,
        )
      throw error
    }
    await request.flash(done ? 'Action marked as done' : 'Update added')
    return reply.redirect('/partner/actions', 303)
  })

  async function partnerMeeting(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
    values: Body = {},
  ) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const data = await safeguarding.partnerMeeting(request.params.id, userOf(request), actorOf(request))
    // What was disclosed to the agency for each item (the disclosure layer reads and audits it).
    const shared = await services.disclosures.sharedForItems(
      data.items.map((i) => i.id),
      userOf(request),
      actorOf(request),
    )
    const contributionsFor = (key: 'meeting_item_id' | 'action_id', id: string, disclosureId?: string) =>
      data.contributions
        .filter((c) => c[key] === id && (disclosureId === undefined || c.disclosure_id === disclosureId))
        .map((c) => ({
          ...c,
          kindLabel: CONTRIBUTION_KINDS[c.kind as keyof typeof CONTRIBUTION_KINDS] ?? c.kind,
          at: formatDate(c.created_at),
        }))
    const presentAction = (a: (typeof data.actions)[number]) => ({
      ...a,
      due: formatDate(a.due_on),
      statusLabel: ACTION_STATUSES[a.status as ActionStatus] ?? a.status,
      target: `action:${a.id}`,
      contributions: contributionsFor('action_id', a.id),
    })
    const items = data.items
      .map((i) => ({
        ...i,
        records: shared
          .filter((s) => s.disclosure.meeting_item_id === i.id)
          .map((s) => ({
            ...presentShared(s.disclosure, s.values),
            target: `disclosure:${s.disclosure.id}`,
            contributions: contributionsFor('meeting_item_id', i.id, s.disclosure.id),
          })),
        actions: data.actions.filter((a) => a.itemId === i.id).map(presentAction),
      }))
      .filter((i) => i.records.length > 0 || i.actions.length > 0)
    return reply.page('safeguarding/views/partner-meeting.njk', {
      pageTitle: `Hub meeting ${data.meeting.reference}`,
      meeting: { ...data.meeting, on: formatDate(data.meeting.held_on) },
      statement: confidentialityStatement(data.agreement, basisLabel),
      items,
      general: data.actions.filter((a) => a.itemId === null).map(presentAction),
      kinds: Object.entries(CONTRIBUTION_KINDS).map(([value, text]) => ({ value, text })),
      errors,
      values,
      errorList: errorSummary(errors, [], (key) => `#${key}`),
    })
  }

  app.get<{ Params: Params }>('/partner/meetings/:id', partner, (request, reply) => partnerMeeting(request, reply))

  app.post<{ Params: Params; Body: Body }>('/partner/meetings/:id/contributions', partner, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    const body = request.body ?? {}
    const target = asString(body.target)
    const input = { target, kind: asString(body.kind), text: asString(body.text).slice(0, 4000) }
    try {
      await safeguarding.partnerContribute(request.params.id, input, userOf(request), actorOf(request))
    } catch (error) {
      if (error instanceof SafeguardingError && error.code === 'invalid') {
        const key = target.split(':')[1] ?? ''
        return partnerMeeting(
          request,
          reply.code(400),
          { [error.field ?? `text-${key}`]: error.message },
          {
            [`text-${key}`]: input.text,
            [`kind-${key}`]: input.kind,
          },
        )
      }
      throw error
    }
    await request.flash('Recorded. The team sees it on the person’s record.')
    return reply.redirect(`/partner/meetings/${request.params.id}`, 303)
  })

  // --- One agenda item: sharing the minimum with an invited agency, with or without an action ----------------

  async function showItem(
    request: FastifyRequest<{ Params: ItemParams }>,
    reply: FastifyReply,
    values: Body = {},
    errors: FieldErrors = {},
  ) {
    if (!isUuid(request.params.id) || !isUuid(request.params.itemId)) throw new NotFoundError()
    const data = await safeguarding.item(request.params.id, request.params.itemId, userOf(request), actorOf(request))
    // Only someone on the item the user may see: a person id from the address bar reads nobody else's reports.
    const asked = asString(values.personId)
    const personId = data.people.some((p) => p.id === asked) ? asked : (data.people[0]?.id ?? '')
    const allowed = new Set(data.agreement?.allowed_fields ?? [])
    const chosen = new Set(asArray(values.fields))
    const released = new Set(asArray(values.release))
    // The chosen person's reports, marked: the chair picks which marked names and details to send (none by default).
    const narratives = personId ? await services.disclosures.narrativeOptions(personId) : []
    return reply.page('safeguarding/views/item.njk', {
      pageTitle: `Agenda item ${data.item.position + 1}: ${itemLabel(data.item)}`,
      meeting: { ...data.meeting, on: formatDate(data.meeting.held_on) },
      item: { ...data.item, reasons: reasonText(data.item.reasons) },
      agreement: data.agreement,
      people: data.people.map((p) => ({
        value: p.id,
        text: `${p.name ?? 'Unnamed person'} (${SUBJECT_ROLES.label(p.role)})`,
        selected: p.id === personId,
      })),
      personId,
      agencies: [
        { value: '', text: 'Select the agency' },
        ...data.agencies.map((a) => ({ value: a.id, text: a.name, selected: values.agencyId === a.id })),
      ],
      fieldItems: Object.entries(DISCLOSABLE_FIELDS)
        .filter(([key]) => allowed.has(key))
        .map(([value, f]) => ({
          value,
          text: f.label,
          checked: chosen.has(value),
          hint: f.protects
            ? { text: 'Protected: shared only once a supervisor approves with a lawful basis' }
            : undefined,
        })),
      narratives: narratives.map((n, i) => ({
        number: i + 1,
        received: formatDate(n.receivedAt),
        segments: n.segments.map((seg) => ({ text: seg.text, marked: Boolean(seg.mark), kind: seg.mark?.kind })),
        marks: n.marks.map((m) => ({ value: m.key, text: m.text, kind: m.kind, checked: released.has(m.key) })),
      })),
      shared: data.shared.map((d) => ({
        ...d,
        state: d.revoked_at
          ? 'Revoked'
          : d.status === 'awaiting-approval'
            ? 'Waiting for a supervisor'
            : d.live
              ? 'Live'
              : 'Expired',
        fieldsLabel: d.fields
          .map((f) => DISCLOSABLE_FIELDS[f as keyof typeof DISCLOSABLE_FIELDS]?.label ?? f)
          .join(', '),
        withheld: d.narratives.reduce((n, x) => n + x.redactions.filter((r) => !r.sent).length, 0),
        sent: d.narratives.reduce((n, x) => n + x.redactions.filter((r) => r.sent).length, 0),
      })),
      canApprove: userOf(request).permissions.has('disclosure:approve'),
      values,
      errors,
      errorList: errorSummary(errors, [
        'personId',
        'agencyId',
        'fields',
        'purpose',
        'protectedBasis',
        'text',
        'dueOn-day',
      ]),
    })
  }

  app.get<{ Params: ItemParams; Querystring: { personId?: string } }>(
    '/hub-meetings/:id/items/:itemId',
    manage,
    (request, reply) => showItem(request, reply, { personId: asString(request.query.personId) }),
  )

  app.post<{ Params: ItemParams; Body: Body }>('/hub-meetings/:id/items/:itemId', manage, async (request, reply) => {
    if (!isUuid(request.params.id) || !isUuid(request.params.itemId)) throw new NotFoundError()
    const body = request.body ?? {}
    const parsed = parseForm(ItemShareForm, withDateParts(body, 'dueOn'))
    if (!parsed.ok) return showItem(request, reply.code(400), body, parsed.errors)
    const share = parsed.value
    let outcome
    try {
      outcome = await safeguarding.shareForItem(
        request.params.id,
        request.params.itemId,
        {
          personId: share.personId,
          agencyId: share.agencyId,
          fields: share.fields,
          release: asArray(body.release),
          purpose: asString(body.purpose).slice(0, 1000),
          protectedBasis: asString(body.protectedBasis).slice(0, 1000) || null,
          actionText: share.text || null,
          actionDueOn: share.dueOn ?? null,
        },
        userOf(request),
        actorOf(request),
      )
    } catch (error) {
      if (error instanceof SafeguardingError && error.code !== 'not-found') {
        const field = error.field === 'dueOn' ? 'dueOn-day' : error.field === 'expiresOn-day' ? 'fields' : error.field
        return showItem(request, reply.code(error.status), body, { [field ?? 'fields']: error.message })
      }
      throw error
    }
    await request.flash(
      [
        outcome.actionId ? 'Action given to the agency, with what it needs to act.' : 'Shared with the agency.',
        outcome.status === 'awaiting-approval'
          ? 'The protected fields wait for a supervisor’s approval.'
          : outcome.waitingId
            ? 'The fields that need no approval went at once; the protected ones wait for a supervisor’s approval.'
            : 'The agency sees it when it prepares for the meeting.',
      ].join(' '),
    )
    return reply.redirect(`/hub-meetings/${request.params.id}/items/${request.params.itemId}`, 303)
  })
}
