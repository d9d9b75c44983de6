import { checkDateInput } from '#src/platform/http/date-input.ts'
import { asArray, asString, tooLong, type FieldErrors } from '#src/platform/http/forms.ts'
import { isCountryCode, parseLanguageList } from '#src/shared/reference-data.ts'
import { londonToInstant } from '#src/shared/dates.ts'
import { isValid as isValidPostcode } from 'postcode'
import { EXPLOITATION_TYPES, SOURCES } from './referral.vocabulary.ts'
import { GENDERS, PREMISES_TYPES, SUBJECT_ROLES } from '#src/modules/people/index.ts'
import type { NewReferralInput } from './referral.schema.ts'
import { SECTORS } from '#src/modules/outreach/index.ts'
import { URGENCY_INDICATOR_VALUES, type UrgencyIndicator } from './referral.urgency.ts'

/**
 * A referral being recorded over several question pages. It keeps exactly what the user typed, so a page
 * shown again (after an error, a "Change" link, or a break) shows their words, not a cleaned version.
 */
export type ReceivedDraft = {
  day: string
  month: string
  year: string
  time: string
  source: string
  referringOrganisation: string
  referrerName: string
  referrerContact: string
  /** Added with outreach (0008): absent from drafts started before it. */
  referringSector?: string
}
export type PersonDraft = {
  fullName: string
  otherNames: string
  dobDay: string
  dobMonth: string
  dobYear: string
  approximateAge: string
  ageDisputed: string
  gender: string
  nationality: string
  secondNationality: string
  languages: string
  role: string
}
export type LocationDraft = {
  addressLine1: string
  addressLine2: string
  town: string
  postcode: string
  description: string
  premisesType: string
  /** The answer to "Is this the same place?" when a place already recorded was offered: its id, or 'new'. */
  samePlaceAs?: string
}
export type ExploitationDraft = { types: string[]; countyLines: string; priorityTags: string[] }

export type ReferralDraft = {
  received?: ReceivedDraft
  /** `indicators` added with urgency (0034): absent from drafts started before it. */
  whatHappened?: { summary: string; indicators?: string[] }
  people?: PersonDraft[]
  peopleDone?: boolean
  locations?: LocationDraft[]
  locationsDone?: boolean
  exploitation?: ExploitationDraft
}

type Body = Record<string, unknown>
const str = (body: Body, key: string, max = 100_000) => asString(body[key]).trim().slice(0, max)

export function readReceived(body: Body): { draft: ReceivedDraft; errors: FieldErrors } {
  const draft: ReceivedDraft = {
    day: str(body, 'receivedDate-day', 10),
    month: str(body, 'receivedDate-month', 10),
    year: str(body, 'receivedDate-year', 10),
    time: str(body, 'receivedTime', 10),
    source: str(body, 'source', 40),
    referringOrganisation: str(body, 'referringOrganisation'),
    referrerName: str(body, 'referrerName'),
    referrerContact: str(body, 'referrerContact'),
    referringSector: str(body, 'referringSector', 40),
  }
  const errors: FieldErrors = {}
  const date = checkDateInput({ day: draft.day, month: draft.month, year: draft.year }, 'Date received', {
    required: true,
    notInFuture: true,
  })
  if (!date.ok) errors[`receivedDate-${date.part}`] = date.message
  if (draft.time && !/^([01]?\d|2[0-3]):[0-5]\d$/.test(draft.time))
    errors.receivedTime = 'Enter a time in the 24-hour clock, like 14:30'
  if (!(SOURCES.values as readonly string[]).includes(draft.source))
    errors.source = 'Select where the referral came from'
  tooLong(errors, 'referringOrganisation', draft.referringOrganisation, 200, 'Referring organisation')
  tooLong(errors, 'referrerName', draft.referrerName, 200, 'Contact name')
  tooLong(errors, 'referrerContact', draft.referrerContact, 200, 'Contact details')
  if (draft.referringSector && !SECTORS.has(draft.referringSector))
    errors.referringSector = 'Select a sector from the list'
  return { draft, errors }
}

export function readWhatHappened(body: Body): {
  draft: { summary: string; indicators: string[] }
  errors: FieldErrors
} {
  const summary = asString(body.summary).trim()
  const indicators = asArray(body.indicators).slice(0, 20)
  const errors: FieldErrors = {}
  if (!summary) errors.summary = 'Enter what happened'
  tooLong(errors, 'summary', summary, 10_000, 'What happened')
  if (indicators.some((i) => !(URGENCY_INDICATOR_VALUES as readonly string[]).includes(i)))
    errors.indicators = 'Select from the list'
  return { draft: { summary: summary.slice(0, 20_000), indicators }, errors }
}

export function readPerson(body: Body): { draft: PersonDraft; errors: FieldErrors } {
  const draft: PersonDraft = {
    fullName: str(body, 'fullName'),
    otherNames: str(body, 'otherNames'),
    dobDay: str(body, 'dateOfBirth-day', 10),
    dobMonth: str(body, 'dateOfBirth-month', 10),
    dobYear: str(body, 'dateOfBirth-year', 10),
    approximateAge: str(body, 'approximateAge', 10),
    ageDisputed: str(body, 'ageDisputed', 5),
    gender: str(body, 'gender', 20),
    nationality: str(body, 'nationality', 20),
    secondNationality: str(body, 'secondNationality', 20),
    languages: str(body, 'languages', 1000),
    role: str(body, 'role', 40),
  }
  const errors: FieldErrors = {}
  if (!draft.fullName) errors.fullName = 'Enter the person’s name, or a description if you do not know it'
  tooLong(errors, 'fullName', draft.fullName, 200, 'Name')
  tooLong(errors, 'otherNames', draft.otherNames, 1000, 'Other names')
  const dob = checkDateInput({ day: draft.dobDay, month: draft.dobMonth, year: draft.dobYear }, 'Date of birth', {
    required: false,
    notInFuture: true,
  })
  if (!dob.ok) errors[`dateOfBirth-${dob.part}`] = dob.message
  if (draft.approximateAge && !/^\d{1,3}$/.test(draft.approximateAge))
    errors.approximateAge = 'Approximate age must be a whole number, like 25'
  else if (draft.approximateAge && Number(draft.approximateAge) > 120)
    errors.approximateAge = 'Approximate age must be 120 or less'
  if (!['yes', 'no'].includes(draft.ageDisputed)) errors.ageDisputed = 'Select yes if the person’s age is disputed'
  if (!(GENDERS.values as readonly string[]).includes(draft.gender))
    errors.gender = 'Select the person’s gender, or ‘Not known’'
  if (draft.nationality && !isCountryCode(draft.nationality)) errors.nationality = 'Select a nationality from the list'
  if (draft.secondNationality && !isCountryCode(draft.secondNationality))
    errors.secondNationality = 'Select a nationality from the list'
  const languages = parseLanguageList(draft.languages)
  if (languages.unknown.length > 0) {
    errors.languages = `We do not recognise ${languages.unknown.map((l) => `‘${l.slice(0, 40)}’`).join(', ')}. Enter language names in English, separated by commas, like Romanian, English`
  }
  if (!(SUBJECT_ROLES.values as readonly string[]).includes(draft.role))
    errors.role = 'Select the person’s role in this referral'
  return { draft, errors }
}

export function readLocation(body: Body): { draft: LocationDraft; errors: FieldErrors } {
  const draft: LocationDraft = {
    addressLine1: str(body, 'addressLine1'),
    addressLine2: str(body, 'addressLine2'),
    town: str(body, 'town'),
    postcode: str(body, 'postcode', 20),
    description: str(body, 'description'),
    premisesType: str(body, 'premisesType', 40),
  }
  const errors: FieldErrors = {}
  if (!draft.addressLine1 && !draft.postcode && !draft.description)
    errors.addressLine1 = 'Enter an address, a postcode or a description of the place'
  tooLong(errors, 'addressLine1', draft.addressLine1, 200, 'Address line 1')
  tooLong(errors, 'addressLine2', draft.addressLine2, 200, 'Address line 2')
  tooLong(errors, 'town', draft.town, 100, 'Town or city')
  if (draft.postcode && !isValidPostcode(draft.postcode)) errors.postcode = 'Enter a real UK postcode, like SW1A 1AA'
  tooLong(errors, 'description', draft.description, 1000, 'Description')
  if (!(PREMISES_TYPES.values as readonly string[]).includes(draft.premisesType))
    errors.premisesType = 'Select the type of premises, or ‘Other’'
  return { draft, errors }
}

export function readExploitation(body: Body, knownTags: string[]): { draft: ExploitationDraft; errors: FieldErrors } {
  const draft: ExploitationDraft = {
    types: asArray(body.exploitationTypes).slice(0, 20),
    countyLines: str(body, 'countyLines', 5),
    priorityTags: asArray(body.priorityTags).slice(0, 50),
  }
  const errors: FieldErrors = {}
  if (draft.types.length === 0)
    errors.exploitationTypes = 'Select the suspected types of exploitation, or ‘Not specified or unknown’'
  else if (draft.types.some((t) => !(EXPLOITATION_TYPES.values as readonly string[]).includes(t)))
    errors.exploitationTypes = 'Select types of exploitation from the list'
  if (!['yes', 'no'].includes(draft.countyLines)) errors.countyLines = 'Select yes if this may involve County Lines'
  if (draft.priorityTags.some((t) => !knownTags.includes(t)))
    errors.priorityTags = 'Select strategic priorities from the list'
  return { draft, errors }
}

function dobOf(p: PersonDraft): string | null {
  if (!p.dobYear) return null
  return `${p.dobYear.padStart(4, '0')}-${p.dobMonth.padStart(2, '0')}-${p.dobDay.padStart(2, '0')}`
}

function splitNames(text: string): string[] {
  return text
    .split(/[,;\n]/)
    .map((n) => n.trim())
    .filter(Boolean)
}

/** The finished draft, in the shape the service accepts. The service's schema checks it once more. */
export function draftToInput(draft: ReferralDraft): unknown {
  const received = draft.received
  const receivedDate = received
    ? `${received.year}-${received.month.padStart(2, '0')}-${received.day.padStart(2, '0')}`
    : undefined
  return {
    receivedAt: received?.time ? londonIso(receivedDate!, received.time) : receivedDate,
    source: received?.source,
    referringOrganisation: received?.referringOrganisation || null,
    referrerName: received?.referrerName || null,
    referrerContact: received?.referrerContact || null,
    referringSector: received?.referringSector || null,
    summary: draft.whatHappened?.summary ?? '',
    people: (draft.people ?? []).map((p) => ({
      names: [p.fullName, ...splitNames(p.otherNames)],
      dateOfBirth: dobOf(p),
      approximateAge: p.approximateAge ? Number(p.approximateAge) : null,
      ageDisputed: p.ageDisputed === 'yes',
      gender: p.gender,
      nationalities: [p.nationality, p.secondNationality].filter(Boolean),
      languages: parseLanguageList(p.languages).codes,
      role: p.role,
    })),
    locations: (draft.locations ?? []).map((l) => ({
      addressLine1: l.addressLine1 || null,
      addressLine2: l.addressLine2 || null,
      town: l.town || null,
      postcode: l.postcode || null,
      description: l.description || null,
      premisesType: l.premisesType,
      samePlaceAs: l.samePlaceAs && l.samePlaceAs !== 'new' ? l.samePlaceAs : null,
      separatePlace: l.samePlaceAs === 'new',
    })),
    exploitationTypes: draft.exploitation?.types ?? [],
    countyLines: draft.exploitation?.countyLines === 'yes',
    priorityTags: draft.exploitation?.priorityTags ?? [],
    indicators: (draft.whatHappened?.indicators ?? []) as UrgencyIndicator[],
  } satisfies Record<keyof NewReferralInput, unknown>
}

function londonIso(date: string, time: string): string {
  const [h, m] = time.split(':')
  return londonToInstant(date, `${h.padStart(2, '0')}:${m}`).toISOString()
}
