import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { AGENCY_KINDS, type AgencyKind } from './partner.vocabulary.ts'

const Agency = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: z.string(),
  firstResponder: z.boolean(),
  dutyToNotify: z.boolean(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  notes: z.string().nullable(),
  active: z.boolean(),
})
const agency = (a: {
  id: string
  name: string
  kind: string
  first_responder: boolean
  duty_to_notify: boolean
  phone: string | null
  email: string | null
  notes: string | null
  active: boolean
}) => ({
  id: a.id,
  name: a.name,
  kind: a.kind,
  firstResponder: a.first_responder,
  dutyToNotify: a.duty_to_notify,
  phone: a.phone,
  email: a.email,
  notes: a.notes,
  active: a.active,
})

/** The partner directory over the API (read only: the force keeps it on its pages). */
export function registerPartnerApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()

  api.get(
    '/api/v1/agencies',
    {
      config: { access: 'partner:view' },
      schema: {
        tags: ['partners'],
        summary: 'List partner agencies, optionally only first responders or Duty to Notify authorities',
        querystring: z
          .object({
            kind: z.enum(Object.keys(AGENCY_KINDS) as [AgencyKind]).optional(),
            firstResponder: z.enum(['true']).optional(),
            dutyToNotify: z.enum(['true']).optional(),
          })
          .strict(),
        response: { 200: z.object({ items: z.array(Agency.extend({ contacts: z.int() })) }) },
      },
    },
    async (request) => ({
      items: (
        await services.partners.list({
          kind: request.query.kind ?? null,
          firstResponder: request.query.firstResponder === 'true',
          dutyToNotify: request.query.dutyToNotify === 'true',
        })
      ).map((a) => ({ ...agency(a), contacts: a.contacts })),
    }),
  )

  api.get(
    '/api/v1/agencies/:id',
    {
      config: { access: 'partner:view' },
      schema: {
        tags: ['partners'],
        summary: 'Read an agency and its contacts',
        params: z.object({ id: z.uuid() }),
        response: {
          200: Agency.extend({
            contacts: z.array(
              z.object({
                id: z.uuid(),
                name: z.string(),
                jobTitle: z.string().nullable(),
                phone: z.string().nullable(),
                email: z.string().nullable(),
                active: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const found = await services.partners.view(request.params.id)
      return {
        ...agency(found.agency),
        contacts: found.contacts.map((c) => ({
          id: c.id,
          name: c.name,
          jobTitle: c.job_title,
          phone: c.phone,
          email: c.email,
          active: c.active,
        })),
      }
    },
  )
}
