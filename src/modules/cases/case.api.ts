import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/app.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { IsoDate } from '#src/modules/referrals/referral.schema.ts'
import { CaseError, EVENT_KINDS } from './case.service.ts'

const CaseSummary = z.object({ id: z.uuid(), reference: z.string(), title: z.string(), kind: z.string(), status: z.string(), officerInCharge: z.string().nullable(), restricted: z.boolean(), openedAt: z.string() })
const CaseDetail = CaseSummary.extend({
  people: z.array(z.object({ personId: z.uuid(), name: z.string().nullable(), roles: z.array(z.string()) })),
  referrals: z.array(z.object({ id: z.uuid(), reference: z.string() })),
  tasks: z.array(z.object({ id: z.uuid(), title: z.string(), owner: z.string().nullable(), dueOn: z.string().nullable(), status: z.string() })),
  decisions: z.array(z.object({ decidedOn: z.string(), decision: z.string(), rationale: z.string(), recordedBy: z.string() })),
  events: z.array(z.object({ id: z.uuid(), kind: z.string(), occurredAt: z.string(), place: z.string().nullable(), summary: z.string(), people: z.array(z.string().nullable()) })),
})

/** Live jobs over the API: list, read, and add a task. Restricted cases are invisible to outsiders here too. */
export function registerCaseApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const summary = (c: { id: string; reference: string; title: string; kind: string; status: string; oic_name: string | null; restricted: boolean; created_at: Date }) => ({
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
    { config: { access: 'case:view' }, schema: { tags: ['cases'], summary: 'List live jobs', querystring: z.object({ status: z.enum(['open', 'suspended', 'closed', 'all']).default('open') }).strict(), response: { 200: z.object({ items: z.array(CaseSummary) }) } } },
    async (request) => ({ items: (await services.cases.list(request.user!, request.query.status === 'all' ? null : request.query.status)).map(summary) }),
  )

  api.get(
    '/api/v1/cases/:id',
    { config: { access: 'case:view' }, schema: { tags: ['cases'], summary: 'Read a live job', params: z.object({ id: z.uuid() }), response: { 200: CaseDetail } } },
    async (request) => {
      try {
        const view = await services.cases.view(request.params.id, request.user!, actorOf(request))
        return {
          ...summary(view.case),
          people: view.people.map((p) => ({ personId: p.person_id, name: p.name, roles: p.roles })),
          referrals: view.referrals.map((r) => ({ id: r.id, reference: r.reference })),
          tasks: view.tasks.map((t) => ({ id: t.id, title: t.title, owner: t.owner_name, dueOn: t.due_on, status: t.status })),
          decisions: view.decisions.map((d) => ({ decidedOn: d.decided_on, decision: d.decision, rationale: d.rationale, recordedBy: d.recorded_by_name })),
          events: view.events.map((e) => ({ id: e.id, kind: e.kind, occurredAt: e.occurred_at.toISOString(), place: e.place, summary: e.summary, people: e.people ?? [] })),
        }
      } catch (error) {
        if (error instanceof CaseError && error.code === 'not-found') throw new NotFoundError('Case not found')
        throw error
      }
    },
  )

  api.post(
    '/api/v1/cases/:id/events',
    {
      config: { access: 'case:edit' },
      schema: {
        tags: ['cases'],
        summary: 'Record an event on a live job: an encounter, incident, premises visit, warrant, arrest, missing episode or return home interview',
        params: z.object({ id: z.uuid() }),
        body: z.object({ kind: z.enum(Object.keys(EVENT_KINDS) as [keyof typeof EVENT_KINDS]), occurredAt: z.iso.datetime({ offset: true }), summary: z.string().min(1).max(4000), personIds: z.array(z.uuid()).max(50).default([]), locationId: z.uuid().nullable().default(null) }).strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        await services.cases.addEvent(request.params.id, { ...request.body, occurredAt: new Date(request.body.occurredAt) }, request.user!, actorOf(request))
      } catch (error) {
        if (error instanceof CaseError && error.code === 'not-found') throw new NotFoundError('Case not found')
        throw error
      }
      return reply.code(204).send(null)
    },
  )

  api.get(
    '/api/v1/operations',
    { config: { access: 'case:view' }, schema: { tags: ['cases'], summary: 'List operations and how many live jobs each groups', response: { 200: z.object({ items: z.array(z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable(), status: z.string(), cases: z.int() })) }) } } },
    async () => ({ items: await services.cases.listOperations() }),
  )

  api.post(
    '/api/v1/cases/:id/tasks',
    {
      config: { access: 'case:edit' },
      schema: { tags: ['cases'], summary: 'Add a task to a live job', params: z.object({ id: z.uuid() }), body: z.object({ title: z.string().min(1, { error: 'Enter what needs doing' }).max(300), ownerId: z.uuid().nullable().default(null), dueOn: IsoDate.nullable().default(null) }).strict(), response: { 204: z.null() } },
    },
    async (request, reply) => {
      try {
        await services.cases.addTask(request.params.id, { title: request.body.title, ownerId: request.body.ownerId, dueOn: request.body.dueOn }, request.user!, actorOf(request))
      } catch (error) {
        if (error instanceof CaseError && error.code === 'not-found') throw new NotFoundError('Case not found')
        throw error
      }
      return reply.code(204).send(null)
    },
  )
}
