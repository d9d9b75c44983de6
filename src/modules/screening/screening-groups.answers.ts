import { isValid as isValidPostcode, toNormalised as normalisePostcode } from 'postcode'
import { asArray, asString, type FieldErrors } from '#src/platform/http/forms.ts'
import { checkDateInput } from '#src/platform/http/date-input.ts'
import { GENDERS, PREMISES_TYPES } from '#src/modules/people/index.ts'
import {
  readEncounter,
  readExploitation,
  readIndicators,
  type EncounterAnswers,
  type ExploitationAnswers,
  type IndicatorAnswers,
} from './screening.answers.ts'

/**
 * What officers enter once for everyone met together (warrant-day mode): the encounter, the premises, what the
 * people there were made to do, the indicators and means of control seen at the scene, and the employer. Kept as
 * typed, so the form shows again what was entered. Age, consent, travel, any offence and the outcome are each
 * person's own; so is whether the exploitation happened when they were under 18.
 */
export type PremisesAnswers = { premisesType: string; addressLine1: string; postcode: string; description: string }
export type EmployerAnswers = { name: string; details: string }
export type SharedAnswers = {
  encounter: EncounterAnswers
  exploitation: ExploitationAnswers
  indicators: IndicatorAnswers
  premises: PremisesAnswers
  employer: EmployerAnswers
}

/** The sections of a person's screening the shared facts prefill. */
export const SHARED_SECTIONS = ['encounter', 'exploitation', 'indicators'] as const

type Body = Record<string, unknown>
const str = (body: Body, key: string, max: number) => asString(body[key]).trim().slice(0, max)

export function readShared(body: Body): { answers: SharedAnswers; errors: FieldErrors } {
  const encounter = readEncounter(body)
  // Whether it happened when they were under 18 is asked per person, so it is not required here.
  const exploitation = readExploitation({ ...body, exploitedAsChild: 'no' })
  const indicators = readIndicators(body)
  const premises: PremisesAnswers = {
    premisesType: str(body, 'premisesType', 40),
    addressLine1: str(body, 'addressLine1', 300),
    postcode: str(body, 'postcode', 20),
    description: str(body, 'premisesDescription', 1100),
  }
  const employer: EmployerAnswers = {
    name: str(body, 'employerName', 300),
    details: str(body, 'employerDetails', 1100),
  }
  const errors: FieldErrors = { ...encounter.errors, ...exploitation.errors, ...indicators.errors }
  delete errors.exploitedAsChild
  if (!(PREMISES_TYPES.values as readonly string[]).includes(premises.premisesType))
    errors.premisesType = 'Select the type of premises'
  if (premises.addressLine1.length > 200) errors.addressLine1 = 'The address must be 200 characters or fewer'
  if (premises.postcode && !isValidPostcode(premises.postcode))
    errors.postcode = 'Enter a real UK postcode, like SW1A 1AA'
  else if (premises.postcode) premises.postcode = normalisePostcode(premises.postcode) ?? premises.postcode
  if (premises.description.length > 1000)
    errors.premisesDescription = 'The description of the premises must be 1000 characters or fewer'
  if (!premises.addressLine1 && !premises.postcode && !premises.description && !errors.premisesDescription)
    errors.addressLine1 = 'Enter the address, the postcode or a description of the premises'
  if (employer.name.length > 200) errors.employerName = 'The employer’s name must be 200 characters or fewer'
  if (employer.details.length > 1000)
    errors.employerDetails = 'What you know about the employer must be 1000 characters or fewer'
  return {
    answers: {
      encounter: encounter.answers,
      exploitation: { ...exploitation.answers, exploitedAsChild: '' },
      indicators: indicators.answers,
      premises,
      employer,
    },
    errors,
  }
}

/** The shared answers as the flat values the form's fields are named by. */
export function sharedFormValues(shared: Partial<SharedAnswers>): Record<string, unknown> {
  return {
    ...(shared.encounter ?? {}),
    ...(shared.exploitation ?? {}),
    ...(shared.indicators ?? {}),
    premisesType: shared.premises?.premisesType ?? '',
    addressLine1: shared.premises?.addressLine1 ?? '',
    postcode: shared.premises?.postcode ?? '',
    premisesDescription: shared.premises?.description ?? '',
    employerName: shared.employer?.name ?? '',
    employerDetails: shared.employer?.details ?? '',
  }
}

/** A person first met in the encounter and not yet on record: a description and what can be seen of them. */
export type NewPersonAnswers = { description: string; approximateAge: string; gender: string }
export type EncounterStartAnswers = {
  day: string
  month: string
  year: string
  summary: string
  personIds: string[]
  newPeople: NewPersonAnswers[]
}

/** Up to this many people not yet on record can be added on one form (more: start another encounter, or add them after). */
export const NEW_PEOPLE_ROWS = 6

export type EncounterStart = {
  encounteredOn: string
  summary: string
  personIds: string[]
  newPeople: { description: string; approximateAge: number | null; gender: string }[]
}

/**
 * The start of an encounter: when, what happened, and who was met (people on record chosen, and people not yet on
 * record described). `allowed` is the people that may be chosen (the job's); `fixed` a person already chosen (the
 * person page's); `newPeopleRows` how many `new-N-…` rows to read (the form's rows by default; the API's list length).
 */
export function readEncounterStart(
  body: Body,
  options: { allowed?: Set<string>; fixed?: string; newPeopleRows?: number },
): { answers: EncounterStartAnswers; errors: FieldErrors; value: EncounterStart | null } {
  const answers: EncounterStartAnswers = {
    day: str(body, 'encounteredOn-day', 10),
    month: str(body, 'encounteredOn-month', 10),
    year: str(body, 'encounteredOn-year', 10),
    summary: str(body, 'summary', 10_100),
    personIds: options.fixed ? [options.fixed] : [...new Set(asArray(body.personIds))],
    newPeople: Array.from({ length: options.fixed ? 0 : (options.newPeopleRows ?? NEW_PEOPLE_ROWS) }, (_, i) => ({
      description: str(body, `new-${i}-description`, 300),
      approximateAge: str(body, `new-${i}-age`, 10),
      gender: str(body, `new-${i}-gender`, 20),
    })),
  }
  const errors: FieldErrors = {}
  const date = checkDateInput({ day: answers.day, month: answers.month, year: answers.year }, 'The date you met them', {
    required: true,
    notInFuture: true,
  })
  if (!date.ok) errors[`encounteredOn-${date.part}`] = date.message
  if (!answers.summary) errors.summary = 'Enter what happened, in a few words'
  else if (answers.summary.length > 10_000) errors.summary = 'What happened must be 10,000 characters or fewer'
  if (options.allowed && answers.personIds.some((id) => !options.allowed!.has(id)))
    errors.personIds = 'Select people from the list'
  const newPeople: EncounterStart['newPeople'] = []
  answers.newPeople.forEach((p, i) => {
    const field = `new-${i}`
    if (!p.description && !p.approximateAge && !p.gender) return
    if (!p.description) errors[`${field}-description`] = `Describe person ${i + 1}, for example ‘unknown boy about 14’`
    else if (p.description.length > 200)
      errors[`${field}-description`] = `The description of person ${i + 1} must be 200 characters or fewer`
    if (p.approximateAge && (!/^\d{1,3}$/.test(p.approximateAge) || Number(p.approximateAge) > 120))
      errors[`${field}-age`] = `The approximate age of person ${i + 1} must be a whole number of years, like 14`
    if (p.gender && !(GENDERS.values as readonly string[]).includes(p.gender))
      errors[`${field}-gender`] = `Select the gender of person ${i + 1}`
    newPeople.push({
      description: p.description,
      approximateAge: p.approximateAge ? Number(p.approximateAge) : null,
      gender: p.gender || 'not-known',
    })
  })
  if (!errors.personIds && answers.personIds.length + newPeople.length === 0)
    errors.personIds = 'Select the people you met, or describe someone not yet on record'
  if (answers.personIds.length + newPeople.length > 50)
    errors.personIds = 'Screen no more than 50 people in one encounter'
  const ok = Object.keys(errors).length === 0 && date.ok && date.value
  return {
    answers,
    errors,
    value: ok
      ? { encounteredOn: date.value as string, summary: answers.summary, personIds: answers.personIds, newPeople }
      : null,
  }
}
