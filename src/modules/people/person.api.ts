import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { PersonError, PLACE_RELATIONS, type PlaceRelation } from './person.service.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { IsoDate } from '#src/shared/input.ts'
import { LocationInput, NewPersonInput, PersonDetailsChange } from './person.schema.ts'
import { OBJECT_KINDS, type ObjectKind } from './identifiers.ts'

const Person = z.object({
  id: z.uuid(),
  names: z.array(z.object({ name: z.string(), kind: z.string(), script: z.string().nullable() })),
  dateOfBirth: z.string().nullable(),
  approximateAge: z.int().nullable(),
  ageDisputed: z.boolean(),
  gender: z.string(),
  nationalities: z.array(z.string()),
  languages: z.array(z.string()),
  documents: z.array(
    z.object({
      kind: z.string(),
      number: z.string().nullable(),
      issuingCountry: z.string().nullable(),
      expiresOn: z.string().nullable(),
      heldByPerson: z.boolean().nullable(),
    }),
  ),
  roles: z.array(
    z.object({ kind: z.enum(['referral', 'case']), id: z.uuid(), reference: z.string(), role: z.string() }),
  ),
  links: z.array(
    z.object({
      relation: z.string(),
      otherType: z.string(),
      otherId: z.uuid(),
      description: z.string().nullable(),
      validFrom: z.string().nullable(),
      source: z.string(),
    }),
  ),
  /** Only whether a protected victim facet exists and whom to ask; its content is never in this response. */
  victimFacet: z.object({ exists: z.boolean(), visibleToYou: z.boolean(), askWho: z.array(z.string()) }),
})

/** GET /api/v1/people/:id: the person record without protected facets (immigration status is never here). */
export function registerPersonApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const Linked = z.object({
    id: z.uuid(),
    display: z.string(),
    links: z.array(
      z.object({
        relation: z.string(),
        personId: z.uuid().nullable(),
        name: z.string().nullable(),
        validFrom: z.string().nullable(),
        source: z.string(),
      }),
    ),
  })
  const notFound = apiRethrow(PersonError)

  api.post(
    '/api/v1/people',
    {
      config: { access: 'person:edit' },
      schema: {
        tags: ['people'],
        summary: 'Record a person; the first name is their main name, others are aliases or the name in its own script',
        body: NewPersonInput,
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const id = await services.people.create({ ...request.body }, actorOf(request))
      return reply.code(201).header('location', `/api/v1/people/${id}`).send({ id })
    },
  )

  api.post(
    '/api/v1/people/:id/objects',
    {
      config: { access: 'person:edit' },
      schema: {
        tags: ['people'],
        summary:
          'Link a phone, vehicle, bank account, online account or email to a person (normalised; bank accounts kept only as a hash)',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            kind: z.enum(Object.keys(OBJECT_KINDS).filter((k) => k !== 'deal-line') as [ObjectKind]),
            value: z.string().min(1).max(200),
            relation: z.string().min(1).max(40),
            source: z.string().min(1, { error: 'Say where this came from' }).max(200),
            validFrom: z.iso.date().nullable().default(null),
          })
          .strict(),
        response: { 201: z.object({ objectId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        const objectId = await services.people.linkObject(request.params.id, request.body, actorOf(request))
        return reply.code(201).send({ objectId })
      } catch (error) {
        return notFound(error)
      }
    },
  )

  api.patch(
    '/api/v1/people/:id',
    {
      config: { access: 'person:edit' },
      schema: {
        tags: ['people'],
        summary: 'Correct a person’s details: only the fields sent change (names are added with POST …/names)',
        params: z.object({ id: z.uuid() }),
        body: PersonDetailsChange,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.people.updateDetails(request.params.id, request.body, actorOf(request))
      } catch (error) {
        return notFound(error)
      }
      return reply.code(204).send(null)
    },
  )

  api.post(
    '/api/v1/people/:id/names',
    {
      config: { access: 'person:edit' },
      schema: {
        tags: ['people'],
        summary: 'Add a name: an alias, another spelling, a nickname or the name in its original script',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            name: z
              .string()
              .trim()
              .min(1, { error: 'Enter the name' })
              .max(200, { error: 'Name must be 200 characters or fewer' }),
            kind: z.enum(['alias', 'spelling', 'original-script', 'nickname']),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.people.addName(
          request.params.id,
          { fullName: request.body.name, kind: request.body.kind },
          actorOf(request),
        )
      } catch (error) {
        return notFound(error)
      }
      return reply.code(204).send(null)
    },
  )

  const PlaceLink = z.object({
    place: LocationInput,
    relation: z.enum(Object.keys(PLACE_RELATIONS) as [PlaceRelation], {
      error: `Relation must be one of: ${Object.keys(PLACE_RELATIONS).join(', ')}`,
    }),
    source: z.string().trim().min(1, { error: 'Say where this came from' }).max(200),
    validFrom: IsoDate.nullable().default(null),
  })
  api.post(
    '/api/v1/people/:id/locations',
    {
      config: { access: 'person:edit' },
      schema: {
        tags: ['people'],
        summary:
          'Record a place (UK postcodes validated and normalised) and how the person is connected to it; an address already recorded (same first line and postcode) is linked, not copied',
        params: z.object({ id: z.uuid() }),
        body: PlaceLink.strict(),
        response: { 201: z.object({ locationId: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        const locationId = await services.people.linkPlace(
          request.params.id,
          { ...request.body, user: userOf(request) },
          actorOf(request),
        )
        return reply.code(201).header('location', `/api/v1/locations/${locationId}`).send({ locationId })
      } catch (error) {
        return notFound(error)
      }
    },
  )

  api.post(
    '/api/v1/locations',
    {
      config: { access: 'person:edit' },
      schema: {
        tags: ['people'],
        summary: 'Record a place on its own (an address, postcode or description, with the type of premises)',
        body: LocationInput,
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const id = await services.people.createPlace(request.body, actorOf(request))
      return reply.code(201).header('location', `/api/v1/locations/${id}`).send({ id })
    },
  )

  for (const type of ['object', 'location'] as const) {
    api.get(
      `/api/v1/${type}s/:id`,
      {
        config: { access: 'person:view' },
        schema: {
          tags: ['people'],
          summary: `Read a${type === 'object' ? 'n object (phone, vehicle, account)' : ' place'} and the people linked to it`,
          params: z.object({ id: z.uuid() }),
          response: { 200: Linked },
        },
      },
      async (request) => {
        try {
          const { row, links } = await services.people.entity(
            type,
            request.params.id,
            userOf(request),
            actorOf(request),
          )
          return {
            id: row.id,
            display: row.display,
            links: links.map((l) => ({
              relation: l.relation,
              personId: l.other_type === 'person' ? l.other_id : null,
              name: l.person_name,
              validFrom: l.valid_from,
              source: l.source,
            })),
          }
        } catch (error) {
          return notFound(error)
        }
      },
    )
  }

  api.get(
    '/api/v1/people/:id',
    {
      config: { access: 'person:view' },
      schema: {
        tags: ['people'],
        summary: 'Read a person (no immigration status; the victim information only as a flag)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Person },
      },
    },
    async (request, reply) => {
      // A record merged into another person reads as its survivor (matching module).
      const survivor = await services.matching.survivorOf(request.params.id)
      if (survivor && survivor !== request.params.id) return reply.redirect(`/api/v1/people/${survivor}`, 303)
      const view = await services.people.view(request.params.id, userOf(request), actorOf(request))
      return {
        id: view.person.id,
        names: view.names.map((n) => ({ name: n.full_name, kind: n.kind, script: n.script })),
        dateOfBirth: view.person.date_of_birth,
        approximateAge: view.person.approximate_age,
        ageDisputed: view.person.age_disputed,
        gender: view.person.gender,
        nationalities: view.person.nationalities,
        languages: view.person.languages,
        documents: view.documents.map((d) => ({
          kind: d.kind,
          number: d.number,
          issuingCountry: d.issuing_country,
          expiresOn: d.expires_on,
          heldByPerson: d.held_by_person,
        })),
        roles: view.roles.map((r) => ({ kind: r.kind, id: r.id, reference: r.reference, role: r.role })),
        links: view.links.map((l) => ({
          relation: l.relation,
          otherType: l.other_type,
          otherId: l.other_id,
          description: l.object_display ?? l.location_text ?? l.person_name,
          validFrom: l.valid_from,
          source: l.source,
        })),
        victimFacet: { exists: view.facet.exists, visibleToYou: view.facet.visible, askWho: view.facet.askWho },
      }
    },
  )

  // Support workers (ISAs) a supervisor assigns to a victim: part of the victim side, so reading them needs it;
  // assigning and ending are a supervisor's decision (team:supervise), checked again in the service.
  const SupportWorker = z.object({
    id: z.uuid(),
    userId: z.uuid(),
    name: z.string(),
    current: z.boolean(),
    assignedAt: z.string(),
    assignedBy: z.string().nullable(),
    endedAt: z.string().nullable(),
    endedBy: z.string().nullable(),
    endReason: z.string().nullable(),
  })
  api.get(
    '/api/v1/people/:id/support-workers',
    {
      config: { access: 'victim-facet:view' },
      schema: {
        tags: ['people'],
        summary:
          'The support workers (ISAs) assigned to a victim, current and past (part of their protected victim side; every read is audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ personId: z.uuid(), supportWorkers: z.array(SupportWorker) }) },
      },
    },
    async (request) => {
      try {
        const rows = await services.supportWorkers.view(request.params.id, userOf(request), actorOf(request))
        return {
          personId: request.params.id,
          supportWorkers: rows.map((r) => ({
            id: r.id,
            userId: r.user_id,
            name: r.user_name,
            current: r.ended_at === null,
            assignedAt: r.assigned_at.toISOString(),
            assignedBy: r.assigned_by_name,
            endedAt: r.ended_at?.toISOString() ?? null,
            endedBy: r.ended_by_name,
            endReason: r.end_reason,
          })),
        }
      } catch (error) {
        return notFound(error)
      }
    },
  )

  api.post(
    '/api/v1/people/:id/support-workers',
    {
      config: { access: 'team:supervise' },
      schema: {
        tags: ['people'],
        summary:
          'Assign a support worker (ISA: an active user with the support role) to a person with a victim side; they then see it and work the safeguarding plan. Supervisors only; audited',
        params: z.object({ id: z.uuid() }),
        body: z.object({ userId: z.uuid({ error: 'Give the support worker’s user id (userId)' }) }).strict(),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        const id = await services.supportWorkers.assignSupportWorker(
          request.params.id,
          request.body.userId,
          userOf(request),
          actorOf(request),
        )
        return reply.code(201).header('location', `/api/v1/people/${request.params.id}/support-workers`).send({ id })
      } catch (error) {
        return notFound(error)
      }
    },
  )

  api.post(
    '/api/v1/people/:id/support-workers/:userId/end',
    {
      config: { access: 'team:supervise' },
      schema: {
        tags: ['people'],
        summary:
          'End a support worker’s (ISA’s) support of a person, with a reason; the access it gave ends at once. Supervisors only; audited',
        params: z.object({ id: z.uuid(), userId: z.uuid() }),
        body: z
          .object({
            reason: z
              .string()
              .trim()
              .min(1, { error: 'Enter why their support is ending' })
              .max(500, { error: 'Reason must be 500 characters or fewer' }),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.supportWorkers.endSupportWorker(
          request.params.id,
          request.params.userId,
          request.body.reason,
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        return notFound(error)
      }
      return reply.code(204).send(null)
    },
  )
}
