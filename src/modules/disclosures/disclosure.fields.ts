/**
 * The parts of a person's record that can be shared with a partner, one by one, so a disclosure carries the
 * minimum needed. The victim facet (NRM status) and immigration status are protected: they are shared only
 * when a supervisor approves with a recorded lawful basis, and only by someone who may see them.
 */
export const DISCLOSABLE_FIELDS = {
  name: { label: 'Name and other names', protects: null },
  'date-of-birth': { label: 'Date of birth or approximate age', protects: null },
  gender: { label: 'Gender', protects: null },
  nationality: { label: 'Nationality', protects: null },
  languages: { label: 'Languages', protects: null },
  // Only the person's own linked places, each with how they are connected to it: not the other places of a referral.
  address: { label: 'Addresses and places', protects: null },
  phone: { label: 'Phone numbers', protects: null },
  // Only the facts about the person (when, their role, the types reported): a referral's free-text summary names others.
  'referral-summary': { label: 'What was reported about them, and when', protects: null },
  'exploitation-types': { label: 'Types of exploitation reported', protects: null },
  'nrm-status': { label: 'NRM referral and decisions (victim information)', protects: 'victim-facet' },
  'immigration-status': { label: 'Immigration status', protects: 'immigration-status' },
} as const satisfies Record<string, { label: string; protects: 'victim-facet' | 'immigration-status' | null }>

export type DisclosableField = keyof typeof DISCLOSABLE_FIELDS
export const FIELD_KEYS = Object.keys(DISCLOSABLE_FIELDS) as DisclosableField[]
export const isDisclosableField = (value: string): value is DisclosableField => Object.hasOwn(DISCLOSABLE_FIELDS, value)
export const isProtectedField = (field: DisclosableField) => DISCLOSABLE_FIELDS[field].protects !== null

export const LAWFUL_BASES = {
  'dpa-2018-part-3': 'Data Protection Act 2018 Part 3: law enforcement processing',
  'uk-gdpr-safeguarding':
    'UK GDPR: safeguarding (Article 6(1)(e) with Article 9(2)(g) and DPA 2018 Schedule 1 paragraph 18)',
} as const
export type LawfulBasis = keyof typeof LAWFUL_BASES
