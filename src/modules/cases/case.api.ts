import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { IsoDate } from '#src/shared/input.ts'
import { LocationInput, unknownOthersText } from '#src/modules/people/index.ts'
import { CaseError } from './case.service.ts'
import { CASE_ROLES, EVENT_KINDS, type CaseRole } from '#src/modules/people/index.ts'

const CaseSummary = z.object({
  id: z.uuid(),
  reference: z.string(),
  title: z.string(),
  kind: z.string(),
  status: z.string(),
  officerInCharge: z.string().nullable(),
  restricted: z.boolean(),
  openedAt: z.string(),
})
const CaseDetail = CaseSummary.extend({
  agencies: z.array(
    z.object({ agencyId: z.uuid(), name: z.string(), involvement: z.string(), contact: z.string().nullable() }),
  ),
  people: z.array(z.object({ personId: z.uuid(), name: z.string().nullable(), roles: z.array(z.string()) })),
  referrals: z.array(z.object({ id: z.uuid(), reference: z.string() })),
  tasks: z.array(
    z.object({
      id: z.uuid(),
      title: z.string(),
      owner: z.string().nullable(),
      dueOn: z.string().nullable(),
      status: z.string(),
    }),
  ),
  decisions: z.array(
    z.object({
      id: z.uuid(),
      decidedOn: z.string(),
      decision: z.string(),
      rationale: z.string(),
      recordedBy: z.string(),
      countersigned: z.object({ by: z.string(), at: z.string(), comment: z.string().nullable() }).nullable(),
    }),
  ),
  /** The job's places (as the page shows them), the cuckooed ones marked, each with who is linked to it. */
  places: z.array(
    z.object({
      id: z.uuid(),
      display: z.string(),
      postcode: z.string().nullable(),
      premisesType: z.string(),
      cuckooed: z.boolean(),
      /** About how many people are at the place not yet identified, as estimated on the place. */
      unknownOthers: z.number().int().nullable(),
      people: z.array(z.object({ personId: z.uuid(), name: z.string().nullable(), relation: z.string() })),
    }),
  ),
  /** The total of the estimates of people not yet identified at the job's places (a merged place counted once). */
  unknownOthers: z.object({ count: z.number().int(), places: z.number().int(), text: z.string() }).nullable(),
  /** The job's phones, vehicles and accounts (deal lines are listed under dealLines). */
  objects: z.array(z.object({ id: z.uuid(), kind: z.string(), display: z.string() })),
  dealLines: z.array(
    z.object({
      id: z.uuid(),
      number: z.string(),
      lineName: z.string().nullable(),
      area: z.string().nullable(),
      activeFrom: z.string().nullable(),
      activeTo: z.string().nullable(),
      people: z.array(z.object({ personId: z.uuid(), name: z.string().nullable(), relation: z.string() })),
    }),
  ),
  cuckooedAddresses: z.array(
    z.object({
      id: z.uuid(),
      display: z.string(),
      occupants: z.array(z.object({ personId: z.uuid(), name: z.string().nullable() })),
    }),
  ),
  businesses: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.string() })),
  stageDates: z.array(
    z.object({
      kind: z.string(),
      date: z.string(),
      due: z.string().nullable(),
      personId: z.uuid().nullable(),
      note: z.string().nullable(),
    }),
  ),
  exhibits: z.array(
    z.object({
      reference: z.string(),
      kind: z.string(),
      description: z.string(),
      seizedOn: z.string().nullable(),
      seizedFrom: z.uuid().nullable(),
      handset: z.string().nullable(),
      storage: z.string().nullable(),
    }),
  ),
  intelligenceReports: z.array(z.object({ reference: z.string(), note: z.string().nullable() })),
  events: z.array(
    z.object({
      id: z.uuid(),
      kind: z.string(),
      occurredAt: z.string(),
      timeKnown: z.boolean(),
      place: z.string().nullable(),
      summary: z.string(),
      people: z.array(z.string().nullable()),
    }),
  ),
})

/** Live jobs over the API. Restricted cases are invisible to outsiders here too: to them they are not found. */
export function registerCaseApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  // The service names page fields; the API's problem pointers name the JSON fields.
  const API_FIELDS: Record<string, string> = {
    eventKind: 'kind',
    eventSummary: 'summary',
    eventLocation: 'locationId',
    eventPeople: 'personIds',
    addressLine1: 'place/addressLine1',
  }
  const rethrow = apiRethrow(CaseError, API_FIELDS)
  const summary = (c: {
    id: string
    reference: string
    title: string
    kind: string
    status: string
    oic_name: string | null
    restricted: boolean
    created_at: Date
  }) => ({
    id: c.id,
    reference: c.reference,
    title: c.title,
    kind: c.kind,
    status: c.status,
    officerInCharge: c.oic_name,
    restricted: c.restricted,
    openedAt: c.created_at.toISOString(),
  })

  api.get(
    '/api/v1/cases',
    {
      config: { access: 'case:view' },
      schema: {
        tags: ['cases'],
        summary: 'List live jobs',
        querystring: z.object({ status: z.enum(['open', 'suspended', 'closed', 'all']).default('open') }).strict(),
        response: { 200: z.object({ items: z.array(CaseSummary) }) },
      },
    },
    async (request) => ({
      items: (
        await services.cases.list(userOf(request), request.query.status === 'all' ? null : request.query.status)
      ).map(summary),
    }),
  )

  api.get(
    '/api/v1/cases/:id',
    {
      config: { access: 'case:view' },
      schema: {
        tags: ['cases'],
        summary: 'Read a live job',
        params: z.object({ id: z.uuid() }),
        response: { 200: CaseDetail },
      },
    },
    async (request) => {
      const view = await services.cases.view(request.params.id, userOf(request), actorOf(request))
      const linked = (id: string) =>
        view.links
          .filter((l) => l.to_id === id)
          .map((l) => ({ personId: l.person_id, name: l.name, relation: l.relation }))
      return {
        ...summary(view.case),
        agencies: view.agencies.map((a) => ({
          agencyId: a.agency_id,
          name: a.name,
          involvement: a.involvement,
          contact: a.contact_name,
        })),
        people: view.people.map((p) => ({ personId: p.person_id, name: p.name, roles: p.roles })),
        referrals: view.referrals.map((r) => ({ id: r.id, reference: r.reference })),
        tasks: view.tasks.map((t) => ({
          id: t.id,
          title: t.title,
          owner: t.owner_name,
          dueOn: t.due_on,
          status: t.status,
        })),
        decisions: view.decisions.map((d) => ({
          id: d.id,
          decidedOn: d.decided_on,
          decision: d.decision,
          rationale: d.rationale,
          recordedBy: d.recorded_by_name,
          countersigned: d.countersigned
            ? {
                by: d.countersigned.by_name,
                at: d.countersigned.countersigned_at.toISOString(),
                comment: d.countersigned.comment,
              }
            : null,
        })),
        places: view.locations.map((l) => ({
          id: l.id,
          display: [l.address_line_1, l.town, l.postcode, l.description].filter(Boolean).join(', '),
          postcode: l.postcode,
          premisesType: l.premises_type,
          cuckooed: l.cuckooed,
          unknownOthers: l.unknown_others,
          people: linked(l.id),
        })),
        unknownOthers: view.unknownOthers && { ...view.unknownOthers, text: unknownOthersText(view.unknownOthers) },
        objects: view.objects
          .filter((o) => o.kind !== 'deal-line')
          .map((o) => ({ id: o.id, kind: o.kind, display: o.display })),
        dealLines: view.objects
          .filter((o) => o.kind === 'deal-line')
          .map((o) => {
            const details = o.details as Record<string, string | null | undefined>
            return {
              id: o.id,
              number: o.display,
              lineName: details.lineName ?? null,
              area: details.area || null,
              activeFrom: details.activeFrom ?? null,
              activeTo: details.activeTo ?? null,
              people: linked(o.id),
            }
          }),
        cuckooedAddresses: view.locations
          .filter((l) => l.cuckooed)
          .map((l) => ({
            id: l.id,
            display: [l.address_line_1, l.town, l.postcode].filter(Boolean).join(', '),
            occupants: linked(l.id).map(({ personId, name }) => ({ personId, name })),
          })),
        businesses: view.businesses.map((b) => ({ id: b.id, name: b.name, kind: b.kind })),
        stageDates: view.stageDates.map((d) => ({
          kind: d.kind,
          date: d.occurred_on,
          due: d.due_on,
          personId: d.person_id,
          note: d.note,
        })),
        exhibits: view.exhibits.map((x) => ({
          reference: x.reference,
          kind: x.kind,
          description: x.description,
          seizedOn: x.seized_on,
          seizedFrom: x.seized_from,
          handset: x.handset,
          storage: x.storage,
        })),
        intelligenceReports: view.intelligenceReports.map((r) => ({ reference: r.reference, note: r.note })),
        events: view.events.map((e) => ({
          id: e.id,
          kind: e.kind,
          occurredAt: e.occurred_at.toISOString(),
          timeKnown: e.time_known,
          place: e.place,
          summary: e.summary,
          people: e.people ?? [],
        })),
      }
    },
  )

  api.post(
    '/api/v1/cases/:id/events',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Record an event on a live job: an encounter, incident, premises visit, warrant, arrest, missing episode or return home interview',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            kind: z.enum(Object.keys(EVENT_KINDS) as [keyof typeof EVENT_KINDS]),
            occurredAt: z.iso.datetime({ offset: true }),
            summary: z.string().min(1).max(4000),
            personIds: z.array(z.uuid()).max(50).default([]),
            locationId: z.uuid().nullable().default(null),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.addEvent(
          request.params.id,
          { ...request.body, occurredAt: new Date(request.body.occurredAt) },
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/api/v1/cases',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Open a live job from a referral, carrying its people (with their roles) and places across; you become officer in charge',
        body: z
          .object({
            referralId: z.uuid(),
            title: z.string().trim().min(1, { error: 'Enter a title for the live job' }).max(200),
            kind: z.enum(['investigation', 'county-lines']).default('investigation'),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid(), reference: z.string() }) },
      },
    },
    async (request, reply) => {
      try {
        const opened = await services.cases.openFromReferral(
          request.body.referralId,
          { title: request.body.title, kind: request.body.kind },
          userOf(request),
          actorOf(request),
        )
        return reply.code(201).header('location', `/api/v1/cases/${opened.id}`).send(opened)
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.patch(
    '/api/v1/cases/:id',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Change a live job’s status (with a reason; closing is a supervisor’s decision), officer in charge, or restriction (supervisors)',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            status: z.enum(['open', 'suspended', 'closed']).optional(),
            reason: z.string().max(1000).nullable().optional(),
            officerInChargeId: z.uuid().optional(),
            restricted: z.boolean().optional(),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.update(request.params.id, request.body, userOf(request), actorOf(request))
      } catch (error) {
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/api/v1/cases/:id/people',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Add a person to a live job in a role; the same person may be a victim here and a suspect elsewhere, or both here',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            personId: z.uuid().nullable().default(null),
            newName: z.string().max(200).nullable().default(null),
            role: z.enum(Object.keys(CASE_ROLES) as [CaseRole]),
          })
          .strict()
          .refine((b) => b.personId || b.newName?.trim(), {
            error: 'Give the personId of someone known, or the newName of someone new',
            path: ['personId'],
          }),
        response: { 201: z.object({ personId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        const personId = await services.cases.addPerson(
          request.params.id,
          request.body,
          userOf(request),
          actorOf(request),
        )
        return reply.code(201).send({ personId })
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  // ---- The team: who works a live job, with a victim-side or suspect-side duty (ADR 0009) ----------------
  // The same service calls as the page: only the officer in charge or a supervisor changes the team, each change
  // is audited (and shown to the DPO as an access change), and a restricted job is not found for anyone outside it.
  const Duty = z.enum(['victim', 'suspect'], {
    error: 'Give the duty: victim (works the victims’ protected side) or suspect (the suspects’ side only)',
  })
  const Member = z.object({
    userId: z.uuid(),
    name: z.string(),
    role: z.string(),
    duty: Duty.describe(
      'victim: sees and works the victims’ screening, consent, NRM and safeguarding; suspect: works the investigation, the victims’ protected side stays hidden',
    ),
    officerInCharge: z.boolean(),
    addedAt: z.string(),
  })
  const Reason = z.string().trim().max(500, { error: 'Reason must be 500 characters or fewer' })

  api.get(
    '/api/v1/cases/:id/members',
    {
      config: { access: 'case:view' },
      schema: {
        tags: ['cases'],
        summary: 'The live job’s team: who works it, and on which side (victims’ or suspects’)',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ items: z.array(Member) }) },
      },
    },
    async (request) => {
      try {
        const team = await services.cases.team(request.params.id, userOf(request), actorOf(request))
        return {
          items: team.members.map((m) => ({
            userId: m.user_id,
            name: m.display_name,
            role: m.role_name,
            duty: m.victim_facet ? ('victim' as const) : ('suspect' as const),
            officerInCharge: m.user_id === team.officerInCharge,
            addedAt: m.added_at.toISOString(),
          })),
        }
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/cases/:id/members',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Put someone on the live job’s team with a victim-side or suspect-side duty, or change their duty (the officer in charge or a supervisor; audited)',
        params: z.object({ id: z.uuid() }),
        body: z.object({ userId: z.uuid({ error: 'Give the id of an officer, PCSO or ISA' }), duty: Duty }).strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.addMember(request.params.id, request.body, userOf(request), actorOf(request))
      } catch (error) {
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/api/v1/cases/:id/members/:userId/remove',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Take someone off the live job’s team, saying why: their duty, and any access it gave, ends at once (the officer in charge or a supervisor; audited)',
        params: z.object({ id: z.uuid(), userId: z.uuid() }),
        body: z.object({ reason: Reason.min(1, { error: 'Enter why they are leaving the team' }) }).strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.removeMember(
          request.params.id,
          { userId: request.params.userId, reason: request.body.reason },
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        // The user is named by the path, not the body: the problem says what is wrong without a body pointer.
        if (error instanceof CaseError && error.field === 'userId') throw new CaseError(error.code, error.message)
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/api/v1/cases/:id/people/:personId/remove',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Take a person’s role in the live job away, saying why (for example, recorded in error); a person holding two roles keeps the other (the officer in charge or a supervisor; audited)',
        params: z.object({ id: z.uuid(), personId: z.uuid() }),
        body: z
          .object({
            role: z.enum(Object.keys(CASE_ROLES) as [CaseRole], { error: 'Give the role to remove' }),
            reason: Reason.min(1, { error: 'Enter why the person is being removed from the live job' }),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.removePerson(
          request.params.id,
          { personId: request.params.personId, role: request.body.role, reason: request.body.reason },
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/api/v1/cases/:id/locations',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary: 'Add a place to a live job: a known one by locationId, or a new one',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({ locationId: z.uuid().nullable().default(null), place: LocationInput.nullable().default(null) })
          .strict()
          .refine((b) => Boolean(b.locationId) !== Boolean(b.place), {
            error: 'Give exactly one of locationId or place',
            path: ['locationId'],
          }),
        response: { 201: z.object({ locationId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send({
          locationId: await services.cases.addPlace(request.params.id, request.body, userOf(request), actorOf(request)),
        })
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/cases/:id/agencies',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary:
          'Involve a partner agency in a live job (for County Lines, the child criminal and sexual exploitation team), with its contact and what it is doing',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            agencyId: z.uuid(),
            contactId: z.uuid().nullable().default(null),
            involvement: z.string().min(1, { error: 'Say what the agency is doing in this live job' }).max(500),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.involveAgency(request.params.id, request.body, userOf(request), actorOf(request))
      } catch (error) {
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.get(
    '/api/v1/events',
    {
      config: { access: 'case:view' },
      schema: {
        tags: ['cases'],
        summary:
          'Events (encounters, visits, warrants, arrests, missing episodes…) involving a person or at a place, across the live jobs you may see',
        querystring: z
          .object({ personId: z.uuid().optional(), locationId: z.uuid().optional() })
          .strict()
          .refine((q) => Boolean(q.personId) !== Boolean(q.locationId), {
            error: 'Give exactly one of personId or locationId',
            path: ['personId'],
          }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.uuid(),
                kind: z.string(),
                occurredAt: z.string(),
                timeKnown: z.boolean(),
                summary: z.string(),
                caseId: z.uuid(),
                caseReference: z.string(),
                locationId: z.uuid().nullable(),
                place: z.string().nullable(),
                people: z.array(z.object({ id: z.uuid(), name: z.string().nullable() })),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: (await services.cases.eventsFor(request.query, userOf(request), actorOf(request))).map((e) => ({
        id: e.id,
        kind: e.kind,
        occurredAt: new Date(e.occurred_at).toISOString(),
        timeKnown: e.time_known,
        summary: e.summary,
        caseId: e.case_id,
        caseReference: e.reference,
        locationId: e.location_id,
        place: e.place,
        people: e.people,
      })),
    }),
  )

  api.post(
    '/api/v1/operations',
    {
      config: { access: 'case:supervise' },
      schema: {
        tags: ['cases'],
        summary: 'Create a named operation (a supervisor’s decision)',
        body: z
          .object({
            name: z.string().min(1).max(100),
            description: z.string().max(2000).nullable().default(null),
            code: z
              .string()
              .regex(/^[A-Za-z0-9]{2,12}$/, { error: 'Code must be 2 to 12 letters or digits, like LAUD' })
              .optional(),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        return reply.code(201).send({ id: await services.cases.createOperation(request.body, actorOf(request)) })
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.get(
    '/api/v1/operations',
    {
      config: { access: 'case:view' },
      schema: {
        tags: ['cases'],
        summary:
          'List operations with their codes, and how many live jobs (that you may see) and awareness events each groups',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.uuid(),
                name: z.string(),
                code: z.string().nullable(),
                description: z.string().nullable(),
                status: z.string(),
                cases: z.int(),
                events: z.int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await services.cases.listOperations(userOf(request)) }),
  )

  api.post(
    '/api/v1/cases/:id/tasks',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary: 'Add a task to a live job',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            title: z.string().min(1, { error: 'Enter what needs doing' }).max(300),
            ownerId: z.uuid().nullable().default(null),
            dueOn: IsoDate.nullable().default(null),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await services.cases.addTask(
        request.params.id,
        { title: request.body.title, ownerId: request.body.ownerId, dueOn: request.body.dueOn },
        userOf(request),
        actorOf(request),
      )
      return reply.code(204).send(null)
    },
  )
}
