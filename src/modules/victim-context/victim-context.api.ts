import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { apiRethrow } from '#src/platform/http/errors.ts'
import { IsoDate } from '#src/shared/input.ts'
import { isCountryCode } from '#src/shared/reference-data.ts'
import { VictimContextError, type SituationInput } from './victim-context.service.ts'
import { JourneyRules, PerpetratorRules, SituationText } from './victim-context.rules.ts'
import type { JourneyRow, PerpetratorRow, SituationRow } from './victim-context.repository.ts'
import { CONTEXT_LISTS, JOURNEY_STAGES, PERPETRATOR_ROLES } from './victim-context.vocabulary.ts'

/** One closed list as the API takes it: the stored values, several at once, "unknown" alone when nothing is known. */
const listOf = (key: keyof typeof CONTEXT_LISTS) => {
  const values = CONTEXT_LISTS[key].list.items.map((i) => i.value) as [string, ...string[]]
  return z
    .array(z.enum(values, { error: `${CONTEXT_LISTS[key].title} must be from: ${values.join(', ')}` }))
    .max(40)
    .default([])
    .describe(`${CONTEXT_LISTS[key].title}; "unknown" on its own when asked and not known, empty when not asked`)
}
const Country = z
  .string()
  .refine(isCountryCode, { error: 'Enter a country as its ISO 3166 code, like AL or GB' })
  .nullable()
  .default(null)

const Journey = z
  .object({
    stage: z.enum(JOURNEY_STAGES.items.map((i) => i.value) as [string, ...string[]], {
      error: `Stage must be one of: ${JOURNEY_STAGES.items.map((i) => i.value).join(', ')}`,
    }),
    occurredOn: IsoDate.nullable().default(null),
    place: JourneyRules.shape.place.default(''),
    country: Country,
    notes: JourneyRules.shape.notes.default(''),
  })
  .strict()
const Perpetrator = z
  .object({
    personId: z.uuid().nullable().default(null).describe('A suspect named in the situation’s referral'),
    description: PerpetratorRules.shape.description.default(''),
    roles: z
      .array(z.enum(PERPETRATOR_ROLES.items.map((i) => i.value) as [string, ...string[]]))
      .min(1, { error: 'Give the part they played, or "unknown"' }),
  })
  .strict()

const SituationBody = {
  recruitmentMethods: listOf('recruitmentMethods'),
  recruitmentPlatforms: listOf('recruitmentPlatforms'),
  recruitmentPlace: SituationText.recruitmentPlace.default(''),
  recruitmentCountry: Country,
  recruitmentDetail: SituationText.recruitmentDetail.default(''),
  vulnerabilities: listOf('vulnerabilities'),
  vulnerabilityDetail: SituationText.vulnerabilityDetail.default(''),
  controlMethods: listOf('controlMethods'),
  controlDetail: SituationText.controlDetail.default(''),
  labourSectors: listOf('labourSectors'),
  sexualTypes: listOf('sexualTypes'),
  criminalTypes: listOf('criminalTypes'),
  journey: z.array(Journey).max(100).optional().describe('The whole journey: replaces what is recorded when given'),
  perpetrators: z
    .array(Perpetrator)
    .max(50)
    .optional()
    .describe('Every perpetrator and their roles: replaces what is recorded when given'),
}

const Situation = z.object({
  id: z.uuid(),
  referralId: z.uuid().nullable(),
  referralReference: z.string().nullable(),
  recruitmentMethods: z.array(z.string()),
  recruitmentPlatforms: z.array(z.string()),
  recruitmentPlace: z.string(),
  recruitmentCountry: z.string().nullable(),
  recruitmentDetail: z.string(),
  vulnerabilities: z.array(z.string()),
  vulnerabilityDetail: z.string(),
  controlMethods: z.array(z.string()),
  controlDetail: z.string(),
  labourSectors: z.array(z.string()),
  sexualTypes: z.array(z.string()),
  criminalTypes: z.array(z.string()),
  journey: z.array(
    z.object({
      id: z.uuid(),
      stage: z.string(),
      occurredOn: z.string().nullable(),
      place: z.string(),
      country: z.string().nullable(),
      notes: z.string(),
    }),
  ),
  perpetrators: z.array(
    z.object({ id: z.uuid(), personId: z.uuid().nullable(), description: z.string(), roles: z.array(z.string()) }),
  ),
  updatedAt: z.string(),
})

function present(s: SituationRow & { journey: JourneyRow[]; perpetrators: PerpetratorRow[] }) {
  return {
    id: s.id,
    referralId: s.referral_id,
    referralReference: s.referral_reference,
    recruitmentMethods: s.recruitment_methods,
    recruitmentPlatforms: s.recruitment_platforms,
    recruitmentPlace: s.recruitment_place,
    recruitmentCountry: s.recruitment_country,
    recruitmentDetail: s.recruitment_detail,
    vulnerabilities: s.vulnerabilities,
    vulnerabilityDetail: s.vulnerability_detail,
    controlMethods: s.control_methods,
    controlDetail: s.control_detail,
    labourSectors: s.labour_sectors,
    sexualTypes: s.sexual_types,
    criminalTypes: s.criminal_types,
    journey: s.journey.map((j) => ({
      id: j.id,
      stage: j.stage,
      occurredOn: j.occurred_on,
      place: j.place,
      country: j.country,
      notes: j.notes,
    })),
    perpetrators: s.perpetrators.map((p) => ({
      id: p.id,
      personId: p.person_id,
      description: p.description,
      roles: p.roles,
    })),
    updatedAt: new Date(s.updated_at).toISOString(),
  }
}

const SituationObject = z.object(SituationBody)
type Body = z.output<typeof SituationObject>
const inputOf = (b: Body): SituationInput => ({
  recruitmentMethods: b.recruitmentMethods,
  recruitmentPlatforms: b.recruitmentPlatforms,
  vulnerabilities: b.vulnerabilities,
  controlMethods: b.controlMethods,
  labourSectors: b.labourSectors,
  sexualTypes: b.sexualTypes,
  criminalTypes: b.criminalTypes,
  recruitmentPlace: b.recruitmentPlace,
  recruitmentCountry: b.recruitmentCountry,
  recruitmentDetail: b.recruitmentDetail,
  vulnerabilityDetail: b.vulnerabilityDetail,
  controlDetail: b.controlDetail,
})
const itemsOf = (b: Body) => ({ journey: b.journey, perpetrators: b.perpetrators })

/**
 * How a person was exploited, over the API (issue 15, section 1): the same victim-side policy as the page (ADR 0009).
 * A hidden or unknown person is a 404 problem; someone without a duty to the person gets a 403 problem naming whom to
 * ask; a person not recorded as a potential victim, a 409. Every read is audited, as the page's.
 */
export function registerVictimContextApi(app: FastifyInstance, { services }: AppDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>()
  const context = services.victimContext
  const rethrow = apiRethrow(VictimContextError)

  api.get(
    '/api/v1/people/:id/exploitation',
    {
      config: { access: 'victim-facet:view' },
      schema: {
        tags: ['people'],
        summary:
          'Read how a person was exploited: each situation’s recruitment, vulnerabilities, control, sectors, journey and perpetrators’ roles (victim side; every read is audited)',
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ personId: z.uuid(), situations: z.array(Situation) }) },
      },
    },
    async (request) => {
      const found = await context.view(request.params.id, userOf(request), actorOf(request)).catch(rethrow)
      return { personId: request.params.id, situations: found.situations.map(present) }
    },
  )

  api.post(
    '/api/v1/people/:id/exploitation',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['people'],
        summary:
          'Record a situation: how the person was exploited as one referral describes it (or with no referral), with its journey and perpetrators; every field optional',
        params: z.object({ id: z.uuid() }),
        body: z.object({ referralId: z.uuid().nullable().default(null), ...SituationBody }).strict(),
        response: { 201: z.object({ id: z.uuid() }) },
      },
    },
    async (request, reply) => {
      const { referralId, ...body } = request.body
      const saved = await context
        .save(request.params.id, { referralId }, inputOf(body), itemsOf(body), userOf(request), actorOf(request))
        .catch(rethrow)
      return reply.code(201).send({ id: saved.id })
    },
  )

  api.put(
    '/api/v1/people/:id/exploitation/:situationId',
    {
      config: { access: 'safeguarding-plan:edit' },
      schema: {
        tags: ['people'],
        summary:
          'Replace a situation: every field as given (a field left out is emptied); its journey and perpetrators too when given',
        params: z.object({ id: z.uuid(), situationId: z.uuid() }),
        body: SituationObject.strict(),
        response: { 200: z.object({ id: z.uuid() }) },
      },
    },
    async (request) => {
      const saved = await context
        .save(
          request.params.id,
          { situationId: request.params.situationId },
          inputOf(request.body),
          itemsOf(request.body),
          userOf(request),
          actorOf(request),
        )
        .catch(rethrow)
      return { id: saved.id }
    },
  )
}
