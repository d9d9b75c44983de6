import { z } from 'zod'
import { asString } from '#src/platform/http/forms.ts'
import {
  checkboxes,
  choiceOf,
  dateField,
  field,
  inParts,
  textUpTo,
  withEveryProblem,
} from '#src/platform/http/page-forms.ts'
import { ageOn, londonDate } from '#src/shared/dates.ts'
import { isIndicator } from './indicators.ts'
import {
  AGE_ASSESSMENT_OUTCOMES,
  DETENTION,
  ENCOUNTERED_BY,
  ENTRY_ROUTES,
  EXPLOITATION_TYPES,
  LOCATIONS,
} from './screening.facts.ts'

/**
 * The screening question pages, one schema each (as the API's are), read from the urlencoded body after
 * `withDateParts` for their date inputs. Field keys are the page's input ids, and the problems are listed in the
 * order the pages have always listed them, with the same messages. What the officer typed is kept by the answers,
 * not by these: a page shown again shows their words.
 */

export const CONSENT_POINTS = {
  'what-the-nrm-is': 'What the NRM is and what happens after a referral',
  'support-available': 'The support they can get (accommodation, support worker, legal advice, health)',
  'possible-outcomes': 'The possible outcomes, including negative decisions',
  'information-sharing':
    'That information may be shared with, or sought from, other authorities such as the police and local authorities',
} as const

/** Where they were moved, as the travel page asks. */
export const DIRECTIONS = ['into', 'within', 'out'] as const

const yesOrNo = (message: string) => field(z.enum(['yes', 'no'], { error: message }))
/** A choice from a list that may be left unanswered. */
const optionalOneOf = (choices: readonly string[], message: string) =>
  field(z.string().refine((value) => value === '' || choices.includes(value), { error: message }))
/** A whole number of years, at most 120, or '' when not known. */
const wholeYears = (label: string) =>
  field(
    z
      .string()
      .regex(/^(\d{1,3})?$/, { error: `${label} must be a whole number of years, like 16` })
      .refine((n) => n === '' || Number(n) <= 120, { error: `${label} must be 120 or less` }),
  )
const isWholeYears = (years: string) => /^\d{1,3}$/.test(years) && Number(years) <= 120

export const AgeForm = inParts(
  z
    .object({
      dateOfBirth: dateField('Date of birth', { required: false, notInFuture: true }),
      age: wholeYears('Age'),
      claimedAge: wholeYears('The age they give'),
    })
    // Listed with the age, before the questions after it, whatever else is wrong on the page.
    .superRefine(({ dateOfBirth, age }, ctx) => {
      if (typeof dateOfBirth !== 'string' || !isWholeYears(age)) return
      const fromDate = ageOn(dateOfBirth, londonDate())
      if (fromDate !== Number(age))
        ctx.addIssue({
          code: 'custom',
          path: ['age'],
          message: `The date of birth makes them ${fromDate}. Correct the age or the date of birth`,
        })
    }, withEveryProblem),
  z.object({
    ageDisputed: yesOrNo('Select yes if their age is disputed'),
    assessment: field(z.enum(AGE_ASSESSMENT_OUTCOMES, { error: 'Select whether an age assessment has been done' })),
  }),
).refine(
  (form) =>
    !(
      typeof form.dateOfBirth === 'string' &&
      ageOn(form.dateOfBirth, londonDate()) < 18 &&
      form.ageDisputed === 'no' &&
      form.assessment === 'assessed_adult'
    ),
  {
    path: ['assessment'],
    error:
      'The date of birth makes them under 18, which contradicts an assessment as an adult. Record their age as disputed, or correct the date of birth',
    ...withEveryProblem,
  },
)

export const EncounterForm = z.object({
  location: field(z.enum(LOCATIONS, { error: 'Select the UK nation where they were encountered' })),
  encounteredBy: choiceOf(ENCOUNTERED_BY, 'Select who encountered them'),
  detention: field(
    z.string().refine((detention) => detention === '' || detention === 'none' || Object.hasOwn(DETENTION, detention), {
      error: 'Select their detention status from the list',
    }),
  ),
  diplomaticHousehold: yesOrNo('Select yes if they worked in a diplomat’s household'),
  safeguardingConcern: yesOrNo('Select yes if there is a safeguarding concern'),
})

const TRAVEL_ANSWERS = ['yes', 'no', 'unknown'] as const

export const TravelForm = inParts(
  z
    .object({
      arranged: field(z.enum(TRAVEL_ANSWERS, { error: 'Select whether anyone arranged or helped with their travel' })),
      directions: checkboxes(),
    })
    .refine(
      ({ arranged, directions }) =>
        arranged !== 'yes' || directions.some((d) => (DIRECTIONS as readonly string[]).includes(d)),
      { path: ['directions'], error: 'Select where they were moved: into, within or out of the UK' },
    ),
  z.object({
    endedOnArrival: optionalOneOf(TRAVEL_ANSWERS, 'Select whether the relationship ended on arrival'),
    entryRoute: optionalOneOf(ENTRY_ROUTES, 'Select how they entered the UK'),
  }),
)

/** What they were made to do, in words or as types of exploitation: the first of the exploitation questions. */
export const WhatTheyWereMadeToDo = z
  .object({
    purpose: textUpTo('What they were made to do', 500),
    types: checkboxes(),
  })
  .refine(
    ({ purpose, types }) => purpose !== '' || types.some((t) => (EXPLOITATION_TYPES as readonly string[]).includes(t)),
    { path: ['purpose'], error: 'Describe what they were made to do, or select the types of exploitation' },
  )

export const CountyLines = z.object({ countyLines: yesOrNo('Select yes if this may involve County Lines') })

export const ExploitationForm = inParts(
  WhatTheyWereMadeToDo,
  CountyLines,
  z.object({ exploitedAsChild: yesOrNo('Select yes if the exploitation happened when they were under 18') }),
)

/** The indicators seen, or ‘None of these’ (`none`); the means of control are never refused. */
export const IndicatorsForm = z.object({
  indicators: checkboxes()
    .refine((ticked) => ticked.includes('none') || ticked.some(isIndicator), {
      error: 'Select the indicators you have seen, or ‘None of these’',
    })
    .refine((ticked) => !ticked.includes('none') || !ticked.some(isIndicator), {
      error: 'Select indicators, or ‘None of these’, not both',
    }),
})

type Body = Record<string, unknown>
/** A part of the form asked only for some answers to `decision`: not checked otherwise. */
const askedWhenDecision = <S extends z.ZodType>(decisions: readonly string[], part: S) =>
  z
    .preprocess(
      (body) => (decisions.includes(asString((body as Body).decision).trim()) ? body : undefined),
      part.optional(),
    )
    .transform((answers) => answers ?? {})

export const ConsentForm = inParts(
  z.object({
    decision: field(
      z.enum(['given', 'refused', 'not-asked'], {
        error: 'Select whether they gave informed consent to an NRM referral',
      }),
    ),
  }),
  // When they consented or declined: when, who explained the NRM to them, and in what language.
  askedWhenDecision(
    ['given', 'refused'],
    z
      .object({
        consentDate: dateField('Date of the decision', { required: true, notInFuture: true }),
        explainedBy: field(z.string().min(1, { error: 'Enter who explained the NRM to them' })),
        interpreterUsed: yesOrNo('Select yes if an interpreter was used'),
        interpreterLanguage: field(),
      })
      .refine(({ interpreterUsed, interpreterLanguage }) => interpreterUsed !== 'yes' || interpreterLanguage !== '', {
        path: ['interpreterLanguage'],
        error: 'Enter the language the interpreter used',
        ...withEveryProblem,
      }),
  ),
  // When they consented: that it was informed.
  askedWhenDecision(
    ['given'],
    z.object({
      points: checkboxes().refine((points) => Object.keys(CONSENT_POINTS).every((p) => points.includes(p)), {
        error: 'Consent is informed only when every point has been explained: select each one you explained',
      }),
      understanding: field(
        z.string().min(1, { error: 'Describe, in their words where you can, what they understood' }),
      ),
    }),
  ),
)

export const OffenceForm = z
  .object({
    suspected: yesOrNo('Select yes if they are suspected of an offence'),
    offence: textUpTo('The offence', 300),
  })
  .refine(({ suspected, offence }) => suspected !== 'yes' || offence !== '', {
    path: ['offence'],
    error: 'Enter the offence they are suspected of',
  })
