import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { IsoDate } from '#src/shared/input.ts'
import { SafeguardingError } from './safeguarding.service.ts'
import { ACTION_STATUSES, RISK_RATINGS, type ActionStatus, type RiskRating } from './safeguarding.vocabulary.ts'
import type { Owner } from './safeguarding.validation.ts'

/** A safeguarding action as the API answers it; a hub meeting's actions are the same, without the meeting. */
export const ActionBase = z.object({
  id: z.uuid(),
  text: z.string(),
  ownerUserId: z.uuid().nullable(),
  ownerAgencyId: z.uuid().nullable(),
  owner: z.string().nullable(),
  dueOn: z.string(),
  status: z.string(),
  overdue: z.boolean(),
})
const Action = ActionBase.extend({ meetingReference: z.string().nullable() })
const Plan = z.object({
  personId: z.uuid(),
  plan: z
    .object({
      id: z.uuid(),
      reference: z.string(),
      nextReviewOn: z.string().nullable(),
      childWithoutGuardian: z.boolean(),
      risks: z.array(z.object({ id: z.uuid(), description: z.string(), rating: z.string(), rationale: z.string() })),
      needs: z.array(z.object({ id: z.uuid(), kind: z.string(), detail: z.string(), status: z.string() })),
      actions: z.array(Action),
      reviews: z.array(z.object({ id: z.uuid(), dueOn: z.string(), heldOn: z.string().nullable(), notes: z.string() })),
    })
    .nullable(),
})

const ownerRefine = (b: { ownerUserId?: string | null; ownerAgencyId?: string | null }) =>
  Boolean(b.ownerUserId) !== Boolean(b.ownerAgencyId)
const ownerOf = (b: { ownerUserId?: string | null; ownerAgencyId?: string | null }): Owner | undefined =>
  b.ownerUserId
    ? { type: 'user', id: b.ownerUserId }
    : b.ownerAgencyId
      ? { type: 'agency', id: b.ownerAgencyId }
      : undefined

/**
 * Safeguarding plans over the API. The victim-facet policy applies as on the pages: an officer outside the
 * victim side gets a 403 problem that says whom to ask, and nothing of the plan.
 */
export function registerSafeguardingApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const safeguarding = services.safeguarding
  // The service names fields as the API does, except the owner, which is one of two JSON fields.
  const rethrow = apiRethrow(SafeguardingError, { owner: 'ownerUserId' })

  api.get(
    '/api/v1/people/:id/safeguarding-plan',
    {
      config: { access: 'victim-facet:view' },
      schema: {
        tags: ['safeguarding'],
        summary:
          'Read a person’s safeguarding plan (part of their protected victim information; every read is audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: Plan },
      },
    },
    async (request) => {
      try {
        const v = await safeguarding.view(request.params.id, userOf(request), actorOf(request))
        return {
          personId: request.params.id,
          plan: v.plan
            ? {
                id: v.plan.id,
                reference: v.plan.reference,
                nextReviewOn: v.nextReview,
                childWithoutGuardian: v.childWithoutGuardian,
                risks: v.risks.map((r) => ({
                  id: r.id,
                  description: r.description,
                  rating: r.rating,
                  rationale: r.rationale,
                })),
                needs: v.needs.map((n) => ({ id: n.id, kind: n.kind, detail: n.detail, status: n.status })),
                actions: v.actions.map((a) => ({
                  id: a.id,
                  text: a.text,
                  ownerUserId: a.owner_user_id,
                  ownerAgencyId: a.owner_agency_id,
                  owner: a.owner_name,
                  dueOn: a.due_on,
                  status: a.status,
                  overdue: a.overdue,
                  meetingReference: a.meeting_reference,
                })),
                reviews: v.reviews.map((r) => ({ id: r.id, dueOn: r.due_on, heldOn: r.held_on, notes: r.notes })),
              }
            : null,
        }
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/people/:id/safeguarding-plan/risks',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['safeguarding'],
        summary: 'Add a risk with a red, amber or green rating and why; starts the plan if there is none',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            description: z.string().trim().min(1, { error: 'Enter the risk' }).max(500),
            rating: z.enum(Object.keys(RISK_RATINGS) as [RiskRating], { error: 'Rating must be red, amber or green' }),
            rationale: z.string().trim().min(1, { error: 'Enter why you gave this rating' }).max(2000),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        return reply
          .code(201)
          .send({ id: await safeguarding.addRisk(request.params.id, request.body, userOf(request), actorOf(request)) })
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.post(
    '/api/v1/people/:id/safeguarding-plan/actions',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['safeguarding'],
        summary:
          'Add an action owned by a team member (ownerUserId) or a partner agency (ownerAgencyId), with a due date; starts the plan if there is none',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            text: z.string().trim().min(1, { error: 'Enter the action' }).max(500),
            ownerUserId: z.uuid().nullable().optional(),
            ownerAgencyId: z.uuid().nullable().optional(),
            dueOn: IsoDate,
          })
          .strict()
          .refine(ownerRefine, {
            error: 'Give exactly one owner: ownerUserId or ownerAgencyId',
            path: ['ownerUserId'],
          }),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      try {
        const { text, dueOn } = request.body
        return reply.code(201).send({
          id: await safeguarding.addAction(
            request.params.id,
            { text, dueOn, owner: ownerOf(request.body)! },
            userOf(request),
            actorOf(request),
          ),
        })
      } catch (error) {
        return rethrow(error)
      }
    },
  )

  api.patch(
    '/api/v1/safeguarding-actions/:id',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['safeguarding'],
        summary:
          'Change an action: its status (cancelling needs a note), text, owner or due date; a note is kept as an update',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            status: z.enum(Object.keys(ACTION_STATUSES) as [ActionStatus]).optional(),
            note: z.string().max(2000).optional(),
            text: z.string().trim().min(1, { error: 'Enter the action' }).max(500).optional(),
            ownerUserId: z.uuid().nullable().optional(),
            ownerAgencyId: z.uuid().nullable().optional(),
            dueOn: IsoDate.optional(),
          })
          .strict()
          .refine((b) => (b.ownerUserId === undefined && b.ownerAgencyId === undefined) || ownerRefine(b), {
            error: 'Give exactly one owner: ownerUserId or ownerAgencyId',
            path: ['ownerUserId'],
          })
          .refine((b) => Object.keys(b).length > 0, { error: 'Send at least one field to change', path: ['status'] }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      try {
        const { status, note, text, dueOn } = request.body
        await safeguarding.updateAction(
          request.params.id,
          { status, note, text, dueOn, owner: ownerOf(request.body) },
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        return rethrow(error)
      }
      return reply.code(204).send(null)
    },
  )
}
