import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode'
import { z } from 'zod'
import { isCountryCode, isLanguageCode } from '#src/shared/reference-data.ts'
import { isRealDate } from '#src/shared/dates.ts'
import {
  CLOSURE_REASONS,
  EXPLOITATION_TYPES,
  GRADE_LEVELS,
  GENDERS,
  PREMISES_TYPES,
  SOURCES,
  STATUSES,
  SUBJECT_ROLES,
  THRIVE_ELEMENTS,
} from './referral.vocabulary.ts'
import { URGENCY_INDICATOR_VALUES } from './referral.urgency.ts'
import { SECTORS } from '#src/modules/outreach/index.ts'

/**
 * The shape of a referral as the service accepts it, from the API or from the finished question pages.
 * Messages follow GOV.UK style because the check-answers page shows them too.
 */
const text = (max: number, label: string) =>
  z.string({ error: `${label} must be text` }).trim().max(max, { error: `${label} must be ${max} characters or fewer` })

const optionalText = (max: number, label: string) =>
  text(max, label)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null))

export const IsoDate = z
  .string({ error: 'Enter a date in the format YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'Enter a date in the format YYYY-MM-DD' })
  .refine((v) => {
    const [y, m, d] = v.split('-').map(Number)
    return isRealDate(y, m, d)
  }, { error: 'Enter a real date' })

export const Postcode = z
  .string()
  .trim()
  .refine((v) => isValidPostcode(v), { error: 'Enter a real UK postcode, like SW1A 1AA' })
  .transform((v) => normalisePostcode(v) ?? v)

const ageDisputedField = z.boolean({ error: 'Age disputed must be true or false' })
const genderField = z.enum(GENDERS.values, { error: 'Select a gender' })
const nationalitiesField = z
  .array(z.string().refine(isCountryCode, { error: 'Nationality must be an ISO 3166 country code, like RO' }))
  .max(3, { error: 'Enter no more than 3 nationalities' })
const languagesField = z
  .array(z.string().refine(isLanguageCode, { error: 'Language must be an ISO 639-1 code, like ro' }))
  .max(10, { error: 'Enter no more than 10 languages' })
const approximateAgeField = z.int({ error: 'Approximate age must be a whole number' }).min(0).max(120, { error: 'Approximate age must be 120 or less' })

const personFields = {
    names: z
      .array(text(200, 'Name').min(1, { error: 'Enter a name' }), { error: 'Enter the person’s name' })
      .min(1, { error: 'Enter the person’s name' })
      .max(10, { error: 'Enter no more than 10 names' }),
    dateOfBirth: IsoDate.optional().nullable(),
    approximateAge: approximateAgeField.optional().nullable(),
    ageDisputed: ageDisputedField.default(false),
    gender: genderField.default('not-known'),
    nationalities: nationalitiesField.default([]),
    languages: languagesField.default([]),
}

function dateOfBirthInPast(person: { dateOfBirth?: string | null }, ctx: z.RefinementCtx) {
  if (person.dateOfBirth && person.dateOfBirth > new Date().toISOString().slice(0, 10)) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Date of birth must be in the past' })
  }
}

export const PersonInput = z
  .object({ ...personFields, role: z.enum(SUBJECT_ROLES.values, { error: 'Select the person’s role in this referral' }) })
  .superRefine(dateOfBirthInPast)

/** A person recorded on their own, outside a referral: the same facts without a role. */
export const NewPersonInput = z.object(personFields).strict().superRefine(dateOfBirthInPast)
export type PersonInput = z.output<typeof PersonInput>

/** A correction to a person's details: only the fields given change. */
export const PersonDetailsChange = z
  .object({
    dateOfBirth: IsoDate.nullable(),
    approximateAge: approximateAgeField.nullable(),
    ageDisputed: ageDisputedField,
    gender: genderField,
    nationalities: nationalitiesField,
    languages: languagesField,
    vulnerability: text(1000, 'Vulnerability').nullable().transform((v) => (v ? v : null)),
  })
  .partial()
  .strict()
  .superRefine(dateOfBirthInPast)
export type PersonDetailsChange = z.output<typeof PersonDetailsChange>

export const LocationInput = z
  .object({
    addressLine1: optionalText(200, 'Address line 1'),
    addressLine2: optionalText(200, 'Address line 2'),
    town: optionalText(100, 'Town or city'),
    postcode: z
      .preprocess((v) => (v === '' ? null : v), Postcode.nullable().optional())
      .transform((v) => v ?? null),
    description: optionalText(1000, 'Description'),
    premisesType: z.enum(PREMISES_TYPES.values, { error: 'Select the type of premises' }).default('other'),
  })
  .refine((l) => l.addressLine1 || l.postcode || l.description, {
    error: 'Enter an address, a postcode or a description of the place',
    path: ['addressLine1'],
  })
export type LocationInput = z.output<typeof LocationInput>

export const NewReferralInput = z
  .object({
    receivedAt: z.union([z.iso.datetime({ offset: true }), IsoDate], { error: 'Enter the date received, like 2026-03-04 or 2026-03-04T09:30:00Z' }),
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
    locations: z.array(LocationInput).max(50, { error: 'Add no more than 50 locations' }).default([]),
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
      .describe('What is true now, besides what the people’s ages say: ongoing (still happening), injury, threats, no-safe-place (tonight), looks-young (age not known). Each makes the referral urgent.'),
  })
  .strict()
export type NewReferralInput = z.output<typeof NewReferralInput>

export const StatusChangeInput = z
  .object({
    status: z.enum(STATUSES.values, { error: 'Select a new status' }),
    closureReason: z.enum(CLOSURE_REASONS.values, { error: 'Select why the referral is being closed' }).optional().nullable(),
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

const gradeLevel = (label: string) => z.enum(GRADE_LEVELS.values, { error: `Select a grade for ${label.toLowerCase()}` })
const rationale = (label: string) => text(1000, `Reason for the ${label.toLowerCase()} grade`).min(1, { error: `Enter why you graded ${label.toLowerCase()} this way` })

/** A THRIVE grading at triage: each element graded high, medium or low, with a short reason. */
export const GradingInput = z
  .object({
    ...(Object.fromEntries(
      THRIVE_ELEMENTS.items.flatMap((e) => [
        [e.value, gradeLevel(e.text)],
        [`${e.value}Rationale`, rationale(e.text)],
      ]),
    ) as { [K in (typeof THRIVE_ELEMENTS.values)[number]]: ReturnType<typeof gradeLevel> } & { [K in `${(typeof THRIVE_ELEMENTS.values)[number]}Rationale`]: ReturnType<typeof rationale> }),
    /** The version the user saw: a change made since then is refused rather than silently overwritten. */
    expectedVersion: z.int().min(1).optional(),
  })
  .strict()
export type GradingInput = z.output<typeof GradingInput>
