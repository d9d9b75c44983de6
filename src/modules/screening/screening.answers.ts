import type { z } from 'zod'
import { asArray, asString, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { withDateParts } from '#src/platform/http/page-forms.ts'
import { londonDate } from '#src/shared/dates.ts'
import { isIndicator } from './indicators.ts'
import { determineAge } from './screening.rules.ts'
import { AGE_ASSESSMENT_OUTCOMES, EXPLOITATION_TYPES, MEANS, type Facts } from './screening.facts.ts'
import {
  AgeForm,
  CONSENT_POINTS,
  ConsentForm,
  DIRECTIONS,
  EncounterForm,
  ExploitationForm,
  IndicatorsForm,
  OffenceForm,
  TravelForm,
} from './screening.forms.ts'

/**
 * What an officer answers on the screening pages, kept as typed (so a page shown again shows their words),
 * and how those answers become the facts the rules take.
 */
export type AgeAnswers = {
  dobDay: string
  dobMonth: string
  dobYear: string
  age: string
  claimedAge: string
  ageDisputed: string
  assessment: string
}
export type EncounterAnswers = {
  location: string
  encounteredBy: string
  detention: string
  diplomaticHousehold: string
  safeguardingConcern: string
}
export type TravelAnswers = { arranged: string; directions: string[]; endedOnArrival: string; entryRoute: string }
export type ExploitationAnswers = { purpose: string; types: string[]; countyLines: string; exploitedAsChild: string }
/** `otherMeans`: means of control in the officer's own words, one per line or separated by commas; never refused. */
export type IndicatorAnswers = { indicators: string[]; means: string[]; otherMeans?: string; none: boolean }
export type ConsentAnswers = {
  decision: string
  day: string
  month: string
  year: string
  explainedBy: string
  interpreterUsed: string
  interpreterLanguage: string
  points: string[]
  understanding: string
}
/** `noAlternative` is the adult limb's question (s45(1)(d)); `wouldDoAct` the child limb's (s45(4)(c)). */
export type OffenceAnswers = {
  suspected: string
  offence: string
  compelled: string
  noAlternative: string
  directConsequence: string
  wouldDoAct?: string
}

export type ScreeningAnswers = {
  age?: AgeAnswers
  encounter?: EncounterAnswers
  travel?: TravelAnswers
  exploitation?: ExploitationAnswers
  indicators?: IndicatorAnswers
  consent?: ConsentAnswers
  offence?: OffenceAnswers
  /** Sections prefilled from a screening group's shared facts and not yet confirmed for this person. */
  prefilled?: string[]
}

type Body = Record<string, unknown>
const str = (body: Body, key: string, max = 2000) => asString(body[key]).trim().slice(0, max)
const triState = (v: string): boolean | null => (v === 'yes' ? true : v === 'no' ? false : null)
/** The page's problems, from its schema: none when the form is right. */
const problems = (schema: z.ZodType, body: Body): FieldErrors => {
  const parsed = parseForm(schema, body)
  return parsed.ok ? {} : parsed.errors
}

export function readAge(body: Body): { answers: AgeAnswers; errors: FieldErrors } {
  const answers: AgeAnswers = {
    dobDay: str(body, 'dateOfBirth-day', 10),
    dobMonth: str(body, 'dateOfBirth-month', 10),
    dobYear: str(body, 'dateOfBirth-year', 10),
    age: str(body, 'age', 10),
    claimedAge: str(body, 'claimedAge', 10),
    ageDisputed: str(body, 'ageDisputed', 5),
    assessment: str(body, 'assessment', 20),
  }
  return { answers, errors: problems(AgeForm, withDateParts(body, 'dateOfBirth')) }
}

export function encounterAnswers(body: Body): EncounterAnswers {
  return {
    location: str(body, 'location', 20),
    encounteredBy: str(body, 'encounteredBy', 40),
    detention: str(body, 'detention', 40),
    diplomaticHousehold: str(body, 'diplomaticHousehold', 5),
    safeguardingConcern: str(body, 'safeguardingConcern', 5),
  }
}

export function readEncounter(body: Body): { answers: EncounterAnswers; errors: FieldErrors } {
  return { answers: encounterAnswers(body), errors: problems(EncounterForm, body) }
}

export function readTravel(body: Body): { answers: TravelAnswers; errors: FieldErrors } {
  const answers: TravelAnswers = {
    arranged: str(body, 'arranged', 10),
    directions: asArray(body.directions).filter((d) => (DIRECTIONS as readonly string[]).includes(d)),
    endedOnArrival: str(body, 'endedOnArrival', 10),
    entryRoute: str(body, 'entryRoute', 20),
  }
  return { answers, errors: problems(TravelForm, body) }
}

export function exploitationAnswers(body: Body): ExploitationAnswers {
  return {
    purpose: str(body, 'purpose', 600),
    types: asArray(body.types).filter((t) => (EXPLOITATION_TYPES as readonly string[]).includes(t)),
    countyLines: str(body, 'countyLines', 5),
    exploitedAsChild: str(body, 'exploitedAsChild', 5),
  }
}

export function readExploitation(body: Body): { answers: ExploitationAnswers; errors: FieldErrors } {
  return { answers: exploitationAnswers(body), errors: problems(ExploitationForm, body) }
}

export function indicatorAnswers(body: Body): IndicatorAnswers {
  const posted = asArray(body.means)
    .map((m) => m.trim().slice(0, 100))
    .filter(Boolean)
  // A means the list does not hold is kept in the officer's words, never dropped.
  const unlisted = posted.filter((m) => !Object.hasOwn(MEANS, m))
  const typed = str(body, 'otherMeans', 1000)
  return {
    indicators: asArray(body.indicators).filter(isIndicator),
    means: posted.filter((m) => Object.hasOwn(MEANS, m)),
    otherMeans: [typed, ...unlisted].filter(Boolean).join('\n'),
    none: asArray(body.indicators).includes('none'),
  }
}

export function readIndicators(body: Body): { answers: IndicatorAnswers; errors: FieldErrors } {
  return { answers: indicatorAnswers(body), errors: problems(IndicatorsForm, body) }
}

export function readConsent(body: Body): { answers: ConsentAnswers; errors: FieldErrors } {
  const answers: ConsentAnswers = {
    decision: str(body, 'decision', 20),
    day: str(body, 'consentDate-day', 10),
    month: str(body, 'consentDate-month', 10),
    year: str(body, 'consentDate-year', 10),
    explainedBy: str(body, 'explainedBy', 200),
    interpreterUsed: str(body, 'interpreterUsed', 5),
    interpreterLanguage: str(body, 'interpreterLanguage', 100),
    points: asArray(body.points).filter((p) => Object.hasOwn(CONSENT_POINTS, p)),
    understanding: str(body, 'understanding', 2000),
  }
  return { answers, errors: problems(ConsentForm, withDateParts(body, 'consentDate')) }
}

export function readOffence(body: Body): { answers: OffenceAnswers; errors: FieldErrors } {
  const answers: OffenceAnswers = {
    suspected: str(body, 'suspected', 5),
    offence: str(body, 'offence', 400),
    compelled: str(body, 'compelled', 10),
    noAlternative: str(body, 'noAlternative', 10),
    directConsequence: str(body, 'directConsequence', 10),
    wouldDoAct: str(body, 'wouldDoAct', 10),
  }
  return { answers, errors: problems(OffenceForm, body) }
}

/** Their age answers as the rules' age facts. */
function ageFacts(age: AgeAnswers | undefined) {
  return {
    age: age?.age ? Number(age.age) : null,
    date_of_birth: age?.dobYear
      ? `${age.dobYear.padStart(4, '0')}-${age.dobMonth.padStart(2, '0')}-${age.dobDay.padStart(2, '0')}`
      : null,
    age_disputed: age ? age.ageDisputed === 'yes' : null,
    claimed_age: age?.claimedAge ? Number(age.claimedAge) : null,
    age_assessment_outcome: (AGE_ASSESSMENT_OUTCOMES as readonly string[]).includes(age?.assessment ?? '')
      ? (age!.assessment as (typeof AGE_ASSESSMENT_OUTCOMES)[number])
      : null,
  }
}

/**
 * Whether they are treated as a child, by the same derivation the rules use (so the consent page, the
 * outcome's headline and its table agree), for deciding whether the consent page applies.
 */
export function mayBeChild(age: AgeAnswers | undefined): boolean {
  if (!age) return false
  return determineAge(ageFacts(age), londonDate()).child === true
}

/** Means of control typed in the officer's own words: one per line, or separated by commas or semicolons. */
export function splitOtherMeans(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\n,;]+/)
    .map((m) => m.trim().slice(0, 100))
    .filter(Boolean)
}

/** The answers as the facts the rules take. */
export function answersToFacts(a: ScreeningAnswers): Facts {
  const age = ageFacts(a.age)
  const child = mayBeChild(a.age)
  const means = a.indicators ? [...a.indicators.means, ...splitOtherMeans(a.indicators.otherMeans)] : []
  const ms = a.indicators
    ? a.indicators.none && means.length === 0
      ? false
      : a.indicators.indicators.length > 0 || means.length > 0
    : null
  const directions = a.travel?.directions ?? []
  const travelKnown = a.travel && a.travel.arranged !== 'unknown'
  return {
    ...age,
    age_assessment_outcome: a.age?.assessment || null,
    consent_given: child
      ? null
      : a.consent?.decision === 'given'
        ? true
        : a.consent?.decision === 'refused'
          ? false
          : null,
    travel_arranged: travelKnown ? a.travel!.arranged === 'yes' : null,
    travel_into_uk: travelKnown ? directions.includes('into') : null,
    travel_within_uk: travelKnown ? directions.includes('within') : null,
    travel_out_of_uk: travelKnown ? directions.includes('out') : null,
    means_used: means,
    exploitation_purpose: a.exploitation?.purpose || null,
    modern_slavery_indicators_present: ms,
    safeguarding_concern: a.encounter ? a.encounter.safeguardingConcern === 'yes' : null,
    relationship_ended_on_arrival: a.travel ? triState(a.travel.endedOnArrival) : null,
    location: (a.encounter?.location as Facts['location']) ?? null,
    nationality: null,
    encountered_by: (a.encounter?.encounteredBy as Facts['encountered_by']) ?? null,
    identified_individual: true,
    suspected_offence_by_subject: a.offence?.suspected === 'yes' ? a.offence.offence : null,
    exploitation_types: a.exploitation?.types.length ? (a.exploitation.types as Facts['exploitation_types']) : null,
    county_lines: a.exploitation ? a.exploitation.countyLines === 'yes' : null,
    entry_route: (a.travel?.entryRoute as Facts['entry_route']) || null,
    detention:
      a.encounter?.detention && a.encounter.detention !== 'none' ? (a.encounter.detention as Facts['detention']) : null,
    diplomatic_household: a.encounter ? a.encounter.diplomaticHousehold === 'yes' : null,
    exploited_as_child: a.exploitation ? a.exploitation.exploitedAsChild === 'yes' : null,
    la_pilot_area: null,
    compelled: a.offence ? triState(a.offence.compelled) : null,
    reasonable_person_no_alternative: a.offence ? triState(a.offence.noAlternative) : null,
    direct_consequence_of_exploitation: a.offence ? triState(a.offence.directConsequence) : null,
    reasonable_person_would_do_act: a.offence ? triState(a.offence.wouldDoAct ?? '') : null,
  }
}
