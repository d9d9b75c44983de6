import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import type { Permission } from '#src/platform/auth/permissions.ts'
import { OccurrenceReferenceError, type PresentedReference } from './occurrence-references.service.ts'
import { MAX_VALUE_LENGTH, REFERENCE_KIND_VALUES, REFERENCE_KINDS } from './occurrence-references.vocabulary.ts'
import type { ReferenceOwner } from './occurrence-references.repository.ts'

const Reference = z.object({
  id: z.uuid(),
  kind: z.enum(REFERENCE_KIND_VALUES).describe(
    Object.entries(REFERENCE_KINDS)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  ),
  kindLabel: z.string().describe('The kind in words'),
  value: z.string().describe('The reference as written'),
  recordedBy: z.string().nullable(),
  recordedAt: z.string(),
  carriedFromReferral: z
    .string()
    .nullable()
    .describe('For a live job’s reference carried from the referral it was opened from: that referral’s reference'),
})

const NewReference = z
  .object({
    kind: z.enum(REFERENCE_KIND_VALUES, { error: `Give the kind of reference: ${REFERENCE_KIND_VALUES.join(', ')}` }),
    value: z
      .string()
      .trim()
      .min(1, { error: 'Enter the reference' })
      .max(MAX_VALUE_LENGTH, { error: `Reference must be ${MAX_VALUE_LENGTH} characters or fewer` }),
  })
  .strict()

function toJson(r: PresentedReference) {
  return {
    id: r.id,
    kind: r.kind,
    kindLabel: r.kindLabel,
    value: r.value,
    recordedBy: r.recordedBy,
    recordedAt: r.recordedAt.toISOString(),
    carriedFromReferral: r.carriedFromReferral,
  }
}

/**
 * Crime and occurrence references over the API: on a referral (/api/v1/referrals/{id}/references) and on a live
 * job (/api/v1/cases/{id}/references). A restricted live job the caller may not see is not found, here as
 * everywhere. Bad input is a 400 problem naming the field.
 */
export function registerOccurrenceReferenceApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const rethrow = apiRethrow(OccurrenceReferenceError)

  const owners: {
    path: string
    type: ReferenceOwner['type']
    tag: string
    what: string
    view: Permission
    edit: Permission
  }[] = [
    {
      path: '/api/v1/referrals/:id/references',
      type: 'referral',
      tag: 'referrals',
      what: 'a referral',
      view: 'referral:view',
      edit: 'referral:update',
    },
    {
      path: '/api/v1/cases/:id/references',
      type: 'case',
      tag: 'cases',
      what: 'a live job',
      view: 'case:view',
      edit: 'case:edit',
    },
  ]
  for (const o of owners) {
    api.get(
      o.path,
      {
        config: { access: o.view },
        schema: {
          tags: [o.tag],
          summary: `List the crime and occurrence references on ${o.what}`,
          params: z.object({ id: z.uuid() }),
          response: { 200: z.object({ items: z.array(Reference) }) },
        },
      },
      async (request) => {
        try {
          return {
            items: (await services.references.list({ type: o.type, id: request.params.id }, userOf(request))).map(
              toJson,
            ),
          }
        } catch (error) {
          return rethrow(error)
        }
      },
    )

    api.post(
      o.path,
      {
        config: { access: o.edit },
        schema: {
          tags: [o.tag],
          summary: `Add a crime or occurrence reference to ${o.what}: a force crime number, a CAD or incident log, a Modern Slavery Helpline reference, an intelligence report reference, or another`,
          params: z.object({ id: z.uuid() }),
          body: NewReference,
          response: { 201: Reference },
        },
      },
      async (request, reply) => {
        try {
          const added = await services.references.add(
            { type: o.type, id: request.params.id },
            request.body,
            userOf(request),
            actorOf(request),
          )
          return reply.code(201).send(toJson(added))
        } catch (error) {
          return rethrow(error)
        }
      },
    )

    api.post(
      `${o.path}/:referenceId/remove`,
      {
        config: { access: o.edit },
        schema: {
          tags: [o.tag],
          summary: `Remove a crime or occurrence reference from ${o.what} (audited)`,
          params: z.object({ id: z.uuid(), referenceId: z.uuid() }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        try {
          await services.references.remove(
            { type: o.type, id: request.params.id },
            request.params.referenceId,
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
}
