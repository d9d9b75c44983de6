import { ageOn, londonDate } from './dates.ts'

/**
 * Who is treated as a child: the screening rules R01 and R02 (DOMAIN.md 3.4 and the rules table). Under 18 is a
 * child; someone whose age is disputed and who may be under 18 is presumed a child until their age is determined
 * (MSA 2015 s51, NRM guidance §2.1), even when a date of birth is recorded, since the dispute is about that very
 * date. Only a completed age assessment ends the presumption. The screening rules give the reasons shown with an
 * outcome; this is the decision itself, here so that every page, plan and form that shows a person decides it the
 * same way. It is in shared (not the screening module) because live jobs, which screening uses, need it too.
 */
export type ChildStatus = 'child' | 'assessed_child' | 'presumed_child' | 'adult' | 'assessed_adult' | 'unknown'

export type AgeFacts = {
  /** Age in whole years: from a date of birth, or as given or estimated. */
  age: number | null
  ageDisputed: boolean | null
  /** The age the person says they are, where it differs from or stands in for a known age. */
  claimedAge?: number | null
  /** Only a completed assessment ('assessed_adult' or 'assessed_child') counts; one pending or not started does not. */
  ageAssessment?: string | null
}

export function childStatus(f: AgeFacts): ChildStatus {
  if (f.ageAssessment === 'assessed_adult') return 'assessed_adult'
  if (f.ageAssessment === 'assessed_child') return 'assessed_child'
  if (f.age !== null && f.age < 18) return 'child'
  const claimed = f.claimedAge ?? null
  const claimsChild = claimed !== null && claimed < 18
  // Disputed, and nothing they say puts them over 18: they may be under 18 (R02).
  if (f.ageDisputed && (claimsChild || claimed === null)) return 'presumed_child'
  if (f.age !== null) return 'adult'
  // No other evidence of age than their word that they are under 18.
  if (claimsChild) return 'presumed_child'
  if (claimed !== null) return 'adult'
  return 'unknown'
}

/** True for the statuses that are treated as a child; any other status (an adult, not known, no one) is not. */
export const isChildStatus = (status: string): boolean =>
  status === 'child' || status === 'assessed_child' || status === 'presumed_child'

/**
 * Whether a person record is treated as a child today. A record holds a date of birth or an approximate age, and
 * whether the age is disputed; no claimed age or assessment, which are the screening's facts.
 */
export function treatedAsChild(
  person: { date_of_birth: string | null; approximate_age: number | null; age_disputed: boolean },
  today = londonDate(),
): boolean {
  const age = person.date_of_birth ? ageOn(person.date_of_birth, today) : person.approximate_age
  return isChildStatus(childStatus({ age, ageDisputed: person.age_disputed }))
}
