import { z } from 'zod'
import { IsoDate, optionalText, Postcode, text } from '#src/shared/input.ts'
import {
  dateOfBirthInPast,
  LocationInput,
  NewPersonInput,
  PersonDetailsChange,
  personFields,
} from '#src/modules/people/index.ts'
import {
  CLOSURE_REASONS,
  EXPLOITATION_TYPES,
  GRADE_LEVELS,
  SOURCES,
  STATUSES,
  THRIVE_ELEMENTS,
} from './referral.vocabulary.ts'
import { SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { URGENCY_INDICATOR_VALUES } from './referral.urgency.ts'
import { SECTORS } from '#src/modules/outreach/index.ts'

/**
 * The shape of a referral as the service accepts it, from the API or from the finished question pages.
 * Messages follow GOV.UK style because the check-answers page shows them too.
 */

export const PersonInput = z
  .object({
    ...personFields,
    role: z.enum(SUBJECT_ROLES.values, { error: 'Select the person’s role in this referral' }),
  })
  .superRefine(dateOfBirthInPast)

export type PersonInput = z.output<typeof PersonInput>

/**
 * A place on a referral, with the recorder's answer when an existing place was offered ("Is this the same
 * place?"): `samePlaceAs`, the place already recorded that it is; `separatePlace`, a different place at a similar
 * address, recorded as a new one. With neither (the API without the question, an import), an address already
 * recorded with the same first line and postcode is linked, not copied.
 */
const ReferralLocation = z.intersection(
  LocationInput,
  z.object({
    samePlaceAs: z
      .uuid({ error: 'Select a place from the list' })
      .nullable()
      .optional()
      .transform((v) => v ?? null),
    separatePlace: z
      .boolean({ error: 'separatePlace must be true or false' })
      .optional()
      .transform((v) => v ?? false),
  }),
)

export const NewReferralInput = z
  .object({
    receivedAt: z.union([z.iso.datetime({ offset: true }), IsoDate], {
      error: 'Enter the date received, like 2026-03-04 or 2026-03-04T09:30:00Z',
    }),
    source: z.enum(SOURCES.values, { error: 'Select where the referral came from' }),
    referringOrganisation: optionalText(200, 'Referring organisation'),
    referrerName: optionalText(200, 'Contact name'),
    referrerContact: optionalText(200, 'Contact details'),
    /** The sector of the referring organisation, so outreach impact links events to the referrals that follow. */
    referringSector: z
      .enum(SECTORS.values, { error: 'Select a sector from the list' })
      .optional()
      .nullable()
      .transform((v) => v ?? null),
    summary: text(10_000, 'What happened').min(1, { error: 'Enter what happened' }),
    people: z.array(PersonInput).max(50, { error: 'Add no more than 50 people' }).default([]),
    locations: z.array(ReferralLocation).max(50, { error: 'Add no more than 50 locations' }).default([]),
    exploitationTypes: z
      .array(z.enum(EXPLOITATION_TYPES.values, { error: 'Select a known exploitation type' }))
      .default([])
      .transform((types) => [...new Set(types)]),
    countyLines: z.boolean({ error: 'County Lines must be true or false' }).default(false),
    priorityTags: z
      .array(z.string().max(60))
      .max(20)
      .default([])
      .transform((tags) => [...new Set(tags)]),
    /** Facts that make a referral urgent besides people's ages: still happening, injury, threats, no safe place tonight, looks young. */
    indicators: z
      .array(z.enum(URGENCY_INDICATOR_VALUES, { error: 'Select a known urgency indicator' }))
      .max(10)
      .default([])
      .transform((values) => [...new Set(values)])
      .describe(
        'What is true now, besides what the people’s ages say: ongoing (still happening), injury, threats, no-safe-place (tonight), looks-young (age not known). Each makes the referral urgent.',
      ),
  })
  .strict()
export type NewReferralInput = z.output<typeof NewReferralInput>

export const StatusChangeInput = z
  .object({
    status: z.enum(STATUSES.values, { error: 'Select a new status' }),
    closureReason: z
      .enum(CLOSURE_REASONS.values, { error: 'Select why the referral is being closed' })
      .optional()
      .nullable(),
    reason: text(2000, 'Reason').min(1, { error: 'Enter why you are making this change' }),
    /** The version the user saw: a change made since then is refused rather than silently overwritten. */
    expectedVersion: z.int().min(1).optional(),
  })
  .strict()
export type StatusChangeInput = z.output<typeof StatusChangeInput>

export const AssignmentInput = z
  .object({
    assigneeId: z.uuid({ error: 'Select an officer' }).nullable(),
    note: optionalText(2000, 'Note'),
  })
  .strict()
export type AssignmentInput = z.output<typeof AssignmentInput>

const gradeLevel = (label: string) =>
  z.enum(GRADE_LEVELS.values, { error: `Select a grade for ${label.toLowerCase()}` })
const rationale = (label: string) =>
  text(1000, `Reason for the ${label.toLowerCase()} grade`).min(1, {
    error: `Enter why you graded ${label.toLowerCase()} this way`,
  })

/** A THRIVE grading at triage: each element graded high, medium or low, with a short reason. */
export const GradingInput = z
  .object({
    ...(Object.fromEntries(
      THRIVE_ELEMENTS.items.flatMap((e) => [
        [e.value, gradeLevel(e.text)],
        [`${e.value}Rationale`, rationale(e.text)],
      ]),
    ) as { [K in (typeof THRIVE_ELEMENTS.values)[number]]: ReturnType<typeof gradeLevel> } & {
      [K in `${(typeof THRIVE_ELEMENTS.values)[number]}Rationale`]: ReturnType<typeof rationale>
    }),
    /** The version the user saw: a change made since then is refused rather than silently overwritten. */
    expectedVersion: z.int().min(1).optional(),
  })
  .strict()
export type GradingInput = z.output<typeof GradingInput>

// Shapes owned elsewhere, under the names this module's callers have always used.
export { IsoDate, Postcode, LocationInput, NewPersonInput, PersonDetailsChange }
