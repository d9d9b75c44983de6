import { z } from 'zod'
import {
  dateField,
  field,
  optionalPostcode,
  requiredText,
  schemaFor,
  textUpTo,
  timeOfDay,
  withEveryProblem,
} from '#src/platform/http/page-forms.ts'
import { asArray, tooLongMessage } from '#src/platform/http/forms.ts'
import { isCountryCode, parseLanguageList } from '#src/shared/reference-data.ts'
import { GENDERS, PREMISES_TYPES, SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { SECTORS } from '#src/modules/outreach/index.ts'
import { EXPLOITATION_TYPES, SOURCES } from './referral.vocabulary.ts'
import { URGENCY_INDICATOR_VALUES } from './referral.urgency.ts'

/**
 * The new-referral journey's question pages, one schema each (as the API's are), read from the urlencoded body
 * after `withDateParts` for their date inputs. Field keys are the page's input ids; the messages are the ones the
 * pages have always shown. What the user typed is kept by the draft, not by these: a page shown again shows their
 * words.
 */

const yesOrNo = (message: string) => field(z.enum(['yes', 'no'], { error: message }))
/** A choice from a list that may be left unanswered. */
const optionalOneOf = (isKnown: (value: string) => boolean, message: string) =>
  field(z.string().refine((value) => value === '' || isKnown(value), { error: message }))
const nationality = optionalOneOf(isCountryCode, 'Select a nationality from the list')

export const ReceivedForm = z.object({
  receivedDate: dateField('Date received', { required: true, notInFuture: true }),
  receivedTime: timeOfDay('Enter a time in the 24-hour clock, like 14:30'),
  source: field(z.enum(SOURCES.values, { error: 'Select where the referral came from' })),
  referringOrganisation: textUpTo('Referring organisation', 200),
  referrerName: textUpTo('Contact name', 200),
  referrerContact: textUpTo('Contact details', 200),
  referringSector: optionalOneOf((sector) => SECTORS.has(sector), 'Select a sector from the list'),
})

export const WhatHappenedForm = z.object({
  summary: requiredText('Enter what happened', 10_000, tooLongMessage('What happened', 10_000)),
  indicators: z.preprocess(
    (value) => asArray(value).slice(0, 20),
    z
      .array(z.string())
      .refine((indicators) => indicators.every((i) => (URGENCY_INDICATOR_VALUES as readonly string[]).includes(i)), {
        error: 'Select from the list',
      }),
  ),
})

export const PersonForm = z.object({
  fullName: requiredText(
    'Enter the person’s name, or a description if you do not know it',
    200,
    tooLongMessage('Name', 200),
  ),
  otherNames: textUpTo('Other names', 1000),
  dateOfBirth: dateField('Date of birth', { required: false, notInFuture: true }),
  approximateAge: field(
    z
      .string()
      .regex(/^(\d{1,3})?$/, { error: 'Approximate age must be a whole number, like 25' })
      .refine((age) => age === '' || Number(age) <= 120, { error: 'Approximate age must be 120 or less' }),
  ),
  ageDisputed: yesOrNo('Select yes if the person’s age is disputed'),
  gender: field(z.enum(GENDERS.values, { error: 'Select the person’s gender, or ‘Not known’' })),
  nationality,
  secondNationality: nationality,
  // Read as the draft keeps it, its first 1,000 characters.
  languages: field(
    z
      .string()
      .transform((languages) => languages.slice(0, 1000))
      .superRefine((languages, ctx) => {
        const { unknown } = parseLanguageList(languages)
        if (unknown.length > 0)
          ctx.addIssue({
            code: 'custom',
            message: `We do not recognise ${unknown.map((l) => `‘${l.slice(0, 40)}’`).join(', ')}. Enter language names in English, separated by commas, like Romanian, English`,
          })
      }),
  ),
  role: field(z.enum(SUBJECT_ROLES.values, { error: 'Select the person’s role in this referral' })),
})

export const LocationForm = z
  .object({
    addressLine1: textUpTo('Address line 1', 200),
    addressLine2: textUpTo('Address line 2', 200),
    town: textUpTo('Town or city', 100),
    postcode: optionalPostcode('Enter a real UK postcode, like SW1A 1AA'),
    description: textUpTo('Description', 1000),
    premisesType: field(z.enum(PREMISES_TYPES.values, { error: 'Select the type of premises, or ‘Other’' })),
  })
  .refine((place) => place.addressLine1 !== '' || place.postcode !== '' || place.description !== '', {
    path: ['addressLine1'],
    error: 'Enter an address, a postcode or a description of the place',
    ...withEveryProblem,
  })

/** The exploitation page, with the strategic priorities that can be chosen now. */
export const exploitationForm = schemaFor((knownTags: readonly string[]) =>
  z.object({
    exploitationTypes: z.preprocess(
      (value) => asArray(value).slice(0, 20),
      z
        .array(z.string())
        .min(1, {
          error: 'Select the suspected types of exploitation, or ‘Not specified or unknown’',
        })
        .refine((types) => types.every((t) => (EXPLOITATION_TYPES.values as readonly string[]).includes(t)), {
          error: 'Select types of exploitation from the list',
        }),
    ),
    countyLines: yesOrNo('Select yes if this may involve County Lines'),
    priorityTags: z.preprocess(
      (value) => asArray(value).slice(0, 50),
      z.array(z.string()).refine((tags) => tags.every((t) => knownTags.includes(t)), {
        error: 'Select strategic priorities from the list',
      }),
    ),
  }),
)
