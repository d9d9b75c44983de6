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

export const EXPLOITATION_TYPES = [
  'LABOUR',
  'SEXUAL',
  'CRIMINAL',
  'DOMESTIC_SERVITUDE',
  'ORGAN_HARVESTING',
  'NOT_SPECIFIED_OR_UNKNOWN',
] as const
/** The exploitation types in the words of the NRM form and the statutory guidance: pages never show the codes. */
export const EXPLOITATION_TYPE_LABELS: Record<string, string> = {
  LABOUR: 'Labour exploitation',
  SEXUAL: 'Sexual exploitation',
  CRIMINAL: 'Criminal exploitation',
  DOMESTIC_SERVITUDE: 'Domestic servitude',
  ORGAN_HARVESTING: 'Organ harvesting',
  NOT_SPECIFIED_OR_UNKNOWN: 'Not specified or unknown',
}
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number]

const bool = z.boolean({ error: 'Must be true, false or null' }).nullable().optional()
/**
 * An enumerated fact, read tolerantly: the listed values are the ones the rules know (see `vocabulary`), but
 * any other words are accepted, kept, shown and treated as unknown or "other". Screening never refuses a case
 * for an unlisted word.
 */
const word = (what: string, max = 100) =>
  z
    .string({ error: `The ${what} must be text` })
    .trim()
    .max(max, { error: `The ${what} must be ${max} characters or fewer` })

export const Facts = z
  .object({
    age: z
      .int({ error: 'Age must be a whole number of years' })
      .min(0, { error: 'Age cannot be negative' })
      .max(120, { error: 'Age must be 120 or less' })
      .nullable()
      .optional(),
    date_of_birth: z.iso.date({ error: 'Date of birth must be a date like 2009-03-31' }).nullable().optional(),
    age_disputed: bool,
    claimed_age: z.int({ error: 'Claimed age must be a whole number of years' }).min(0).max(120).nullable().optional(),
    /** One of AGE_ASSESSMENT_OUTCOMES; other words are kept and treated as no assessment. */
    age_assessment_outcome: word('age assessment outcome', 60).nullable().optional(),
    consent_given: bool,
    travel_arranged: bool,
    travel_into_uk: bool,
    travel_within_uk: bool,
    travel_out_of_uk: bool,
    /** Keys of MEANS, their labels, known synonyms or the legal means; anything else is kept as "other means". */
    means_used: z
      .array(word('means of control'))
      .max(30, { error: 'Record at most 30 means of control' })
      .nullable()
      .optional(),
    exploitation_purpose: z
      .string()
      .max(500, { error: 'Exploitation purpose must be 500 characters or fewer' })
      .nullable()
      .optional(),
    modern_slavery_indicators_present: bool,
    safeguarding_concern: bool,
    relationship_ended_on_arrival: bool,
    /** One of LOCATIONS (or a name for one, such as "Northern Ireland"); other words are kept and treated as unknown. */
    location: word('UK nation where the person was encountered', 60).nullable().optional(),
    nationality: z.string().max(100).nullable().optional(),
    /** A key of ENCOUNTERED_BY, its label or a known name; other words are kept and treated as unknown. */
    encountered_by: word('organisation that encountered the person').nullable().optional(),
    identified_individual: bool,
    suspected_offence_by_subject: z.string().max(300).nullable().optional(),

    // Optional facts beyond the scenario shape.
    /** Structured exploitation types: when given, they win over the free-text purpose. Unlisted words are read for their meaning. */
    exploitation_types: z.array(word('exploitation type')).max(12).nullable().optional(),
    county_lines: bool,
    /** How the person came into the UK, when known (ENTRY_ROUTES): a smuggled entry that turned into exploitation is recorded as such. */
    entry_route: word('entry route', 60).nullable().optional(),
    /** A key of DETENTION; other words are kept and treated as not known. */
    detention: word('detention status').nullable().optional(),
    diplomatic_household: bool,
    /** An adult now, exploited while under 18: consent is needed, and the statistics record age at exploitation. */
    exploited_as_child: bool,
    /** The child's local authority is in the devolved child decision-making pilot. */
    la_pilot_area: bool,
    /** s45 elements, as the officer assesses them; unknown means "to be assessed". */
    compelled: bool,
    /** Adult limb, s45(1)(d): a reasonable person in the same situation, with their relevant characteristics, would have had no realistic alternative. */
    reasonable_person_no_alternative: bool,
    /** Child limb, s45(4)(b): the act was a direct consequence of being, or having been, a victim. */
    direct_consequence_of_exploitation: bool,
    /** Child limb, s45(4)(c): a reasonable person in the same situation, with their relevant characteristics, would do that act. */
    reasonable_person_would_do_act: bool,
  })
  .strict()
export type Facts = z.output<typeof Facts>

/** Facts as the rules see them: every field present, unknown as null, enumerated facts as the values the rules know. */
export type NormalisedFacts = Omit<
  { [K in keyof Facts]-?: Exclude<Facts[K], undefined> },
  | 'age_assessment_outcome'
  | 'means_used'
  | 'location'
  | 'encountered_by'
  | 'exploitation_types'
  | 'entry_route'
  | 'detention'
> & {
  age_assessment_outcome: (typeof AGE_ASSESSMENT_OUTCOMES)[number] | null
  /** Recognised means only; the rest are in the assessment's means_of_control as "other means". */
  means_used: Means[]
  location: Location | null
  encountered_by: EncounteredBy | null
  exploitation_types: ExploitationType[] | null
  entry_route: (typeof ENTRY_ROUTES)[number] | null
  detention: keyof typeof DETENTION | null
}
