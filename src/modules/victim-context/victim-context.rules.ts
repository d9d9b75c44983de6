import { z } from 'zod'
import { parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withEveryProblem } from '#src/platform/http/page-forms.ts'
import { isCountryCode } from '#src/shared/reference-data.ts'
import { londonDate } from '#src/shared/dates.ts'
import {
  CONTEXT_LISTS,
  CONTEXT_LIST_KEYS,
  JOURNEY_STAGES,
  PERPETRATOR_ROLES,
  isValue,
  type ContextListKey,
} from './victim-context.vocabulary.ts'

/**
 * What a situation, a stop on the journey and a perpetrator may hold, one zod schema each, in one place: the service
 * refuses with the first problem (in the order below), the pages' forms (victim-context.forms.ts) read the typed
 * answers into them and show every problem at once, and the API takes its text limits from them. Field keys are the
 * JSON field names; text is checked as given (the service trims it as it saves).
 */

const SHORT_MAX = 200
const TEXT_MAX = 2000

const limited = (label: string, max: number) =>
  z.string().max(max, { error: `${label} must be ${max} characters or fewer` })

/** The closed answers to one multi-choice question: each from its list, and "Not known" only on its own. */
const answersFrom = (list: { items: readonly { value: string }[] }, fromList: string, alone: string) =>
  z
    .array(z.string())
    .refine((values) => values.every((v) => isValue(list, v)), { error: fromList })
    // "Not known" says nothing was known: with a known value beside it, one of the two is wrong.
    .refine((values) => !(values.includes('unknown') && values.length > 1), { error: alone })

const contextAnswers = (key: ContextListKey) => {
  const title = CONTEXT_LISTS[key].title.toLowerCase()
  return answersFrom(
    CONTEXT_LISTS[key].list,
    `Select ${title} from the list`,
    `Select “Not known” on its own, or only the ${title} that are known`,
  )
}

const country = z
  .string()
  .nullable()
  .refine((code) => !code || isCountryCode(code), { error: 'Select a country from the list' })

/** The free text of a situation, with its limit. */
export const SituationText = {
  recruitmentPlace: limited('Where they were recruited', SHORT_MAX),
  recruitmentDetail: limited('About the recruitment', TEXT_MAX),
  vulnerabilityDetail: limited('About their vulnerabilities', TEXT_MAX),
  controlDetail: limited('About how they were controlled', TEXT_MAX),
}

/** A situation: every question optional. */
export const SituationRules = z.object({
  ...(Object.fromEntries(CONTEXT_LIST_KEYS.map((key) => [key, contextAnswers(key)])) as {
    [K in ContextListKey]: ReturnType<typeof contextAnswers>
  }),
  recruitmentCountry: country,
  ...SituationText,
})

export type SituationInput = z.output<typeof SituationRules>

/** A stop on the journey needs somewhere, a town or place or a country: checked beside every other problem. */
export const needsSomewhere = <S extends z.ZodType<{ place: string; country: string | null }>>(stop: S) =>
  stop.refine((s) => s.place.trim() !== '' || Boolean(s.country), {
    path: ['place'],
    error: 'Enter the town or place, or select a country',
    ...withEveryProblem,
  })

/** A stop on the journey: what happened there, when (if known, and not in the future), and where. */
export const JourneyRules = needsSomewhere(
  z.object({
    stage: z.string().refine((stage) => isValue(JOURNEY_STAGES, stage), { error: 'Select what happened there' }),
    place: limited('The place', SHORT_MAX),
    country,
    occurredOn: z
      .string()
      .nullable()
      .refine((date) => !date || date <= londonDate(), { error: 'The date must be today or in the past' }),
    notes: limited('Notes', TEXT_MAX),
  }),
)

export type JourneyInput = z.output<typeof JourneyRules>

/**
 * A perpetrator is a suspect the referral names, or is described: checked beside every other problem. A description
 * too long is the problem shown before a missing one.
 */
export const needsDescription = <S extends z.ZodType<{ personId: string | null; description: string }>>(
  perpetrator: S,
) =>
  perpetrator.refine((p) => Boolean(p.personId) || p.description.trim() !== '', {
    path: ['description'],
    error: 'Describe them (a name, nickname or description), or select a suspect named in the referral',
    ...withEveryProblem,
  })

/** A perpetrator: who they are, and the part they played ("Not known" when it is not). */
export const PerpetratorRules = needsDescription(
  z.object({
    personId: z.string().nullable(),
    description: limited('The description', SHORT_MAX),
    roles: z
      .array(z.string())
      .min(1, { error: 'Select the part they played, or “Not known”' })
      .pipe(
        answersFrom(
          PERPETRATOR_ROLES,
          'Select the part they played from the list',
          'Select “Not known” on its own, or only the parts that are known',
        ),
      ),
  }),
)

export type PerpetratorInput = z.output<typeof PerpetratorRules>

/** Every problem with an item, keyed by field in `order` (the service refuses with the first). */
function problemsOf(rules: z.ZodType, order: readonly string[], input: unknown): FieldErrors {
  const parsed = parseForm(rules, input)
  if (parsed.ok) return {}
  return Object.fromEntries(Object.entries(parsed.errors).sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)))
}

const SITUATION_ORDER = Object.keys(SituationRules.shape)

export const checkSituation = (input: SituationInput): FieldErrors => problemsOf(SituationRules, SITUATION_ORDER, input)

export const checkJourney = (input: JourneyInput): FieldErrors =>
  problemsOf(JourneyRules, ['stage', 'place', 'country', 'occurredOn', 'notes'], input)

export const checkPerpetrator = (input: PerpetratorInput): FieldErrors =>
  problemsOf(PerpetratorRules, ['roles', 'description'], input)
