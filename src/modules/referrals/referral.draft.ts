import { asArray, asString, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { parseLanguageList } from '#src/shared/reference-data.ts'
import { londonToInstant } from '#src/shared/dates.ts'
import type { z } from 'zod'
import type { NewReferralInput } from './referral.schema.ts'
import type { UrgencyIndicator } from './referral.urgency.ts'
import { exploitationForm, LocationForm, PersonForm, ReceivedForm, WhatHappenedForm } from './referral.forms.ts'

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
/** The page's problems, from its schema: none when the form is right. */
const problems = (schema: z.ZodType, body: Body): FieldErrors => {
  const parsed = parseForm(schema, body)
  return parsed.ok ? {} : parsed.errors
}

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
  const errors = problems(ReceivedForm, withDateParts(body, 'receivedDate'))
  return { draft, errors }
}

export function readWhatHappened(body: Body): {
  draft: { summary: string; indicators: string[] }
  errors: FieldErrors
} {
  const summary = asString(body.summary).trim()
  const indicators = asArray(body.indicators).slice(0, 20)
  const errors = problems(WhatHappenedForm, body)
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
  const errors = problems(PersonForm, withDateParts(body, 'dateOfBirth'))
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
  const errors = problems(LocationForm, body)
  return { draft, errors }
}

export function readExploitation(body: Body, knownTags: string[]): { draft: ExploitationDraft; errors: FieldErrors } {
  const draft: ExploitationDraft = {
    types: asArray(body.exploitationTypes).slice(0, 20),
    countyLines: str(body, 'countyLines', 5),
    priorityTags: asArray(body.priorityTags).slice(0, 50),
  }
  const errors = problems(exploitationForm(knownTags), body)
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
