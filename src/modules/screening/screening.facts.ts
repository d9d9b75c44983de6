import { z } from 'zod'

/**
 * The facts a screening collects about one person, in the shape of the screening scenarios
 * (snake_case, as the scenario file and the API use them). Everything may be unknown (null): the rules say
 * what is missing rather than guessing. A few optional facts extend the scenario shape where the law turns
 * on something the scenarios leave to their narrative (detention, a smuggled entry, a diplomatic household).
 */

export const LOCATIONS = ['England', 'Wales', 'Scotland', 'NI'] as const
export type Location = (typeof LOCATIONS)[number]

/** Means of control, as the screening asks about them (DOMAIN.md sections 1.4 and 5). */
export const MEANS = {
  violence: 'Violence',
  threats: 'Threats',
  threats_to_family: 'Threats to family',
  intimidation: 'Intimidation',
  sexual_violence: 'Sexual violence',
  abduction: 'Abduction or kidnapping',
  confinement: 'Confinement or restricted movement',
  deception: 'Deception or false promises',
  grooming: 'Grooming',
  debt_bondage: 'Debt bondage',
  staged_robbery: 'A staged robbery or manufactured debt',
  withheld_wages: 'Wages withheld',
  excessive_deductions: 'Excessive deductions from pay',
  financial_control: 'Control of money or bank account',
  document_retention: 'Identity or travel documents held by someone else',
  threat_of_denunciation: 'Threat of reporting to the authorities',
  threats_of_destitution: 'Threat of destitution or homelessness',
  control_of_accommodation: 'Accommodation controlled by the exploiter',
  control_of_phone: 'Phone controlled by someone else',
  abuse_of_vulnerability: 'Abuse of a position of vulnerability',
  family_coercion: 'Coercion by family',
  ritual_oath: 'Juju, witchcraft or another ritual oath',
  substance_dependency: 'Dependency on drugs or alcohol exploited',
  isolation: 'Isolation from others',
} as const
export type Means = keyof typeof MEANS

/** Who encountered the person: decides whether the Duty to Notify applies (s52 specified public authorities). */
export const ENCOUNTERED_BY = {
  police: 'Police',
  british_transport_police: 'British Transport Police',
  nca: 'National Crime Agency',
  local_authority: 'Local authority',
  fair_work_agency: 'Fair Work Agency (formerly GLAA)',
  glaa: 'Gangmasters & Labour Abuse Authority',
  border_force: 'Border Force',
  immigration_enforcement: 'Immigration Enforcement',
  ukvi: 'UK Visas & Immigration',
  helpline: 'Modern Slavery & Exploitation Helpline',
  ngo: 'Charity or NGO',
  health: 'Health service',
  other: 'Someone else',
} as const
export type EncounteredBy = keyof typeof ENCOUNTERED_BY

export const AGE_ASSESSMENT_OUTCOMES = ['not_started', 'pending', 'assessed_adult', 'assessed_child'] as const

export const DETENTION = {
  immigration_removal_centre: 'Held in an immigration removal centre',
  prison: 'Foreign national offender in prison',
  fno_community_deportation: 'Foreign national offender in the community, deportation started',
  immigration_detention: 'Detained for immigration purposes',
  inadmissible_asylum: 'Asylum claim declared inadmissible',
} as const

export const ENTRY_ROUTES = ['smuggled', 'trafficked', 'regular', 'unknown'] as const

export const EXPLOITATION_TYPES = ['LABOUR', 'SEXUAL', 'CRIMINAL', 'DOMESTIC_SERVITUDE', 'ORGAN_HARVESTING', 'NOT_SPECIFIED_OR_UNKNOWN'] as const
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number]

const bool = z.boolean({ error: 'Must be true, false or null' }).nullable().optional()
const choice = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: () => `Must be one of: ${values.join(', ')} (the ${what})` })

export const Facts = z
  .object({
    age: z.int({ error: 'Age must be a whole number of years' }).min(0, { error: 'Age cannot be negative' }).max(120, { error: 'Age must be 120 or less' }).nullable().optional(),
    date_of_birth: z.iso.date({ error: 'Date of birth must be a date like 2009-03-31' }).nullable().optional(),
    age_disputed: bool,
    claimed_age: z.int({ error: 'Claimed age must be a whole number of years' }).min(0).max(120).nullable().optional(),
    age_assessment_outcome: choice(AGE_ASSESSMENT_OUTCOMES, 'age assessment outcome').nullable().optional(),
    consent_given: bool,
    travel_arranged: bool,
    travel_into_uk: bool,
    travel_within_uk: bool,
    travel_out_of_uk: bool,
    means_used: z
      .array(choice(Object.keys(MEANS) as [Means, ...Means[]], 'means of control'))
      .max(30)
      .nullable()
      .optional(),
    exploitation_purpose: z.string().max(500, { error: 'Exploitation purpose must be 500 characters or fewer' }).nullable().optional(),
    modern_slavery_indicators_present: bool,
    safeguarding_concern: bool,
    relationship_ended_on_arrival: bool,
    location: choice(LOCATIONS, 'UK nation where the person was encountered').nullable().optional(),
    nationality: z.string().max(100).nullable().optional(),
    encountered_by: choice(Object.keys(ENCOUNTERED_BY) as [EncounteredBy, ...EncounteredBy[]], 'organisation that encountered the person').nullable().optional(),
    identified_individual: bool,
    suspected_offence_by_subject: z.string().max(300).nullable().optional(),

    // Optional facts beyond the scenario shape.
    /** Structured exploitation types: when given, they win over the free-text purpose. */
    exploitation_types: z.array(choice(EXPLOITATION_TYPES, 'Home Office exploitation type')).max(6).nullable().optional(),
    county_lines: bool,
    /** How the person came into the UK, when known: a smuggled entry that turned into exploitation is recorded as such. */
    entry_route: choice(ENTRY_ROUTES, 'entry route').nullable().optional(),
    detention: choice(Object.keys(DETENTION) as [keyof typeof DETENTION, ...(keyof typeof DETENTION)[]], 'detention status').nullable().optional(),
    diplomatic_household: bool,
    /** An adult now, exploited while under 18: consent is needed, and the statistics record age at exploitation. */
    exploited_as_child: bool,
    /** The child's local authority is in the devolved child decision-making pilot. */
    la_pilot_area: bool,
    /** s45 elements, as the officer assesses them; unknown means "to be assessed". */
    compelled: bool,
    reasonable_person_no_alternative: bool,
    direct_consequence_of_exploitation: bool,
  })
  .strict()
export type Facts = z.output<typeof Facts>

/** Facts as the rules see them: every field present, unknown as null. */
export type NormalisedFacts = { [K in keyof Facts]-?: Exclude<Facts[K], undefined> }

export function normaliseFacts(facts: Facts): NormalisedFacts {
  const keys = Object.keys(Facts.shape) as (keyof Facts)[]
  return Object.fromEntries(keys.map((k) => [k, facts[k] ?? null])) as NormalisedFacts
}
