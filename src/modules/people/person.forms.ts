import { z } from 'zod'
import { choiceOf, dateField, field, requiredText } from '#src/platform/http/page-forms.ts'
import { asString } from '#src/platform/http/forms.ts'
import { isCountryCode, parseLanguageList } from '#src/shared/reference-data.ts'
import { GENDERS } from './person.vocabulary.ts'
import { LocationInput } from './person.schema.ts'
import { OBJECT_KINDS, type ObjectKind } from './identifiers.ts'
import { PLACE_RELATIONS } from './person.service.ts'

/**
 * The person page's forms, one schema each (as the API's are), read from the urlencoded body. Field keys are the
 * input ids on the page, so each error links to its field; messages are the page's own.
 */

export const DOCUMENT_KINDS = {
  passport: 'Passport',
  'national-id': 'National identity card',
  'driving-licence': 'Driving licence',
  'residence-permit': 'Residence permit',
  'birth-certificate': 'Birth certificate',
  other: 'Other',
} as const
export const OBJECT_RELATIONS = {
  uses: 'Uses',
  owns: 'Owns',
  'registered-keeper': 'Registered keeper',
  drives: 'Drives',
  'account-holder': 'Account holder',
  runs: 'Runs',
  works: 'Works on',
} as const

const yesNoUnknown = field().transform((held) => (held === 'yes' ? true : held === 'no' ? false : null))
const source = requiredText('Enter where this information came from', 200, 'Source must be 200 characters or fewer')

/** A document the person holds or held (body after `withDateParts(body, 'expiresOn')`). */
export const DocumentForm = z.object({
  kind: choiceOf(DOCUMENT_KINDS, 'Select the type of document'),
  number: field(z.string().max(60, { error: 'Document number must be 60 characters or fewer' })).transform(
    (n) => n || null,
  ),
  issuingCountry: field(
    z.string().refine((c) => !c || isCountryCode(c), { error: 'Select the issuing country from the list' }),
  ).transform((c) => c || null),
  expiresOn: dateField('Expiry date', { required: false }),
  heldByPerson: yesNoUnknown,
})

/** The person's details (body after `withDateParts(body, 'dateOfBirth')`). */
export const DetailsForm = z
  .object({
    dateOfBirth: dateField('Date of birth', { required: false, notInFuture: true }),
    approximateAge: field(
      z.string().regex(/^(\d{1,3})?$/, { error: 'Approximate age must be a whole number between 0 and 120' }),
    )
      .transform((text) => (text === '' ? null : Number(text)))
      .refine((age) => age === null || age <= 120, {
        error: 'Approximate age must be a whole number between 0 and 120',
      }),
    ageDisputed: field().transform((v) => v === 'yes'),
    gender: field(z.enum(GENDERS.values, { error: 'Select a gender' })),
    nationality: field(
      z.string().refine((n) => !n || isCountryCode(n), { error: 'Select a nationality from the list' }),
    ),
    secondNationality: field(
      z.string().refine((n) => !n || isCountryCode(n), { error: 'Select a nationality from the list' }),
    ),
    languages: z.preprocess(
      (v) => asString(v).slice(0, 1000),
      z.string().transform((text, ctx) => {
        const { codes, unknown } = parseLanguageList(text)
        if (unknown.length === 0) return codes
        ctx.addIssue({
          code: 'custom',
          message: `We do not recognise ${unknown.map((l) => `‘${l.slice(0, 40)}’`).join(', ')}. Enter language names in English, separated by commas, like Romanian, English`,
        })
        return z.NEVER
      }),
    ),
    vulnerability: field(z.string().max(1000, { error: 'Vulnerability must be 1000 characters or fewer' })).transform(
      (v) => v || null,
    ),
  })
  .transform(({ nationality, secondNationality, ...details }) => ({
    ...details,
    nationalities: [...new Set([nationality, secondNationality].filter(Boolean))],
  }))

/** A place the person is connected to (body after `withDateParts(body, 'placeFrom')`). */
export const PlaceLinkForm = z.object({
  place: LocationInput,
  placeRelation: choiceOf(PLACE_RELATIONS, 'Select how they are connected to the place'),
  placeSource: source,
  placeFrom: dateField('Date they were first there', { required: false, notInFuture: true }),
})
/** The place's fields sit at the top of the page's form; their errors name the input ids, not `place-…`. */
export function placeLinkInput(body: Record<string, unknown>) {
  return {
    ...body,
    place: {
      addressLine1: asString(body.addressLine1),
      town: asString(body.town),
      postcode: asString(body.postcode),
      premisesType: asString(body.premisesType) || 'other',
    },
  }
}

/** A phone, vehicle, account or other object the person is connected to. */
export const ObjectLinkForm = z.object({
  kind: field(
    z
      .string()
      .refine((k) => Object.hasOwn(OBJECT_KINDS, k) && k !== 'deal-line', { error: 'Select what you are adding' }),
  ).transform((k) => k as ObjectKind),
  relation: choiceOf(OBJECT_RELATIONS, 'Select how they are connected to it'),
  source,
  value: z.preprocess(asString, z.string()),
})
