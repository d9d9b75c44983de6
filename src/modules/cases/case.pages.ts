import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import {
  CuckooedAddressForm,
  DealLineForm,
  DecisionForm,
  EventForm,
  ExhibitForm,
  IntelligenceReportForm,
  MemberForm,
  StageDateForm,
  MemberRemovalForm,
  PersonRemovalForm,
  TaskForm,
} from './case.forms.ts'
import { can } from '#src/platform/auth/permissions.ts'
import { formatDate, formatDateTime, londonDate, londonToInstant } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { treatedAsChild } from '#src/shared/child.ts'
import { businessRelationText, describeAge, type PlaceMatch } from '#src/modules/people/index.ts'
import {
  readReferenceForm,
  REFERENCE_FIELDS,
  REFERENCE_KIND_ITEMS,
  referenceFieldErrors,
} from '#src/modules/occurrence-references/index.ts'
import { CaseError, STAGE_KINDS, type CaseChange, type StageKind } from './case.service.ts'
import { CASE_ROLES, EVENT_KINDS, unknownOthersText, type CaseRole } from '#src/modules/people/index.ts'

type Body = Record<string, unknown>
type Params = { id: string }

/** Live jobs (cases): open from a referral, then work them. */
export function registerCasePages(app: FastifyInstance, { services }: AppDeps): void {
  const cases = services.cases

  function caseId(request: FastifyRequest<{ Params: Params }>) {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  async function show(
    request: FastifyRequest<{ Params: Params }>,
    reply: FastifyReply,
    state: { errors?: FieldErrors; values?: Body; form?: string; placeMatches?: PlaceMatch[] } = {},
  ) {
    const view = await cases.view(caseId(request), userOf(request), actorOf(request))
    const names = new Map(view.people.map((p) => [p.person_id, p.name]))
    const dealLines = view.objects
      .filter((o) => o.kind === 'deal-line')
      .map((o) => ({
        ...o,
        details: o.details as {
          lineName?: string
          area?: string
          activeFrom?: string | null
          activeTo?: string | null
        },
        people: view.links
          .filter((l) => l.to_id === o.id)
          .map((l) => ({
            name: l.name,
            relation: l.relation,
            child: treatedAsChild(l),
            href: `/people/${l.person_id}`,
          })),
      }))
    const assignees = await services.referrals.assignableUsers()
    const agencyList =
      can(request.user, 'case:edit') || view.case.kind === 'county-lines' ? await services.partners.list() : []
    const cceTeam = agencyList.find((a) => a.kind === 'police-team' && /exploitation/i.test(a.name)) ?? null
    const contacts = can(request.user, 'case:edit') ? await services.partners.contactsForSelection() : []
    const errors = state.errors ?? {}
    const references = await services.references.list({ type: 'case', id: view.case.id }, userOf(request))
    return reply.page('cases/views/show.njk', {
      pageTitle: `${view.case.reference}: ${view.case.title}`,
      c: view.case,
      people: view.people.map((p) => ({
        ...p,
        roleLabels: p.roles.map((r) => CASE_ROLES[r as CaseRole] ?? r),
        age: describeAge(p),
        child: treatedAsChild(p),
        victimInCase: p.roles.some((r) => r.includes('victim')),
        victimAndSuspect: p.roles.some((r) => r.includes('victim')) && p.roles.some((r) => r.startsWith('suspect')),
      })),
      locations: view.locations.map((l) => ({
        ...l,
        text: [l.address_line_1, l.town, l.postcode].filter(Boolean).join(', ') || l.description,
        occupants: view.links
          .filter((k) => k.to_id === l.id)
          .map((k) => ({ name: k.name, href: `/people/${k.person_id}` })),
      })),
      dealLines,
      unknownOthers: view.unknownOthers && unknownOthersText(view.unknownOthers),
      referrals: view.referrals,
      tasks: view.tasks.map((t) => ({
        ...t,
        due: t.due_on ? formatDate(t.due_on) : null,
        overdue: t.status === 'open' && t.due_on !== null && t.due_on < londonDate(),
      })),
      decisions: view.decisions.map((d) => ({
        ...d,
        on: formatDate(d.decided_on),
        at: formatDateTime(d.recorded_at),
        signedAt: d.countersigned ? formatDateTime(d.countersigned.countersigned_at) : null,
        mine: d.recorded_by === userOf(request).id,
      })),
      stageDates: view.stageDates.map((d) => ({
        ...d,
        label: STAGE_KINDS[d.kind as StageKind] ?? d.kind,
        on: formatDate(d.occurred_on),
        due: d.due_on ? formatDate(d.due_on) : null,
        overdue: d.due_on !== null && d.due_on < londonDate(),
      })),
      stageItems: Object.entries(STAGE_KINDS).map(([value, text]) => ({ value, text })),
      exhibits: view.exhibits.map((x) => ({ ...x, seized: x.seized_on ? formatDate(x.seized_on) : null })),
      intelligenceReports: view.intelligenceReports,
      businesses: view.businesses.map((b) => ({ ...b, relationText: businessRelationText(b.relation) })),
      events: view.events.map((e) => ({
        ...e,
        kindLabel: EVENT_KINDS[e.kind as keyof typeof EVENT_KINDS] ?? e.kind,
        at: e.time_known ? formatDateTime(e.occurred_at) : formatDate(e.occurred_at),
      })),
      timeline: view.timeline.map((t) => ({
        label: { text: t.text },
        datetime: { timestamp: t.occurred_at.toISOString(), format: 'datetime' },
        byline: { text: t.actor_name ?? 'Lantern' },
      })),
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
      canDecide: view.access.officerInCharge || view.access.supervisor,
      canCountersign: can(request.user, 'case:supervise'),
      leadsTeam: view.access.officerInCharge || view.access.supervisor,
      // Screening people met on the job: offered to those with its victims' side duty (the access policy) who may screen.
      canScreen:
        services.screeningGroups.mayScreen(userOf(request)) && (view.access.victimSide || view.access.supervisor),
      screeningGroups: (await services.screeningGroups.listForCase(view.case.id)).map((g) => ({
        ...g,
        on: formatDate(g.encountered_on),
      })),
      members: view.members,
      teamCandidates:
        view.access.officerInCharge || view.access.supervisor
          ? (await cases.teamCandidates()).filter((u) => !view.members.some((m) => m.user_id === u.id))
          : [],
      statusItems: [
        { value: 'open', text: 'Open' },
        {
          value: 'suspended',
          text: 'Suspended',
          hint: { text: 'Work has stopped for now, for example waiting for a partner or a victim’s recovery' },
        },
        ...(can(request.user, 'case:supervise')
          ? [{ value: 'closed', text: 'Closed', hint: { text: 'A supervisor’s decision: record the rationale' } }]
          : []),
      ],
      names: Object.fromEntries(names),
      errors,
      references,
      referenceKinds: REFERENCE_KIND_ITEMS,
      errorList: errorSummary(errors, REFERENCE_FIELDS),
      values: state.values ?? {},
      form: state.form ?? null,
      // "Is this the same place?" on the cuckooed-address form: the places recorded elsewhere at the postcode typed.
      placeMatches: state.placeMatches ?? [],
    })
  }

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
      if (error instanceof CaseError && error.code === 'invalid')
        return show(request, reply.code(400), {
          errors: { [error.field ?? 'form']: error.message },
          values: request.body ?? {},
          form,
        })
      if (error instanceof CaseError && error.code === 'forbidden')
        return show(request, reply.code(403), {
          errors: { [form === 'status' ? 'status' : 'form']: error.message },
          values: request.body ?? {},
          form,
        })
      throw error
    }
    await request.flash(done)
    return reply.redirect(`/cases/${caseId(request)}`, 303)
  }

  const view = { config: { access: 'case:view' as const } }
  const edit = { config: { access: 'case:edit' as const } }

  app.get<{ Querystring: { status?: string; kind?: string } }>('/cases', view, async (request, reply) => {
    const status = ['open', 'suspended', 'closed'].includes(request.query.status ?? '')
      ? request.query.status!
      : request.query.status === 'all'
        ? null
        : 'open'
    const kind = ['investigation', 'county-lines'].includes(request.query.kind ?? '') ? request.query.kind! : null
    const rows = await cases.list(userOf(request), status, kind)
    return reply.page('cases/views/list.njk', {
      pageTitle: 'Live jobs',
      rows: rows.map((r) => ({ ...r, opened: formatDate(r.created_at) })),
      status,
      kind,
      statusItems: [
        ['open', 'Open'],
        ['suspended', 'Suspended'],
        ['closed', 'Closed'],
        ['all', 'Any status'],
      ].map(([value, text]) => ({ value, text, selected: value === (status ?? 'all') })),
      kindItems: [
        ['', 'Any kind'],
        ['investigation', 'Investigation'],
        ['county-lines', 'County Lines'],
      ].map(([value, text]) => ({ value, text, selected: value === (kind ?? '') })),
    })
  })

  app.post<{ Params: Params; Body: Body }>('/referrals/:id/cases', edit, async (request, reply) => {
    const referralId = caseId(request)
    const body = request.body ?? {}
    const kind = asString(body.kind) === 'county-lines' ? 'county-lines' : 'investigation'
    try {
      const created = await cases.openFromReferral(
        referralId,
        { title: asString(body.title), kind },
        userOf(request),
        actorOf(request),
      )
      await request.flash(`Live job ${created.reference} opened`)
      return reply.redirect(`/cases/${created.id}`, 303)
    } catch (error) {
      if (error instanceof CaseError && (error.code === 'invalid' || error.code === 'forbidden')) {
        await request.flash(`The live job was not opened: ${error.message}`)
        return reply.redirect(`/referrals/${referralId}#open-case`, 303)
      }
      throw error
    }
  })

  app.get<{ Params: Params }>('/cases/:id', view, (request, reply) => show(request, reply))

  app.post<{ Params: Params; Body: Body }>('/cases/:id/status', edit, (request, reply) => {
    const body = request.body ?? {}
    const status = asString(body.status)
    if (!['open', 'suspended', 'closed'].includes(status))
      return show(request, reply.code(400), { errors: { status: 'Select a status' }, values: body, form: 'status' })
    const change: CaseChange = { status: status as CaseChange['status'], reason: asString(body.reason).slice(0, 2000) }
    if (can(request.user, 'case:supervise')) change.restricted = asString(body.restricted) === 'yes'
    return attempt(
      request,
      reply,
      'status',
      () => cases.update(caseId(request), change, userOf(request), actorOf(request)),
      'Live job updated',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/agencies', edit, (request, reply) => {
    const body = request.body ?? {}
    const agencyId = asString(body.agencyId)
    const contactId = asString(body.contactId)
    if (!isUuid(agencyId))
      return show(request, reply.code(400), {
        errors: { agencyId: 'Select an agency from the list' },
        values: body,
        form: 'agency',
      })
    return attempt(
      request,
      reply,
      'agency',
      () =>
        cases.involveAgency(
          caseId(request),
          {
            agencyId,
            contactId: isUuid(contactId) ? contactId : null,
            involvement: asString(body.involvement).slice(0, 1000),
          },
          userOf(request),
          actorOf(request),
        ),
      'Agency involved',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/officer', edit, (request, reply) => {
    const officer = asString(request.body?.officerInChargeId)
    if (!isUuid(officer))
      return show(request, reply.code(400), {
        errors: { officerInChargeId: 'Select an officer' },
        values: request.body ?? {},
        form: 'officer',
      })
    return attempt(
      request,
      reply,
      'officer',
      () => cases.update(caseId(request), { officerInChargeId: officer }, userOf(request), actorOf(request)),
      'Officer in charge changed',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/people', edit, (request, reply) => {
    const body = request.body ?? {}
    const personId = asString(body.personId)
    return attempt(
      request,
      reply,
      'person',
      () =>
        cases.addPerson(
          caseId(request),
          {
            personId: isUuid(personId) ? personId : null,
            newName: asString(body.newName) || null,
            role: asString(body.role),
          },
          userOf(request),
          actorOf(request),
        ),
      'Person added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/members', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(MemberForm, body)
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'member' })
    return attempt(
      request,
      reply,
      'member',
      () => cases.addMember(caseId(request), parsed.value, userOf(request), actorOf(request)),
      'Added to the team',
    )
  })

  app.post<{ Params: { id: string; userId: string }; Body: Body }>(
    '/cases/:id/members/:userId/remove',
    edit,
    (request, reply) => {
      if (!isUuid(request.params.userId)) throw new NotFoundError()
      const form = `remove-member-${request.params.userId}`
      const parsed = parseForm(MemberRemovalForm, request.body ?? {})
      if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: request.body ?? {}, form })
      return attempt(
        request,
        reply,
        form,
        () =>
          cases.removeMember(
            caseId(request),
            { userId: request.params.userId, reason: parsed.value.reason },
            userOf(request),
            actorOf(request),
          ),
        'Taken off the team',
      )
    },
  )

  app.post<{ Params: Params; Body: Body }>('/cases/:id/people/remove', edit, (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(PersonRemovalForm, body)
    if (!parsed.ok)
      return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'remove-person' })
    const { personRole, reason } = parsed.value
    return attempt(
      request,
      reply,
      'remove-person',
      () => cases.removePerson(caseId(request), { ...personRole, reason }, userOf(request), actorOf(request)),
      'Removed from the live job',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/tasks', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(TaskForm, withDateParts(body, 'dueOn'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'task' })
    const { taskTitle: title, ownerId, dueOn } = parsed.value
    return attempt(
      request,
      reply,
      'task',
      () => cases.addTask(caseId(request), { title, ownerId, dueOn }, userOf(request), actorOf(request)),
      'Task added',
    )
  })

  app.post<{ Params: { id: string; taskId: string }; Body: Body }>(
    '/cases/:id/tasks/:taskId/done',
    edit,
    (request, reply) => {
      if (!isUuid(request.params.taskId)) throw new NotFoundError()
      return attempt(
        request,
        reply,
        'task',
        () => cases.completeTask(caseId(request), request.params.taskId, userOf(request), actorOf(request)),
        'Task completed',
      )
    },
  )

  app.post<{ Params: Params; Body: Body }>('/cases/:id/references', edit, async (request, reply) => {
    const body = request.body ?? {}
    let added
    try {
      added = await services.references.add(
        { type: 'case', id: caseId(request) },
        readReferenceForm(body),
        userOf(request),
        actorOf(request),
      )
    } catch (error) {
      const errors = referenceFieldErrors(error)
      if (errors) return show(request, reply.code(400), { errors, values: body, form: 'reference' })
      throw error
    }
    await request.flash(`${added.kindLabel} ${added.value} added`)
    return reply.redirect(`/cases/${caseId(request)}#references`, 303)
  })

  app.post<{ Params: { id: string; referenceId: string } }>(
    '/cases/:id/references/:referenceId/remove',
    edit,
    async (request, reply) => {
      if (!isUuid(request.params.referenceId)) throw new NotFoundError()
      await services.references.remove(
        { type: 'case', id: caseId(request) },
        request.params.referenceId,
        userOf(request),
        actorOf(request),
      )
      await request.flash('Reference removed')
      return reply.redirect(`/cases/${caseId(request)}#references`, 303)
    },
  )

  app.post<{ Params: { id: string; decisionId: string }; Body: Body }>(
    '/cases/:id/decisions/:decisionId/countersign',
    { config: { access: 'case:supervise' } },
    async (request, reply) => {
      if (!isUuid(request.params.decisionId)) throw new NotFoundError('Decision not found')
      const comment = asString((request.body ?? {}).countersignComment) || null
      return attempt(
        request,
        reply,
        'countersign',
        () =>
          cases.countersignDecision(
            caseId(request),
            request.params.decisionId,
            { comment },
            userOf(request),
            actorOf(request),
          ),
        'Decision countersigned',
      )
    },
  )

  app.post<{ Params: Params; Body: Body }>('/cases/:id/stage-dates', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(StageDateForm, withDateParts(body, 'stageDate', 'stageDue'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'stage' })
    const v = parsed.value
    return attempt(
      request,
      reply,
      'stage',
      () =>
        cases.addStageDate(
          caseId(request),
          {
            kind: v.stageKind,
            occurredOn: v.stageDate!,
            dueOn: v.stageDue,
            personId: v.stagePerson,
            note: v.stageNote,
          },
          userOf(request),
          actorOf(request),
        ),
      'Stage date recorded',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/exhibits', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(ExhibitForm, withDateParts(body, 'exhibitSeized'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'exhibit' })
    const v = parsed.value
    return attempt(
      request,
      reply,
      'exhibit',
      () =>
        cases.addExhibit(
          caseId(request),
          {
            kind: v.exhibitKind,
            reference: v.exhibitReference,
            description: v.exhibitDescription,
            seizedOn: v.exhibitSeized,
            seizedFrom: v.exhibitFrom,
            storage: v.exhibitStorage || null,
            phone: v.exhibitPhone || null,
          },
          userOf(request),
          actorOf(request),
        ),
      'Logged',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/intelligence-reports', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(IntelligenceReportForm, body)
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'intel' })
    return attempt(
      request,
      reply,
      'intel',
      () =>
        cases.linkIntelligenceReport(
          caseId(request),
          { reference: parsed.value.intelReference, note: parsed.value.intelNote || null },
          userOf(request),
          actorOf(request),
        ),
      'Intelligence report linked',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/decisions', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(DecisionForm, withDateParts(body, 'decidedOn'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'decision' })
    const { decidedOn, decision, rationale } = parsed.value
    return attempt(
      request,
      reply,
      'decision',
      () =>
        cases.addDecision(
          caseId(request),
          { decidedOn: decidedOn!, decision, rationale },
          userOf(request),
          actorOf(request),
        ),
      'Decision recorded',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/deal-lines', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(DealLineForm, withDateParts(body, 'activeFrom', 'activeTo'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'deal-line' })
    const { dealPersonId: personId, dealRelation: relation, ...line } = parsed.value
    return attempt(
      request,
      reply,
      'deal-line',
      () => cases.addDealLine(caseId(request), { ...line, personId, relation }, userOf(request), actorOf(request)),
      'Deal line added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/cuckooed-addresses', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(CuckooedAddressForm, body)
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'cuckoo' })
    const { cuckooPostcode: postcode, cuckooPlaceId: placeId, occupantPersonId: occupantId, ...address } = parsed.value
    // "Is this the same place?", as referral intake asks it: an address not on the job yet, at a postcode where
    // places are already recorded, is offered them before a copy is made. The answer holds for the address it was
    // asked about; a changed address is asked again.
    let samePlaceAs: string | null = null
    let separatePlace = false
    if (!placeId && address.addressLine1) {
      const placeMatches = await cases.placesToOffer(
        caseId(request),
        { addressLine1: address.addressLine1, postcode },
        userOf(request),
      )
      if (placeMatches.length > 0) {
        const checked = `${postcode}|${address.addressLine1}`.toUpperCase()
        const answer = asString(body.samePlace)
        const values = { ...body, checked }
        if (asString(body.checked) !== checked) return show(request, reply, { values, form: 'cuckoo', placeMatches })
        if (answer !== 'new' && !placeMatches.some((m) => m.id === answer))
          return show(request, reply.code(400), {
            errors: {
              samePlace:
                placeMatches.length === 1
                  ? 'Select whether this is the same place'
                  : 'Select the place, or say it is a different one',
            },
            values,
            form: 'cuckoo',
            placeMatches,
          })
        if (answer === 'new') separatePlace = true
        else samePlaceAs = answer
      }
    }
    return attempt(
      request,
      reply,
      'cuckoo',
      () =>
        cases.addCuckooedAddress(
          caseId(request),
          { ...address, postcode, placeId, samePlaceAs, separatePlace, occupantId },
          userOf(request),
          actorOf(request),
        ),
      'Cuckooed address added',
    )
  })

  app.post<{ Params: Params; Body: Body }>('/cases/:id/events', edit, async (request, reply) => {
    const body = request.body ?? {}
    const parsed = parseForm(EventForm, withDateParts(body, 'eventDate'))
    if (!parsed.ok) return show(request, reply.code(400), { errors: parsed.errors, values: body, form: 'event' })
    const {
      eventKind: kind,
      eventDate,
      eventTime: time,
      eventSummary: summary,
      eventPeople: personIds,
      eventLocation: locationId,
    } = parsed.value
    const occurredAt = londonToInstant(eventDate!, time ?? '00:00')
    if (occurredAt.getTime() > Date.now())
      return show(request, reply.code(400), {
        errors: { eventTime: 'The time must not be in the future' },
        values: body,
        form: 'event',
      })
    return attempt(
      request,
      reply,
      'event',
      () =>
        cases.addEvent(
          caseId(request),
          { kind, occurredAt, timeKnown: time !== null, summary, personIds, locationId },
          userOf(request),
          actorOf(request),
        ),
      'Event recorded',
    )
  })
}
