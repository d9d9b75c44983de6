import { ageOn } from '#src/shared/dates.ts'
import { childStatus, isChildStatus } from '#src/shared/child.ts'
import { COUNTY_LINES_PATTERN, typesFromPurpose } from './exploitation-keywords.ts'
import type { Schedule4 } from './legal-data.ts'
import { DEFAULT_SCREENING_CONFIG, type ScreeningConfig } from './screening.config.ts'
import { matchSchedule4, type Schedule4Finding } from './schedule4.ts'
import {
  EXPLOITATION_TYPE_LABELS,
  type ExploitationType,
  type Facts,
  type Means,
  type NormalisedFacts,
} from './screening.facts.ts'

/** An exploitation type as the explanation says it (never its code). */
const typeWords = (type: string) => EXPLOITATION_TYPE_LABELS[type]?.toLowerCase() ?? type
import {
  interpretFacts,
  LEGAL_MEANS,
  type LegalMeans,
  type MeansFinding,
  type Unrecognised,
} from './screening.vocabulary.ts'

export { DEFAULT_SCREENING_CONFIG, type ScreeningConfig }

/**
 * The screening rules (DOMAIN.md sections 1-8, 13 and 14): a pure function from facts to an outcome that
 * says which rule decided it and why. It never decides about a person: an officer confirms or overrides it.
 */

export const ROUTES = [
  'NRM',
  'DUTY_TO_NOTIFY',
  'NRM_AND_CHILD_SAFEGUARDING',
  'NO_REFERRAL_SMUGGLING_ONLY',
  'NO_REFERRAL_NOT_MODERN_SLAVERY',
  'DECLINED_OUTSIDE_EW_RECORD_ONLY',
  'INTELLIGENCE_ONLY_NO_IDENTIFIED_VICTIM',
  'SAFEGUARDING_REFERRAL_ONLY',
] as const
export type Route = (typeof ROUTES)[number] | 'UNDETERMINED'

/** Each route in words, as the screening outcome, the NRM facet and the group page show it. */
export const ROUTE_LABELS: Record<Route, string> = {
  NRM: 'NRM referral (adult with informed consent)',
  DUTY_TO_NOTIFY: 'Duty to Notify (anonymised; adult did not consent)',
  NRM_AND_CHILD_SAFEGUARDING: 'NRM referral and child safeguarding',
  NO_REFERRAL_SMUGGLING_ONLY: 'No referral: smuggling only',
  NO_REFERRAL_NOT_MODERN_SLAVERY: 'No referral: not modern slavery (signpost)',
  DECLINED_OUTSIDE_EW_RECORD_ONLY: 'Declined outside England and Wales: record, safeguard, share intelligence',
  INTELLIGENCE_ONLY_NO_IDENTIFIED_VICTIM: 'Intelligence only: no identified person',
  SAFEGUARDING_REFERRAL_ONLY: 'Safeguarding referral only',
  UNDETERMINED: 'Undetermined: more facts needed',
}

export const TRAVEL_STATES = [
  'TRAFFICKING',
  'SMUGGLING',
  'SMUGGLING_THEN_TRAFFICKING',
  'SLAVERY_WITHOUT_TRAFFICKING',
  'NEITHER',
  'UNDETERMINED',
] as const
export type TravelState = (typeof TRAVEL_STATES)[number]

export type CompetentAuthority = 'SCA' | 'IECA' | 'SCA_OR_LA_PILOT' | 'LA_PILOT' | null

/** The rule catalogue (DOMAIN.md section 14): what each rule says and where it comes from. */
export const RULES: Record<string, { title: string; source: string }> = {
  R01: {
    title: 'Under 18: NRM and child safeguarding; no consent and no “means” needed; never Duty to Notify',
    source: 'Palermo Protocol art 3(c); MSA 2015 s2(2); NRM guidance (adults, E&W) §2.1',
  },
  R02: {
    title: 'Age disputed and may be under 18: treated as a child until the age is determined',
    source: 'MSA 2015 s51; NRM guidance §2.1; ICTG guidance',
  },
  R03: {
    title: 'Adult with informed consent: NRM referral, which also discharges the Duty to Notify',
    source: 'NRM guidance §2.2; MSA 2015 s52',
  },
  R04: {
    title: 'Adult declines, encountered by a specified public authority in England or Wales: anonymised Duty to Notify',
    source: 'MSA 2015 s52(1) and (3); Home Office Circular 025/2015',
  },
  R05: {
    title: 'The Duty to Notify applies in England and Wales only',
    source: 'Circular 025/2015; HTE(S)A 2015 s38 and NI Act s13 (commencement unconfirmed)',
  },
  R06: {
    title: 'Smuggling only (consented entry, relationship ended on arrival, no exploitation): no NRM',
    source: 'UNODC; IOM; Immigration Act 1971 s25',
  },
  R07: {
    title: 'Smuggling that turns into exploitation is trafficking',
    source: 'UNODC e4j Module 3; MSA 2015 s2(3)-(4)',
  },
  R08: {
    title: 'Travel within the UK is enough for trafficking; nationality is irrelevant',
    source: 'MSA 2015 s2(5)(c) and s2(6)',
  },
  R09: {
    title: 'Slavery, servitude or forced labour without travel: MSA s1; the NRM still applies',
    source: 'MSA 2015 s1; SI 2022/877',
  },
  R10: {
    title: 'The victim’s consent to travel or exploitation is irrelevant',
    source: 'MSA 2015 s1(5) and s2(2); Palermo art 3(b)',
  },
  R11: {
    title: 's45 adult defence: compulsion, attributable to slavery or exploitation, and no realistic alternative',
    source: 'MSA 2015 s45(1)-(3) and (5)',
  },
  R12: {
    title:
      's45 child defence: a direct consequence of being a victim, and a reasonable person would do the act; no compulsion test',
    source: 'MSA 2015 s45(4); Explanatory Notes para 222',
  },
  R13: {
    title: 'A Schedule 4 offence removes the s45 defence only; NRM and safeguarding are still required',
    source: 'MSA 2015 s45(7) and Schedule 4',
  },
  R14: {
    title:
      'A labour-rights breach without forced-labour indicators is not modern slavery: signpost to the Fair Work Agency or HMRC',
    source: 'MSA 2015 s1 (ECHR art 4 meaning); Fair Work Agency remit',
  },
  R15: { title: 'Irregular immigration status alone is not modern slavery', source: 'SI 2022/877; NRM guidance §1' },
  R16: {
    title: 'Scotland: HTE(S)A 2015 offences, 90 days’ support, the Lord Advocate’s instructions',
    source: 'HTE(S)A 2015 ss1, 4, 8, 9; SSI 2018/90',
  },
  R17: {
    title: 'Northern Ireland: HTE(CJSV)A (NI) 2015 offences, the s22 defence, at least 45 days’ support',
    source: 'NI Act ss1, 2, 18, 22; Justice (Sexual Offences and Trafficking Victims) Act (NI) 2022 s21',
  },
  R18: {
    title: 'A child turning 18 in the NRM must consent to continue',
    source: 'Leeds SCP; Home Office information pack for young people turning 18 (2026)',
  },
  R19: {
    title: 'An adult now, exploited as a child: consent is needed; statistics record age at exploitation',
    source: 'NRM guidance; Home Office NRM statistics',
  },
  R20: {
    title: 'A diplomat’s household: the NRM proceeds; criminal immunity; a civil claim is possible',
    source: 'VCDR art 31; Basfar v Wong [2022] UKSC 20; Immigration Rules Appendix DWMS',
  },
  R21: { title: 'Trafficking for organ removal is complete before any removal', source: 'MSA 2015 s2(4) and s3(4)' },
  R22: {
    title:
      'Disqualification (s63) is the competent authority’s decision after a positive reasonable grounds decision, never the police’s',
    source: 'Nationality and Borders Act 2022 s63',
  },
  R23: {
    title: 'Services secured from someone chosen for their vulnerability are exploitation without force',
    source: 'MSA 2015 s3(6)',
  },
  R24: {
    title: 'Detained people, foreign national offenders and inadmissible asylum cases: the IECA decides',
    source: 'ICIBI call for evidence on the IECA',
  },
  R25: {
    title: 'No identified person yet: develop the intelligence; there is nobody to refer',
    source: 'NRM guidance (a referral is for an identified person)',
  },
  R26: {
    title:
      'Abuse or exploitation concern with no modern slavery indicators: safeguarding referral, reassess as facts develop',
    source: 'MSA 2015 s1 and s3(5)-(6); Home Office county lines and cuckooing material',
  },
}

export type ExplanationStep = { rule: string | null; source: string | null; text: string }

export type S45Screening = {
  limb: 'adult' | 'child'
  available_in_principle: boolean
  reason: string
  elements: Record<string, boolean | null>
  schedule4: Schedule4Finding
  framework: string
}

/**
 * Whether the person is treated as a child, derived once and used everywhere it is shown: the headline rule,
 * the table, the consent page and the NRM documents. `presumed_child`: may be under 18, so treated as a child
 * until their age is determined (MSA s51; R02). `assessed_adult`: an age assessment ended that presumption.
 */
export const CHILD_STATUSES = [
  'child',
  'assessed_child',
  'presumed_child',
  'adult',
  'assessed_adult',
  'unknown',
  'no_identified_person',
] as const
export type ChildStatus = (typeof CHILD_STATUSES)[number]
export { isChildStatus }

export const CHILD_STATUS_LABELS: Record<ChildStatus, string> = {
  child: 'Yes: under 18',
  assessed_child: 'Yes: an age assessment found them to be under 18',
  presumed_child: 'Yes: they may be under 18, so they are treated as a child until their age is determined (MSA s51)',
  adult: 'No: 18 or over',
  assessed_adult:
    'No: an age assessment found them to be an adult, which ended the presumption that they may be a child',
  unknown: 'Not known yet: find out their age; if they may be under 18, treat them as a child now',
  no_identified_person: 'Not applicable: nobody has been identified yet',
}

/**
 * A rule's title as the outcome shows it for this person. The age rules (R01, R02) read differently for
 * someone who is not treated as a child, so the page never says "treated as a child" over a table saying "No".
 */
export function ruleTitle(id: string, childStatus: ChildStatus): string {
  if (id === 'R02' && childStatus === 'unknown')
    return 'Age not known: if they may be under 18, they must be treated as a child until their age is determined'
  if (id === 'R02' && childStatus === 'assessed_adult')
    return 'Age was disputed; an age assessment has found them to be an adult, so the presumption that they may be a child has ended'
  if (id === 'R02' && !isChildStatus(childStatus))
    return 'Someone who may be under 18 is treated as a child until their age is determined; nothing suggests this person may be'
  if (id === 'R01' && !isChildStatus(childStatus))
    return 'The child rules (no consent, no “means”) describe exploitation suffered under 18; they are not treated as a child now'
  return RULES[id]?.title ?? id
}

/**
 * The one derived child status an outcome is shown with. Outcomes confirmed before it was recorded carry only
 * `is_child`, so theirs is read from that.
 */
export function childStatusOf(outcome: Pick<Assessment, 'is_child'> & { child_status?: ChildStatus }): ChildStatus {
  if (outcome.child_status && isChildStatus(outcome.child_status) === outcome.is_child) return outcome.child_status
  return outcome.is_child ? 'child' : 'adult'
}

export type Assessment = {
  /** True exactly when child_status is child, assessed_child or presumed_child. */
  is_child: boolean
  child_status: ChildStatus
  route: Route
  msa_sections: string[]
  other_legislation: string[]
  exploitation_types: ExploitationType[]
  county_lines_flag: boolean
  smuggling_or_trafficking: TravelState
  competent_authority: CompetentAuthority
  s45: S45Screening | null
  deciding_rule: string
  supporting_rules: string[]
  explanation: ExplanationStep[]
  /** Facts that would settle an UNDETERMINED outcome, or sharpen this one. */
  missing: string[]
  additional_actions: string[]
  recovery_period_days: number | null
  /** Each means of control as recorded, with the legal means it is; `legal: null` is "other means". */
  means_of_control: MeansFinding[]
  /** Recorded values Lantern did not recognise, and how they were treated. */
  unrecognised: Unrecognised[]
}

export class ContradictoryFactsError extends Error {
  constructor(readonly problems: { field: string; message: string }[]) {
    super(problems.map((p) => p.message).join(' '))
  }
}

const COERCIVE_MEANS: readonly Means[] = [
  'violence',
  'threats',
  'threats_to_family',
  'intimidation',
  'sexual_violence',
  'abduction',
  'confinement',
  'debt_bondage',
  'staged_robbery',
  'ritual_oath',
  'threat_of_denunciation',
]
const LABOUR_RIGHTS = /\b(minimum wage|underpa\w*|wages?|holiday pay|hours|employment rights|unpaid overtime|pay)\b/i
const STATUS_ONLY = /\b(immigration|visa|overstay\w*|irregular|status|illegal working)\b/i
const HOME_TAKEOVER =
  /\b(own home|home takeover|cuckoo\w*|their (flat|home)|his (flat|home)|her (flat|home)|use of (a |the |their )?home)\b/i

type AgeFinding = {
  child: boolean | null
  status: ChildStatus
  via: 'age' | 'dispute' | 'assessment' | null
  age: number | null
  text: string
}

/**
 * Whether someone is treated as a child (R01, R02), with the reason in words, used by the rules and the pages. The
 * decision is shared/child.ts, the one statement of the rule that person pages and plans use too.
 */
export function determineAge(
  f: Pick<NormalisedFacts, 'age' | 'date_of_birth' | 'age_disputed' | 'claimed_age' | 'age_assessment_outcome'>,
  today: string,
): AgeFinding {
  const age = f.age ?? (f.date_of_birth ? ageOn(f.date_of_birth, today) : null)
  const status = childStatus({
    age,
    ageDisputed: f.age_disputed,
    claimedAge: f.claimed_age,
    ageAssessment: f.age_assessment_outcome,
  })
  switch (status) {
    case 'assessed_adult':
      return {
        child: false,
        status,
        via: 'assessment',
        age,
        text: 'An age assessment has found them to be an adult, so the presumption that they may be a child has ended; adult rules apply, and the history is kept in case the assessment is challenged.',
      }
    case 'assessed_child':
      return { child: true, status, via: 'assessment', age, text: 'An age assessment has found them to be under 18.' }
    case 'child':
      return { child: true, status, via: 'age', age, text: `They are ${age}, so under 18.` }
    case 'presumed_child':
      if (f.age_disputed) {
        const says = f.claimed_age !== null ? ` (they say they are ${f.claimed_age})` : ''
        return {
          child: true,
          status,
          via: 'dispute',
          age,
          text: `Their age is disputed${says} and no age assessment has found them to be an adult, so they are treated as a child until their age is determined.`,
        }
      }
      return {
        child: true,
        status,
        via: 'dispute',
        age: null,
        text: `They say they are ${f.claimed_age}; with no other evidence of age they are treated as a child.`,
      }
    case 'adult':
      if (age !== null) return { child: false, status, via: 'age', age, text: `They are ${age}, so an adult.` }
      return {
        child: false,
        status,
        via: 'age',
        age: f.claimed_age,
        text: `They say they are ${f.claimed_age}, and nothing suggests otherwise.`,
      }
    case 'unknown':
      return { child: null, status, via: null, age: null, text: 'Their age is not known.' }
  }
}

function checkContradictions(f: NormalisedFacts, today: string): void {
  const problems: { field: string; message: string }[] = []
  if (f.date_of_birth && f.age !== null && ageOn(f.date_of_birth, today) !== f.age) {
    problems.push({
      field: 'age',
      message: `The date of birth ${f.date_of_birth} makes them ${ageOn(f.date_of_birth, today)}, not ${f.age}.`,
    })
  }
  const age = f.age ?? (f.date_of_birth ? ageOn(f.date_of_birth, today) : null)
  if (age !== null && age < 18 && f.age_assessment_outcome === 'assessed_adult' && !f.age_disputed) {
    problems.push({
      field: 'age_assessment_outcome',
      message: `An age of ${age} contradicts an age assessment that found them to be an adult, with their age recorded as not disputed. Record the age as disputed, or correct the age.`,
    })
  }
  if (f.date_of_birth && f.date_of_birth > today)
    problems.push({ field: 'date_of_birth', message: 'The date of birth is in the future.' })
  if (
    f.relationship_ended_on_arrival === true &&
    f.travel_into_uk === false &&
    f.travel_out_of_uk === false &&
    f.travel_within_uk === false
  ) {
    problems.push({
      field: 'relationship_ended_on_arrival',
      message: 'The relationship cannot have ended on arrival when no travel was recorded.',
    })
  }
  if (problems.length > 0) throw new ContradictoryFactsError(problems)
}

/** Synonyms that name a legal means directly count as compulsion when they are threats, force, abduction or coercion. */
const COERCIVE_LEGAL_MEANS: readonly LegalMeans[] = ['threat', 'force', 'abduction', 'coercion']
const MEANS_LABEL = (m: MeansFinding) => m.label.charAt(0).toLowerCase() + m.label.slice(1)
const FIELD_LABELS: Record<string, string> = {
  means_used: 'means of control',
  location: 'location',
  encountered_by: 'who encountered them',
  exploitation_types: 'exploitation type',
  entry_route: 'entry route',
  detention: 'detention status',
  age_assessment_outcome: 'age assessment outcome',
}

/** Exploitation of the kind MSA s1 covers: forced labour and services (criminality included, EN para 21) and servitude. */
const S1_TYPES: readonly ExploitationType[] = ['LABOUR', 'DOMESTIC_SERVITUDE', 'CRIMINAL']
const S1_WORDS = /\b(slave\w*|servitude|forced (labou?r|work\w*|criminality)|compulsory labou?r)\b/i

type SlaveryElements = { met: boolean | null; kind: boolean; missing: string | null }

/**
 * MSA s1 on its own elements: work or services of the forced-labour kind (or servitude), exacted by a means
 * that shows the menace of a penalty. Any recognised means counts (the ILO forced-labour indicators); words
 * Lantern does not recognise do not, until someone says what they are.
 */
function slaveryElements(
  f: NormalisedFacts,
  types: ExploitationType[],
  recognised: MeansFinding[],
  other: MeansFinding[],
): SlaveryElements {
  const kind =
    types.some((t) => S1_TYPES.includes(t)) || (!!f.exploitation_purpose && S1_WORDS.test(f.exploitation_purpose))
  if (!kind) {
    return {
      met: null,
      kind,
      missing:
        'slavery or forced labour (MSA s1): whether they are held in slavery or servitude, or made to do work or services under the threat of a penalty; the exploitation recorded is not of that kind',
    }
  }
  if (recognised.length > 0) return { met: true, kind, missing: null }
  return {
    met: null,
    kind,
    missing: `means_used: how they are made to work (violence, threats, debt, confinement, documents or pay withheld…): forced labour is work exacted under the threat of a penalty (MSA s1)${other.length ? `; “${other.map((o) => o.value).join('”, “')}” is not recognised as one yet` : ''}`,
  }
}

type TravelFinding = { state: TravelState; rule: string | null; text: string | null; missing: string[] }

/**
 * Smuggling or trafficking (DOMAIN.md sections 6 and 13): each state only where the facts support it, otherwise
 * UNDETERMINED with what is missing. Trafficking needs someone to have arranged or facilitated travel (into,
 * within or out of the UK) with a view to exploitation (MSA s2); "smuggling then trafficking" needs a smuggled
 * entry whose hold continued after arrival; "slavery without trafficking" needs no arranged travel and the
 * elements of MSA s1.
 */
function travelState(
  f: NormalisedFacts,
  ms: boolean | null,
  identified: boolean | null,
  s1: SlaveryElements,
  means: readonly Means[],
): TravelFinding {
  const undetermined = (...missing: string[]): TravelFinding => ({
    state: 'UNDETERMINED',
    rule: null,
    text: null,
    missing,
  })
  if (identified === false) return undetermined()
  const directions = [f.travel_into_uk, f.travel_within_uk, f.travel_out_of_uk]
  const smuggledEntry = f.entry_route === 'smuggled'
  if (f.travel_arranged === null && directions.every((d) => d === null) && !smuggledEntry)
    return undetermined('travel: whether anyone arranged travel into, out of or within the UK')
  if (ms === null) return undetermined()
  const arranged = f.travel_arranged ?? (smuggledEntry ? true : null)
  const into = f.travel_into_uk === true || (smuggledEntry && f.travel_into_uk !== false)
  const moved = into || f.travel_within_uk === true || f.travel_out_of_uk === true
  const ended = f.relationship_ended_on_arrival

  if (ms === false) {
    if (arranged !== false && into) {
      if (arranged === null)
        return undetermined(
          'travel_arranged: whether someone arranged or helped with their entry to the UK (smuggling)',
        )
      if (ended === true) return { state: 'SMUGGLING', rule: null, text: null, missing: [] }
      if (ended === null)
        return undetermined(
          'relationship_ended_on_arrival: whether their relationship with whoever arranged their entry ended on arrival (smuggling only) or continues',
        )
      return undetermined(
        'relationship_ended_on_arrival: their relationship with whoever brought them continues after arrival, which is not smuggling only: check for a debt, control or exploitation',
      )
    }
    return { state: 'NEITHER', rule: null, text: null, missing: [] }
  }

  const where = [
    f.travel_into_uk && 'into the UK',
    f.travel_within_uk && 'within the UK',
    f.travel_out_of_uk && 'out of the UK',
  ]
    .filter(Boolean)
    .join(' and ')
  if (arranged === true && moved) {
    if (smuggledEntry && into) {
      if (ended === false || f.travel_within_uk === true) {
        return {
          state: 'SMUGGLING_THEN_TRAFFICKING',
          rule: 'R07',
          text: 'They were smuggled into the UK and the hold on them continued after arrival, with exploitation: the smuggling became trafficking.',
          missing: [],
        }
      }
      if (ended === true)
        return undetermined(
          'who exploits them: the relationship with the smuggler ended on arrival; whether the exploiter recruited, moved, harboured or received them (trafficking, MSA s2(3)) or the exploitation began separately',
        )
      return undetermined(
        'relationship_ended_on_arrival: whether the smuggler’s hold on them continued after arrival (smuggling that became trafficking, R07) or ended on arrival',
      )
    }
    if (f.travel_within_uk === true || f.travel_out_of_uk === true || ended !== true) {
      const missing =
        into && f.entry_route === null && means.includes('debt_bondage')
          ? [
              'entry_route: whether they were smuggled (an agreed, paid entry) before the journey debt was imposed; if so this is smuggling that became trafficking (R07)',
            ]
          : []
      return {
        state: 'TRAFFICKING',
        rule: f.travel_within_uk && !f.travel_into_uk && !f.travel_out_of_uk ? 'R08' : null,
        text: `Someone arranged their travel ${where} with a view to exploitation: that is trafficking, whatever their nationality and whether or not they agreed to travel.`,
        missing,
      }
    }
    return undetermined(
      'relationship_ended_on_arrival: the relationship with whoever arranged their journey ended on arrival; whether the journey was arranged with a view to their exploitation (MSA s2(4)) or the exploitation began separately after arrival',
    )
  }
  if (arranged === true) return undetermined('travel: where they were moved (into, within or out of the UK)')
  if (arranged === false || directions.every((d) => d === false)) {
    if (s1.met)
      return {
        state: 'SLAVERY_WITHOUT_TRAFFICKING',
        rule: 'R09',
        text: 'Nobody arranged travel for them, and they are made to work or provide services under the threat of a penalty: this is slavery, servitude or forced labour without trafficking.',
        missing: [],
      }
    return undetermined(s1.missing ?? 'slavery or forced labour (MSA s1)')
  }
  return undetermined('travel_arranged: whether someone arranged or helped with their travel (trafficking, MSA s2)')
}

/** Screens one person. `today` is a London calendar date; `schedule4` is the loaded Schedule 4 list. */
export function assess(
  input: Facts,
  options: { schedule4: Schedule4; today: string; config?: ScreeningConfig },
): Assessment {
  const config = options.config ?? DEFAULT_SCREENING_CONFIG
  const { facts: f, means: meansFound, unrecognised } = interpretFacts(input)
  checkContradictions(f, options.today)
  const steps: ExplanationStep[] = []
  const missing: string[] = []
  const actions: string[] = []
  const supporting = new Set<string>()
  const say = (rule: string | null, text: string) =>
    steps.push({ rule, source: rule ? RULES[rule].source : null, text })
  /** Recognised means, as the screening's list names them. */
  const means = f.means_used
  const legalMeans = new Set(meansFound.flatMap((m) => (m.legal ? [m.legal] : [])))
  const recognisedMeans = meansFound.filter((m) => m.legal !== null)
  const otherMeans = meansFound.filter((m) => m.legal === null)
  const coerciveMeans = meansFound.filter((m) =>
    m.means ? COERCIVE_MEANS.includes(m.means) : m.legal !== null && COERCIVE_LEGAL_MEANS.includes(m.legal),
  )
  const location = f.location
  const devolved = location === 'Scotland' || location === 'NI'

  // Is there a person at all?
  // Unrecorded, a person is taken as identified when anything about their age is known; never from consent,
  // which must not change a child's route.
  const identified =
    f.identified_individual ??
    (f.age !== null ||
    f.date_of_birth !== null ||
    f.claimed_age !== null ||
    f.age_disputed !== null ||
    f.age_assessment_outcome !== null
      ? true
      : null)

  // Age: one derived child status for everything that follows, and for the pages.
  const ageFinding: AgeFinding =
    identified === false
      ? { child: false, status: 'no_identified_person', via: null, age: null, text: '' }
      : determineAge(f, options.today)
  if (identified !== false) say(ageFinding.via === 'dispute' ? 'R02' : ageFinding.child ? 'R01' : null, ageFinding.text)

  // What was recorded but not recognised: kept, shown and said, never refused.
  if (recognisedMeans.length > 0) {
    say(
      null,
      `Means of control recorded: ${recognisedMeans.map((m) => `${m.means ? MEANS_LABEL(m) : `“${m.value}”`} (${LEGAL_MEANS[m.legal!].toLowerCase()})`).join('; ')}.`,
    )
  }
  if (unrecognised.length > 0) {
    const what = unrecognised
      .map((u) => `${FIELD_LABELS[u.field] ?? u.field} “${u.value}” (treated as ${typeWords(u.treated_as)})`)
      .join('; ')
    say(
      null,
      `Not recognised: ${what}. ${otherMeans.length ? 'Other means are kept in the record with the words used; they are not counted as compulsion or forced-labour evidence until someone says which legal means they are. ' : ''}Check these answers.`,
    )
  }

  // Modern slavery indicators: recorded, or implied by means of control used for an exploitative purpose.
  let typeMatches = typesFromPurpose(f.exploitation_purpose)
  let ms = f.modern_slavery_indicators_present
  if (ms === null && meansFound.length > 0 && typeMatches.length > 0) {
    ms = true
    say(
      null,
      `Modern slavery indicators were not recorded, but the means used (${meansFound.map((m) => m.value).join(', ')}) for ${f.exploitation_purpose} are indicators, so they are treated as present. Confirm this.`,
    )
  }

  // Exploitation types: structured types win; otherwise transparent keyword rules on the purpose.
  let types: ExploitationType[]
  if (f.exploitation_types && f.exploitation_types.length > 0) {
    types = [...new Set(f.exploitation_types)]
    say(null, `Exploitation types as recorded: ${types.map(typeWords).join(', ')}.`)
    const alsoDescribed = typeMatches.filter((m) => !types.includes(m.type))
    if (ms !== false && alsoDescribed.length > 0) {
      missing.push(
        `exploitation_types: the purpose also describes ${alsoDescribed.map((m) => `${typeWords(m.type)} (“${m.matched}”)`).join(', ')}; add it if they were exploited that way too (a person can be exploited in more than one way)`,
      )
    }
  } else if (ms === false) {
    types = []
    typeMatches = []
  } else {
    types = [...new Set(typeMatches.map((m) => m.type))]
    if (typeMatches.length > 0)
      say(
        null,
        `The purpose “${f.exploitation_purpose}” matches ${typeMatches.map((m) => `${typeWords(m.type)} (“${m.matched}”)`).join(', ')}.`,
      )
    else if (ms) {
      types = ['NOT_SPECIFIED_OR_UNKNOWN']
      say(
        null,
        f.exploitation_purpose
          ? `The purpose “${f.exploitation_purpose}” matches no exploitation type, so it is recorded as not specified or unknown.`
          : 'No exploitation purpose is recorded, so the type is not specified or unknown.',
      )
    }
  }

  const countyLines =
    f.county_lines ??
    (types.includes('CRIMINAL') && !!f.exploitation_purpose && COUNTY_LINES_PATTERN.test(f.exploitation_purpose))
  if (countyLines && f.county_lines === null)
    say(null, `The purpose mentions drug supply through a line or a taken-over home, so the County Lines flag is set.`)

  // MSA s1, on its own elements: slavery, servitude, or forced or compulsory labour (work or services exacted
  // under the menace of a penalty). Whether anyone arranged travel does not matter to it.
  const s1 = slaveryElements(f, types, recognisedMeans, otherMeans)

  // Smuggling or trafficking: a state, not a yes/no, concluded only where the facts support it.
  const travel = travelState(f, ms, identified, s1, means)
  const state = travel.state
  for (const m of travel.missing) missing.push(m)
  if (travel.rule === 'R07') supporting.add('R07')
  if (travel.text) say(travel.rule, travel.text)
  if (state === 'TRAFFICKING' || state === 'SMUGGLING_THEN_TRAFFICKING') if (f.travel_within_uk) supporting.add('R08')

  // The route (DOMAIN.md section 13).
  let route: Route
  let deciding: string
  if (identified === false) {
    route = 'INTELLIGENCE_ONLY_NO_IDENTIFIED_VICTIM'
    deciding = 'R25'
    say(
      'R25',
      'No person has been identified yet, so there is nobody to refer: develop the intelligence and plan an encounter.',
    )
    actions.push(
      'develop the intelligence and plan a safe encounter',
      'review others linked to the same place, phone or vehicle',
    )
  } else if (identified === null) {
    route = 'UNDETERMINED'
    deciding = 'R25'
    missing.push('identified_individual: whether a person has been identified')
  } else if (ageFinding.child === null) {
    route = 'UNDETERMINED'
    deciding = 'R02'
    missing.push(
      'age: their age, their claimed age, or whether their age is disputed (if they may be under 18, they are treated as a child)',
    )
    say(
      'R02',
      'Without any indication of age the route cannot be decided. If they may be under 18, treat them as a child now.',
    )
  } else if (ms === null) {
    route = 'UNDETERMINED'
    deciding = ageFinding.child ? 'R01' : 'R03'
    missing.push('modern_slavery_indicators_present: whether there are signs of exploitation or intended exploitation')
  } else if (ageFinding.child) {
    deciding = ageFinding.via === 'dispute' ? 'R02' : 'R01'
    if (deciding === 'R02') supporting.add('R01')
    if (ms) {
      route = 'NRM_AND_CHILD_SAFEGUARDING'
      say(
        'R01',
        'A child with signs of modern slavery is referred to the NRM and to children’s services. No consent and no “means” are needed, and a Duty to Notify is never used for a child.',
      )
      if (f.consent_given !== null) say('R10', 'Whether the child consents does not change this.')
      actions.push(
        'refer to local authority children’s services',
        'refer to an Independent Child Trafficking Guardian where the service runs',
        'do not submit a Duty to Notify',
      )
      if (ageFinding.via === 'dispute') actions.push('any age assessment is for the local authority, not the police')
      if (ageFinding.age === 17) {
        supporting.add('R18')
        actions.push('they turn 18 soon: they will need to consent to stay in the NRM')
      }
    } else {
      route = 'SAFEGUARDING_REFERRAL_ONLY'
      deciding = 'R26'
      say(
        'R26',
        'There are no signs of modern slavery, so this is a child safeguarding referral; reassess as facts develop.',
      )
      actions.push('refer to local authority children’s services')
    }
  } else if (!ms) {
    if (state === 'SMUGGLING') {
      route = 'NO_REFERRAL_SMUGGLING_ONLY'
      deciding = 'R06'
      say(
        'R06',
        'They agreed to be brought into the UK, the relationship with the smuggler ended on arrival, and there are no signs of exploitation: this is smuggling (Immigration Act 1971 s25), not modern slavery. Reassess if a debt or control appears.',
      )
    } else if (f.safeguarding_concern) {
      route = 'SAFEGUARDING_REFERRAL_ONLY'
      deciding = 'R26'
      say(
        'R26',
        'There is an abuse or exploitation concern but no sign that they are made to provide services: an adult safeguarding referral, reassessed for modern slavery as facts develop.',
      )
      actions.push('adult safeguarding referral', 'reassess if they are made to provide services or benefits')
    } else {
      route = 'NO_REFERRAL_NOT_MODERN_SLAVERY'
      const purpose = f.exploitation_purpose ?? ''
      deciding = STATUS_ONLY.test(purpose) && !LABOUR_RIGHTS.test(purpose) ? 'R15' : 'R14'
      say(
        deciding,
        deciding === 'R14'
          ? 'There are no forced-labour indicators (no threat of penalty, no involuntariness): a labour-rights breach is not modern slavery. Signpost to the Fair Work Agency or HMRC; reassess if indicators emerge.'
          : 'Irregular immigration status alone is not modern slavery. Reassess if indicators emerge.',
      )
      actions.push(
        deciding === 'R14'
          ? 'signpost to the Fair Work Agency / HMRC minimum wage enforcement'
          : 'signpost to immigration advice',
      )
    }
  } else if (f.consent_given === true) {
    route = 'NRM'
    deciding = 'R03'
    say(
      'R03',
      'An adult with signs of modern slavery gave informed consent: refer to the NRM. In England and Wales this also discharges the Duty to Notify.',
    )
  } else if (f.consent_given === null) {
    // Not asked is not a refusal: the Duty to Notify is only for an adult who declines.
    route = 'UNDETERMINED'
    deciding = 'R03'
    const ifDeclined =
      location === null
        ? 'where they were encountered decides what follows'
        : config.dutyToNotifyNations.includes(location) &&
            f.encountered_by !== null &&
            config.dutyToNotifyAuthorities.includes(f.encountered_by)
          ? 'an anonymised Duty to Notify follows'
          : 'record it, safeguard them and share intelligence'
    say(
      'R03',
      `Their consent to an NRM referral has not been asked for or recorded. Not asking is not a refusal: seek their informed consent now. If they consent, refer them to the NRM; if they decline, ${ifDeclined}.`,
    )
    missing.push('consent_given: ask them for informed consent to an NRM referral (not asked is not a refusal)')
    actions.push(
      'seek their informed consent to an NRM referral, explaining what the NRM is, the support, the possible outcomes and information sharing',
    )
  } else if (location === null) {
    route = 'UNDETERMINED'
    deciding = 'R05'
    missing.push(
      `location: the UK nation where they were encountered (the Duty to Notify applies only in England and Wales)${unrecognised.some((u) => u.field === 'location') ? `; “${unrecognised.find((u) => u.field === 'location')!.value}” is not one Lantern recognises` : ''}`,
    )
  } else if (
    config.dutyToNotifyNations.includes(location) &&
    f.encountered_by !== null &&
    config.dutyToNotifyAuthorities.includes(f.encountered_by)
  ) {
    route = 'DUTY_TO_NOTIFY'
    deciding = 'R04'
    say(
      'R04',
      `An adult declined an NRM referral, and ${f.encountered_by.replace(/_/g, ' ')} is a specified public authority in ${location}: submit an anonymised Duty to Notify, with nothing that could identify them.`,
    )
    actions.push(
      'submit a Duty to Notify with no identifying details',
      'keep safeguarding them and offer the NRM again',
    )
  } else if (config.dutyToNotifyNations.includes(location) && f.encountered_by === null) {
    route = 'UNDETERMINED'
    deciding = 'R04'
    missing.push(
      `encountered_by: who encountered them (only specified public authorities must submit a Duty to Notify)${unrecognised.some((u) => u.field === 'encountered_by') ? `; “${unrecognised.find((u) => u.field === 'encountered_by')!.value}” is not one Lantern recognises` : ''}`,
    )
  } else {
    route = 'DECLINED_OUTSIDE_EW_RECORD_ONLY'
    deciding = 'R05'
    say(
      'R05',
      devolved
        ? `An adult declined in ${location === 'NI' ? 'Northern Ireland' : location}, where the s52 duty does not apply: record it, safeguard them and share intelligence. Check the local duty (HTE(S)A s38 / NI Act s13), whose commencement is unconfirmed.`
        : `An adult declined, and ${f.encountered_by?.replace(/_/g, ' ') ?? 'the organisation'} is not under the Duty to Notify: record it, safeguard them and share intelligence with the police.`,
    )
    actions.push('record, safeguard and share intelligence', 'flag for review of any local notification duty')
  }

  // Adult-route refinements that name the more specific rule.
  if (route === 'NRM') {
    if (f.detention) {
      deciding = 'R24'
      supporting.add('R03')
      actions.push('note detention status on the referral')
    } else if (f.diplomatic_household) {
      deciding = 'R20'
      supporting.add('R03')
      actions.push('escalate for diplomatic-immunity handling', 'signpost a civil or employment claim (Basfar v Wong)')
    } else if (f.exploited_as_child) {
      deciding = 'R19'
      supporting.add('R03').add('R01')
      actions.push('record age at exploitation as child')
    } else if (state === 'SLAVERY_WITHOUT_TRAFFICKING') {
      deciding = 'R09'
      supporting.add('R03')
    }
    supporting.add('R22')
  }
  if (means.includes('abuse_of_vulnerability')) {
    supporting.add('R23')
    if (ms)
      say(
        'R23',
        'They were chosen for their vulnerability: securing services from them is exploitation even without force.',
      )
  }
  if (ms && types.includes('ORGAN_HARVESTING')) supporting.add('R21')
  if (location === 'Scotland') supporting.add('R16')
  if (location === 'NI') supporting.add('R17')
  if (state === 'TRAFFICKING' || state === 'SMUGGLING_THEN_TRAFFICKING') supporting.add('R10')

  // Competent authority: who makes the reasonable and conclusive grounds decisions.
  let authority: CompetentAuthority = null
  if (route === 'NRM_AND_CHILD_SAFEGUARDING') {
    authority = f.detention
      ? 'IECA'
      : f.la_pilot_area === true
        ? 'LA_PILOT'
        : f.la_pilot_area === false
          ? 'SCA'
          : 'SCA_OR_LA_PILOT'
  } else if (route === 'NRM') {
    authority = f.detention ? 'IECA' : 'SCA'
    if (f.detention)
      say(
        'R24',
        'They are detained or a foreign national offender, so the Immigration Enforcement Competent Authority decides. The referral duty is the same.',
      )
  }

  // Offences: MSA Part 1 extends to England and Wales only.
  const msaSections: string[] = []
  const otherLegislation: string[] = []
  // s2 and s1 are each decided on their own elements: s2 on arranged travel with a view to exploitation,
  // s1 on slavery, servitude or forced labour. Either, both or neither may apply.
  const trafficking = state === 'TRAFFICKING' || state === 'SMUGGLING_THEN_TRAFFICKING'
  const slaveryOffence = ms === true && identified === true && s1.met === true
  if (ms === true && identified === true && s1.kind && s1.met === null && s1.missing && !missing.includes(s1.missing))
    missing.push(s1.missing)
  if (identified && ms) {
    if (location === 'Scotland') {
      const parts = [trafficking && 's1', slaveryOffence && 's4'].filter(Boolean)
      if (parts.length)
        otherLegislation.push(`Human Trafficking and Exploitation (Scotland) Act 2015 ${parts.join(' and ')}`)
    } else if (location === 'NI') {
      const parts = [slaveryOffence && 's1', trafficking && 's2'].filter(Boolean)
      if (parts.length) otherLegislation.push(`HTE(CJSV)A (NI) 2015 ${parts.join(' and ')}`)
    } else {
      if (slaveryOffence) msaSections.push('s1')
      if (trafficking) msaSections.push('s2')
      if (trafficking && legalMeans.has('abduction')) msaSections.push('s4')
    }
  }
  if (state === 'SMUGGLING') otherLegislation.push('Immigration Act 1971 s25 (facilitators)')
  if (f.exploitation_purpose && HOME_TAKEOVER.test(f.exploitation_purpose) && (types.includes('CRIMINAL') || !ms)) {
    otherLegislation.push('Crime and Policing Act 2026 cuckooing offence (commencement unconfirmed)')
  }
  if (msaSections.length || otherLegislation.length) {
    say(
      null,
      `Offences to consider: ${[...msaSections.map((s) => `Modern Slavery Act 2015 ${s}`), ...otherLegislation].join('; ')}.`,
    )
  }

  // s45: a trial defence for a victim who is also a suspect. It never changes the route.
  let s45: S45Screening | null = null
  if (f.suspected_offence_by_subject && identified) {
    const schedule4 = matchSchedule4(f.suspected_offence_by_subject, options.schedule4)
    const framework =
      location === 'Scotland'
        ? 'Scotland: the Lord Advocate’s instructions (presumption against prosecuting victims), not s45'
        : location === 'NI'
          ? 'Northern Ireland: the s22 defence in the NI Act 2015 (its child limb has no reasonable-person test)'
          : 'England and Wales: Modern Slavery Act 2015 s45'
    const yesNo = (v: boolean | null, unknown: string) => (v === null ? unknown : v ? 'yes' : 'no')
    if (ageFinding.child) {
      // s45(4): a direct consequence of being a victim, and a reasonable person in the same situation, with
      // their relevant characteristics, would do that act. Not the adult "no realistic alternative".
      const direct = f.direct_consequence_of_exploitation ?? (ms ? true : null)
      const wouldDo = f.reasonable_person_would_do_act
      const available = direct === true && wouldDo !== false && schedule4.status !== 'listed'
      s45 = {
        limb: 'child',
        available_in_principle: available,
        elements: { under_18: true, direct_consequence: direct, reasonable_person_would_do_act: wouldDo },
        schedule4,
        framework,
        reason: `Child limb (s45(4)): a direct consequence of being a victim (${yesNo(direct, 'not shown')}), and a reasonable person in the same situation, with their relevant characteristics (age, sex, any physical or mental illness or disability), would do that act (${yesNo(wouldDo, 'for the CPS and the court')}); there is no compulsion test and no “realistic alternative” test. ${schedule4.message}`,
      }
      if (wouldDo === null)
        missing.push(
          'reasonable_person_would_do_act: would a reasonable person in the same situation, of their age and sex and with any illness or disability they have, do that act? (s45(4)(c))',
        )
      supporting.add('R12')
      say(
        'R12',
        `They are treated as under 18, so the s45 child limb applies to “${f.suspected_offence_by_subject}”: it asks whether a reasonable person in their situation, with their characteristics, would do the act, not whether they had a realistic alternative.${f.reasonable_person_no_alternative !== null ? ' The adult question (no realistic alternative) was answered, but it is not the test for a child and is not used.' : ''} ${schedule4.message}`,
      )
    } else {
      const compelled = f.compelled ?? (coerciveMeans.length > 0 ? true : null)
      const attributable = ms
      const available =
        compelled === true &&
        attributable === true &&
        f.reasonable_person_no_alternative !== false &&
        schedule4.status !== 'listed'
      s45 = {
        limb: 'adult',
        available_in_principle: available,
        elements: {
          over_18: true,
          compelled,
          compulsion_attributable_to_exploitation: attributable,
          no_realistic_alternative: f.reasonable_person_no_alternative,
        },
        schedule4,
        framework,
        reason: `Adult limb (s45(1)): compulsion (${compelled === true ? (f.compelled === true ? 'yes' : `shown by ${coerciveMeans.map((m) => m.value).join(', ')}`) : 'not shown'}), attributable to exploitation (${attributable ? 'yes' : 'not shown'}), and a reasonable person would have had no realistic alternative (${yesNo(f.reasonable_person_no_alternative, 'for the CPS and the court')}). ${schedule4.message}`,
      }
      supporting.add('R11')
      if (route === 'NRM' && deciding === 'R03') {
        deciding = 'R11'
        supporting.add('R03')
      }
      say(
        'R11',
        `They are also suspected of “${f.suspected_offence_by_subject}”: the s45 adult limb needs compulsion attributable to their exploitation and no realistic alternative.${f.reasonable_person_would_do_act !== null ? ' The child question (would a reasonable person do the act) was answered, but it is not the test for an adult and is not used.' : ''} ${schedule4.message}`,
      )
    }
    if (schedule4.status !== 'not-found') supporting.add('R13')
    say(
      'R13',
      's45 is a defence at trial, not a referral filter: it does not change the route, the duty to refer or safeguarding.',
    )
    actions.push('inform the CPS of the victim status', 'investigate the trafficking status alongside the offence')
  }

  if (route === 'NRM' || route === 'NRM_AND_CHILD_SAFEGUARDING')
    actions.push(
      'record a crime for the exploitation',
      'check the place and the people linked to it for others who may be targeted',
    )
  supporting.delete(deciding)

  return {
    is_child: isChildStatus(ageFinding.status),
    child_status: ageFinding.status,
    route,
    msa_sections: msaSections,
    other_legislation: otherLegislation,
    exploitation_types: types,
    county_lines_flag: countyLines,
    smuggling_or_trafficking: state,
    competent_authority: authority,
    s45,
    deciding_rule: deciding,
    supporting_rules: [...supporting].sort(),
    explanation: steps,
    missing,
    additional_actions: [...new Set(actions)],
    recovery_period_days:
      (route === 'NRM' || route === 'NRM_AND_CHILD_SAFEGUARDING') && location
        ? config.recoveryPeriodDays[location]
        : null,
    means_of_control: meansFound,
    unrecognised,
  }
}
