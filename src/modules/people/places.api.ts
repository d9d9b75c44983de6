import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { PlaceError } from './places.service.ts'

const Reference = z.object({ id: z.uuid(), reference: z.string() })
const Job = Reference.extend({ title: z.string() })
const Merge = z.object({ id: z.uuid(), text: z.string() })

const Place = z.object({
  id: z.uuid(),
  display: z.string(),
  addressLine1: z.string().nullable(),
  postcode: z.string().nullable(),
  premisesType: z.string().nullable(),
  cuckooed: z.boolean(),
  sharedPlace: z.boolean(),
  sharedPlaceKind: z.string().nullable(),
  unknownOthers: z
    .object({ count: z.number().int(), note: z.string().nullable(), on: z.string().nullable() })
    .nullable(),
  mergedInto: Merge.nullable(),
  merged: z.array(Merge),
  referrals: z.array(Reference),
  cases: z.array(Job),
  businesses: z.array(z.object({ id: z.uuid(), name: z.string(), kind: z.string() })),
  links: z.array(
    z.object({
      otherType: z.string(),
      otherId: z.uuid(),
      name: z.string().nullable(),
      relation: z.string(),
      validFrom: z.string().nullable(),
      source: z.string(),
    }),
  ),
})
const Business = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.string(),
  kindText: z.string(),
  notes: z.string().nullable(),
  mergedInto: Merge.nullable(),
  merged: z.array(Merge),
  premises: z.array(z.object({ id: z.uuid(), text: z.string(), unknownOthers: z.number().int().nullable() })),
  referrals: z.array(Reference.extend({ relation: z.string() })),
  cases: z.array(Job.extend({ relation: z.string() })),
  people: z.array(z.object({ id: z.uuid(), name: z.string().nullable(), relation: z.string() })),
})

/**
 * A place's and a business's records over the API, from the same service calls as their pages: the same access
 * policy (jobs a restricted link sits in must be ones the caller works), and the same audit row for each read.
 */
export function registerPlacesApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const places = services.places
  const rethrow = apiRethrow(PlaceError)

  api.get(
    '/api/v1/places/:id',
    {
      config: { access: 'person:view' },
      schema: {
        tags: ['people'],
        summary:
          'Read a place with the referrals, live jobs, businesses and people that record it, as far as the caller may see them (audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Place },
      },
    },
    async (request) => {
      const found = await places.place(request.params.id, userOf(request), actorOf(request)).catch(rethrow)
      const p = found.place
      return {
        id: p.id,
        display: p.display,
        addressLine1: p.address_line_1,
        postcode: p.postcode,
        premisesType: p.premises_type,
        cuckooed: Boolean(p.cuckooed),
        sharedPlace: Boolean(p.shared_place),
        sharedPlaceKind: p.shared_place_kind,
        unknownOthers: p.unknown_others
          ? { count: p.unknown_others, note: p.unknown_others_note, on: p.unknown_others_on }
          : null,
        mergedInto: found.survivor,
        merged: found.merged,
        referrals: found.referrals,
        cases: found.cases,
        businesses: found.businesses,
        links: found.links.map((l) => ({
          otherType: l.other_type,
          otherId: l.other_id,
          name: l.other_type === 'person' ? l.person_name : (l.object_display ?? l.location_text),
          relation: l.relation,
          validFrom: l.valid_from,
          source: l.source,
        })),
      }
    },
  )

  api.get(
    '/api/v1/businesses/:id',
    {
      config: { access: 'person:view' },
      schema: {
        tags: ['people'],
        summary:
          'Read a business with its premises and the referrals, live jobs and people linked to it, as far as the caller may see them (audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Business },
      },
    },
    async (request) => {
      const found = await places.business(request.params.id, userOf(request), actorOf(request)).catch(rethrow)
      const b = found.business
      return {
        id: b.id,
        name: b.name,
        kind: b.kind,
        kindText: found.kindText,
        notes: b.notes,
        mergedInto: found.survivor ? { id: found.survivor.id, text: found.survivor.name } : null,
        merged: found.merged.map((m) => ({ id: m.id, text: m.name })),
        premises: found.premises.map((l) => ({ id: l.id, text: l.text, unknownOthers: l.unknown_others })),
        referrals: found.referrals,
        cases: found.cases,
        people: found.people,
      }
    },
  )
}
