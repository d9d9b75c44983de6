import { typesFromPurpose } from './exploitation-keywords.ts'
import {
  AGE_ASSESSMENT_OUTCOMES,
  DETENTION,
  ENCOUNTERED_BY,
  ENTRY_ROUTES,
  EXPLOITATION_TYPES,
  Facts as FactsSchema,
  LOCATIONS,
  MEANS,
  type EncounteredBy,
  type ExploitationType,
  type Facts,
  type Location,
  type Means,
  type NormalisedFacts,
} from './screening.facts.ts'

/**
 * Screening never refuses a fact for an unlisted word. Each enumerated fact is read tolerantly: the listed
 * value, its label or a known synonym maps to the value the rules use; anything else is kept, shown, and
 * treated as unknown (or, for means of control, as "other means"), and the explanation says so.
 */

/** The means in the Palermo Protocol art 3(a) (DOMAIN.md section 1.4). */
export const LEGAL_MEANS = {
  threat: 'Threat',
  force: 'Use of force',
  coercion: 'Other forms of coercion',
  abduction: 'Abduction',
  fraud: 'Fraud',
  deception: 'Deception',
  abuse_of_power: 'Abuse of power',
  abuse_of_vulnerability: 'Abuse of a position of vulnerability',
  payments_or_benefits:
    'Giving or receiving payments or benefits to achieve the consent of a person having control over another',
} as const
export type LegalMeans = keyof typeof LEGAL_MEANS

/** Each means of control the screening lists, as the legal means it is. */
export const MEANS_TO_LEGAL: Record<Means, LegalMeans> = {
  violence: 'force',
  threats: 'threat',
  threats_to_family: 'threat',
  intimidation: 'threat',
  sexual_violence: 'force',
  abduction: 'abduction',
  confinement: 'coercion',
  deception: 'deception',
  grooming: 'abuse_of_vulnerability',
  debt_bondage: 'coercion',
  staged_robbery: 'deception',
  withheld_wages: 'coercion',
  excessive_deductions: 'coercion',
  financial_control: 'coercion',
  document_retention: 'coercion',
  threat_of_denunciation: 'threat',
  threats_of_destitution: 'threat',
  control_of_accommodation: 'coercion',
  control_of_phone: 'coercion',
  abuse_of_vulnerability: 'abuse_of_vulnerability',
  family_coercion: 'coercion',
  ritual_oath: 'threat',
  substance_dependency: 'abuse_of_vulnerability',
  isolation: 'coercion',
}

/** Known synonyms: to one of the screening's means where there is one, otherwise straight to the legal means. */
const MEANS_SYNONYMS: Record<string, Means | LegalMeans> = {
  // Threat
  threat: 'threat',
  threatened: 'threats',
  threatening: 'threats',
  verbal_threats: 'threats',
  threats_of_violence: 'threats',
  threat_of_violence: 'threats',
  threats_against_family: 'threats_to_family',
  threat_to_family: 'threats_to_family',
  family_threatened: 'threats_to_family',
  intimidated: 'intimidation',
  threat_of_deportation: 'threat_of_denunciation',
  threats_of_deportation: 'threat_of_denunciation',
  threat_to_report_to_police: 'threat_of_denunciation',
  threat_to_report_to_immigration: 'threat_of_denunciation',
  denunciation: 'threat_of_denunciation',
  juju: 'ritual_oath',
  witchcraft: 'ritual_oath',
  oath: 'ritual_oath',
  // Force
  force: 'force',
  use_of_force: 'force',
  threat_or_use_of_force: 'force',
  physical_violence: 'violence',
  physical_abuse: 'violence',
  assault: 'violence',
  beatings: 'violence',
  beaten: 'violence',
  rape: 'sexual_violence',
  sexual_abuse: 'sexual_violence',
  // Abduction
  kidnap: 'abduction',
  kidnapping: 'abduction',
  abducted: 'abduction',
  // Coercion
  coercion: 'coercion',
  other_coercion: 'coercion',
  coercive_control: 'coercion',
  debt: 'debt_bondage',
  journey_debt: 'debt_bondage',
  travel_debt: 'debt_bondage',
  debt_bonded: 'debt_bondage',
  manufactured_debt: 'staged_robbery',
  lost_package: 'staged_robbery',
  locked_in: 'confinement',
  restricted_movement: 'confinement',
  restriction_of_movement: 'confinement',
  confined: 'confinement',
  false_imprisonment: 'confinement',
  passport_taken: 'document_retention',
  passport_retention: 'document_retention',
  passport_withheld: 'document_retention',
  documents_withheld: 'document_retention',
  id_retention: 'document_retention',
  retention_of_documents: 'document_retention',
  unpaid: 'withheld_wages',
  no_pay: 'withheld_wages',
  wages_withheld: 'withheld_wages',
  withholding_of_wages: 'withheld_wages',
  bank_card_held: 'financial_control',
  control_of_money: 'financial_control',
  control_of_bank_account: 'financial_control',
  isolated: 'isolation',
  phone_taken: 'control_of_phone',
  // Fraud and deception
  fraud: 'fraud',
  fraudulent_recruitment: 'fraud',
  false_documents: 'fraud',
  false_promises: 'deception',
  false_job_offer: 'deception',
  deceptive_recruitment: 'deception',
  lies: 'deception',
  lied_to: 'deception',
  // Abuse of power
  abuse_of_power: 'abuse_of_power',
  abuse_of_authority: 'abuse_of_power',
  abuse_of_trust: 'abuse_of_power',
  position_of_trust: 'abuse_of_power',
  // Abuse of a position of vulnerability
  abuse_of_a_position_of_vulnerability: 'abuse_of_vulnerability',
  abuse_of_position_of_vulnerability: 'abuse_of_vulnerability',
  vulnerability: 'abuse_of_vulnerability',
  exploited_vulnerability: 'abuse_of_vulnerability',
  addiction: 'substance_dependency',
  drug_dependency: 'substance_dependency',
  alcohol_dependency: 'substance_dependency',
  groomed: 'grooming',
  // Payments or benefits
  payment_inducement: 'payments_or_benefits',
  payments: 'payments_or_benefits',
  payment: 'payments_or_benefits',
  benefits: 'payments_or_benefits',
  payments_or_benefits: 'payments_or_benefits',
  giving_or_receiving_payments: 'payments_or_benefits',
  giving_or_receiving_of_payments_or_benefits: 'payments_or_benefits',
  payment_to_person_in_control: 'payments_or_benefits',
  payment_to_parents: 'payments_or_benefits',
  sold: 'payments_or_benefits',
  bribery: 'payments_or_benefits',
}

/** Words that say there were none, or that nobody knows: not a means of control. */
const NOTHING = new Set(['none', 'no', 'nil', 'n_a', 'na', 'unknown', 'not_known', 'not_applicable'])

/** "Threats to family", "threats-to-family", " THREATS TO FAMILY " → threats_to_family. */
export function vocabularyKey(value: string): string {
  return value
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

const byLabel = <K extends string>(labels: Record<K, string>) =>
  Object.fromEntries(Object.entries<string>(labels).map(([k, v]) => [vocabularyKey(v), k])) as Record<string, K>
const MEANS_BY_LABEL = byLabel(MEANS)
const LEGAL_BY_LABEL = byLabel(LEGAL_MEANS)

export type MeansFinding = {
  /** As recorded. */
  value: string
  /** One of the screening's means, when recognised. */
  means: Means | null
  /** The legal means (Palermo art 3(a)), when recognised; null is "other means". */
  legal: LegalMeans | null
  label: string
}

/** Reads recorded means of control: recognised ones map to the legal means; the rest are kept as "other means". */
export function interpretMeans(values: readonly string[] | null | undefined): MeansFinding[] {
  const seen = new Set<string>()
  const found: MeansFinding[] = []
  for (const raw of values ?? []) {
    const value = raw.trim()
    const key = vocabularyKey(value)
    if (!key || NOTHING.has(key) || seen.has(key)) continue
    seen.add(key)
    const hit: string | undefined = Object.hasOwn(MEANS, key)
      ? key
      : (MEANS_BY_LABEL[key] ??
        MEANS_SYNONYMS[key] ??
        LEGAL_BY_LABEL[key] ??
        (Object.hasOwn(LEGAL_MEANS, key) ? key : undefined))
    if (hit && Object.hasOwn(MEANS, hit))
      found.push({ value, means: hit as Means, legal: MEANS_TO_LEGAL[hit as Means], label: MEANS[hit as Means] })
    else if (hit) found.push({ value, means: null, legal: hit as LegalMeans, label: LEGAL_MEANS[hit as LegalMeans] })
    else found.push({ value, means: null, legal: null, label: `Other means: ${value}` })
  }
  return found
}

export type Unrecognised = { field: string; value: string; treated_as: string }

function pick<T extends string>(
  value: string | null | undefined,
  allowed: readonly T[],
  synonyms: Record<string, T>,
  labels: Record<string, T> = {},
): { value: T | null; unrecognised: boolean } {
  if (value === null || value === undefined || value.trim() === '') return { value: null, unrecognised: false }
  if ((allowed as readonly string[]).includes(value)) return { value: value as T, unrecognised: false }
  const key = vocabularyKey(value)
  if (NOTHING.has(key)) return { value: null, unrecognised: false }
  const exact = allowed.find((a) => vocabularyKey(a) === key)
  const hit = exact ?? synonyms[key] ?? labels[key]
  return hit ? { value: hit, unrecognised: false } : { value: null, unrecognised: true }
}

const LOCATION_SYNONYMS: Record<string, Location> = {
  eng: 'England',
  england_uk: 'England',
  cymru: 'Wales',
  scot: 'Scotland',
  alba: 'Scotland',
  northern_ireland: 'NI',
  n_ireland: 'NI',
  n_i: 'NI',
  ni: 'NI',
}
export function interpretLocation(value: string | null | undefined) {
  return pick<Location>(value, LOCATIONS, LOCATION_SYNONYMS)
}

const ENCOUNTERED_SYNONYMS: Record<string, EncounteredBy> = {
  btp: 'british_transport_police',
  transport_police: 'british_transport_police',
  national_crime_agency: 'nca',
  council: 'local_authority',
  la: 'local_authority',
  social_services: 'local_authority',
  childrens_services: 'local_authority',
  adult_social_care: 'local_authority',
  social_worker: 'local_authority',
  gangmasters: 'glaa',
  gangmasters_and_labour_abuse_authority: 'glaa',
  fwa: 'fair_work_agency',
  ukbf: 'border_force',
  ie: 'immigration_enforcement',
  charity: 'ngo',
  salvation_army: 'ngo',
  migrant_help: 'ngo',
  kalayaan: 'ngo',
  barnardos: 'ngo',
  unseen: 'helpline',
  modern_slavery_helpline: 'helpline',
  nhs: 'health',
  hospital: 'health',
  gp: 'health',
  police_officer: 'police',
  officer: 'police',
  met_police: 'police',
  metropolitan_police: 'police',
  constabulary: 'police',
  police_scotland: 'police',
  psni: 'police',
}
export function interpretEncounteredBy(value: string | null | undefined) {
  const result = pick<EncounteredBy>(
    value,
    Object.keys(ENCOUNTERED_BY) as EncounteredBy[],
    ENCOUNTERED_SYNONYMS,
    byLabel(ENCOUNTERED_BY),
  )
  // "Lancashire Constabulary", "Thames Valley Police": a police force, though not in the list by name.
  if (result.unrecognised && value && /\b(police|constabulary)\b/i.test(value) && !/\btransport\b/i.test(value))
    return { value: 'police' as const, unrecognised: false }
  return result
}

const TYPE_SYNONYMS: Record<string, ExploitationType> = {
  labour: 'LABOUR',
  labor: 'LABOUR',
  forced_labour: 'LABOUR',
  labour_exploitation: 'LABOUR',
  sexual: 'SEXUAL',
  sexual_exploitation: 'SEXUAL',
  cse: 'SEXUAL',
  criminal: 'CRIMINAL',
  criminal_exploitation: 'CRIMINAL',
  forced_criminality: 'CRIMINAL',
  cce: 'CRIMINAL',
  county_lines: 'CRIMINAL',
  domestic: 'DOMESTIC_SERVITUDE',
  domestic_servitude: 'DOMESTIC_SERVITUDE',
  organ: 'ORGAN_HARVESTING',
  organ_removal: 'ORGAN_HARVESTING',
  organ_harvesting: 'ORGAN_HARVESTING',
  not_specified: 'NOT_SPECIFIED_OR_UNKNOWN',
  unknown: 'NOT_SPECIFIED_OR_UNKNOWN',
}
/** Exploitation types: listed values and synonyms, then the purpose keywords; what is still unknown is "not specified". */
export function interpretExploitationTypes(values: readonly string[] | null | undefined): {
  types: ExploitationType[] | null
  unrecognised: Unrecognised[]
} {
  if (!values || values.length === 0) return { types: values ? [] : null, unrecognised: [] }
  const types = new Set<ExploitationType>()
  const unrecognised: Unrecognised[] = []
  for (const value of values) {
    const key = vocabularyKey(value)
    const hit = (EXPLOITATION_TYPES as readonly string[]).includes(value)
      ? (value as ExploitationType)
      : (EXPLOITATION_TYPES.find((t) => vocabularyKey(t) === key) ?? TYPE_SYNONYMS[key])
    if (hit) {
      types.add(hit)
      continue
    }
    const fromWords = typesFromPurpose(value.replace(/_/g, ' ')).map((m) => m.type)
    const treated: ExploitationType[] = fromWords.length ? fromWords : ['NOT_SPECIFIED_OR_UNKNOWN']
    for (const t of treated) types.add(t)
    unrecognised.push({ field: 'exploitation_types', value, treated_as: treated.join(', ') })
  }
  return { types: [...types], unrecognised }
}

export function interpretAgeAssessment(value: string | null | undefined) {
  return pick(value, AGE_ASSESSMENT_OUTCOMES, {
    adult: 'assessed_adult',
    child: 'assessed_child',
    under_18: 'assessed_child',
    in_progress: 'pending',
    none: 'not_started',
    not_done: 'not_started',
  })
}

export function interpretEntryRoute(value: string | null | undefined) {
  return pick(value, ENTRY_ROUTES, {
    smuggling: 'smuggled',
    small_boat: 'smuggled',
    irregular: 'unknown',
    trafficking: 'trafficked',
    visa: 'regular',
    legal: 'regular',
    lawful: 'regular',
  })
}

export function interpretDetention(value: string | null | undefined) {
  return pick(
    value,
    Object.keys(DETENTION) as (keyof typeof DETENTION)[],
    {
      irc: 'immigration_removal_centre',
      removal_centre: 'immigration_removal_centre',
      fno: 'prison',
      foreign_national_offender: 'prison',
    },
    byLabel(DETENTION),
  )
}

/** The facts as the rules see them, with what was recorded but not recognised. */
export function interpretFacts(input: Facts): {
  facts: NormalisedFacts
  means: MeansFinding[]
  unrecognised: Unrecognised[]
} {
  const keys = Object.keys(FactsSchema.shape) as (keyof Facts)[]
  const raw = Object.fromEntries(keys.map((k) => [k, input[k] ?? null])) as {
    [K in keyof Facts]-?: Exclude<Facts[K], undefined>
  }
  const unrecognised: Unrecognised[] = []
  const read = <T>(
    field: keyof Facts,
    value: string | null,
    result: { value: T | null; unrecognised: boolean },
    treatedAs: string,
  ): T | null => {
    if (result.unrecognised && value) unrecognised.push({ field, value, treated_as: treatedAs })
    return result.value
  }
  const means = interpretMeans(raw.means_used)
  for (const m of means)
    if (m.legal === null) unrecognised.push({ field: 'means_used', value: m.value, treated_as: 'other means' })
  const types = interpretExploitationTypes(raw.exploitation_types)
  unrecognised.push(...types.unrecognised)
  const facts: NormalisedFacts = {
    ...raw,
    age_assessment_outcome: read(
      'age_assessment_outcome',
      raw.age_assessment_outcome,
      interpretAgeAssessment(raw.age_assessment_outcome),
      'no age assessment recorded',
    ),
    means_used: means.flatMap((m) => (m.means ? [m.means] : [])),
    location: read('location', raw.location, interpretLocation(raw.location), 'not known'),
    encountered_by: read('encountered_by', raw.encountered_by, interpretEncounteredBy(raw.encountered_by), 'not known'),
    exploitation_types: types.types,
    entry_route: read('entry_route', raw.entry_route, interpretEntryRoute(raw.entry_route), 'not known'),
    detention: read('detention', raw.detention, interpretDetention(raw.detention), 'not known'),
  }
  return { facts, means, unrecognised }
}
