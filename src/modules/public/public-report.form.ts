import { z } from 'zod'
import { asArray, asString, parseForm } from '#src/platform/http/forms.ts'
import { optionalPostcode } from '#src/platform/http/page-forms.ts'

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

/**
 * Each question page's form, one schema (as the API's are). A problem's message is the key of the message shown in
 * the reporter's language; a too-long answer's message is given its limit. The answer is checked as typed, not
 * trimmed: only a blank answer is read as none.
 */
const typed = () => z.preprocess(asString, z.string())
const blank = (value: string) => value.trim() === ''
/** An answer of at most `max` characters, as typed. */
const upTo = (max: number, key: string) => typed().refine((value) => value.length <= max, { error: key })
/** An answer that must be given, of at most `max` characters. */
const required = (max: number, missing: string, tooLong: string) =>
  typed()
    .refine((value) => !blank(value), { error: missing })
    .refine((value) => value.length <= max, { error: tooLong })
/** A choice from the list, which may be left unanswered when `optional`. */
const oneOf = (choices: readonly string[], key: string, options: { optional?: boolean } = {}) =>
  typed().refine((value) => (options.optional === true && value === '') || choices.includes(value), { error: key })
/** An answer that may be left blank and otherwise is at most `max` characters in the shape `pattern` checks. */
const blankOr = (max: number, pattern: RegExp, key: string) =>
  typed().refine((value) => blank(value) || (value.length <= max && pattern.test(value.trim())), { error: key })

const PAGE_FORMS = {
  what: z.object({ what: required(LIMITS.what, 'what.error.required', 'what.error.tooLong') }),
  where: z.object({
    place: required(LIMITS.place, 'where.error.placeRequired', 'where.error.placeTooLong'),
    placeKind: oneOf(PLACE_KINDS, 'where.error.placeKind', { optional: true }),
    town: upTo(LIMITS.town, 'where.error.townTooLong'),
    postcode: optionalPostcode('where.error.postcode'),
  }),
  when: z.object({
    when: oneOf(WHEN_CHOICES, 'when.error.required'),
    ongoing: oneOf(ONGOING_CHOICES, 'when.error.ongoing'),
    details: upTo(LIMITS.whenDetails, 'when.error.detailsTooLong'),
  }),
  people: z.object({
    description: upTo(LIMITS.description, 'people.error.descriptionTooLong'),
    signs: z.preprocess(
      (value) => asArray(value).slice(0, 20),
      z.array(z.string()).refine((signs) => signs.every((s) => (SIGNS as readonly string[]).includes(s)), {
        error: 'people.error.signs',
      }),
    ),
    seemed: upTo(LIMITS.seemed, 'people.error.seemedTooLong'),
  }),
  contact: z.object({
    name: upTo(LIMITS.name, 'contact.error.nameTooLong'),
    phone: blankOr(LIMITS.phone, /^\+?[\d\s()-]{6,}$/, 'contact.error.phone'),
    email: blankOr(LIMITS.email, /^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'contact.error.email'),
    heardVia: oneOf(HEARD_VIA, 'contact.error.heardVia', { optional: true }),
  }),
} satisfies Record<PageName, z.ZodType>

/** The limit a too-long answer's message gives, by its field. */
const MAX_OF: Record<string, number> = {
  what: LIMITS.what,
  place: LIMITS.place,
  town: LIMITS.town,
  details: LIMITS.whenDetails,
  description: LIMITS.description,
  seemed: LIMITS.seemed,
  name: LIMITS.name,
}

/** The page's answers exactly as typed, to be kept or shown again. */
function typedValues(page: PageName, body: Body): Record<string, unknown> {
  switch (page) {
    case 'what':
      return { what: read(body, 'what', LIMITS.what) }
    case 'where':
      return { place: read(body, 'place', LIMITS.place), town: read(body, 'town', LIMITS.town), postcode: read(body, 'postcode', LIMITS.postcode), placeKind: read(body, 'placeKind', 20) }
    case 'when':
      return { when: read(body, 'when', 20), ongoing: read(body, 'ongoing', 20), details: read(body, 'details', LIMITS.whenDetails) }
    case 'people':
      return { description: read(body, 'description', LIMITS.description), signs: asArray(body.signs).slice(0, 20), seemed: read(body, 'seemed', LIMITS.seemed) }
    case 'contact':
      return { name: read(body, 'name', LIMITS.name), phone: read(body, 'phone', LIMITS.phone), email: read(body, 'email', LIMITS.email), heardVia: read(body, 'heardVia', 20) }
  }
}

export function readPage(page: PageName, body: Body): { values: Record<string, unknown>; errors: PageErrors } {
  const values = typedValues(page, body)
  const parsed = parseForm(PAGE_FORMS[page], values)
  if (parsed.ok) return { values, errors: {} }
  const errors: PageErrors = {}
  for (const [field, key] of Object.entries(parsed.errors))
    errors[field] = /tooLong$/i.test(key) ? { key, params: { max: MAX_OF[field] } } : { key }
  return { values, errors }
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
