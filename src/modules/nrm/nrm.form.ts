import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from '#src/platform/paths.ts'
import { formatDate } from '#src/shared/dates.ts'
import { treatedAsChild as isTreatedAsChild } from '#src/shared/child.ts'
import { COUNTRIES, countryName, isCountryCode, languageName } from '#src/shared/reference-data.ts'
import { EXPLOITATION_TYPES as REFERRAL_TYPES } from '#src/modules/referrals/index.ts'
import { GENDERS, PREMISES_TYPES, SUBJECT_ROLES } from '#src/modules/people/index.ts'
import { DETENTION, ENCOUNTERED_BY, EXPLOITATION_TYPE_LABELS, MEANS } from '#src/modules/screening/index.ts'
import { describeIndicator } from '#src/modules/screening/index.ts'
import { CONSENT_POINTS, type ScreeningAnswers } from '#src/modules/screening/index.ts'
import { CHILD_STATUS_LABELS, childStatusOf, type Assessment } from '#src/modules/screening/index.ts'

/**
 * The Home Office NRM / Duty to Notify referral form as data (reference-data/nrm), and what Lantern answers
 * each question from: the first responder's draft (a key below) or what Lantern already holds (a derivation).
 */

export const FORM_ROUTES = ['adult-nrm', 'child-nrm', 'dtn'] as const
export type FormRoute = (typeof FORM_ROUTES)[number]
export const ROUTE_TITLES: Record<FormRoute, string> = {
  'adult-nrm': 'NRM referral (adult)',
  'child-nrm': 'NRM referral (child)',
  dtn: 'Duty to Notify (anonymous)',
}

export type FormQuestion = {
  id: string
  section: string
  question: string
  routes: FormRoute[]
  requiredOn: FormRoute[]
}
export type FormSection = { id: string; title: string }
export type MappingStatus = 'captured' | 'derived' | 'partly' | 'missing'
export type MappingEntry = { status: MappingStatus; field: string | null }

export const FORM_QUESTIONS_FILE = join(ROOT, 'reference-data/nrm/form-questions.json')
export const FORM_MAPPING_FILE = join(ROOT, 'reference-data/nrm/form-mapping.json')

export function loadFormQuestions(file = FORM_QUESTIONS_FILE): { sections: FormSection[]; questions: FormQuestion[] } {
  const data = JSON.parse(readFileSync(file, 'utf8')) as { sections: FormSection[]; questions: FormQuestion[] }
  return { sections: data.sections, questions: data.questions }
}

export function loadFormMapping(file = FORM_MAPPING_FILE): Record<string, MappingEntry> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { mapping: Record<string, MappingEntry> }).mapping
}

// ---------------------------------------------------------------------------------------------------------------
// The draft: what the first responder answers in Lantern.

type FieldKind = 'text' | 'textarea' | 'yesno' | 'choice' | 'email' | 'phone' | 'count' | 'countries' | 'multi'
export type DraftField = { kind: FieldKind; options?: Record<string, string>; max?: number }

/**
 * The kinds of exploitation the form distinguishes within the six statistics categories (kept as well as the
 * category, never instead of it): each value is prefixed by its category.
 */
export const EXPLOITATION_SUBTYPES = {
  'labour-agriculture': 'Labour: agriculture, fishing or food processing',
  'labour-construction': 'Labour: construction',
  'labour-car-wash': 'Labour: car washes',
  'labour-nail-bar': 'Labour: nail bars or beauty',
  'labour-hospitality': 'Labour: hospitality, takeaways or restaurants',
  'labour-factory': 'Labour: factories or warehouses',
  'labour-care': 'Labour: care work',
  'labour-cleaning': 'Labour: cleaning',
  'labour-other': 'Labour: other',
  'sexual-brothel': 'Sexual: brothels or pop-up brothels',
  'sexual-online': 'Sexual: online or adult websites',
  'sexual-street': 'Sexual: street-based',
  'sexual-cse': 'Sexual: child sexual exploitation',
  'sexual-other': 'Sexual: other',
  'criminal-county-lines': 'Criminal: County Lines or drug dealing',
  'criminal-cannabis': 'Criminal: cannabis cultivation',
  'criminal-begging': 'Criminal: forced begging',
  'criminal-theft': 'Criminal: shoplifting, pickpocketing or theft',
  'criminal-fraud': 'Criminal: benefit or financial fraud',
  'criminal-other': 'Criminal: other',
  'domestic-servitude': 'Domestic servitude: in a private household',
  'domestic-diplomatic': 'Domestic servitude: in a diplomatic household',
  'forced-marriage': 'Forced marriage',
  organ: 'Organ harvesting',
} as const

const YES_NO_UNKNOWN = { yes: 'Yes', no: 'No', unknown: 'Not known' }
const yesno: DraftField = { kind: 'yesno', options: YES_NO_UNKNOWN }
const text: DraftField = { kind: 'text', max: 200 }
const long: DraftField = { kind: 'textarea', max: 5000 }

/** Every key the NRM draft holds, with how it is entered and checked. */
export const DRAFT_FIELDS = {
  referrerOrganisation: text,
  referrerRole: text,
  referrerPhone: { kind: 'phone' },
  backupContactName: text,
  backupContactDetails: text,
  referrerAddress: { kind: 'textarea', max: 500 },
  cameToAttention: long,
  currentAddress: { kind: 'textarea', max: 500 },
  currentRegion: text,
  victimPhone: { kind: 'phone' },
  victimEmail: { kind: 'email' },
  victimSafeToContact: yesno,
  englishLevel: {
    kind: 'choice',
    options: { none: 'None', basic: 'Basic', good: 'Good', fluent: 'Fluent or first language' },
  },
  interpreterNeeded: text,
  communicationNeeds: { kind: 'textarea', max: 2000 },
  genderPreference: { kind: 'choice', options: { none: 'No preference', female: 'A woman', male: 'A man' } },
  hasDependants: yesno,
  dependantCount: { kind: 'count' },
  dependantsWhere: { kind: 'textarea', max: 2000 },
  dependantsAtRisk: yesno,
  /** Asked, never read from the person record: the recorded immigration status is behind its own firewall (ADR 0009). */
  immigrationStatus: text,
  homeOfficeReference: { kind: 'text', max: 60 },
  asylumClaim: {
    kind: 'choice',
    options: { yes: 'Yes, claimed', intends: 'Intends to claim', no: 'No', unknown: 'Not known' },
  },
  laName: text,
  laContactName: text,
  laPhone: { kind: 'phone' },
  laEmail: { kind: 'email' },
  laReferredOn: { kind: 'text', max: 60 },
  lookedAfter: yesno,
  withParentOrGuardian: { kind: 'textarea', max: 1000 },
  missingEpisodes: { kind: 'textarea', max: 1000 },
  placeOfBirth: text,
  familyBackground: long,
  education: { kind: 'textarea', max: 2000 },
  workHistory: { kind: 'textarea', max: 2000 },
  exploitationWhen: { kind: 'textarea', max: 1000 },
  moreThanOneSituation: yesno,
  recruitment: long,
  recruiterRelationship: { kind: 'textarea', max: 1000 },
  journey: long,
  whatHappened: long,
  stillInSituation: yesno,
  howLeft: long,
  whyLeft: { kind: 'textarea', max: 2000 },
  lastContact: { kind: 'textarea', max: 1000 },
  ongoingRisk: yesno,
  reportedBefore: { kind: 'textarea', max: 2000 },
  whyNow: { kind: 'textarea', max: 2000 },
  accountSource: {
    kind: 'choice',
    options: { 'own-words': 'Their own account', others: 'What others saw or said', both: 'Both' },
  },
  exploitationSubtypes: { kind: 'multi', options: EXPLOITATION_SUBTYPES },
  exploitationForceArea: text,
  overseasCountries: { kind: 'countries' },
  transitCountries: { kind: 'countries' },
  harmSuffered: { kind: 'textarea', max: 2000 },
  otherIndicators: { kind: 'textarea', max: 2000 },
  professionalView: long,
  credibilityConcerns: long,
  interviewSetting: { kind: 'textarea', max: 2000 },
  /** Lantern does not send files to the Home Office service: it lists what to attach there and where each is held. */
  supportingDocuments: { kind: 'textarea', max: 2000 },
  otherAgencies: { kind: 'textarea', max: 2000 },
  publicOrderInformation: { kind: 'textarea', max: 2000 },
  crimeReference: { kind: 'text', max: 60 },
  policeForce: text,
  willingToCooperate: {
    kind: 'choice',
    options: { yes: 'Yes', no: 'No', 'not-yet': 'Not yet decided', 'not-asked': 'Not asked' },
  },
  wantsSupport: yesno,
  supportNeeds: long,
  needsAccommodation: {
    kind: 'choice',
    options: { 'yes-tonight': 'Yes, nowhere safe tonight', yes: 'Yes', no: 'No, they are safely housed' },
  },
  currentAccommodation: text,
  urgentMedical: { kind: 'textarea', max: 2000 },
  riskToOthers: { kind: 'textarea', max: 2000 },
  decisionLetterRecipient: {
    kind: 'choice',
    options: {
      person: 'The person',
      representative: 'Their legal representative',
      'support-provider': 'Their support provider',
      'first-responder': 'The first responder',
      'local-authority': 'The local authority (child)',
    },
  },
  decisionLetterName: text,
  decisionLetterRelationship: text,
  decisionLetterAddress: { kind: 'textarea', max: 500 },
  decisionLetterEmail: { kind: 'email' },
  decisionLetterPhone: { kind: 'phone' },
  decisionLetterSafe: yesno,
  dtnNoConsentReason: { kind: 'textarea', max: 2000 },
  homeOfficeNrmReference: { kind: 'text', max: 60 },
} satisfies Record<string, DraftField>
export type DraftKey = keyof typeof DRAFT_FIELDS
export type DraftValue = string | string[]
export type DraftAnswers = Partial<Record<DraftKey, DraftValue>>

export function isDraftKey(key: string): key is DraftKey {
  return Object.hasOwn(DRAFT_FIELDS, key)
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
/** Any number an officer writes down: digits with spaces, brackets, dashes and a leading +; at least 6 digits. */
const PHONE = /^\+?[\d\s()-]+$/

function parseCountries(value: unknown): { codes: string[]; unknown: string[] } {
  const items = (Array.isArray(value) ? value.map(String) : String(value ?? '').split(/[,;\n]/))
    .map((s) => s.trim())
    .filter(Boolean)
  const byName = new Map(COUNTRIES.map((c) => [c.text.toLowerCase(), c.value]))
  const codes: string[] = []
  const unknown: string[] = []
  for (const item of items) {
    const code = isCountryCode(item.toUpperCase()) ? item.toUpperCase() : byName.get(item.toLowerCase())
    if (code && code !== 'GB') {
      if (!codes.includes(code)) codes.push(code)
    } else unknown.push(item)
  }
  return { codes, unknown }
}

/**
 * Checks answers to the draft's keys. An empty answer removes it. Returns the cleaned answers and, per key,
 * what is wrong; the words typed are kept by the caller to show again.
 */
export function checkDraftAnswers(input: Record<string, unknown>): {
  answers: Record<string, DraftValue | null>
  errors: Record<string, string>
} {
  const answers: Record<string, DraftValue | null> = {}
  const errors: Record<string, string> = {}
  for (const [key, raw] of Object.entries(input)) {
    if (!isDraftKey(key)) {
      errors[key] = 'This is not a question on the NRM form'
      continue
    }
    const field: DraftField = DRAFT_FIELDS[key]
    if (field.kind === 'multi') {
      const values = (Array.isArray(raw) ? raw : raw === null || raw === undefined || raw === '' ? [] : [raw]).map(
        (v) => String(v),
      )
      const unknown = values.filter((v) => !Object.hasOwn(field.options ?? {}, v))
      if (unknown.length) errors[key] = `Select from the list. Not recognised: ${unknown.join(', ')}`
      else answers[key] = values.length ? [...new Set(values)] : null
      continue
    }
    if (field.kind === 'countries') {
      const { codes, unknown } = parseCountries(raw)
      if (unknown.length)
        errors[key] = `Enter countries outside the UK by name or two-letter code. Not recognised: ${unknown.join(', ')}`
      else answers[key] = codes.length ? codes : null
      continue
    }
    if (raw !== null && raw !== undefined && typeof raw !== 'string' && typeof raw !== 'number') {
      errors[key] = 'Enter the answer as text'
      continue
    }
    const value = String(raw ?? '').trim()
    if (!value) {
      answers[key] = null
      continue
    }
    const max = field.max ?? 200
    if (value.length > max) errors[key] = `The answer must be ${max.toLocaleString('en-GB')} characters or fewer`
    else if ((field.kind === 'yesno' || field.kind === 'choice') && !Object.hasOwn(field.options ?? {}, value))
      errors[key] = `Select one of: ${Object.values(field.options ?? {}).join(', ')}`
    else if (field.kind === 'email' && !EMAIL.test(value))
      errors[key] = 'Enter an email address in the correct format, like name@example.org'
    else if (field.kind === 'phone' && (!PHONE.test(value) || value.replace(/\D/g, '').length < 6))
      errors[key] = 'Enter a phone number, like 0113 496 0000 or +40 712 345 678'
    else if (field.kind === 'count' && (!/^\d{1,2}$/.test(value) || Number(value) > 30))
      errors[key] = 'Enter the number of children as a whole number, like 2'
    else answers[key] = value
  }
  return { answers, errors }
}

/** An answer in words, as the PDF and the page show it: never a stored code. */
export function describeDraftValue(key: DraftKey, value: DraftValue | undefined): string | null {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return null
  const field: DraftField = DRAFT_FIELDS[key]
  if (Array.isArray(value))
    return value
      .map((v) => (field.kind === 'multi' ? (field.options?.[v] ?? v) : countryName(v)))
      .join(field.kind === 'multi' ? '; ' : ', ')
  if (field.options) return field.options[value] ?? value
  return value
}

// ---------------------------------------------------------------------------------------------------------------
// What Lantern already knows.

export type FormContext = {
  route: FormRoute
  subject: {
    name: string | null
    names: string[]
    date_of_birth: string | null
    approximate_age: number | null
    age_disputed: boolean
    gender: string
    nationalities: string[]
    languages: string[]
    reference: string
  }
  referral: {
    reference: string
    received_at: Date
    summary: string
    exploitation_types: string[]
    county_lines: boolean
    status: string
    assigned_name: string | null
  }
  locations: { town: string | null; postcode: string | null; premises_type: string; description: string | null }[]
  others: { name: string | null; role: string }[]
  screening: {
    facts: Record<string, unknown>
    outcome: Assessment
    answers: ScreeningAnswers
    confirmedRoute: string | null
  } | null
  consent: {
    decision: string
    recorded_on: string
    explained_by: string
    interpreter_used: boolean
    interpreter_language: string | null
    points_explained: string[]
    understanding: string | null
  } | null
  nrm: {
    submitted_on: string
    nrm_reference: string | null
    first_responder_organisation: string
    competent_authority: string | null
  } | null
  user: { name: string; email: string }
  /** The crime numbers recorded on the referral, oldest first (crime and occurrence references). */
  crimeReferences?: string[]
  /** The draft's own answers, for a derivation that also depends on them. */
  draft?: DraftAnswers
}

export const AUTHORITIES: Record<string, string> = {
  SCA: 'Single Competent Authority',
  IECA: 'Immigration Enforcement Competent Authority',
  LA_PILOT: 'Local authority child decision-making pilot panel',
  SCA_OR_LA_PILOT:
    'Single Competent Authority, or the local authority pilot panel where the child’s area is in the pilot',
}
const yesNo = (v: unknown) => (v === true ? 'Yes' : v === false ? 'No' : null)
const list = (items: string[]) => (items.length ? items.join(', ') : null)
const fact = (ctx: FormContext, key: string) => ctx.screening?.facts[key]

function exploitationTypes(ctx: FormContext): string[] {
  if (ctx.screening && ctx.screening.outcome.exploitation_types.length)
    return ctx.screening.outcome.exploitation_types.map((t) => EXPLOITATION_TYPE_LABELS[t] ?? t)
  return ctx.referral.exploitation_types.map((t) => REFERRAL_TYPES.label(t))
}

function ageNow(ctx: FormContext): number | null {
  const dob = ctx.subject.date_of_birth
  if (!dob) return ctx.subject.approximate_age
  const today = new Date()
  const born = new Date(`${dob}T00:00:00Z`)
  let age = today.getUTCFullYear() - born.getUTCFullYear()
  if (
    today.getUTCMonth() < born.getUTCMonth() ||
    (today.getUTCMonth() === born.getUTCMonth() && today.getUTCDate() < born.getUTCDate())
  )
    age -= 1
  return age
}

/** Whether the form's child route applies: the confirmed screening decides; without one, the person record (a disputed age is treated as a child). */
export function treatedAsChild(ctx: Pick<FormContext, 'screening' | 'subject'>): boolean {
  if (ctx.screening) return ctx.screening.outcome.is_child
  return isTreatedAsChild(ctx.subject)
}

export function routeFor(ctx: Pick<FormContext, 'screening' | 'subject'>): FormRoute {
  if (ctx.screening?.confirmedRoute === 'DUTY_TO_NOTIFY') return 'dtn'
  return treatedAsChild(ctx) ? 'child-nrm' : 'adult-nrm'
}

type Derivation = { source: string; value: (ctx: FormContext) => string | null }

/** Each named way an answer is worked out from what Lantern holds, with where it comes from. */
export const DERIVATIONS: Record<string, Derivation> = {
  referrerName: { source: 'You (signed in)', value: (c) => c.user.name },
  referrerEmail: { source: 'You (signed in)', value: (c) => c.user.email },
  route: { source: 'Screening and consent', value: (c) => ROUTE_TITLES[c.route] },
  treatedAsChild: {
    source: 'Screening, or the person record',
    value: (c) =>
      c.screening
        ? CHILD_STATUS_LABELS[childStatusOf(c.screening.outcome)]
        : treatedAsChild(c)
          ? 'Yes: under 18, or may be'
          : 'No',
  },
  exploitedAsChild: {
    source: 'Screening',
    value: (c) => (treatedAsChild(c) ? 'Yes' : yesNo(fact(c, 'exploited_as_child'))),
  },
  nation: { source: 'Screening', value: (c) => (fact(c, 'location') as string | null | undefined) ?? null },
  encounterDate: { source: 'Referral', value: (c) => formatDate(c.referral.received_at) },
  familyName: {
    source: 'Person record: the last word of the full name, so check it',
    value: (c) => c.subject.name?.trim().split(/\s+/).at(-1) ?? null,
  },
  givenNames: {
    source: 'Person record: the full name before its last word, so check it',
    value: (c) => c.subject.name?.trim().split(/\s+/).slice(0, -1).join(' ') || null,
  },
  otherNames: { source: 'Person record', value: (c) => list(c.subject.names.slice(1)) },
  dateOfBirth: {
    source: 'Person record',
    value: (c) => (c.subject.date_of_birth ? formatDate(c.subject.date_of_birth) : null),
  },
  approximateAge: {
    source: 'Person record',
    value: (c) =>
      c.subject.approximate_age !== null
        ? `About ${c.subject.approximate_age}`
        : c.subject.date_of_birth
          ? String(ageNow(c))
          : null,
  },
  ageDisputed: { source: 'Person record', value: (c) => (c.subject.age_disputed ? 'Yes' : 'No') },
  ageAssessment: {
    source: 'Screening',
    value: (c) =>
      ({
        not_started: 'Not started',
        pending: 'Under way',
        assessed_adult: 'Assessed as an adult',
        assessed_child: 'Assessed as a child',
      })[(fact(c, 'age_assessment_outcome') as string) ?? ''] ?? null,
  },
  gender: { source: 'Person record', value: (c) => GENDERS.label(c.subject.gender) },
  nationality: {
    source: 'Person record',
    value: (c) => (c.subject.nationalities[0] ? countryName(c.subject.nationalities[0]) : null),
  },
  otherNationalities: {
    source: 'Person record',
    value: (c) =>
      list(c.subject.nationalities.slice(1).map(countryName)) ?? (c.subject.nationalities.length ? 'None' : null),
  },
  firstLanguage: {
    source: 'Person record',
    value: (c) => (c.subject.languages[0] ? languageName(c.subject.languages[0]) : null),
  },
  otherLanguages: { source: 'Person record', value: (c) => list(c.subject.languages.slice(1).map(languageName)) },
  interpreterUsed: {
    source: 'Consent record',
    value: (c) =>
      c.consent
        ? c.consent.interpreter_used
          ? `Yes: ${c.consent.interpreter_language ?? 'language not recorded'}`
          : 'No'
        : null,
  },
  otherPeopleInReferral: {
    source: 'Referral',
    value: (c) =>
      list(c.others.map((o) => `${o.name ?? 'Unnamed person'} (${SUBJECT_ROLES.label(o.role).toLowerCase()})`)) ??
      'None',
  },
  detention: {
    source: 'Screening',
    value: (c) =>
      DETENTION[(fact(c, 'detention') as keyof typeof DETENTION) ?? ('' as never)] ??
      (c.screening ? 'Not detained' : null),
  },
  entryRoute: {
    source: 'Screening',
    value: (c) =>
      ({ smuggled: 'Smuggled', trafficked: 'Trafficked', regular: 'Regular entry', unknown: 'Not known' })[
        (fact(c, 'entry_route') as string) ?? ''
      ] ?? null,
  },
  documentsHeld: {
    source: 'Screening (means of control)',
    value: (c) =>
      c.screening
        ? ((fact(c, 'means_used') as string[] | null) ?? []).includes('document_retention')
          ? 'No: held by someone else'
          : 'No sign that anyone else holds them'
        : null,
  },
  laPilot: { source: 'Screening', value: (c) => yesNo(fact(c, 'la_pilot_area')) },
  travelArranged: { source: 'Screening', value: (c) => yesNo(fact(c, 'travel_arranged')) },
  travelDirections: {
    source: 'Screening',
    value: (c) => {
      if (!c.screening) return null
      const moves = [
        fact(c, 'travel_into_uk') && 'into the UK',
        fact(c, 'travel_within_uk') && 'within the UK',
        fact(c, 'travel_out_of_uk') && 'out of the UK',
      ].filter((m): m is string => typeof m === 'string')
      return moves.length ? `Moved ${moves.join(', ')}` : 'No movement recorded'
    },
  },
  suspectsInReferral: {
    source: 'Referral (people recorded as suspected exploiters)',
    value: (c) => list(c.others.filter((o) => o.role === 'suspected-exploiter').map((o) => o.name ?? 'Unnamed person')),
  },
  exploitationTypes: { source: 'Screening, or the referral', value: (c) => list(exploitationTypes(c)) },
  countyLines: {
    source: 'Screening, or the referral',
    value: (c) =>
      c.screening ? (c.screening.outcome.county_lines_flag ? 'Yes' : 'No') : c.referral.county_lines ? 'Yes' : 'No',
  },
  premisesTypes: {
    source: 'Referral locations',
    value: (c) => list([...new Set(c.locations.map((l) => PREMISES_TYPES.label(l.premises_type)))]),
  },
  multipleTypes: {
    source: 'Screening, or the referral',
    value: (c) => (exploitationTypes(c).length ? (exploitationTypes(c).length > 1 ? 'Yes' : 'No') : null),
  },
  ukLocations: {
    source: 'Referral locations',
    value: (c) =>
      list(c.locations.map((l) => [l.description, l.town, l.postcode].filter(Boolean).join(', ')).filter(Boolean)),
  },
  exploitationWhere: {
    source: 'Referral locations and the overseas countries in this draft',
    value: (c) => {
      const overseas = (c.draft?.overseasCountries ?? []).length > 0
      const uk = c.locations.length > 0
      return uk && overseas ? 'Both' : uk ? 'UK only' : overseas ? 'Overseas only' : null
    },
  },
  indicators: {
    source: 'Screening',
    value: (c) => list((c.screening?.answers.indicators?.indicators ?? []).map(describeIndicator)),
  },
  means: {
    source: 'Screening',
    value: (c) =>
      list(((fact(c, 'means_used') as string[] | null) ?? []).map((m) => MEANS[m as keyof typeof MEANS] ?? m)),
  },
  suspectedOffence: {
    source: 'Screening',
    value: (c) => {
      if (!c.screening) return null
      const offence = fact(c, 'suspected_offence_by_subject') as string | null
      return offence ? `Yes: ${offence}.${c.screening.outcome.s45 ? ` ${c.screening.outcome.s45.reason}` : ''}` : 'No'
    },
  },
  policeInvolved: {
    source: 'Screening (who encountered them)',
    value: (c) =>
      c.screening
        ? `Yes: ${ENCOUNTERED_BY[(fact(c, 'encountered_by') as keyof typeof ENCOUNTERED_BY) ?? 'police'] ?? 'Police'}`
        : 'Yes: police referral',
  },
  officerInCase: { source: 'Referral (assigned officer)', value: (c) => c.referral.assigned_name },
  investigationOpen: {
    source: 'Referral',
    value: (c) => (c.referral.status === 'opened-as-case' ? 'Yes: opened as a live job' : 'No live job yet'),
  },
  consentDecision: {
    source: 'Consent record',
    value: (c) =>
      c.consent
        ? `${c.consent.decision === 'given' ? 'Consented' : 'Declined'} on ${formatDate(c.consent.recorded_on)}`
        : null,
  },
  consentPoints: {
    source: 'Consent record',
    value: (c) =>
      c.consent
        ? list(c.consent.points_explained.map((p) => CONSENT_POINTS[p as keyof typeof CONSENT_POINTS] ?? p))
        : null,
  },
  consentExplainedBy: {
    source: 'Consent record',
    value: (c) => (c.consent ? `${c.consent.explained_by}, ${formatDate(c.consent.recorded_on)}` : null),
  },
  consentUnderstanding: { source: 'Consent record', value: (c) => c.consent?.understanding ?? null },
  submittedOn: { source: 'NRM referral record', value: (c) => (c.nrm ? formatDate(c.nrm.submitted_on) : null) },
  competentAuthority: {
    source: 'NRM referral record, or the screening',
    value: (c) => {
      const code = c.nrm?.competent_authority ?? c.screening?.outcome.competent_authority ?? null
      return code ? (AUTHORITIES[code] ?? code) : null
    },
  },
}

/** Draft answers Lantern can suggest from what it holds: shown filled in, with their source, for the officer to check. */
export function prefill(ctx: FormContext): Partial<Record<DraftKey, { value: DraftValue; source: string }>> {
  const out: Partial<Record<DraftKey, { value: DraftValue; source: string }>> = {}
  out.referrerOrganisation = {
    value: ctx.nrm?.first_responder_organisation ?? 'Police',
    source: ctx.nrm ? 'NRM referral record' : 'Lantern is a police system',
  }
  if (ctx.referral.summary)
    out.cameToAttention = { value: ctx.referral.summary, source: `Referral ${ctx.referral.reference}` }
  const purpose = fact(ctx, 'exploitation_purpose') as string | null | undefined
  if (purpose) out.whatHappened = { value: purpose, source: 'Screening' }
  if (ctx.consent?.interpreter_used && ctx.consent.interpreter_language)
    out.interpreterNeeded = { value: ctx.consent.interpreter_language, source: 'Consent record' }
  const crimes = ctx.crimeReferences ?? []
  if (crimes.length) {
    // The form has one box of 60 characters: every crime number if they fit, or the first one recorded.
    const all = crimes.join(', ')
    out.crimeReference = {
      value: all.length <= 60 ? all : crimes[0],
      source: `Referral ${ctx.referral.reference}: crime number${crimes.length > 1 && all.length <= 60 ? 's' : ''} recorded on it`,
    }
  }
  if (ctx.nrm?.nrm_reference)
    out.homeOfficeNrmReference = { value: ctx.nrm.nrm_reference, source: 'NRM referral record' }
  if (ctx.screening?.outcome.county_lines_flag ?? ctx.referral.county_lines)
    out.exploitationSubtypes = { value: ['criminal-county-lines'], source: 'Screening, or the referral' }
  const journey = DERIVATIONS.travelDirections.value(ctx)
  if (ctx.screening && fact(ctx, 'travel_arranged') === true && journey)
    out.journey = { value: `${journey}; travel arranged by someone else.`, source: 'Screening' }
  return out
}

// ---------------------------------------------------------------------------------------------------------------
// The form, answered.

export type DraftData = { answers: DraftAnswers; completed: string[] }

export type AnsweredQuestion = FormQuestion & {
  status: MappingStatus
  draftKey: DraftKey | null
  /** In words, or null when not answered. */
  answer: string | null
  /** A draft question's value as stored (or as Lantern suggests it), for a form to show again. */
  raw: DraftValue | null
  source: string | null
  /** Filled in by Lantern, not yet saved by the officer. */
  suggested: boolean
  required: boolean
}

export type SectionView = FormSection & {
  questions: AnsweredQuestion[]
  editable: boolean
  state: 'Completed' | 'In progress' | 'Not started' | 'Cannot start yet'
  missing: AnsweredQuestion[]
}

export function answerForm(
  ctx: FormContext,
  data: DraftData,
): { route: FormRoute; sections: SectionView[]; missing: AnsweredQuestion[] } {
  const { sections, questions } = loadFormQuestions()
  const mapping = loadFormMapping()
  const suggestions = prefill(ctx)
  const withDraft = Object.assign({}, ctx, { draft: data.answers })
  const answered: AnsweredQuestion[] = questions
    .filter((q) => q.routes.includes(ctx.route))
    .map((q) => {
      const m = mapping[q.id] ?? { status: 'missing', field: null }
      const required = q.requiredOn.includes(ctx.route)
      if (m.field?.startsWith('draft.')) {
        const key = m.field.slice(6) as DraftKey
        const own = data.answers[key]
        const suggestion = own === undefined ? suggestions[key] : undefined
        return {
          ...q,
          status: m.status,
          draftKey: key,
          answer: describeDraftValue(key, own ?? suggestion?.value),
          raw: own ?? suggestion?.value ?? null,
          source: own !== undefined ? 'Your answer' : (suggestion?.source ?? null),
          suggested: suggestion !== undefined,
          required,
        }
      }
      if (m.field?.startsWith('derive.')) {
        const d = DERIVATIONS[m.field.slice(7)]
        return {
          ...q,
          status: m.status,
          draftKey: null,
          answer: d ? d.value(withDraft) : null,
          raw: null,
          source: d?.source ?? null,
          suggested: false,
          required,
        }
      }
      return {
        ...q,
        status: m.status,
        draftKey: null,
        answer: null,
        raw: null,
        source: null,
        suggested: false,
        required,
      }
    })
  const views: SectionView[] = sections
    .map((s) => {
      const qs = answered.filter((q) => q.section === s.id)
      const editable = qs.some((q) => q.draftKey !== null)
      const missing = qs.filter((q) => q.required && !q.answer)
      const saved = qs.some((q) => q.draftKey !== null && data.answers[q.draftKey] !== undefined)
      const state: SectionView['state'] = !editable
        ? missing.length
          ? 'Cannot start yet'
          : 'Completed'
        : data.completed.includes(s.id) && missing.length === 0
          ? 'Completed'
          : saved || data.completed.includes(s.id)
            ? 'In progress'
            : 'Not started'
      return { ...s, questions: qs, editable, state, missing }
    })
    .filter((s) => s.questions.length > 0)
  return { route: ctx.route, sections: views, missing: answered.filter((q) => q.required && !q.answer) }
}

/** The structured export: one key per form question, in the form's order, answers in words (null when not answered). */
export function exportForm(form: ReturnType<typeof answerForm>): Record<string, string | null> {
  return Object.fromEntries(form.sections.flatMap((s) => s.questions.map((q) => [q.id, q.answer])))
}

/** A stored draft's own answers as (question, answer in words) in the form's order: for a subject access bundle. */
export function draftAnswerRows(data: unknown): [string, string][] {
  const answers = ((data as { answers?: unknown } | null)?.answers ?? {}) as DraftAnswers
  const mapping = loadFormMapping()
  const rows: [string, string][] = []
  for (const q of loadFormQuestions().questions) {
    const field = mapping[q.id]?.field
    if (!field?.startsWith('draft.')) continue
    const key = field.slice(6)
    if (!isDraftKey(key)) continue
    const answer = describeDraftValue(key, answers[key])
    if (answer) rows.push([q.question, answer])
  }
  return rows
}
