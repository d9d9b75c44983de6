import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/app.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { PersonError } from './person.service.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'

const Person = z.object({
  id: z.uuid(),
  names: z.array(z.object({ name: z.string(), kind: z.string(), script: z.string().nullable() })),
  dateOfBirth: z.string().nullable(),
  approximateAge: z.int().nullable(),
  ageDisputed: z.boolean(),
  gender: z.string(),
  nationalities: z.array(z.string()),
  languages: z.array(z.string()),
  documents: z.array(z.object({ kind: z.string(), number: z.string().nullable(), issuingCountry: z.string().nullable(), expiresOn: z.string().nullable(), heldByPerson: z.boolean().nullable() })),
  roles: z.array(z.object({ kind: z.enum(['referral', 'case']), id: z.uuid(), reference: z.string(), role: z.string() })),
  links: z.array(z.object({ relation: z.string(), otherType: z.string(), otherId: z.uuid(), description: z.string().nullable(), validFrom: z.string().nullable(), source: z.string() })),
  /** Only whether a protected victim facet exists and whom to ask; its content is never in this response. */
  victimFacet: z.object({ exists: z.boolean(), visibleToYou: z.boolean(), askWho: z.array(z.string()) }),
})

/** GET /api/v1/people/:id: the person record without protected facets (immigration status is never here). */
export function registerPersonApi(app: FastifyInstance, { services }: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/people/:id',
    { config: { access: 'person:view' }, schema: { tags: ['people'], summary: 'Read a person (no immigration status; the victim facet only as a flag)', params: z.object({ id: z.uuid() }), response: { 200: Person } } },
    async (request) => {
      let view
      try {
        view = await services.people.view(request.params.id, request.user!, actorOf(request))
      } catch (error) {
        if (error instanceof PersonError && error.code === 'not-found') throw new NotFoundError('Person not found')
        throw error
      }
      return {
        id: view.person.id,
        names: view.names.map((n) => ({ name: n.full_name, kind: n.kind, script: n.script })),
        dateOfBirth: view.person.date_of_birth,
        approximateAge: view.person.approximate_age,
        ageDisputed: view.person.age_disputed,
        gender: view.person.gender,
        nationalities: view.person.nationalities,
        languages: view.person.languages,
        documents: view.documents.map((d) => ({ kind: d.kind, number: d.number, issuingCountry: d.issuing_country, expiresOn: d.expires_on, heldByPerson: d.held_by_person })),
        roles: view.roles.map((r) => ({ kind: r.kind, id: r.id, reference: r.reference, role: r.role })),
        links: view.links.map((l) => ({ relation: l.relation, otherType: l.other_type, otherId: l.other_id, description: l.object_display ?? l.location_text ?? l.person_name, validFrom: l.valid_from, source: l.source })),
        victimFacet: { exists: view.facet.exists, visibleToYou: view.facet.visible, askWho: view.facet.askWho },
      }
    },
  )
}
