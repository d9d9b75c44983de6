import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { IsoDate } from '#src/shared/input.ts'
import { CONTACT_KINDS, ENTITLEMENTS, PROVISIONS, SAFE_TO_CONTACT } from './support.vocabulary.ts'

const keys = <T extends Record<string, string>>(vocab: T) =>
  Object.keys(vocab) as [keyof T & string, ...(keyof T & string)[]]

const Contact = z.object({
  id: z.uuid(),
  contactedOn: z.string(),
  kind: z.string(),
  safeToContact: z.string(),
  whatDone: z.string(),
  needsRaised: z.string().nullable(),
  entitlements: z.array(z.string()),
  nextStep: z.string().nullable(),
  nextStepOn: z.string().nullable(),
  recordedBy: z.string().nullable(),
})
const Referral = z.object({
  id: z.uuid(),
  serviceId: z.uuid(),
  service: z.string(),
  category: z.string(),
  madeOn: z.string(),
  provision: z.string().nullable(),
  reason: z.string(),
  status: z.string(),
  followUpOn: z.string(),
  stalled: z.boolean(),
  outcome: z.string().nullable(),
})

/**
 * A person's support over the API (issue 15, section 2), under the same victim-side policy as the pages: someone
 * without a duty to the person gets a 403 problem naming whom to ask, a hidden or unknown person a 404.
 */
export function registerSupportApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const support = services.support

  api.get(
    '/api/v1/people/:id/support',
    {
      config: { access: 'victim-facet:view' },
      schema: {
        tags: ['support'],
        summary:
          'Read a person’s support: contacts logged and referrals out (part of their protected victim information; every read is audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ personId: z.uuid(), contacts: z.array(Contact), referrals: z.array(Referral) }) },
      },
    },
    async (request) => {
      const v = await support.view(request.params.id, userOf(request), actorOf(request))
      return {
        personId: request.params.id,
        contacts: v.contacts.map((c) => ({
          id: c.id,
          contactedOn: c.contacted_on,
          kind: c.kind,
          safeToContact: c.safe_to_contact,
          whatDone: c.what_done,
          needsRaised: c.needs_raised,
          entitlements: c.entitlements,
          nextStep: c.next_step,
          nextStepOn: c.next_step_on,
          recordedBy: c.recorded_by_name,
        })),
        referrals: v.referrals.map((r) => ({
          id: r.id,
          serviceId: r.service_id,
          service: r.service_name,
          category: r.service_category,
          madeOn: r.made_on,
          provision: r.provision,
          reason: r.reason,
          status: r.status,
          followUpOn: r.follow_up_on,
          stalled: r.stalled,
          outcome: r.outcome,
        })),
      }
    },
  )

  api.post(
    '/api/v1/people/:id/support/contacts',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['support'],
        summary:
          'Log a welfare contact: when, how, whether that way was safe, what was done, the Victims’ Code entitlements offered and the next step',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            contactedOn: IsoDate,
            kind: z.enum(keys(CONTACT_KINDS), {
              error: `Kind must be one of: ${Object.keys(CONTACT_KINDS).join(', ')}`,
            }),
            safeToContact: z.enum(keys(SAFE_TO_CONTACT), {
              error: `Safe to contact must be one of: ${Object.keys(SAFE_TO_CONTACT).join(', ')}`,
            }),
            whatDone: z.string(),
            needsRaised: z.string().nullable().optional(),
            entitlements: z.array(z.enum(keys(ENTITLEMENTS))).optional(),
            nextStep: z.string().nullable().optional(),
            nextStepOn: IsoDate.nullable().optional(),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const b = request.body
      const id = await support.recordContact(
        request.params.id,
        {
          contactedOn: b.contactedOn,
          kind: b.kind,
          safeToContact: b.safeToContact,
          whatDone: b.whatDone,
          needsRaised: b.needsRaised ?? '',
          entitlements: b.entitlements ?? [],
          nextStep: b.nextStep ?? '',
          nextStepOn: b.nextStepOn ?? null,
        },
        userOf(request),
        actorOf(request),
      )
      return reply.code(201).send({ id })
    },
  )

  api.post(
    '/api/v1/people/:id/support/referrals',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['support'],
        summary:
          'Make a referral out to a service in the directory; victim care needs the support asked for (outreach or safe-house); without followUpOn it is followed up after the configured days',
        params: z.object({ id: z.uuid() }),
        body: z
          .object({
            serviceId: z.uuid({ error: 'Select a service from the directory' }),
            madeOn: IsoDate,
            provision: z.enum(keys(PROVISIONS)).nullable().optional(),
            reason: z.string(),
            followUpOn: IsoDate.nullable().optional(),
          })
          .strict(),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const b = request.body
      const id = await support.makeReferral(
        request.params.id,
        {
          serviceId: b.serviceId,
          madeOn: b.madeOn,
          provision: b.provision ?? '',
          reason: b.reason,
          followUpOn: b.followUpOn ?? null,
        },
        userOf(request),
        actorOf(request),
      )
      return reply.code(201).send({ id })
    },
  )
}
