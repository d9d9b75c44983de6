import { ageOn } from '#src/shared/dates.ts'

/**
 * The automatic urgency flag (issue 14, section 3): a referral is urgent when the facts recorded say someone
 * may be at risk now, whatever the source (an officer's referral, the API, a helpline or partner referral, a
 * public report). The flag is derived here, in one function, and stored on the referral with its reasons so
 * the triage queue sorts by it from an index and says in words why a referral is urgent.
 */

/** Facts a recorder (or a public reporter) said are true, besides what people's ages and the summary say. */
export const URGENCY_INDICATORS = [
  { value: 'ongoing', text: 'It is still happening' },
  { value: 'injury', text: 'Someone is injured, or seemed unwell or underfed' },
  { value: 'threats', text: 'There have been threats or violence' },
  { value: 'no-safe-place', text: 'Someone has no safe place to stay tonight' },
  { value: 'looks-young', text: 'Someone looks under 18, but their age is not known' },
] as const
export type UrgencyIndicator = (typeof URGENCY_INDICATORS)[number]['value']
export const URGENCY_INDICATOR_VALUES = URGENCY_INDICATORS.map((i) => i.value) as unknown as readonly [
  UrgencyIndicator,
  ...UrgencyIndicator[],
]

/** Why a referral is urgent, as stored (reason codes) and as read (words). Order is the order shown. */
export const URGENCY_REASONS = {
  child: 'A child',
  'possibly-child': 'Possibly a child',
  'looks-young': 'Age not known, but looks young',
  ongoing: 'Still happening',
  injury: 'Injury reported',
  threats: 'Threats or violence',
  'no-safe-place': 'No safe place tonight',
} as const
export type UrgencyReason = keyof typeof URGENCY_REASONS
const REASON_ORDER = Object.keys(URGENCY_REASONS) as UrgencyReason[]

export function urgencyReasonText(reason: string): string {
  return (URGENCY_REASONS as Record<string, string>)[reason] ?? reason
}

/** The people whose age or safety makes a referral urgent: the (potential) victims, not suspects or witnesses. */
const AT_RISK_ROLES = new Set(['potential-victim', 'victim'])

export type UrgencyFacts = {
  /** When the referral was received: a date of birth gives the age then. */
  receivedAt: Date
  people: { role: string; dateOfBirth: string | null; approximateAge: number | null; ageDisputed: boolean }[]
  indicators: readonly string[]
  /** The free-text account: helpline and partner referrals often say it only in words. */
  summary: string
}

export type Urgency = { urgent: boolean; reasons: UrgencyReason[] }

/**
 * Phrases in the account that say the same as an indicator. Deliberately few and plain: each is a fact the
 * account states, and a negation just before ("not still happening", "Still happening: no") does not count.
 */
const TEXT_CUES: readonly [UrgencyReason, RegExp][] = [
  [
    'ongoing',
    /\b(still happening(?!\s*:\s*(?:no|does not know)\b)|happening (?:right )?now|is ongoing|still there)\b/i,
  ],
  ['injury', /\b(injur(?:y|ies|ed)|bleeding|beaten|bruis(?:e|es|ed|ing)|burns?)\b/i],
  ['threats', /\b(threat(?:s|ened|ening)?|threaten(?:s|ed|ing)?)\b/i],
  ['no-safe-place', /\b(no safe place|nowhere (?:safe )?to (?:stay|sleep|go)|sleeping rough|street homeless)\b/i],
  [
    'looks-young',
    /\b(look(?:s|ed)? (?:about |around |maybe |under |like )?(?:1[0-7]|a child|under 18)|under 18|under-age|1[0-7][- ]year[- ]old)\b/i,
  ],
]
const NEGATION = /\b(?:no|not|never|without|denies|denied)\s+(?:\w+\s+){0,2}$/i

function statedIn(summary: string, pattern: RegExp): boolean {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g')
  for (const match of summary.matchAll(global)) {
    const before = summary.slice(Math.max(0, match.index - 30), match.index)
    if (!NEGATION.test(before)) return true
  }
  return false
}

/** Derives the urgency flag and its reasons from a referral's facts. Pure: the same facts give the same answer. */
export function deriveUrgency(facts: UrgencyFacts): Urgency {
  const found = new Set<UrgencyReason>()
  const on = facts.receivedAt.toISOString().slice(0, 10)
  for (const person of facts.people) {
    if (!AT_RISK_ROLES.has(person.role)) continue
    if (person.dateOfBirth) {
      // A date of birth under 18 is a child; one over 18 that is disputed may still be (age assessment pending).
      if (ageOn(person.dateOfBirth, on) < 18) found.add('child')
      else if (person.ageDisputed && ageOn(person.dateOfBirth, on) < 21) found.add('possibly-child')
    } else if (person.approximateAge !== null) {
      // An approximate age is someone's estimate ("looked about 16"): under 18 is possibly a child.
      if (person.approximateAge < 18) found.add('possibly-child')
      // A disputed adult age (says 18 or 19, looks younger) is the classic case of a child treated as an adult.
      else if (person.ageDisputed && person.approximateAge < 21) found.add('possibly-child')
    } else if (person.ageDisputed) {
      found.add('possibly-child')
    }
  }
  for (const indicator of facts.indicators) if (indicator in URGENCY_REASONS) found.add(indicator as UrgencyReason)
  for (const [reason, pattern] of TEXT_CUES)
    if (!found.has(reason) && statedIn(facts.summary, pattern)) found.add(reason)
  // "Looks young" adds nothing once a child or possible child is already named.
  if (found.has('looks-young') && (found.has('child') || found.has('possibly-child'))) found.delete('looks-young')
  const reasons = REASON_ORDER.filter((r) => found.has(r))
  return { urgent: reasons.length > 0, reasons }
}
