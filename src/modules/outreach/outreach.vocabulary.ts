import { labelled } from '#src/shared/labelled.ts'

/**
 * The words of outreach: values stored in the database, with the labels users read.
 * Sectors are the audiences the team trains and the places referrals come from (issue 7); the same list
 * is asked on the referral intake, so an event and the referrals that follow it share one vocabulary.
 */

export const SECTORS = labelled([
  { value: 'health', text: 'Health' },
  { value: 'hospitality', text: 'Hospitality' },
  { value: 'hotels', text: 'Hotels' },
  { value: 'nail-bars-beauty', text: 'Nail bars and beauty' },
  { value: 'car-washes', text: 'Car washes' },
  { value: 'textiles-garments', text: 'Textile and garment businesses' },
  { value: 'agriculture', text: 'Agriculture' },
  { value: 'construction', text: 'Construction' },
  { value: 'banks-finance', text: 'Banks and finance' },
  { value: 'schools-education', text: 'Schools and education' },
  { value: 'taxi-transport', text: 'Taxi and transport' },
  { value: 'local-authority', text: 'Local authority staff' },
  { value: 'travelling-community', text: 'Travelling-community liaison' },
  { value: 'police-partners', text: 'Police and criminal justice partners' },
  { value: 'charity-voluntary', text: 'Charities and voluntary groups' },
  { value: 'other', text: 'Other' },
] as const)
export type Sector = (typeof SECTORS.values)[number]

export const EVENT_KINDS = labelled([
  { value: 'awareness-talk', text: 'Awareness talk or presentation' },
  { value: 'training-input', text: 'Training input' },
  { value: 'community-event', text: 'Community event or stall' },
  { value: 'partner-briefing', text: 'Partner or multi-agency briefing' },
  { value: 'business-visit', text: 'Business engagement visit' },
] as const)
export type EventKind = (typeof EVENT_KINDS.values)[number]

export const DELIVERY = labelled([
  { value: 'in-person', text: 'In person' },
  { value: 'online', text: 'Online' },
] as const)

/** Before and after an event: the default window, and the choices offered. */
export const DEFAULT_WINDOW_DAYS = 90
export const WINDOW_CHOICES = [30, 60, 90, 180, 365] as const
