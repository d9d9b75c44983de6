import { z } from 'zod'
import { isCountryCode, isLanguageCode } from '#src/shared/reference-data.ts'
import { IsoDate, optionalText, Postcode, text } from '#src/shared/input.ts'
import { GENDERS, PREMISES_TYPES } from './person.vocabulary.ts'

/**
 * The shapes of a person and a place as the people module accepts them, from the API or from question pages
 * (a referral's people are these with a role). Messages follow GOV.UK style because pages show them too.
 */

const ageDisputedField = z.boolean({ error: 'Age disputed must be true or false' })
const genderField = z.enum(GENDERS.values, { error: 'Select a gender' })
const nationalitiesField = z
  .array(z.string().refine(isCountryCode, { error: 'Nationality must be an ISO 3166 country code, like RO' }))
  .max(3, { error: 'Enter no more than 3 nationalities' })
const languagesField = z
  .array(z.string().refine(isLanguageCode, { error: 'Language must be an ISO 639-1 code, like ro' }))
  .max(10, { error: 'Enter no more than 10 languages' })
const approximateAgeField = z
  .int({ error: 'Approximate age must be a whole number' })
  .min(0)
  .max(120, { error: 'Approximate age must be 120 or less' })

export const personFields = {
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

export function dateOfBirthInPast(person: { dateOfBirth?: string | null }, ctx: z.RefinementCtx) {
  if (person.dateOfBirth && person.dateOfBirth > new Date().toISOString().slice(0, 10)) {
    ctx.addIssue({ code: 'custom', path: ['dateOfBirth'], message: 'Date of birth must be in the past' })
  }
}

/** A person recorded on their own, outside a referral: the same facts without a role. */
export const NewPersonInput = z.object(personFields).strict().superRefine(dateOfBirthInPast)

/** A correction to a person's details: only the fields given change. */
export const PersonDetailsChange = z
  .object({
    dateOfBirth: IsoDate.nullable(),
    approximateAge: approximateAgeField.nullable(),
    ageDisputed: ageDisputedField,
    gender: genderField,
    nationalities: nationalitiesField,
    languages: languagesField,
    vulnerability: text(1000, 'Vulnerability')
      .nullable()
      .transform((v) => (v ? v : null)),
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
    postcode: z.preprocess((v) => (v === '' ? null : v), Postcode.nullable().optional()).transform((v) => v ?? null),
    description: optionalText(1000, 'Description'),
    premisesType: z.enum(PREMISES_TYPES.values, { error: 'Select the type of premises' }).default('other'),
  })
  .refine((l) => l.addressLine1 || l.postcode || l.description, {
    error: 'Enter an address, a postcode or a description of the place',
    path: ['addressLine1'],
  })
export type LocationInput = z.output<typeof LocationInput>

/** A person's facts as a record holds them, whatever brought them in (a referral, a live job, a screening). */
export type PersonRecordInput = z.output<typeof NewPersonInput>
