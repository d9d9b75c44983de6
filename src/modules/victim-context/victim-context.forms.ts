import { z } from 'zod'
import { asString } from '#src/platform/http/forms.ts'
import { checkboxes, dateField, schemaFor } from '#src/platform/http/page-forms.ts'
import { isUuid } from '#src/shared/ids.ts'
import {
  JourneyRules,
  PerpetratorRules,
  SituationRules,
  needsDescription,
  needsSomewhere,
  type SituationInput,
} from './victim-context.rules.ts'
import { CONTEXT_LIST_KEYS, type ContextListKey } from './victim-context.vocabulary.ts'

/**
 * The forms of "How they were exploited", one schema each, read from the urlencoded body: the record's own rules
 * (victim-context.rules.ts) on the answers as typed, a GOV.UK date input for a stop's date. Field keys are the page's
 * input ids, so every problem shows at once, each linked to its input. Text is kept as typed (the service trims it
 * as it saves), so a limit counts what was sent.
 */

/** A text box or select as typed, untrimmed ('' when absent). */
const typed = <S extends z.ZodType>(rule: S) => z.preprocess(asString, rule)
/** A select whose first option ("Select a country") is blank: null when it is chosen. */
const chosen = <S extends z.ZodType>(rule: S) => z.preprocess((value) => asString(value) || null, rule)
/** A checkbox group's boxes ticked (an empty value is none). */
const ticked = <S extends z.ZodType<unknown, string[]>>(rule: S) =>
  checkboxes()
    .transform((values) => values.filter(Boolean))
    .pipe(rule)

/** A situation: every question optional. */
export const SituationForm = z.object({
  ...(Object.fromEntries(CONTEXT_LIST_KEYS.map((key) => [key, ticked(SituationRules.shape[key])])) as {
    [K in ContextListKey]: ReturnType<typeof ticked<(typeof SituationRules.shape)[K]>>
  }),
  recruitmentPlace: typed(SituationRules.shape.recruitmentPlace),
  recruitmentCountry: chosen(SituationRules.shape.recruitmentCountry),
  recruitmentDetail: typed(SituationRules.shape.recruitmentDetail),
  vulnerabilityDetail: typed(SituationRules.shape.vulnerabilityDetail),
  controlDetail: typed(SituationRules.shape.controlDetail),
}) satisfies z.ZodType<SituationInput>

/**
 * A new situation, about one of the referrals naming the person that has none yet (`open`), or about no referral
 * (`referralId` left blank).
 */
export const newSituationForm = schemaFor((open: readonly string[]) =>
  SituationForm.extend({
    referralId: typed(
      z.string().refine((id) => id === '' || open.includes(id), {
        error:
          'How they were exploited is already recorded for this referral, or it does not name them: change it from their page',
      }),
    ),
  }),
)

/** A stop on the journey, read after `withDateParts(body, 'occurredOn')`: its date optional, and not in the future. */
export const JourneyForm = needsSomewhere(
  z.object({
    stage: typed(JourneyRules.shape.stage),
    occurredOn: dateField('The date', { required: false, notInFuture: true }),
    place: typed(JourneyRules.shape.place),
    country: chosen(JourneyRules.shape.country),
    notes: typed(JourneyRules.shape.notes),
  }),
)

/** A perpetrator: a suspect the referral names (a well-formed id, or none) or a description, and their roles. */
export const PerpetratorForm = needsDescription(
  z.object({
    personId: z.preprocess((value) => {
      const id = asString(value)
      return id && isUuid(id) ? id : null
    }, PerpetratorRules.shape.personId),
    description: typed(PerpetratorRules.shape.description),
    roles: ticked(PerpetratorRules.shape.roles),
  }),
)
