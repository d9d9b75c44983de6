import { labelled } from '#src/shared/labelled.ts'

/** The words about people and places, owned by the module that owns those records. */

/** A person's role in a referral: a (potential) victim role gives the victim side its duties (access-policy.ts). */
export const SUBJECT_ROLES = labelled([
  { value: 'potential-victim', text: 'Potential victim' },
  { value: 'suspected-exploiter', text: 'Suspected exploiter' },
  { value: 'witness', text: 'Witness' },
  { value: 'reporter', text: 'Reporter' },
  { value: 'other', text: 'Other' },
] as const)
export type SubjectRole = (typeof SUBJECT_ROLES.values)[number]

export const GENDERS = labelled([
  { value: 'female', text: 'Female' },
  { value: 'male', text: 'Male' },
  { value: 'other', text: 'Other' },
  { value: 'not-known', text: 'Not known' },
] as const)
export type Gender = (typeof GENDERS.values)[number]

export const PREMISES_TYPES = labelled([
  { value: 'car-wash', text: 'Car wash' },
  { value: 'nail-bar', text: 'Nail bar' },
  { value: 'factory-textile', text: 'Factory or textile unit' },
  { value: 'brothel', text: 'Brothel or pop-up brothel' },
  { value: 'cannabis-grow', text: 'Cannabis grow' },
  { value: 'farm', text: 'Farm' },
  { value: 'construction-site', text: 'Construction site' },
  { value: 'private-house', text: 'Private house' },
  { value: 'traveller-site', text: 'Traveller site' },
  { value: 'hotel', text: 'Hotel' },
  { value: 'other', text: 'Other' },
] as const)
export type PremisesType = (typeof PREMISES_TYPES.values)[number]

/** A person's role in a live job: a victim role there gives the job's team its victim-side duty (access-policy.ts). */
export const CASE_ROLES = {
  'potential-victim': 'Potential victim',
  victim: 'Victim',
  'suspected-exploiter': 'Suspected exploiter',
  suspect: 'Suspect',
  witness: 'Witness',
  reporter: 'Reporter',
  associate: 'Associate',
} as const
export type CaseRole = keyof typeof CASE_ROLES

/** The kinds of event a person is recorded in (an encounter, a warrant, an arrest), on a live job. */
export const EVENT_KINDS = {
  encounter: 'Encounter',
  incident: 'Incident',
  'premises-visit': 'Premises visit',
  warrant: 'Warrant',
  arrest: 'Arrest',
  'missing-episode': 'Missing episode',
  'return-home-interview': 'Return home interview',
} as const
