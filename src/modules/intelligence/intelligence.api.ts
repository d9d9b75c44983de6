import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import {
  IntelligenceError,
  PROMPT_OUTCOMES,
  SHARED_PLACE_KINDS,
  type PromptOutcome,
  type PromptView,
  type SharedPlaceKind,
} from './intelligence.service.ts'

const Identifier = z.object({
  type: z.enum(['object', 'location']),
  id: z.uuid(),
  kind: z.string(),
  display: z.string(),
})
const Prompt = z.object({
  id: z.uuid(),
  person: z.object({ id: z.uuid(), name: z.string().nullable() }),
  identifier: Identifier,
  caseReference: z.string().nullable(),
  headline: z.string(),
  /** How many other people were on the identifier when the prompt was raised. */
  otherCountAtRaise: z.int(),
  specificity: z.number(),
  /** Counted over the people this caller may see now; a person's safeguarding is null when it is protected from them. */
  summary: z.object({ linked: z.int(), notSafeguarded: z.int(), safeguardingProtected: z.int() }),
  people: z.array(
    z.object({
      id: z.uuid(),
      name: z.string().nullable(),
      safeguarded: z.boolean().nullable(),
      askWho: z.array(z.string()),
    }),
  ),
  /** Suspected exploiters on the identifier: the link, never counted among those who may be targeted. */
  suspects: z.array(z.object({ id: z.uuid(), name: z.string().nullable() })),
  /** People at the place not yet identified, as estimated on the place. */
  unknownOthers: z.object({ count: z.int(), note: z.string().nullable() }).nullable(),
  /** The live job it was raised in: people not yet identified across all the job's places. */
  jobUnknownOthers: z.object({ count: z.int(), places: z.int(), text: z.string() }).nullable(),
  status: z.enum(['open', 'closed']),
  outcome: z
    .object({
      outcome: z.enum(Object.keys(PROMPT_OUTCOMES) as [PromptOutcome]),
      note: z.string().nullable(),
      by: z.string().nullable(),
      at: z.string(),
    })
    .nullable(),
  raisedAt: z.string(),
})
const WindowQuery = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() })
const SharedItem = z.object({
  type: z.enum(['object', 'location']),
  id: z.uuid(),
  kind: z.string(),
  display: z.string(),
  people: z.int(),
})

const OtherPerson = z.object({
  personId: z.uuid(),
  name: z.string().nullable(),
  score: z.number(),
  steps: z.union([z.literal(1), z.literal(2)]),
  /** How strong the connection is: Strong, Moderate or Weak (the fewer people on what they share, the stronger). */
  strength: z.enum(['Strong', 'Moderate', 'Weak']),
  /** Why the person is listed, in words: what they share, with whom, and how many are on it. */
  why: z.array(z.string()),
  paths: z.array(
    z.object({
      via: z.object({ id: z.uuid(), name: z.string().nullable(), suspect: z.boolean() }).nullable(),
      first: SharedItem,
      second: SharedItem.nullable(),
      score: z.number(),
    }),
  ),
})
function toJson(p: PromptView): z.infer<typeof Prompt> {
  return {
    id: p.id,
    person: p.person,
    identifier: {
      type: p.identifier.type,
      id: p.identifier.id,
      kind: p.identifier.kind,
      display: p.identifier.display ?? '',
    },
    caseReference: p.caseReference,
    headline: p.headline,
    otherCountAtRaise: p.otherCountAtRaise,
    specificity: p.specificity,
    summary: p.summary,
    people: p.people,
    suspects: p.suspects,
    unknownOthers: p.unknownOthers,
    jobUnknownOthers: p.jobUnknownOthers,
    status: p.status as 'open' | 'closed',
    outcome: p.outcome
      ? {
          outcome: p.outcome.outcome as PromptOutcome,
          note: p.outcome.note,
          by: p.outcome.by,
          at: new Date(p.outcome.at).toISOString(),
        }
      : null,
    raisedAt: p.raisedAt.toISOString(),
  }
}

function window(query: { from?: string; to?: string }) {
  if (query.from && query.to && query.to < query.from)
    throw new IntelligenceError('invalid', 'to must be the same as or after from', 'to')
  return { from: query.from ?? null, to: query.to ?? null }
}

/** Safeguarding prompts, others who may be targeted, the link chart's data and the shared-place flag, over the API. */
export function registerIntelligenceApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const intel = services.intelligence
  const rethrow = apiRethrow(IntelligenceError)
  const item = (i: { key: string; type: string; id: string; kind: string; display: string; people: number }) => ({
    type: i.type as 'object' | 'location',
    id: i.id,
    kind: i.kind,
    display: i.display,
    people: i.people,
  })

  api.get(
    '/api/v1/safeguarding-prompts',
    {
      config: { access: 'intelligence:view' },
      schema: {
        tags: ['intelligence'],
        summary:
          'The shared-identifier safeguarding prompt queue: open first, most specific identifier first (total counted to 1,000)',
        querystring: z
          .object({
            status: z.enum(['open', 'closed', 'all']).default('open'),
            page: z.coerce.number().int().min(1).max(40).default(1),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(Prompt), total: z.int(), page: z.int(), pageSize: z.int() }) },
      },
    },
    async (request) => {
      const result = await intel.queue(userOf(request), actorOf(request), request.query)
      return { ...result, items: result.items.map(toJson) }
    },
  )

  api.get(
    '/api/v1/safeguarding-prompts/:id',
    {
      config: { access: 'intelligence:view' },
      schema: {
        tags: ['intelligence'],
        summary:
          'Read a safeguarding prompt (audited); prompts raised in a restricted live job are not found by outsiders',
        params: z.object({ id: z.uuid() }),
        response: { 200: Prompt },
      },
    },
    async (request) => toJson(await intel.prompt(request.params.id, userOf(request), actorOf(request)).catch(rethrow)),
  )

  api.post(
    '/api/v1/safeguarding-prompts/:id/outcome',
    {
      config: { access: 'safeguarding-prompt:review' },
      schema: {
        tags: ['intelligence'],
        summary:
          'Record a prompt’s outcome (once): safeguarded, not relevant or escalated; a note is required unless safeguarded',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            outcome: z.enum(Object.keys(PROMPT_OUTCOMES) as [PromptOutcome], {
              error: `outcome must be one of: ${Object.keys(PROMPT_OUTCOMES).join(', ')}`,
            }),
            note: z.string().max(2000).nullable().default(null),
          })
          .strict(),
        response: { 200: Prompt },
      },
    },
    async (request) => {
      await intel.recordOutcome(request.params.id, request.body, userOf(request), actorOf(request)).catch(rethrow)
      return toJson(await intel.prompt(request.params.id, userOf(request), actorOf(request)))
    },
  )

  api.get(
    '/api/v1/people/:id/others',
    {
      config: { access: 'intelligence:view' },
      schema: {
        tags: ['intelligence'],
        summary:
          'Others who may be targeted: people within two steps through shared identifiers, ranked, with the shared items that justify each; optionally only links in a date window (audited)',
        params: z.object({ id: z.uuid() }),
        querystring: WindowQuery.extend({ limit: z.coerce.number().int().min(1).max(200).default(50) }).strict(),
        response: {
          200: z.object({
            person: z.object({ id: z.uuid(), name: z.string().nullable() }),
            window: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
            method: z.string(),
            items: z.array(OtherPerson),
            /** Suspected exploiters reached the same way: never among those who may be targeted; they are the link. */
            linkedSuspects: z.array(OtherPerson),
          }),
        },
      },
    },
    async (request) => {
      const result = await intel
        .others(request.params.id, userOf(request), actorOf(request), window(request.query), request.query.limit)
        .catch(rethrow)
      const other = (i: (typeof result.items)[number]) => ({
        personId: i.personId,
        name: i.name,
        score: i.score,
        steps: i.steps,
        strength: i.strength,
        why: i.why,
        paths: i.paths.map((p) => ({
          via: p.via,
          first: item(p.first),
          second: p.second ? item(p.second) : null,
          score: p.score,
        })),
      })
      return { ...result, items: result.items.map(other), linkedSuspects: result.linkedSuspects.map(other) }
    },
  )

  api.get(
    '/api/v1/people/:id/network',
    {
      config: { access: 'intelligence:view' },
      schema: {
        tags: ['intelligence'],
        summary:
          'The link chart around a person: people and identifiers as nodes (with Louvain communities), links as edges (audited)',
        params: z.object({ id: z.uuid() }),
        querystring: WindowQuery.strict(),
        response: {
          200: z.object({
            person: z.object({ id: z.uuid(), name: z.string().nullable() }),
            window: z.object({ from: z.string().nullable(), to: z.string().nullable() }),
            communities: z.int(),
            nodes: z.array(
              z.object({
                id: z.string(),
                type: z.string(),
                entityId: z.uuid(),
                label: z.string(),
                kind: z.string(),
                kindLabel: z.string(),
                /** What the chart colours and shapes: victim, suspect, person, place, object or business. */
                category: z.enum(['victim', 'suspect', 'person', 'place', 'object', 'business']),
                community: z.int().nullable(),
                steps: z.int().nullable(),
                score: z.number().nullable(),
              }),
            ),
            edges: z.array(z.object({ id: z.string(), source: z.string(), target: z.string(), relation: z.string() })),
          }),
        },
      },
    },
    async (request) =>
      intel.network(request.params.id, userOf(request), actorOf(request), window(request.query)).catch(rethrow),
  )

  api.put(
    '/api/v1/locations/:id/shared-place',
    {
      config: { access: 'shared-place:manage' },
      schema: {
        tags: ['intelligence'],
        summary:
          'Mark or unmark a known shared place (police station, NRM support provider, hostel, solicitor): it then raises no prompts and carries no weight',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            sharedPlace: z.boolean(),
            kind: z
              .enum(Object.keys(SHARED_PLACE_KINDS) as [SharedPlaceKind])
              .nullable()
              .default(null),
          })
          .strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await intel
        .setSharedPlace(
          request.params.id,
          { shared: request.body.sharedPlace, kind: request.body.kind },
          actorOf(request),
        )
        .catch(rethrow)
      return reply.code(204).send(null)
    },
  )
}
