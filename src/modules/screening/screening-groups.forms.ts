import { z } from 'zod'
import { isValid as isValidPostcode } from 'postcode'
import { asString, tooLongMessage } from '#src/platform/http/forms.ts'
import {
  checkboxes,
  dateField,
  field,
  inParts,
  optionalText,
  requiredText,
  schemaFor,
  textUpTo,
  withEveryProblem,
} from '#src/platform/http/page-forms.ts'
import { GENDERS, PREMISES_TYPES } from '#src/modules/people/index.ts'
import { CountyLines, EncounterForm, IndicatorsForm, WhatTheyWereMadeToDo } from './screening.forms.ts'

/**
 * The warrant-day forms, one schema each (as the API's are): the facts everyone met together shares, and the start of
 * an encounter. Field keys are the form's input ids, and the problems are listed in the order the forms have always
 * listed them, with the same messages; what was typed is kept by the answers, not by these.
 */

/**
 * The facts shared by everyone met: the encounter, what they were made to do and the indicators are the screening
 * pages' own questions (whether it happened when they were under 18 is each person's), then the premises and the
 * employer.
 */
export const SharedForm = inParts(
  EncounterForm,
  WhatTheyWereMadeToDo,
  CountyLines,
  IndicatorsForm,
  z
    .object({
      premisesType: field(z.enum(PREMISES_TYPES.values, { error: 'Select the type of premises' })),
      addressLine1: textUpTo('The address', 200),
      // Checked as it is kept, its first 20 characters.
      postcode: z.preprocess(
        (postcode) => asString(postcode).trim().slice(0, 20),
        z.string().refine((postcode) => postcode === '' || isValidPostcode(postcode), {
          error: 'Enter a real UK postcode, like SW1A 1AA',
        }),
      ),
      premisesDescription: optionalText(1000, 'The description of the premises must be 1000 characters or fewer'),
    })
    .refine(
      ({ addressLine1, postcode, premisesDescription }) =>
        addressLine1 !== '' || postcode !== '' || premisesDescription !== '',
      {
        path: ['addressLine1'],
        error: 'Enter the address, the postcode or a description of the premises',
        ...withEveryProblem,
      },
    ),
  z.object({
    employerName: textUpTo('The employer’s name', 200),
    employerDetails: optionalText(1000, 'What you know about the employer must be 1000 characters or fewer'),
  }),
)

/** One row of the people not yet on record, as the form names its boxes (`new-0-description`, `new-0-age` …). */
const NewPersonRow = z.object({ description: field(), age: field(), gender: field() })
type NewPersonRow = z.output<typeof NewPersonRow>
/** A row with anything in it describes someone; an empty row is no one. */
const describesSomeone = (row: NewPersonRow) => row.description !== '' || row.age !== '' || row.gender !== ''
/** The person a problem is about, numbered as the form numbers its rows: the problem at `new-1-age` is person 2's. */
const personOf = (issue: { path?: readonly PropertyKey[] }) => Number(issue.path?.[1]) + 1
const NewPerson = NewPersonRow.refine((row) => !describesSomeone(row) || row.description !== '', {
  path: ['description'],
  error: (issue) => `Describe person ${personOf(issue)}, for example ‘unknown boy about 14’`,
})
  .refine((row) => row.description.length <= 200, {
    path: ['description'],
    error: (issue) => `The description of person ${personOf(issue)} must be 200 characters or fewer`,
  })
  .refine((row) => row.age === '' || (/^\d{1,3}$/.test(row.age) && Number(row.age) <= 120), {
    path: ['age'],
    error: (issue) => `The approximate age of person ${personOf(issue)} must be a whole number of years, like 14`,
  })
  .refine((row) => row.gender === '' || (GENDERS.values as readonly string[]).includes(row.gender), {
    path: ['gender'],
    error: (issue) => `Select the gender of person ${personOf(issue)}`,
  })

/** How many people were met: those on record chosen, and every row that describes someone. */
const peopleMet = (met: { personIds: string[]; new: NewPersonRow[] }) =>
  met.personIds.length + met.new.filter(describesSomeone).length
const TOO_MANY = 'Screen no more than 50 people in one encounter'

/**
 * The start of an encounter, read from the body after `withDateParts` for its date, with `personIds` the people on
 * record chosen and `new` the rows of people not yet on record. `allowed` is the people that may be chosen, or null
 * when the person is fixed (the person page's). The value is the encounter as the service takes it.
 */
function encounterStartForm(allowed: ReadonlySet<string> | null) {
  return inParts(
    z.object({
      encounteredOn: dateField('The date you met them', { required: true, notInFuture: true }),
      summary: requiredText('Enter what happened, in a few words', 10_000, tooLongMessage('What happened', 10_000)),
    }),
    // Someone not on the list is listed with the people chosen, before the rows.
    z
      .object({
        personIds: checkboxes().transform((ids) => [...new Set(ids)]),
        new: z.array(NewPersonRow),
      })
      .superRefine((met, ctx) => {
        if (allowed && met.personIds.some((id) => !allowed.has(id)))
          ctx.addIssue({
            code: 'custom',
            path: ['personIds'],
            message: peopleMet(met) > 50 ? TOO_MANY : 'Select people from the list',
          })
      }),
    z.object({ new: z.array(NewPerson) }),
  )
    .refine((met) => peopleMet(met) > 0, {
      path: ['personIds'],
      error: 'Select the people you met, or describe someone not yet on record',
      ...withEveryProblem,
    })
    .refine((met) => peopleMet(met) <= 50, { path: ['personIds'], error: TOO_MANY, ...withEveryProblem })
    .transform((met) => ({
      encounteredOn: met.encounteredOn!,
      summary: met.summary,
      personIds: met.personIds,
      newPeople: met.new.filter(describesSomeone).map((p) => ({
        description: p.description,
        approximateAge: p.age ? Number(p.age) : null,
        gender: p.gender || 'not-known',
      })),
    }))
}

/** Starting from a live job, with the people on the job that may be chosen. */
export const jobEncounterForm = schemaFor((allowed: readonly string[]) => encounterStartForm(new Set(allowed)))
/** Starting from a person's page: the person is fixed. */
export const personEncounterForm = encounterStartForm(null)
