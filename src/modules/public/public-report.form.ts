import { isValid as isValidPostcode } from 'postcode'
import { asArray, asString } from '#src/platform/http/forms.ts'

/**
 * The public report, page by page, exactly as the reporter typed it. Errors are message keys (with their
 * parameters) so each is shown in the reporter's language. Nothing typed is stripped or rewritten: it is
 * escaped wherever it is shown.
 */
export type ReportDraft = {
  what?: { what: string }
  where?: { place: string; town: string; postcode: string; placeKind?: string }
  when?: { when: string; ongoing: string; details: string }
  people?: { description: string; signs: string[]; seemed: string }
  contact?: { name: string; phone: string; email: string; heardVia?: string }
  /** The code of the outreach event whose link or QR code the reporter came through, if they did. */
  ref?: string
}
export type PageName = 'what' | 'where' | 'when' | 'people' | 'contact'
export const PAGES: readonly PageName[] = ['what', 'where', 'when', 'people', 'contact']

export type MessageError = { key: string; params?: Record<string, number> }
export type PageErrors = Record<string, MessageError>

/** Field size limits: the whole report fits a referral's 10,000-character summary with room to spare. */
export const LIMITS = { what: 4000, place: 1000, town: 100, postcode: 10, whenDetails: 500, description: 1500, seemed: 1500, name: 100, phone: 30, email: 160 } as const

export const WHEN_CHOICES = ['today', 'week', 'month', 'longer', 'unknown'] as const
export const ONGOING_CHOICES = ['yes', 'no', 'dont-know'] as const
export const SIGNS = ['frightened', 'someone-speaks', 'injuries', 'dropped-off', 'long-hours', 'living-at-work', 'no-pay', 'no-documents', 'wrong-clothes', 'child'] as const

/** The optional questions the team reads against its outreach: the kind of place, and how the reporter heard. */
export const PLACE_KINDS = ['house-flat', 'car-wash', 'nail-bar', 'factory', 'farm', 'building-site', 'hotel', 'food', 'shop', 'site', 'street', 'online', 'other'] as const
export const HEARD_VIA = ['poster', 'event', 'social', 'news', 'professional', 'friend', 'search', 'other'] as const
/** In English for the team's figures and the referral's summary. */
export const PLACE_KIND_TEXT: Record<string, string> = {
  'house-flat': 'A house or flat',
  'car-wash': 'A car wash',
  'nail-bar': 'A nail bar or beauty salon',
  factory: 'A factory, warehouse or textile unit',
  farm: 'A farm or food processing',
  'building-site': 'A building site, or driveway or paving work',
  hotel: 'A hotel, short-let or holiday flat',
  food: 'A restaurant or takeaway',
  shop: 'A shop',
  site: 'A caravan or traveller site',
  street: 'A street, park or other public place',
  online: 'Online',
  other: 'Somewhere else',
}
export const HEARD_VIA_TEXT: Record<string, string> = {
  poster: 'A poster, leaflet or card',
  event: 'A talk, training session or event',
  social: 'Social media',
  news: 'The news, radio or TV',
  professional: 'The police or another professional',
  friend: 'A friend, family member or colleague',
  search: 'Searching online',
  other: 'Another way',
}

type Body = Record<string, unknown>
// Read with a generous cap (well over the limit) so a too-long answer is reported, not silently cut.
const read = (body: Body, key: string, limit: number) => asString(body[key]).slice(0, limit * 2 + 100)
const blank = (value: string) => value.trim() === ''

function limit(errors: PageErrors, field: string, value: string, max: number, key: string) {
  if (value.length > max) errors[field] ??= { key, params: { max } }
}

export function readPage(page: PageName, body: Body): { values: Record<string, unknown>; errors: PageErrors } {
  const errors: PageErrors = {}
  switch (page) {
    case 'what': {
      const values = { what: read(body, 'what', LIMITS.what) }
      if (blank(values.what)) errors.what = { key: 'what.error.required' }
      limit(errors, 'what', values.what, LIMITS.what, 'what.error.tooLong')
      return { values, errors }
    }
    case 'where': {
      const values = { place: read(body, 'place', LIMITS.place), town: read(body, 'town', LIMITS.town), postcode: read(body, 'postcode', LIMITS.postcode), placeKind: read(body, 'placeKind', 20) }
      if (blank(values.place)) errors.place = { key: 'where.error.placeRequired' }
      if (values.placeKind && !(PLACE_KINDS as readonly string[]).includes(values.placeKind)) errors.placeKind = { key: 'where.error.placeKind' }
      limit(errors, 'place', values.place, LIMITS.place, 'where.error.placeTooLong')
      limit(errors, 'town', values.town, LIMITS.town, 'where.error.townTooLong')
      if (!blank(values.postcode) && !isValidPostcode(values.postcode.trim())) errors.postcode = { key: 'where.error.postcode' }
      return { values, errors }
    }
    case 'when': {
      const values = { when: read(body, 'when', 20), ongoing: read(body, 'ongoing', 20), details: read(body, 'details', LIMITS.whenDetails) }
      if (!(WHEN_CHOICES as readonly string[]).includes(values.when)) errors.when = { key: 'when.error.required' }
      if (!(ONGOING_CHOICES as readonly string[]).includes(values.ongoing)) errors.ongoing = { key: 'when.error.ongoing' }
      limit(errors, 'details', values.details, LIMITS.whenDetails, 'when.error.detailsTooLong')
      return { values, errors }
    }
    case 'people': {
      const values = { description: read(body, 'description', LIMITS.description), signs: asArray(body.signs).slice(0, 20), seemed: read(body, 'seemed', LIMITS.seemed) }
      limit(errors, 'description', values.description, LIMITS.description, 'people.error.descriptionTooLong')
      if (values.signs.some((s) => !(SIGNS as readonly string[]).includes(s))) errors.signs = { key: 'people.error.signs' }
      limit(errors, 'seemed', values.seemed, LIMITS.seemed, 'people.error.seemedTooLong')
      return { values, errors }
    }
    case 'contact': {
      const values = { name: read(body, 'name', LIMITS.name), phone: read(body, 'phone', LIMITS.phone), email: read(body, 'email', LIMITS.email), heardVia: read(body, 'heardVia', 20) }
      limit(errors, 'name', values.name, LIMITS.name, 'contact.error.nameTooLong')
      if (!blank(values.phone) && (values.phone.length > LIMITS.phone || !/^\+?[\d\s()-]{6,}$/.test(values.phone.trim()))) errors.phone = { key: 'contact.error.phone' }
      if (!blank(values.email) && (values.email.length > LIMITS.email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email.trim()))) errors.email = { key: 'contact.error.email' }
      if (values.heardVia && !(HEARD_VIA as readonly string[]).includes(values.heardVia)) errors.heardVia = { key: 'contact.error.heardVia' }
      return { values, errors }
    }
  }
}

/** The first page not yet answered, or null when the report is ready to check. */
export function firstMissingPage(draft: ReportDraft): PageName | null {
  return PAGES.find((p) => !draft[p]) ?? null
}

const WHEN_TEXT: Record<string, string> = { today: 'today', week: 'in the last 7 days', month: 'in the last month', longer: 'more than a month ago', unknown: 'not sure when' }
const ONGOING_TEXT: Record<string, string> = { yes: 'yes', no: 'no', 'dont-know': 'does not know' }
const SIGN_TEXT: Record<string, string> = {
  frightened: 'seemed frightened, anxious or withdrawn',
  'someone-speaks': 'someone else spoke for them or watched them',
  injuries: 'injuries, or seemed unwell or underfed',
  'dropped-off': 'dropped off and collected at unusual times',
  'long-hours': 'very long hours or every day',
  'living-at-work': 'seemed to live where they work',
  'no-pay': 'seemed unpaid or in debt',
  'no-documents': 'someone else seemed to hold their passport or ID',
  'wrong-clothes': 'wrong clothes or no safety equipment',
  child: 'looked under 18',
}

/**
 * The finished report as a referral the team triages. The summary is in English for the team, with the
 * reporter's own words quoted as typed, whatever language they wrote in.
 */
export function reportToReferral(draft: Required<Omit<ReportDraft, 'ref'>>, options: { language: string; languageName: string; receivedAt: Date; refCode?: string | null }) {
  const contact = [draft.contact.phone.trim(), draft.contact.email.trim()].filter(Boolean).join(' / ')
  const lines = [
    `Public concern reported online at /report${options.language !== 'en' ? ` (in ${options.languageName})` : ''}.`,
    '',
    `What they saw or heard: ${draft.what.what.trim()}`,
    '',
    `When: ${WHEN_TEXT[draft.when.when] ?? draft.when.when}. Still happening: ${ONGOING_TEXT[draft.when.ongoing] ?? draft.when.ongoing}.`,
    draft.when.details.trim() ? `Dates and times: ${draft.when.details.trim()}` : '',
    draft.people.description.trim() ? `\nWho they saw: ${draft.people.description.trim()}` : '',
    draft.people.signs.length ? `\nSigns noticed: ${draft.people.signs.map((s) => SIGN_TEXT[s] ?? s).join('; ')}.` : '',
    draft.people.seemed.trim() ? `\nHow they seemed: ${draft.people.seemed.trim()}` : '',
    draft.where.placeKind ? `\nKind of place: ${PLACE_KIND_TEXT[draft.where.placeKind] ?? draft.where.placeKind}.` : '',
    `\nReporter: ${draft.contact.name.trim() || contact ? 'gave contact details' : 'anonymous'}.`,
    draft.contact.heardVia ? `Heard about reporting through: ${(HEARD_VIA_TEXT[draft.contact.heardVia] ?? draft.contact.heardVia).toLowerCase()}.` : '',
    options.refCode ? `Came through the link or QR code on outreach materials: ${options.refCode}.` : '',
  ]
  return {
    receivedAt: options.receivedAt.toISOString(),
    source: 'public-concern',
    referringOrganisation: null,
    referringSector: null,
    referrerName: draft.contact.name.trim() || null,
    referrerContact: contact || null,
    summary: lines.filter((l) => l !== '').join('\n'),
    people: [],
    locations: [
      {
        addressLine1: null,
        addressLine2: null,
        town: draft.where.town.trim() || null,
        postcode: draft.where.postcode.trim() || null,
        description: draft.where.place.trim(),
        premisesType: 'other',
      },
    ],
    exploitationTypes: ['not-specified'],
    countyLines: false,
    priorityTags: [],
    // What the reporter ticked that makes a report urgent in the triage queue (the words are derived too).
    indicators: [
      ...(draft.when.ongoing === 'yes' ? ['ongoing'] : []),
      ...(draft.people.signs.includes('injuries') ? ['injury'] : []),
      ...(draft.people.signs.includes('child') ? ['looks-young'] : []),
    ],
  }
}
