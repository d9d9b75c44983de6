import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { sendProblem } from '#src/platform/http/problem.ts'
import { CHILD_STATUSES, ContradictoryFactsError, ROUTES, TRAVEL_STATES } from './screening.rules.ts'
import { LEGAL_MEANS } from './screening.vocabulary.ts'
import { Facts, MEANS } from './screening.facts.ts'

const Step = z.object({ rule: z.string().nullable(), source: z.string().nullable(), text: z.string() })
const AssessmentResponse = z.object({
  is_child: z.boolean(),
  child_status: z.enum(CHILD_STATUSES),
  route: z.enum([...ROUTES, 'UNDETERMINED']),
  msa_sections: z.array(z.string()),
  other_legislation: z.array(z.string()),
  exploitation_types: z.array(z.string()),
  county_lines_flag: z.boolean(),
  smuggling_or_trafficking: z.enum(TRAVEL_STATES),
  competent_authority: z.enum(['SCA', 'IECA', 'SCA_OR_LA_PILOT', 'LA_PILOT']).nullable(),
  s45: z
    .object({
      limb: z.enum(['adult', 'child']),
      available_in_principle: z.boolean(),
      reason: z.string(),
      framework: z.string(),
      elements: z.record(z.string(), z.boolean().nullable()),
      schedule4: z.object({
        status: z.enum(['listed', 'possibly', 'not-found']),
        message: z.string(),
        asOf: z.string(),
        identified: z.array(
          z.object({
            act: z.string(),
            section: z.string().nullable(),
            name: z.string(),
            how: z.enum(['citation', 'wording']),
            wording: z.string(),
            schedule4: z.enum(['listed', 'possibly', 'not-listed']),
          }),
        ),
        matches: z.array(
          z.object({
            act: z.string(),
            section: z.string().nullable(),
            name: z.string(),
            status: z.string(),
            qualifier: z.string().nullable(),
          }),
        ),
      }),
    })
    .nullable(),
  deciding_rule: z.string(),
  supporting_rules: z.array(z.string()),
  explanation: z.array(Step),
  missing: z.array(z.string()),
  additional_actions: z.array(z.string()),
  recovery_period_days: z.int().nullable(),
  means_of_control: z.array(
    z.object({
      value: z.string(),
      means: z.enum(Object.keys(MEANS) as [keyof typeof MEANS]).nullable(),
      legal: z.enum(Object.keys(LEGAL_MEANS) as [keyof typeof LEGAL_MEANS]).nullable(),
      label: z.string(),
    }),
  ),
  unrecognised: z.array(z.object({ field: z.string(), value: z.string(), treated_as: z.string() })),
})

/**
 * POST /api/v1/assessments: decision support for one person's facts, in the screening scenarios' shape.
 * Stateless: nothing about the person is stored, so there is nothing to audit; a screening recorded against
 * a referral is audited where it is saved.
 */
export function registerScreeningApi(app: FastifyInstance, { services }: AppDeps): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/assessments',
    {
      config: { access: 'screening:assess' },
      schema: {
        tags: ['screening'],
        summary:
          'Screen one person’s facts: route, child status, offences, exploitation types, s45, with the rules that decided',
        body: z.object({ facts: Facts }).strict(),
        response: { 200: AssessmentResponse },
      },
    },
    async (request, reply) => {
      try {
        return services.screening.rules.assess(request.body.facts)
      } catch (error) {
        if (error instanceof ContradictoryFactsError) {
          return sendProblem(reply, {
            status: 422,
            type: 'urn:lantern:problem:contradictory-facts',
            title: 'The facts contradict each other',
            detail: error.message,
            errors: error.problems.map((p) => ({ pointer: `/facts/${p.field}`, detail: p.message })),
          })
        }
        throw error
      }
    },
  )
}
