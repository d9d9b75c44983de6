import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asArray, asString, dateParts, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { checkDateInput } from '#src/platform/http/date-input.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { ageOn, formatDate, formatDateTime, londonDate, londonToInstant } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { describeAge } from '#src/modules/people/index.ts'
import { OccurrenceReferenceError, readReferenceForm, REFERENCE_FIELDS, REFERENCE_KIND_ITEMS, referenceFieldErrors } from '#src/modules/occurrence-references/index.ts'
import { CaseError, type CaseChange } from './case.service.ts'
import { CASE_ROLES, EVENT_KINDS, type CaseRole } from '#src/modules/people/index.ts'

type Body = Record<string, unknown>
type Params = { id: string }

function isChild(p: { date_of_birth: string | null; approximate_age: number | null; age_disputed: boolean }): boolean {
  if (p.date_of_birth) return ageOn(p.date_of_birth, londonDate()) < 18
  if (p.approximate_age !== null) return p.approximate_age < 18 || p.age_disputed
  return p.age_disputed
}

/** Live jobs (cases): open from a referral, then work them. */
export function registerCasePages(app: FastifyInstance, { services }: AppDeps): void {
  const cases = services.cases

  function caseId(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  async function show(request: FastifyRequest<{ Params: Params }>, reply: FastifyReply, state: { errors?: FieldErrors; values?: Body; form?: string } = {}) {
    let view
    try {
      view = await cases.view(caseId(request), userOf(request), actorOf(request))
    } catch (error) {
      if (error instanceof CaseError && error.code === 'not-found') throw new NotFoundError('Case not found')
      throw error
    }
    const names = new Map(view.people.map((p) => [p.person_id, p.name]))
    const dealLines = view.objects
      .filter((o) => o.kind === 'deal-line')
      .map((o) => ({
        ...o,
        details: o.details as { lineName?: string; area?: string; activeFrom?: string | null; activeTo?: string | null },
        people: view.links.filter((l) => l.to_id === o.id).map((l) => ({ name: l.name, relation: l.relation, child: isChild({ date_of_birth: l.date_of_birth, approximate_age: l.approximate_age, age_disputed: false }), href: `/people/${l.person_id}` })),
      }))
    const assignees = await services.referrals.assignableUsers()
    const agencyList = can(request.user, 'case:edit') || view.case.kind === 'county-lines' ? await services.partners.list() : []
    const cceTeam = agencyList.find((a) => a.kind === 'police-team' && /exploitation/i.test(a.name)) ?? null
    const contacts = can(request.user, 'case:edit') ? await services.partners.contactsForSelection() : []
    const errors = state.errors ?? {}
    const references = await services.references.list({ type: 'case', id: view.case.id }, userOf(request))
    return reply.page('cases/views/show.njk', {
      pageTitle: `${view.case.reference}: ${view.case.title}`,
      c: view.case,
      people: view.people.map((p) => ({ ...p, roleLabels: p.roles.map((r) => CASE_ROLES[r as CaseRole] ?? r), age: describeAge(p), child: isChild(p), victimInCase: p.roles.some((r) => r.includes('victim')), victimAndSuspect: p.roles.some((r) => r.includes('victim')) && p.roles.some((r) => r.startsWith('suspect')) })),
      locations: view.locations.map((l) => ({ ...l, text: [l.address_line_1, l.town, l.postcode].filter(Boolean).join(', ') || l.description, occupants: view.links.filter((k) => k.to_id === l.id).map((k) => ({ name: k.name, href: `/people/${k.person_id}` })) })),
      dealLines,
      referrals: view.referrals,
      tasks: view.tasks.map((t) => ({ ...t, due: t.due_on ? formatDate(t.due_on) : null, overdue: t.status === 'open' && t.due_on !== null && t.due_on < londonDate() })),
      decisions: view.decisions.map((d) => ({ ...d, on: formatDate(d.decided_on), at: formatDateTime(d.recorded_at) })),
      events: view.events.map((e) => ({ ...e, kindLabel: EVENT_KINDS[e.kind as keyof typeof EVENT_KINDS] ?? e.kind, at: e.time_known ? formatDateTime(e.occurred_at) : formatDate(e.occurred_at) })),
      timeline: view.timeline.map((t) => ({ label: { text: t.text }, datetime: { timestamp: t.occurred_at.toISOString(), format: 'datetime' }, byline: { text: t.actor_name ?? 'Lantern' } })),
      roleItems: Object.entries(CASE_ROLES).map(([value, text]) => ({ value, text })),
      eventItems: Object.entries(EVENT_KINDS).map(([value, text]) => ({ value, text })),
      assignees,
      operations: await cases.listOperations(userOf(request)),
      agencies: view.agencies,
      agencyItems: agencyList.map((a) => ({ id: a.id, name: a.name })),
      contactItems: contacts.map((c) => ({ id: c.id, text: `${c.name} (${c.agency_name})` })),
      cceTeam,
      cceTeamMissing: view.case.kind === 'county-lines' && !view.agencies.some((a) => a.kind === 'police-team'),
      canEdit: can(request.user, 'case:edit'),
      canDecide: can(request.user, 'case:supervise'),
      leadsTeam: view.access.officerInCharge || view.access.supervisor,
      // Screening people met on the job: offered to those with its victims' side duty (the access policy) who may screen.
      canScreen: services.screeningGroups.mayScreen(userOf(request)) && (view.access.victimSide || view.access.supervisor),
      screeningGroups: (await services.screeningGroups.listForCase(view.case.id)).map((g) => ({ ...g, on: formatDate(g.encountered_on) })),
      members: view.members,
      teamCandidates: view.access.officerInCharge || view.access.supervisor ? (await cases.teamCandidates()).filter((u) => !view.members.some((m) => m.user_id === u.id)) : [],
      statusItems: [
        { value: 'open', text: 'Open' },
        { value: 'suspended', text: 'Suspended', hint: { text: 'Work has stopped for now, for example waiting for a partner or a victim’s recovery' } },
        ...(can(request.user, 'case:supervise') ? [{ value: 'closed', text: 'Closed', hint: { text: 'A supervisor’s decision: record the rationale' } }] : []),
      ],
      names: Object.fromEntries(names),
      errors,
      references,
      referenceKinds: REFERENCE_KIND_ITEMS,
      errorList: errorSummary(errors, REFERENCE_FIELDS),
      values: state.values ?? {},
      form: state.form ?? null,
    })
  }

  async function attempt(request: FastifyRequest<{ Params: Params; Body: Body }>, reply: FastifyReply, form: string, work: () => Promise<unknown>, done: string) {
    try {
      await work()
    } catch (error) {
      if (error instanceof CaseError && error.code === 'invalid') return show(request, reply.code(400), { errors: { [error.field ?? 'form']: error.message }, values: request.body ?? {}, form })
      if (error instanceof CaseError && error.code === 'not-found') throw new NotFoundError(error.message)
      if (error instanceof CaseError && error.code === 'forbidden') return show(request, reply.code(403), { errors: { [form === 'status' ? 'status' : 'form']: error.message }, values: request.body ?? {}, form })
      throw error
    }
    await request.flash(done)
    return reply.redirect(`/cases/${caseId(request)}`, 303)
  }

  function optionalDate(body: Body, prefix: string, label: string, errors: FieldErrors): string | null {
    const check = checkDateInput(dateParts(body, prefix), label, { required: false })
    if (!check.ok) {
      errors[`${prefix}-${check.part}`] = check.message
      return null
    }
    return check.value
  }

  const view = { config: { access: 'case:view' as const } }
  const edit = { config: { access: 'case:edit' as const } }

  app.get<{ Querystring: { status?: string; kind?: string } }>('/cases', view, async (request, reply) => {
    const status = ['open', 'suspended', 'closed'].includes(request.query.status ?? '') ? request.query.status! : request.query.status === 'all' ? null : 'open'
    const kind = ['investigation', 'county-lines'].includes(request.query.kind ?? '') ? request.query.kind! : null
    const rows = await cases.list(userOf(request), status, kind)
    return reply.page('cases/views/list.njk', {
      pageTitle: 'Live jobs',
      rows: rows.map((r) => ({ ...r, opened: formatDate(r.created_at) })),
      status,
      kind,
      statusItems: [['open', 'Open'], ['suspended', 'Suspended'], ['closed', 'Closed'], ['all', 'Any status']].map(([value, text]) => ({ value, text, selected: value === (status ?? 'all') })),
      kindItems: [['', 'Any kind'], ['investigation', 'Investigation'], ['county-lines', 'County Lines']].map(([value, text]) => ({ value, text, selected: value === (kind ?? '') })),
    })
  })

  app.post<{ Params: Params; Body: Body }>('/referrals/:id/cases', edit, async (request, reply) => {
    const referralId = caseId(request)
    const body = request.body ?? {}
    const kind = asString(body.kind) === 'county-lines' ? 'county-lines' : 'investigation'
    try {
      const created = await cases.openFromReferral(referralId, { title: asString(body.title), kind }, userOf(request), actorOf(request))
      await request.flash(`Live job ${created.reference} opened`)
      return reply.redirect(`/cases/${created.id}`, 303)
    } catch (error) {
      if (error instanceof CaseError && (error.code === 'invalid' || error.code === 'forbidden')) {
        await request.flash(`The live job was not opened: ${error.message}`)
        return reply.redirect(`/referrals/${referralId}#open-case`, 303)
      }
      if (error instanceof CaseError) throw new NotFoundError(error.message)
      throw error
    }
  })

  app.get<{ Params: Params }>('/cases/:id', view, (request, reply) => show(request, reply))

  app.post<{ Params: Params; Body: Body }>('/cases/:id/status', edit, (request, reply) => {
    const body = request.body ?? {}
    const status = asString(body.status)
    if (!['open', 'suspended', 'closed'].includes(status)) return show(request, reply.code(400), { errors: { status: 'Select a status' }, values: body, form: 'status' })
    const change: CaseChange = { status: status as CaseChange['status'], reason: asString(body.reason).slice(0, 2000) }
    if (can(request.user, 'case:supervise')) change.restricted = asString(body.restricted) === 'yes'
    return attempt(request, reply, 'status', () => cases.update(caseId(request), change, userOf(request), actorOf(request)), 'Live job updated')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/agencies', edit, (request, reply) => {
    const body = request.body ?? {}
    const agencyId = asString(body.agencyId)
    const contactId = asString(body.contactId)
    if (!isUuid(agencyId)) return show(request, reply.code(400), { errors: { agencyId: 'Select an agency from the list' }, values: body, form: 'agency' })
    return attempt(request, reply, 'agency', () => cases.involveAgency(caseId(request), { agencyId, contactId: isUuid(contactId) ? contactId : null, involvement: asString(body.involvement).slice(0, 1000) }, userOf(request), actorOf(request)), 'Agency involved')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/officer', edit, (request, reply) => {
    const officer = asString(request.body?.officerInChargeId)
    if (!isUuid(officer)) return show(request, reply.code(400), { errors: { officerInChargeId: 'Select an officer' }, values: request.body ?? {}, form: 'officer' })
    return attempt(request, reply, 'officer', () => cases.update(caseId(request), { officerInChargeId: officer }, userOf(request), actorOf(request)), 'Officer in charge changed')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/people', edit, (request, reply) => {
    const body = request.body ?? {}
    const personId = asString(body.personId)
    return attempt(request, reply, 'person', () => cases.addPerson(caseId(request), { personId: isUuid(personId) ? personId : null, newName: asString(body.newName) || null, role: asString(body.role) }, userOf(request), actorOf(request)), 'Person added')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/members', edit, (request, reply) => {
    const body = request.body ?? {}
    const userId = asString(body.userId)
    const duty = asString(body.duty)
    const errors: FieldErrors = {}
    if (!isUuid(userId)) errors.userId = 'Select someone from the list'
    if (duty !== 'victim' && duty !== 'suspect') errors.duty = 'Select whether they work the victims’ side or the suspects’ side'
    if (Object.keys(errors).length) return show(request, reply.code(400), { errors, values: body, form: 'member' })
    return attempt(request, reply, 'member', () => cases.addMember(caseId(request), { userId, duty: duty as 'victim' | 'suspect' }, userOf(request), actorOf(request)), 'Added to the team')
  })

  app.post<{ Params: { id: string; userId: string }; Body: Body }>('/cases/:id/members/:userId/remove', edit, (request, reply) => {
    if (!isUuid(request.params.userId)) throw new NotFoundError()
    const reason = asString(request.body?.reason)
    const form = `remove-member-${request.params.userId}`
    if (!reason.trim()) return show(request, reply.code(400), { errors: { reason: 'Enter why they are leaving the team' }, values: request.body ?? {}, form })
    return attempt(request, reply, form, () => cases.removeMember(caseId(request), { userId: request.params.userId, reason }, userOf(request), actorOf(request)), 'Taken off the team')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/people/remove', edit, (request, reply) => {
    const body = request.body ?? {}
    const [personId = '', role = ''] = asString(body.personRole).split('|')
    const errors: FieldErrors = {}
    if (!isUuid(personId) || !role) errors.personRole = 'Select the person and role to remove'
    if (!asString(body.reason).trim()) errors.reason = 'Enter why the person is being removed from the live job'
    if (Object.keys(errors).length) return show(request, reply.code(400), { errors, values: body, form: 'remove-person' })
    return attempt(request, reply, 'remove-person', () => cases.removePerson(caseId(request), { personId, role, reason: asString(body.reason) }, userOf(request), actorOf(request)), 'Removed from the live job')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/tasks', edit, async (request, reply) => {
    const body = request.body ?? {}
    const errors: FieldErrors = {}
    const due = optionalDate(body, 'dueOn', 'Due date', errors)
    if (Object.keys(errors).length) return show(request, reply.code(400), { errors, values: body, form: 'task' })
    const owner = asString(body.ownerId)
    return attempt(request, reply, 'task', () => cases.addTask(caseId(request), { title: asString(body.taskTitle), ownerId: isUuid(owner) ? owner : null, dueOn: due }, userOf(request), actorOf(request)), 'Task added')
  })

  app.post<{ Params: { id: string; taskId: string }; Body: Body }>('/cases/:id/tasks/:taskId/done', edit, (request, reply) => {
    if (!isUuid(request.params.taskId)) throw new NotFoundError()
    return attempt(request, reply, 'task', () => cases.completeTask(caseId(request), request.params.taskId, userOf(request), actorOf(request)), 'Task completed')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/references', edit, async (request, reply) => {
    const body = request.body ?? {}
    let added
    try {
      added = await services.references.add({ type: 'case', id: caseId(request) }, readReferenceForm(body), userOf(request), actorOf(request))
    } catch (error) {
      const errors = referenceFieldErrors(error)
      if (errors) return show(request, reply.code(400), { errors, values: body, form: 'reference' })
      if (error instanceof OccurrenceReferenceError) throw new NotFoundError('Case not found')
      throw error
    }
    await request.flash(`${added.kindLabel} ${added.value} added`)
    return reply.redirect(`/cases/${caseId(request)}#references`, 303)
  })

  app.post<{ Params: { id: string; referenceId: string } }>('/cases/:id/references/:referenceId/remove', edit, async (request, reply) => {
    if (!isUuid(request.params.referenceId)) throw new NotFoundError()
    try {
      await services.references.remove({ type: 'case', id: caseId(request) }, request.params.referenceId, userOf(request), actorOf(request))
    } catch (error) {
      if (error instanceof OccurrenceReferenceError) throw new NotFoundError(error.code === 'not-found' ? error.message : undefined)
      throw error
    }
    await request.flash('Reference removed')
    return reply.redirect(`/cases/${caseId(request)}#references`, 303)
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/decisions', { config: { access: 'case:supervise' } }, async (request, reply) => {
    const body = request.body ?? {}
    const errors: FieldErrors = {}
    const check = checkDateInput(dateParts(body, 'decidedOn'), 'Date of the decision', { required: true, notInFuture: true })
    if (!check.ok) errors[`decidedOn-${check.part}`] = check.message
    if (Object.keys(errors).length || !check.ok) return show(request, reply.code(400), { errors, values: body, form: 'decision' })
    return attempt(request, reply, 'decision', () => cases.addDecision(caseId(request), { decidedOn: check.value!, decision: asString(body.decision), rationale: asString(body.rationale) }, userOf(request), actorOf(request)), 'Decision recorded')
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/deal-lines', edit, async (request, reply) => {
    const body = request.body ?? {}
    const errors: FieldErrors = {}
    const from = optionalDate(body, 'activeFrom', 'Active from', errors)
    const to = optionalDate(body, 'activeTo', 'Active to', errors)
    if (Object.keys(errors).length) return show(request, reply.code(400), { errors, values: body, form: 'deal-line' })
    const personId = asString(body.dealPersonId)
    return attempt(
      request,
      reply,
      'deal-line',
      () => cases.addDealLine(caseId(request), { number: asString(body.number), lineName: asString(body.lineName), area: asString(body.area), activeFrom: from, activeTo: to, personId: isUuid(personId) ? personId : null, relation: asString(body.dealRelation) === 'works' ? 'works' : 'runs' }, userOf(request), actorOf(request)),
      'Deal line added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/cuckooed-addresses', edit, (request, reply) => {
    const body = request.body ?? {}
    const postcode = asString(body.cuckooPostcode).trim()
    if (postcode && !isValidPostcode(postcode)) return show(request, reply.code(400), { errors: { cuckooPostcode: 'Enter a real UK postcode, like SW1A 1AA' }, values: body, form: 'cuckoo' })
    return attempt(
      request,
      reply,
      'cuckoo',
      () => cases.addCuckooedAddress(caseId(request), { addressLine1: asString(body.addressLine1), town: asString(body.town).trim() || null, postcode: postcode ? normalisePostcode(postcode) : null, occupantName: asString(body.occupantName), vulnerability: asString(body.vulnerability) }, userOf(request), actorOf(request)),
      'Cuckooed address added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/events', edit, async (request, reply) => {
    const body = request.body ?? {}
    const errors: FieldErrors = {}
    const check = checkDateInput(dateParts(body, 'eventDate'), 'Date', { required: true, notInFuture: true })
    if (!check.ok) errors[`eventDate-${check.part}`] = check.message
    // Arrest, custody and warrant timings matter to the job: a time is optional, on the 24-hour clock.
    const timeText = asString(body.eventTime).trim()
    const time = /^([01]?\d|2[0-3])[:.]([0-5]\d)$/.exec(timeText)
    if (timeText && !time) errors.eventTime = 'Enter the time on the 24-hour clock, like 06:05 or 14:30'
    if (Object.keys(errors).length || !check.ok) return show(request, reply.code(400), { errors, values: body, form: 'event' })
    const occurredAt = londonToInstant(check.value!, time ? `${time[1].padStart(2, '0')}:${time[2]}` : '00:00')
    if (occurredAt.getTime() > Date.now()) return show(request, reply.code(400), { errors: { eventTime: 'The time must not be in the future' }, values: body, form: 'event' })
    const place = asString(body.eventLocation)
    return attempt(request, reply, 'event', () => cases.addEvent(caseId(request), { kind: asString(body.eventKind), occurredAt, timeKnown: Boolean(time), summary: asString(body.eventSummary), personIds: asArray(body.eventPeople).filter(isUuid), locationId: isUuid(place) ? place : null }, userOf(request), actorOf(request)), 'Event recorded')
  })
}
