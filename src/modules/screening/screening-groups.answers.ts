import { toNormalised as normalisePostcode } from 'postcode'
import { asArray, asString, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import {
  encounterAnswers,
  exploitationAnswers,
  indicatorAnswers,
  type EncounterAnswers,
  type ExploitationAnswers,
  type IndicatorAnswers,
} from './screening.answers.ts'
import { jobEncounterForm, personEncounterForm, SharedForm } from './screening-groups.forms.ts'

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
  const parsed = parseForm(SharedForm, body)
  const errors = parsed.ok ? {} : parsed.errors
  if (premises.postcode && !errors.postcode)
    premises.postcode = normalisePostcode(premises.postcode) ?? premises.postcode
  return {
    answers: {
      encounter: encounterAnswers(body),
      // Whether it happened when they were under 18 is asked per person, so it is not asked here.
      exploitation: { ...exploitationAnswers(body), exploitedAsChild: '' },
      indicators: indicatorAnswers(body),
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
  const form = options.allowed ? jobEncounterForm([...options.allowed]) : personEncounterForm
  const parsed = parseForm(form, {
    ...withDateParts(body, 'encounteredOn'),
    personIds: options.fixed ? [options.fixed] : body.personIds,
    new: answers.newPeople.map((_, i) => ({
      description: body[`new-${i}-description`],
      age: body[`new-${i}-age`],
      gender: body[`new-${i}-gender`],
    })),
  })
  return parsed.ok ? { answers, errors: {}, value: parsed.value } : { answers, errors: parsed.errors, value: null }
}
