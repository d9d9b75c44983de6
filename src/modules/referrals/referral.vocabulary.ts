/**
 * The words of the referral intake: values stored in the database, with the labels users read.
 * Exploitation types are the Home Office NRM statistics categories (DOMAIN.md section 4).
 */
import { labelled } from '#src/shared/labelled.ts'

export const SOURCES = labelled([
  { value: 'nrm-first-responder', text: 'NRM referral from a first responder' },
  { value: 'helpline', text: 'Modern Slavery & Exploitation Helpline' },
  { value: 'police', text: 'Police report or live job' },
  { value: 'partner-agency', text: 'Partner agency' },
  { value: 'public-concern', text: 'Public concern' },
  { value: 'self-referral', text: 'Self-referral' },
] as const)
export type Source = (typeof SOURCES.values)[number]

export const EXPLOITATION_TYPES = labelled([
  { value: 'labour', text: 'Labour exploitation' },
  { value: 'sexual', text: 'Sexual exploitation' },
  { value: 'criminal', text: 'Criminal exploitation' },
  { value: 'domestic-servitude', text: 'Domestic servitude' },
  { value: 'organ-harvesting', text: 'Organ harvesting' },
  { value: 'not-specified', text: 'Not specified or unknown' },
] as const)
export type ExploitationType = (typeof EXPLOITATION_TYPES.values)[number]

export const STATUSES = labelled([
  { value: 'new', text: 'New' },
  { value: 'in-triage', text: 'In triage' },
  { value: 'screening', text: 'Screening' },
  { value: 'opened-as-case', text: 'Opened as a case' },
  { value: 'closed', text: 'Closed' },
] as const)
export type ReferralStatus = (typeof STATUSES.values)[number]

export const CLOSURE_REASONS = labelled([
  { value: 'no-further-action', text: 'No further action' },
  { value: 'duplicate', text: 'Duplicate' },
  { value: 'passed-to-another-agency', text: 'Passed to another agency' },
  { value: 'not-modern-slavery', text: 'Not modern slavery' },
] as const)
export type ClosureReason = (typeof CLOSURE_REASONS.values)[number]

/**
 * The referral lifecycle. A referral opened as a case lives on as that case; a closed one can be
 * reopened into triage (with a reason) when new information arrives.
 */
export const TRANSITIONS: Record<ReferralStatus, readonly ReferralStatus[]> = {
  new: ['in-triage', 'screening', 'opened-as-case', 'closed'],
  'in-triage': ['screening', 'opened-as-case', 'closed'],
  screening: ['opened-as-case', 'closed'],
  'opened-as-case': [],
  closed: ['in-triage'],
}

/** Statuses that mean triage is done: a decision has been made about the referral. */
export const TRIAGED_STATUSES: readonly ReferralStatus[] = ['screening', 'opened-as-case', 'closed']

/** THRIVE, the national risk-assessment model used at the first contact: each element is graded with a reason. */
export const THRIVE_ELEMENTS = labelled([
  { value: 'threat', text: 'Threat' },
  { value: 'harm', text: 'Harm' },
  { value: 'risk', text: 'Risk' },
  { value: 'investigation', text: 'Investigation' },
  { value: 'vulnerability', text: 'Vulnerability' },
  { value: 'engagement', text: 'Engagement' },
] as const)
export type ThriveElement = (typeof THRIVE_ELEMENTS.values)[number]

export const GRADE_LEVELS = labelled([
  { value: 'high', text: 'High' },
  { value: 'medium', text: 'Medium' },
  { value: 'low', text: 'Low' },
] as const)
export type GradeLevel = (typeof GRADE_LEVELS.values)[number]
