import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { asString } from '#src/platform/http/forms.ts'
import { formatDate } from '#src/shared/dates.ts'
import { countryName } from '#src/shared/reference-data.ts'
import { OBJECT_KINDS, type ObjectKind } from '#src/modules/people/index.ts'

const KIND_LABELS = {
  reference: 'a reference',
  phone: 'a phone number',
  vehicle: 'a vehicle registration',
  postcode: 'a postcode',
  'date-of-birth': 'a date of birth',
  name: 'a name',
} as const

/** The search page and GET /api/v1/search. */
export function registerSearchRoutes(app: FastifyInstance, { services }: AppDeps): void {
  app.get<{ Querystring: Record<string, string | undefined> }>(
    '/search',
    { config: { access: 'search:use' } },
    async (request, reply) => {
      const q = asString(request.query.q).trim()
      const dob = asString(request.query.dob).trim()
      if (!q) return reply.page('search/views/search.njk', { pageTitle: 'Search', q, dob, results: null })
      if (q.length > 200)
        return reply.code(400).page('search/views/search.njk', {
          pageTitle: 'Search',
          q: q.slice(0, 200),
          dob,
          results: null,
          errors: { q: 'Search for 200 characters or fewer' },
          errorList: [{ text: 'Search for 200 characters or fewer', href: '#q' }],
        })
      const results = await services.search.search(q, { dateOfBirth: dob || null }, userOf(request), actorOf(request))
      return reply.page('search/views/search.njk', {
        pageTitle: 'Search',
        q,
        dob,
        kindLabel: KIND_LABELS[results.kind],
        results: {
          ...results,
          people: results.people.map((p) => ({
            ...p,
            born: p.date_of_birth
              ? formatDate(p.date_of_birth)
              : p.approximate_age !== null
                ? `about ${p.approximate_age}`
                : 'age not known',
            nationality: p.nationalities.map(countryName).join(', '),
          })),
          objects: results.objects.map((o) => ({ ...o, kindLabel: OBJECT_KINDS[o.kind as ObjectKind] ?? o.kind })),
        },
        total: results.people.length + results.objects.length + results.places.length + results.references.length,
      })
    },
  )

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/search',
    {
      config: { access: 'search:use' },
      schema: {
        tags: ['search'],
        summary:
          'Search people (names in any spelling or script, date of birth), phones, vehicles, postcodes and references (Lantern’s own, crime numbers, CAD logs, helpline and intelligence references)',
        querystring: z
          .object({
            q: z.string().trim().min(1, { error: 'Enter something to search for' }).max(200),
            dob: z.string().max(10).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            kind: z.enum(['reference', 'phone', 'vehicle', 'postcode', 'date-of-birth', 'name']),
            people: z.array(
              z.object({
                personId: z.uuid(),
                name: z.string(),
                matchedName: z.string(),
                score: z.number(),
                dateOfBirth: z.string().nullable(),
                approximateAge: z.int().nullable(),
                nationalities: z.array(z.string()),
              }),
            ),
            objects: z.array(
              z.object({
                objectId: z.uuid(),
                kind: z.string(),
                display: z.string(),
                people: z.array(z.object({ id: z.uuid(), name: z.string().nullable(), relation: z.string() })),
              }),
            ),
            places: z.array(
              z.object({
                locationId: z.uuid(),
                text: z.string(),
                postcode: z.string().nullable(),
                cuckooed: z.boolean(),
              }),
            ),
            references: z.array(
              z.object({
                kind: z.enum(['referral', 'case']),
                id: z.uuid(),
                reference: z.string(),
                matched: z
                  .string()
                  .nullable()
                  .describe(
                    'For a referral or live job found by a crime or occurrence reference: that reference, with its kind in words',
                  ),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const r = await services.search.search(
        request.query.q,
        { dateOfBirth: request.query.dob ?? null },
        userOf(request),
        actorOf(request),
      )
      return {
        kind: r.kind,
        people: r.people.map((p) => ({
          personId: p.person_id,
          name: p.name,
          matchedName: p.matched_name,
          score: p.score,
          dateOfBirth: p.date_of_birth,
          approximateAge: p.approximate_age,
          nationalities: p.nationalities,
        })),
        objects: r.objects.map((o) => ({ objectId: o.object_id, kind: o.kind, display: o.display, people: o.people })),
        places: r.places.map((p) => ({
          locationId: p.location_id,
          text: p.text,
          postcode: p.postcode,
          cuckooed: p.cuckooed,
        })),
        references: r.references.map((x) => ({
          kind: x.kind,
          id: x.id,
          reference: x.reference,
          matched: x.matched ?? null,
        })),
      }
    },
  )
}
