import { countryName } from '#src/shared/reference-data.ts'
import { regionOf, subRegionOf } from './world-regions.ts'
import { interpretMeans, type LegalMeans } from '#src/modules/screening/index.ts'

/**
 * The anonymised victim-level release in the shape of the Counter Trafficking Data Collaborative (CTDC) /
 * Human Trafficking Case Data Standard: one row per victim, column names as in the CTDC global dataset.
 *
 * Quasi-identifiers (what someone could know about a person from elsewhere): year of registration, gender,
 * age band, citizenship and the combination of exploitation types. Means of control are released as
 * sensitive attributes, not quasi-identifiers. Before release every combination of quasi-identifiers must be
 * shared by at least k rows (k-anonymity): the whole release is generalised one ladder step at a time
 * (full-domain generalisation), choosing the least-generalised set of levels that needs no more than the
 * allowed share of rows suppressed, and then the rows still in groups under k are removed.
 */

export type VictimRecord = {
  yearOfRegistration: number
  gender: string
  /** Age in whole years when first referred; null when not known. */
  age: number | null
  /** ISO 3166-1 alpha-2 code of the first recorded nationality, 'stateless', or null. */
  citizenship: string | null
  /** Home Office categories across all the person's referrals (Lantern values, e.g. 'labour'). */
  exploitationTypes: readonly string[]
  /** Means of control from confirmed screenings; null when no screening recorded them. */
  meansOfControl: readonly string[] | null
  /**
   * Structured victim context (HTCDS fields recorded on the victim side), merged across the person's situations;
   * null or absent when none is recorded. Values are victim-context's words (victim-context.vocabulary.ts).
   */
  context?: {
    recruitment: readonly string[]
    controls: readonly string[]
    sectors: readonly string[]
    sexualTypes: readonly string[]
  } | null
}

export const NOT_RELEASED = 'Not released'

// ── Generalisation ladders: level 0 is as recorded; the last level releases nothing ────────────────────────

const CTDC_AGE_BANDS: [number, string][] = [
  [8, '0--8'],
  [17, '9--17'],
  [20, '18--20'],
  [23, '21--23'],
  [26, '24--26'],
  [29, '27--29'],
  [38, '30--38'],
  [47, '39--47'],
]
const WIDE_AGE_BANDS: [number, string][] = [
  [17, '0--17'],
  [29, '18--29'],
  [47, '30--47'],
]

function band(age: number, bands: [number, string][], last: string): string {
  for (const [upTo, label] of bands) if (age <= upTo) return label
  return last
}

const GENDERS: Record<string, string> = { female: 'Female', male: 'Male', other: 'Other', 'not-known': 'unknown' }
const TYPE_LABELS: Record<string, string> = {
  labour: 'Labour exploitation',
  sexual: 'Sexual exploitation',
  criminal: 'Criminal exploitation',
  'domestic-servitude': 'Domestic servitude',
  'organ-harvesting': 'Organ harvesting',
  'not-specified': 'Not specified or unknown',
}

function knownTypes(types: readonly string[]): string[] {
  const known = [...new Set(types)].filter((t) => t !== 'not-specified').sort()
  return known
}

type Ladder = { name: string; column: string; levels: string[]; value: (v: VictimRecord, level: number) => string }

export const LADDERS: Ladder[] = [
  {
    name: 'year of registration',
    column: 'yearOfRegistration',
    levels: ['the year', 'two-year ranges', 'five-year ranges', 'not released'],
    value: (v, level) => {
      const y = v.yearOfRegistration
      if (level === 0) return String(y)
      if (level === 1) {
        const from = y - (y % 2)
        return `${from}--${from + 1}`
      }
      if (level === 2) {
        const from = y - (y % 5)
        return `${from}--${from + 4}`
      }
      return NOT_RELEASED
    },
  },
  {
    name: 'gender',
    column: 'gender',
    levels: ['as recorded', 'not released'],
    value: (v, level) => (level === 0 ? (GENDERS[v.gender] ?? 'unknown') : NOT_RELEASED),
  },
  {
    name: 'age band',
    column: 'ageBroad',
    levels: ['CTDC age bands', 'wider bands (0–17, 18–29, 30–47, 48+)', 'child or adult', 'not released'],
    value: (v, level) => {
      if (level === 3) return NOT_RELEASED
      if (v.age === null) return 'unknown'
      if (level === 0) return band(v.age, CTDC_AGE_BANDS, '48+')
      if (level === 1) return band(v.age, WIDE_AGE_BANDS, '48+')
      return v.age < 18 ? 'Minor' : 'Adult'
    },
  },
  {
    name: 'citizenship',
    column: 'citizenship',
    levels: ['country', 'world sub-region', 'world region', 'not released'],
    value: (v, level) => {
      if (level === 3) return NOT_RELEASED
      if (!v.citizenship) return 'unknown'
      if (v.citizenship === 'stateless') return level === 0 ? 'Stateless' : 'Stateless'
      if (level === 0) return v.citizenship.toUpperCase()
      return level === 1 ? subRegionOf(v.citizenship) : regionOf(v.citizenship)
    },
  },
  {
    name: 'exploitation types',
    column: 'typeOfExploitConcatenated',
    levels: ['each combination', 'single types, with every combination as “more than one type”', 'not released'],
    value: (v, level) => {
      if (level === 2) return NOT_RELEASED
      const types = knownTypes(v.exploitationTypes)
      if (types.length === 0) return 'unknown'
      if (types.length === 1 || level === 0) return types.map((t) => TYPE_LABELS[t] ?? t).join('; ')
      return 'More than one type'
    },
  },
]

// ── Means of control, mapped from the screening's list to CTDC columns ────────────────────────────────────

export const MEANS_COLUMNS: Record<string, readonly string[]> = {
  meansOfControlDebtBondage: ['debt_bondage', 'staged_robbery'],
  meansOfControlTakesEarnings: ['withheld_wages', 'excessive_deductions'],
  meansOfControlRestrictsFinancialAccess: ['financial_control'],
  meansOfControlThreats: ['threats', 'threats_to_family'],
  meansOfControlPsychologicalAbuse: ['intimidation', 'grooming', 'ritual_oath', 'isolation'],
  meansOfControlPhysicalAbuse: ['violence'],
  meansOfControlSexualAbuse: ['sexual_violence'],
  meansOfControlFalsePromises: ['deception'],
  meansOfControlPsychoactiveSubstances: ['substance_dependency'],
  meansOfControlRestrictsMovement: ['confinement', 'abduction'],
  meansOfControlWithholdsDocuments: ['document_retention'],
  meansOfControlThreatOfLawEnforcement: ['threat_of_denunciation'],
  meansOfControlWithholdsNecessities: ['threats_of_destitution'],
  meansOfControlOther: [
    'control_of_accommodation',
    'control_of_phone',
    'abuse_of_vulnerability',
    'family_coercion',
    'other',
  ],
}

/** Methods of control as victim context records them (its own words), as the CTDC columns count them. */
export const CONTEXT_MEANS: Record<string, (typeof MEANS_COLUMN_NAMES)[number]> = {
  'debt-bondage': 'meansOfControlDebtBondage',
  'earnings-taken': 'meansOfControlTakesEarnings',
  'documents-withheld': 'meansOfControlWithholdsDocuments',
  threats: 'meansOfControlThreats',
  'threats-to-family': 'meansOfControlThreats',
  violence: 'meansOfControlPhysicalAbuse',
  'sexual-abuse': 'meansOfControlSexualAbuse',
  'restricted-movement': 'meansOfControlRestrictsMovement',
  substances: 'meansOfControlPsychoactiveSubstances',
  'threat-of-authorities': 'meansOfControlThreatOfLawEnforcement',
  'withholding-necessities': 'meansOfControlWithholdsNecessities',
  'false-promises': 'meansOfControlFalsePromises',
  'psychological-abuse': 'meansOfControlPsychologicalAbuse',
  'excessive-hours': 'meansOfControlOther',
  other: 'meansOfControlOther',
}

/** The recruiter's relationship to the victim (CTDC recruiterRelation* columns) from how they were recruited. */
const RECRUITER_RELATION: Record<string, string> = {
  'intimate-partner': 'recruiterRelationIntimatePartner',
  familial: 'recruiterRelationFamily',
  benefactor: 'recruiterRelationFriend',
}
const RECRUITER_COLUMNS = [
  'recruiterRelationIntimatePartner',
  'recruiterRelationFriend',
  'recruiterRelationFamily',
  'recruiterRelationOther',
  'recruiterRelationUnknown',
] as const

/** Labour sectors (victim context's SIC-based words) as the CTDC typeOfLabour* columns. */
const LABOUR_COLUMN: Record<string, string> = {
  agriculture: 'typeOfLabourAgriculture',
  mining: 'typeOfLabourMiningOrDrilling',
  textiles: 'typeOfLabourManufacturing',
  'food-processing': 'typeOfLabourManufacturing',
  'manufacturing-other': 'typeOfLabourManufacturing',
  construction: 'typeOfLabourConstruction',
  transport: 'typeOfLabourTransportation',
  hospitality: 'typeOfLabourHospitality',
  'domestic-work': 'typeOfLabourDomesticWork',
}
const LABOUR_COLUMNS = [
  'typeOfLabourAgriculture',
  'typeOfLabourConstruction',
  'typeOfLabourDomesticWork',
  'typeOfLabourHospitality',
  'typeOfLabourManufacturing',
  'typeOfLabourMiningOrDrilling',
  'typeOfLabourTransportation',
  'typeOfLabourOther',
  'typeOfLabourNotSpecified',
] as const

/** Kinds of sexual exploitation as the CTDC typeOfSex* columns. */
const SEX_COLUMN: Record<string, string> = {
  street: 'typeOfSexProstitution',
  brothel: 'typeOfSexProstitution',
  'pop-up': 'typeOfSexProstitution',
  'advertised-online': 'typeOfSexProstitution',
  private: 'typeOfSexPrivateSexualServices',
  pornography: 'typeOfSexPornography',
  remote: 'typeOfSexRemoteInteractiveServices',
}
const SEX_COLUMNS = [
  'typeOfSexProstitution',
  'typeOfSexPornography',
  'typeOfSexRemoteInteractiveServices',
  'typeOfSexPrivateSexualServices',
] as const

/** A legal means recorded without one of the screening's own means (a synonym such as "payment_inducement"), as the CTDC column's value. */
const LEGAL_TO_COLUMN_VALUE: Record<LegalMeans, string> = {
  threat: 'threats',
  force: 'violence',
  abduction: 'abduction',
  deception: 'deception',
  fraud: 'deception',
  coercion: 'other',
  abuse_of_power: 'other',
  abuse_of_vulnerability: 'abuse_of_vulnerability',
  payments_or_benefits: 'other',
}

/**
 * Means as recorded (screening never refuses an unlisted word) as the values the columns count: listed
 * means as they are, synonyms as the legal means they are, and anything unrecognised as "other means".
 */
function canonicalMeans(recorded: readonly string[]): string[] {
  return interpretMeans(recorded).map((m) => m.means ?? (m.legal ? LEGAL_TO_COLUMN_VALUE[m.legal] : 'other'))
}

const MEANS_COLUMN_NAMES = [
  'meansOfControlDebtBondage',
  'meansOfControlTakesEarnings',
  'meansOfControlRestrictsFinancialAccess',
  'meansOfControlThreats',
  'meansOfControlPsychologicalAbuse',
  'meansOfControlPhysicalAbuse',
  'meansOfControlSexualAbuse',
  'meansOfControlFalsePromises',
  'meansOfControlPsychoactiveSubstances',
  'meansOfControlRestrictsMovement',
  'meansOfControlWithholdsDocuments',
  'meansOfControlThreatOfLawEnforcement',
  'meansOfControlWithholdsNecessities',
  'meansOfControlOther',
] as const

export const CTDC_COLUMNS = [
  'yearOfRegistration',
  'gender',
  'ageBroad',
  'citizenship',
  'isForcedLabour',
  'isSexualExploit',
  'isOtherExploit',
  'isOrganRemoval',
  'typeOfExploitConcatenated',
  ...MEANS_COLUMN_NAMES,
  'meansOfControlNotSpecified',
  'isAbduction',
  ...RECRUITER_COLUMNS,
  ...LABOUR_COLUMNS,
  ...SEX_COLUMNS,
] as const

export type CtdcRow = Record<(typeof CTDC_COLUMNS)[number], string>

// ── k-anonymity ───────────────────────────────────────────────────────────────────────────────────────────

export type Levels = readonly number[]

function keyOf(v: VictimRecord, levels: Levels): string {
  return LADDERS.map((l, i) => l.value(v, levels[i])).join('\u0001')
}

/** Rows that sit in a quasi-identifier group smaller than k at these levels. */
export function rowsBelowK(records: readonly VictimRecord[], levels: Levels, k: number): number[] {
  const groups = new Map<string, number[]>()
  records.forEach((r, i) => {
    const key = keyOf(r, levels)
    const list = groups.get(key)
    if (list) list.push(i)
    else groups.set(key, [i])
  })
  const below: number[] = []
  for (const rows of groups.values()) if (rows.length < k) below.push(...rows)
  return below.sort((a, b) => a - b)
}

function allLevelVectors(): number[][] {
  let vectors: number[][] = [[]]
  for (const ladder of LADDERS) vectors = vectors.flatMap((v) => ladder.levels.map((_, level) => [...v, level]))
  return vectors
}

export type AnonymisedRelease = {
  k: number
  levels: Levels
  /** What each quasi-identifier was generalised to, for the person releasing the file to read first. */
  generalised: { name: string; level: string; changed: boolean }[]
  rows: CtdcRow[]
  suppressedRows: number
  totalRecords: number
  smallestGroup: number | null
  groups: number
}

/** Information lost by a set of levels: each ladder's share of the way to "not released", summed. */
function loss(levels: Levels): number {
  return levels.reduce((s, level, i) => s + level / (LADDERS[i].levels.length - 1), 0)
}

export function anonymise(
  records: readonly VictimRecord[],
  options: { k: number; maxSuppressedShare?: number },
): AnonymisedRelease {
  const { k } = options
  const maxSuppressed = Math.floor(records.length * (options.maxSuppressedShare ?? 0.05))
  let best: { levels: number[]; below: number[] } | null = null
  for (const levels of allLevelVectors()) {
    const below = rowsBelowK(records, levels, k)
    if (below.length > maxSuppressed) continue
    if (
      !best ||
      loss(levels) < loss(best.levels) ||
      (loss(levels) === loss(best.levels) && below.length < best.below.length)
    )
      best = { levels, below }
  }
  // Only when fewer than k records exist at all does nothing qualify: then nothing is released.
  const chosen = best ?? { levels: LADDERS.map((l) => l.levels.length - 1), below: records.map((_, i) => i) }
  const dropped = new Set(chosen.below)
  const kept = records.filter((_, i) => !dropped.has(i))
  const sizes = new Map<string, number>()
  for (const r of kept) sizes.set(keyOf(r, chosen.levels), (sizes.get(keyOf(r, chosen.levels)) ?? 0) + 1)
  return {
    k,
    levels: chosen.levels,
    generalised: LADDERS.map((l, i) => ({
      name: l.name,
      level: l.levels[chosen.levels[i]],
      changed: chosen.levels[i] > 0,
    })),
    rows: kept.map((r) => toCtdcRow(r, chosen.levels)),
    suppressedRows: dropped.size,
    totalRecords: records.length,
    smallestGroup: sizes.size ? Math.min(...sizes.values()) : null,
    groups: sizes.size,
  }
}

export function toCtdcRow(v: VictimRecord, levels: Levels): CtdcRow {
  const [year, gender, age, citizenship, type] = LADDERS.map((l, i) => l.value(v, levels[i]))
  // Type flags must not say more than the released type column does.
  const types = knownTypes(v.exploitationTypes)
  const typeShown = type !== NOT_RELEASED && type !== 'More than one type' && type !== 'unknown'
  const flag = (...values: string[]) => (typeShown ? (types.some((t) => values.includes(t)) ? '1' : '0') : 'unknown')
  const means = v.meansOfControl
  const row: Record<string, string> = {
    yearOfRegistration: year,
    gender,
    ageBroad: age,
    citizenship,
    isForcedLabour: flag('labour', 'domestic-servitude'),
    isSexualExploit: flag('sexual'),
    isOtherExploit: flag('criminal'),
    isOrganRemoval: flag('organ-harvesting'),
    typeOfExploitConcatenated: type,
  }
  const canonical = means === null ? null : canonicalMeans(means)
  // Victim context records control too: a column is 1 when the screening or the context says so; unknown only when
  // neither recorded anything ('unknown' in the context is "asked, not known", so it says nothing either).
  const ctx = v.context ?? null
  const contextControls = (ctx?.controls ?? []).filter((c) => c !== 'unknown')
  const fromContext = new Set(contextControls.map((c) => CONTEXT_MEANS[c]).filter(Boolean))
  const meansKnown = canonical !== null || contextControls.length > 0
  for (const [column, values] of Object.entries(MEANS_COLUMNS))
    row[column] = !meansKnown
      ? 'unknown'
      : (canonical ?? []).some((m) => values.includes(m)) ||
          fromContext.has(column as (typeof MEANS_COLUMN_NAMES)[number])
        ? '1'
        : '0'
  row.meansOfControlNotSpecified = !meansKnown
    ? 'unknown'
    : (canonical ?? []).length === 0 && contextControls.length === 0
      ? '1'
      : '0'

  // Recruitment: abduction, and who recruited them as the CTDC's recruiter relationship.
  const recruitment = (ctx?.recruitment ?? []).filter((m) => m !== 'unknown')
  row.isAbduction = recruitment.length ? (recruitment.includes('abduction') ? '1' : '0') : 'unknown'
  const relations = new Set(recruitment.map((m) => RECRUITER_RELATION[m] ?? 'recruiterRelationOther'))
  for (const column of RECRUITER_COLUMNS)
    row[column] =
      column === 'recruiterRelationUnknown' ? (recruitment.length ? '0' : '1') : relations.has(column) ? '1' : '0'

  // Sectors and kinds of sexual exploitation say no more than the released type column: shown only when it is.
  const sectors = (ctx?.sectors ?? []).filter((x) => x !== 'unknown')
  const labourShown = typeShown && types.some((t) => t === 'labour' || t === 'domestic-servitude')
  const labourColumns = new Set(sectors.map((x) => LABOUR_COLUMN[x] ?? 'typeOfLabourOther'))
  for (const column of LABOUR_COLUMNS) {
    if (!labourShown) row[column] = 'unknown'
    else if (column === 'typeOfLabourNotSpecified') row[column] = sectors.length ? '0' : '1'
    else row[column] = labourColumns.has(column) ? '1' : '0'
  }
  const sexual = (ctx?.sexualTypes ?? []).filter((x) => x !== 'unknown')
  const sexShown = typeShown && types.includes('sexual') && sexual.length > 0
  const sexColumns = new Set(sexual.map((x) => SEX_COLUMN[x]).filter(Boolean))
  for (const column of SEX_COLUMNS) row[column] = sexShown ? (sexColumns.has(column) ? '1' : '0') : 'unknown'
  return row as CtdcRow
}

/** A readable name for a citizenship value in the preview (the file keeps codes, as CTDC does). */
export function citizenshipLabel(value: string): string {
  return /^[A-Z]{2}$/.test(value) ? `${countryName(value)} (${value})` : value
}
