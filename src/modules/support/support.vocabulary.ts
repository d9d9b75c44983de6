/** The words of an ISA's support work. Stored values are the keys; pages show the labels. */

/**
 * What a service in the directory does: the kinds of support issue 15 names (DOMAIN.md 12: victim care under the
 * Modern Slavery Victim Care Contract, legal and immigration advice, housing, health, ICTGs, local authorities).
 */
export const SERVICE_CATEGORIES = {
  'victim-care': 'Victim care (Modern Slavery Victim Care Contract)',
  'legal-advice': 'Legal advice',
  'immigration-advice': 'Immigration advice',
  housing: 'Housing',
  health: 'Health',
  'mental-health': 'Mental health and counselling',
  substance: 'Drug and alcohol services',
  ictg: 'Independent Child Trafficking Guardian',
  'local-authority': 'Local authority social care',
  money: 'Money, benefits and debt advice',
  helpline: 'Helpline',
  other: 'Other',
} as const
export type ServiceCategory = keyof typeof SERVICE_CATEGORIES

export const CONTACT_KINDS = {
  'in-person': 'In person',
  phone: 'Phone call',
  video: 'Video call',
  message: 'Text or message',
  letter: 'Letter or email',
  attempted: 'Tried to make contact, none made',
} as const
export type ContactKind = keyof typeof CONTACT_KINDS

/** Whether it was safe to reach the person this way: a "no" warns whoever contacts them next. */
export const SAFE_TO_CONTACT = {
  yes: 'Yes, safe to contact this way',
  no: 'No, not safe to contact this way',
  'not-asked': 'Not checked',
} as const
export type SafeToContact = keyof typeof SAFE_TO_CONTACT

/**
 * What the Victims' Code entitles a victim to be offered, as the issue lists them (information, needs assessment,
 * updates on the investigation, compensation), with an interpreter. The Code's own numbering is not copied: a
 * force may word these to match its leaflet.
 */
export const ENTITLEMENTS = {
  'code-information': 'Information about the Victims’ Code and their rights',
  'needs-assessment': 'An assessment of their needs for support services',
  'investigation-updates': 'Updates on the investigation',
  compensation: 'Information about compensation',
  interpreter: 'An interpreter',
} as const
export type Entitlement = keyof typeof ENTITLEMENTS

/** The support asked for from the victim care contract provider (DOMAIN.md 12: accommodation or a support worker). */
export const PROVISIONS = {
  outreach: 'Outreach support (they stay where they live)',
  'safe-house': 'Safe house accommodation',
} as const
export type Provision = keyof typeof PROVISIONS

export const REFERRAL_STATUSES = {
  awaiting: 'Awaiting an answer',
  accepted: 'Accepted',
  declined: 'Declined',
  withdrawn: 'Withdrawn',
  ended: 'Support ended',
} as const
export type ReferralStatus = keyof typeof REFERRAL_STATUSES

/**
 * Where a referral out may go next. Awaiting an answer: accepted, declined or withdrawn. Accepted: its support ends
 * or it is withdrawn. Declined, withdrawn and ended referrals are closed; a new one is made if needed.
 */
export const NEXT_STATUSES: Record<ReferralStatus, readonly ReferralStatus[]> = {
  awaiting: ['accepted', 'declined', 'withdrawn'],
  accepted: ['ended', 'withdrawn'],
  declined: [],
  withdrawn: [],
  ended: [],
}

export const isOneOf = <T extends Record<string, string>>(vocab: T, value: unknown): value is keyof T & string =>
  typeof value === 'string' && Object.hasOwn(vocab, value)

export const items = <T extends Record<string, string>>(vocab: T, selected?: unknown) =>
  Object.entries(vocab).map(([value, text]) => ({
    value,
    text,
    selected: value === selected,
    checked: Array.isArray(selected) ? selected.includes(value) : value === selected,
  }))
