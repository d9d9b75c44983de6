import { labelled } from '#src/shared/labelled.ts'

/**
 * The words of a victim's context, after the Human Trafficking Case Data Standard (HTCDS, IOM; the standard behind
 * the CTDC data set) adapted to UK practice and the NRM form's categories. Values are stored; labels are read.
 * Every list ends with 'unknown' ("asked, and not known"), which the analysis keeps apart from "not asked" (empty).
 * These are staff pages, so the labels are English only; nothing here is shown on a public page.
 */

export const UNKNOWN = { value: 'unknown', text: 'Not known' } as const

export const RECRUITMENT_METHODS = labelled([
  { value: 'job-offer', text: 'Job offer or advert' },
  { value: 'familial', text: 'Family member' },
  { value: 'intimate-partner', text: 'Intimate partner or “loverboy”' },
  { value: 'benefactor', text: 'Posing as a benefactor or friend' },
  { value: 'accommodation', text: 'Offer of accommodation' },
  { value: 'debt', text: 'Debt' },
  { value: 'abduction', text: 'Abduction' },
  { value: 'online', text: 'Contact made online' },
  { value: 'other', text: 'Other' },
  UNKNOWN,
] as const)

export const PLATFORMS = labelled([
  { value: 'social-media', text: 'Social media (for example Facebook, Instagram, TikTok)' },
  { value: 'messaging-app', text: 'Messaging app (for example WhatsApp, Telegram, Snapchat)' },
  { value: 'dating-app', text: 'Dating app or website' },
  { value: 'job-website', text: 'Job website or recruitment agency website' },
  { value: 'classified-ads', text: 'Classified or adult services advert website' },
  { value: 'gaming', text: 'Online gaming' },
  { value: 'other', text: 'Other website or app' },
  UNKNOWN,
] as const)

export const VULNERABILITIES = labelled([
  { value: 'homelessness', text: 'Homelessness or unstable housing' },
  { value: 'addiction', text: 'Drug or alcohol dependency' },
  { value: 'mental-health', text: 'Mental health' },
  { value: 'learning-disability', text: 'Learning disability or difficulty' },
  { value: 'physical-health', text: 'Physical health or disability' },
  { value: 'care-experienced', text: 'Care leaver or looked-after child' },
  { value: 'insecure-immigration', text: 'Insecure immigration status' },
  { value: 'poverty-debt', text: 'Poverty or debt' },
  { value: 'domestic-abuse', text: 'Domestic abuse' },
  { value: 'education', text: 'Limited education' },
  { value: 'language', text: 'Little or no English' },
  { value: 'isolation', text: 'Social isolation' },
  UNKNOWN,
] as const)

export const CONTROL_METHODS = labelled([
  { value: 'debt-bondage', text: 'Debt bondage' },
  { value: 'earnings-taken', text: 'Earnings taken or withheld' },
  { value: 'documents-withheld', text: 'Identity documents withheld' },
  { value: 'threats', text: 'Threats' },
  { value: 'violence', text: 'Physical violence' },
  { value: 'sexual-abuse', text: 'Sexual abuse' },
  { value: 'restricted-movement', text: 'Movement restricted' },
  { value: 'substances', text: 'Drugs or alcohol used to control' },
  { value: 'threats-to-family', text: 'Threats to family' },
  { value: 'threat-of-authorities', text: 'Threat of the police or immigration authorities' },
  { value: 'excessive-hours', text: 'Excessive working hours' },
  { value: 'withholding-necessities', text: 'Food, sleep or medical care withheld' },
  { value: 'false-promises', text: 'False promises or deception' },
  { value: 'psychological-abuse', text: 'Psychological abuse or isolation' },
  { value: 'other', text: 'Other' },
  UNKNOWN,
] as const)

/**
 * Labour sectors: UK Standard Industrial Classification 2007 sections, with the divisions the team's strategic
 * priorities and outreach need split out (textiles and clothing, SIC 13-15; car washes, 45.20; nail bars, 96.02).
 * `section` is the SIC section letter; `outreach` is the outreach sector the same audience is trained under, so
 * "where to act" can put exploitation beside the awareness work delivered to that sector.
 */
export const LABOUR_SECTOR_DETAILS = [
  {
    value: 'agriculture',
    text: 'Agriculture, forestry and fishing (A)',
    section: 'A',
    outreach: 'agriculture',
    ctdc: 'Agriculture',
  },
  { value: 'mining', text: 'Mining and quarrying (B)', section: 'B', outreach: null, ctdc: 'MiningOrDrilling' },
  {
    value: 'textiles',
    text: 'Manufacturing: textiles, clothing and leather (C, 13 to 15)',
    section: 'C',
    outreach: 'textiles-garments',
    ctdc: 'Manufacturing',
  },
  {
    value: 'food-processing',
    text: 'Manufacturing: food processing and packing (C, 10 to 11)',
    section: 'C',
    outreach: null,
    ctdc: 'Manufacturing',
  },
  {
    value: 'manufacturing-other',
    text: 'Manufacturing: other (C)',
    section: 'C',
    outreach: null,
    ctdc: 'Manufacturing',
  },
  { value: 'construction', text: 'Construction (F)', section: 'F', outreach: 'construction', ctdc: 'Construction' },
  {
    value: 'car-wash',
    text: 'Car washes and vehicle valeting (G, 45.20)',
    section: 'G',
    outreach: 'car-washes',
    ctdc: 'Other',
  },
  { value: 'retail', text: 'Wholesale and retail (G)', section: 'G', outreach: null, ctdc: 'Other' },
  {
    value: 'transport',
    text: 'Transport, storage and delivery (H)',
    section: 'H',
    outreach: 'taxi-transport',
    ctdc: 'Transportation',
  },
  {
    value: 'hospitality',
    text: 'Hospitality: hotels, restaurants and takeaways (I)',
    section: 'I',
    outreach: 'hospitality',
    ctdc: 'Hospitality',
  },
  {
    value: 'support-services',
    text: 'Cleaning, labour agencies and other support services (N)',
    section: 'N',
    outreach: null,
    ctdc: 'Other',
  },
  { value: 'care', text: 'Health and social care (Q)', section: 'Q', outreach: 'health', ctdc: 'Other' },
  {
    value: 'nail-bars',
    text: 'Nail bars and beauty (S, 96.02)',
    section: 'S',
    outreach: 'nail-bars-beauty',
    ctdc: 'Other',
  },
  {
    value: 'domestic-work',
    text: 'Domestic work in private households (T)',
    section: 'T',
    outreach: null,
    ctdc: 'DomesticWork',
  },
  { value: 'other', text: 'Other', section: null, outreach: null, ctdc: 'Other' },
  { ...UNKNOWN, section: null, outreach: null, ctdc: 'NotSpecified' },
] as const
export const LABOUR_SECTORS = labelled(LABOUR_SECTOR_DETAILS.map(({ value, text }) => ({ value, text })))

export const SEXUAL_TYPES = labelled([
  { value: 'street', text: 'Street-based' },
  { value: 'brothel', text: 'Brothel or massage parlour' },
  { value: 'pop-up', text: 'Pop-up brothel in short-let or hotel rooms' },
  { value: 'advertised-online', text: 'Advertised on adult services websites' },
  { value: 'private', text: 'Private sexual services' },
  { value: 'pornography', text: 'Pornography' },
  { value: 'remote', text: 'Online or remote (for example webcam)' },
  { value: 'other', text: 'Other' },
  UNKNOWN,
] as const)

export const CRIMINAL_TYPES = labelled([
  { value: 'county-lines', text: 'County Lines drug supply' },
  { value: 'cannabis', text: 'Cannabis cultivation' },
  { value: 'begging', text: 'Forced begging' },
  { value: 'theft', text: 'Theft and shoplifting' },
  { value: 'fraud', text: 'Benefit or financial fraud' },
  { value: 'money-mule', text: 'Money muling' },
  { value: 'online-scams', text: 'Online scams or scam centres' },
  { value: 'other-forced-criminality', text: 'Other forced criminality' },
  UNKNOWN,
] as const)

export const JOURNEY_STAGES = labelled([
  { value: 'recruitment', text: 'Recruitment' },
  { value: 'transit', text: 'Transit' },
  { value: 'exploitation', text: 'Exploitation' },
  { value: 'exit', text: 'Left, escaped or found' },
] as const)

export const PERPETRATOR_ROLES = labelled([
  { value: 'recruiter', text: 'Recruiter' },
  { value: 'transporter', text: 'Transporter' },
  { value: 'controller', text: 'Controller' },
  { value: 'exploiter', text: 'Exploiter' },
  { value: 'facilitator', text: 'Facilitator (documents, travel, adverts)' },
  { value: 'money-handler', text: 'Money handler' },
  { value: 'harbourer', text: 'Harbourer (accommodation)' },
  UNKNOWN,
] as const)

/** The multi-valued fields of a situation, each with its list: one table drives the form, the checks and the profile. */
export const CONTEXT_LISTS = {
  recruitmentMethods: { column: 'recruitment_methods', list: RECRUITMENT_METHODS, title: 'Recruitment methods' },
  recruitmentPlatforms: { column: 'recruitment_platforms', list: PLATFORMS, title: 'Platforms used to recruit' },
  vulnerabilities: { column: 'vulnerabilities', list: VULNERABILITIES, title: 'Vulnerabilities' },
  controlMethods: { column: 'control_methods', list: CONTROL_METHODS, title: 'Methods of control' },
  labourSectors: { column: 'labour_sectors', list: LABOUR_SECTORS, title: 'Labour sectors' },
  sexualTypes: { column: 'sexual_types', list: SEXUAL_TYPES, title: 'Kinds of sexual exploitation' },
  criminalTypes: { column: 'criminal_types', list: CRIMINAL_TYPES, title: 'Kinds of criminal exploitation' },
} as const
export type ContextListKey = keyof typeof CONTEXT_LISTS
export const CONTEXT_LIST_KEYS = Object.keys(CONTEXT_LISTS) as ContextListKey[]

export function isValue(list: { items: readonly { value: string }[] }, value: string): boolean {
  return list.items.some((i) => i.value === value)
}
