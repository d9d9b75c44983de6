/** Kinds of agency in the partner directory (DOMAIN.md section 12). */
export const AGENCY_KINDS = {
  'childrens-services': 'Children’s services',
  'adult-social-care': 'Adult social care',
  'victim-care': 'Victim care',
  'child-guardianship': 'Child trafficking guardians',
  'labour-enforcement': 'Labour market enforcement',
  immigration: 'Immigration',
  border: 'Border',
  'national-crime': 'National crime',
  helpline: 'Helpline',
  health: 'Health',
  housing: 'Housing',
  'police-team': 'Police team',
  ngo: 'Charity or NGO',
  other: 'Other',
} as const
export type AgencyKind = keyof typeof AGENCY_KINDS

export const AGENCY_KIND_ITEMS = Object.entries(AGENCY_KINDS).map(([value, text]) => ({ value, text }))
