import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, dateParts, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { dateField, field, requiredText, withDateParts } from '#src/platform/http/page-forms.ts'
import { z } from 'zod'
import { checkDateInput } from '#src/platform/http/date-input.ts'
import { formatDate, londonDate } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { SafeguardingError } from './safeguarding.service.ts'
import { checkAction, parseOwner } from './safeguarding.validation.ts'
import { ACTION_STATUSES, AGENDA_KINDS, type ActionStatus } from './safeguarding.vocabulary.ts'
import { minutesPdf, type MinutesAction } from './safeguarding.minutes.ts'

type Body = Record<string, unknown>
type Params = { id: string }

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
      values: { referralDays: String(defaultDays), ...values },
      errors,
      errorList: errorSummary(errors, ['title', 'heldOn', 'referralDays']),
    })
  }

  app.get('/hub-meetings', manage, (request, reply) => list(request, reply))

  app.post<{ Body: Body }>('/hub-meetings', manage, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(MeetingForm, withDateParts(body, 'heldOn'))
    if (!parsed.ok) return list(request, reply.code(400), body, parsed.errors)
    const { title, heldOn, referralDays } = parsed.value
    const id = await safeguarding.createMeeting({ title, heldOn: heldOn!, referralDays }, actorOf(request))
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
    let data
    try {
      data = await safeguarding.meeting(meetingId(request), actorOf(request))
    } catch (error) {
      if (error instanceof SafeguardingError) throw new NotFoundError(error.message)
      throw error
    }
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
      label: i.kind === 'plan-review' ? `Plan ${i.plan_reference}` : `Referral ${i.referral_reference}`,
      detail:
        i.kind === 'plan-review'
          ? i.next_review_on
            ? `Review due ${formatDate(i.next_review_on)}`
            : 'Review held'
          : `Received ${formatDate(i.received_at)}, ${REFERRAL_STATUS[i.referral_status ?? ''] ?? i.referral_status}`,
      decisions: data.decisions.filter((d) => d.item_id === i.id),
      actions: data.actions.filter((a) => a.meeting_item_id === i.id).map(presentAction),
    }))
    const attendeeIds = new Set(data.attendees.map((a) => a.id))
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
      agencies: data.agencies,
      userChoices: attendance.users.map((u) => ({ value: u.id, text: u.display_name, checked: attendeeIds.has(u.id) })),
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
        'agencyIds',
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
      if (error instanceof SafeguardingError && error.code === 'not-found') throw new NotFoundError(error.message)
      if (error instanceof SafeguardingError)
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
    const agencyIds = asArray(body.agencyIds).filter(isUuid)
    return attempt(
      request,
      reply,
      'attendance',
      () => safeguarding.setAttendance(meetingId(request), { userIds, agencyIds }, actorOf(request)),
      'Attendance recorded',
    )
  })

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
    const errors: FieldErrors = {}
    const due = checkDateInput(dateParts(body, 'dueOn'), 'Due date', { required: true })
    if (!due.ok) errors[`dueOn-${due.part}`] = due.message
    const input = {
      itemId: asString(body.actionItem) || null,
      text: asString(body.text),
      owner: parseOwner(asString(body.owner)),
      dueOn: due.ok ? due.value : null,
    }
    for (const [k, v] of Object.entries(checkAction(input))) if (k !== 'dueOn') errors[k] = v
    if (Object.keys(errors).length > 0) return show(request, reply.code(400), body, errors, 'action')
    return attempt(
      request,
      reply,
      'action',
      () => safeguarding.addMeetingAction(id, input, actorOf(request)),
      'Action added',
    )
  })

  app.get<{ Params: Params }>('/hub-meetings/:id/minutes.pdf', manage, async (request, reply) => {
    let data
    try {
      data = await safeguarding.meeting(meetingId(request), null)
    } catch (error) {
      if (error instanceof SafeguardingError) throw new NotFoundError(error.message)
      throw error
    }
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
      attendees: data.attendees.map((a) => a.display_name),
      agencies: data.agencies.map((a) => a.name),
      // Plan and referral references only: the minutes are circulated to every agency attending.
      items: data.items.map((i) => ({
        label:
          i.kind === 'plan-review'
            ? `Safeguarding plan ${i.plan_reference}: review`
            : `New referral ${i.referral_reference}`,
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
      if (error instanceof SafeguardingError && error.code === 'not-found') throw new NotFoundError()
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

  app.get<{ Params: Params }>('/partner/meetings/:id', partner, async (request, reply) => {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    let data
    try {
      data = await safeguarding.partnerMeeting(request.params.id, userOf(request), actorOf(request))
    } catch (error) {
      if (error instanceof SafeguardingError) throw new NotFoundError()
      throw error
    }
    return reply.page('safeguarding/views/partner-meeting.njk', {
      pageTitle: `Hub meeting ${data.meeting.reference}`,
      meeting: { ...data.meeting, on: formatDate(data.meeting.held_on) },
      items: data.items.map((i) => ({
        ...i,
        actions: i.actions.map((a) => ({
          ...a,
          due: formatDate(a.due_on),
          statusLabel: ACTION_STATUSES[a.status as ActionStatus] ?? a.status,
        })),
      })),
    })
  })
}
