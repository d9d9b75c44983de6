import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { MatchError } from './matching.service.ts'

const Explanation = z.array(
  z.object({
    field: z.string(),
    level: z.string(),
    label: z.string(),
    weight: z.number(),
    agreement: z.enum(['agree', 'partial', 'disagree', 'missing']),
  }),
)
const Matches = z.object({
  modelVersion: z.string(),
  items: z.array(
    z.object({
      personId: z.uuid(),
      name: z.string().nullable(),
      dateOfBirth: z.string().nullable(),
      approximateAge: z.int().nullable(),
      probability: z.number(),
      weight: z.number(),
      explanation: Explanation,
      foundBy: z.array(z.string()),
    }),
  ),
})

/** Possible matches, decisions and unmerges over the API; errors are RFC 9457 problems like the rest of /api/v1. */
export function registerMatchingApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const rethrow = apiRethrow(MatchError)

  api.get(
    '/api/v1/people/:id/matches',
    {
      config: { access: 'match:review' },
      schema: {
        tags: ['matching'],
        summary:
          'Ranked possible matches for a person, each with its per-field explanation (rejected pairs are not offered)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Matches },
      },
    },
    async (request) => {
      try {
        const { modelVersion, matches } = await services.matching.matchesFor(
          request.params.id,
          userOf(request),
          actorOf(request),
        )
        return {
          modelVersion,
          items: matches.map((m) => ({
            personId: m.person.id,
            name: m.person.name,
            dateOfBirth: m.person.date_of_birth,
            approximateAge: m.person.approximate_age,
            probability: m.probability,
            weight: m.weight,
            explanation: m.explanation,
            foundBy: m.foundBy,
          })),
        }
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/people/:id/matches/:otherId/decision',
    {
      config: { access: 'match:review' },
      schema: {
        tags: ['matching'],
        summary:
          'Confirm (merge the other person into this one, non-destructively) or reject a possible match, with a note',
        params: z.object({ id: z.uuid(), otherId: z.uuid() }),
        body: z
          .object({
            decision: z.enum(['merge', 'reject']),
            note: z.string().trim().min(1, { error: 'Enter a note' }).max(2000),
          })
          .strict(),
        response: { 201: z.object({ decisionId: z.uuid(), mergeId: z.uuid().nullable() }) },
      },
    },
    async (request, reply) => {
      try {
        const result = await services.matching.decide(
          request.params.id,
          request.params.otherId,
          request.body,
          userOf(request),
          actorOf(request),
        )
        return reply.code(201).send(result)
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/merges/:id/unmerge',
    {
      config: { access: 'match:review' },
      schema: {
        tags: ['matching'],
        summary:
          'Undo a merge: the merged record reads as itself again, exactly as before; the merge stays in the history',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({ reason: z.string().trim().min(1, { error: 'Enter why you are undoing this merge' }).max(2000) })
          .strict(),
        response: { 200: z.object({ survivorId: z.uuid(), mergedId: z.uuid() }) },
      },
    },
    async (request) => {
      try {
        return await services.matching.unmerge(request.params.id, request.body.reason, actorOf(request))
      } catch (error) {
        return rethrow(error)
      }
    },
  )
}
