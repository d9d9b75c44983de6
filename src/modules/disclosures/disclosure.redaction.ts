/**
 * Disclosure of the minimum for free text (issue 16, part 2). A referral's "what was reported" is written about
 * everyone involved: shared with a partner as it stands it can name the exploiter, his phone and car, or another
 * victim's address, and so tip him off. Before it leaves the force the text is marked: the names of the other people
 * Lantern knows are involved (the referral's and the live job's other people), their identifiers, and anything
 * shaped like a phone number, vehicle registration, postcode, street address or email address. The officer sees the
 * marks and chooses which to send; everything marked and not chosen is withheld, by default all of it.
 * Names Lantern does not know are marked too, as possible names: two or three capitalised words together ("Gary
 * Platt", "Mr Platt"), or one after "called", "named" or "known as". Over-marking costs the officer a tick;
 * under-marking could tip off an exploiter nobody has recorded yet.
 */

export const MARK_KINDS = {
  name: 'another person’s name',
  phone: 'phone number',
  vehicle: 'vehicle registration',
  postcode: 'postcode',
  address: 'address',
  email: 'email address',
  identifier: 'identifier',
  possibleName: 'possible name',
} as const
export type MarkKind = keyof typeof MARK_KINDS

export type Known = {
  /** The subject's own names: never marked (the disclosure is about them). */
  subjectNames: readonly string[]
  /** Other people Lantern knows are involved: their names are marked wherever they appear, whole or in part. */
  otherNames: readonly string[]
  /** Other people's identifiers and places as recorded (phones, vehicles, addresses): marked wherever they appear. */
  identifiers: readonly { kind: MarkKind; text: string }[]
}

export type Segment = { text: string; mark?: { key: string; kind: MarkKind } }
export type Redaction = { kind: MarkKind; sent: boolean; text?: string }

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
const squash = (s: string) => s.replace(/\s+/g, ' ').trim()
/** The key a mark is chosen by: the same words marked twice are sent (or withheld) together. */
export const markKey = (kind: MarkKind, text: string) => `${kind}:${squash(text).toLowerCase()}`

const STREET =
  'Road|Rd|Street|St|Avenue|Ave|Lane|Close|Drive|Way|Court|Crescent|Place|Terrace|Grove|Hill|Gardens|Yard|Row|Walk|Square|Mews|Parade|Estate|Park|View|Rise|Green'
const PATTERNS: { kind: MarkKind; re: RegExp }[] = [
  { kind: 'email', re: /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  { kind: 'phone', re: /(?<![\w+])(?:\+44\s?\(?0?\)?\s?|\(?0)\d{2,4}\)?(?:[\s-]?\d){6,8}(?!\w)/g },
  { kind: 'vehicle', re: /\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b/g },
  { kind: 'postcode', re: /\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b/gi },
  {
    kind: 'address',
    re: new RegExp(
      `\\b(?:(?:Flat|Unit|Apartment)\\s+\\d+[A-Za-z]?,?\\s+)?\\d{1,4}[A-Za-z]?,?\\s+(?:[A-Z][\\w'’-]*\\s+){1,3}(?:${STREET})\\b`,
      'g',
    ),
  },
  { kind: 'address', re: /\b(?:Flat|Unit|Apartment)\s+\d+[A-Za-z]?\b/g },
]

type Span = { start: number; end: number; kind: MarkKind }

/**
 * Capitalised words that start a sentence or name a time, not a person: dropped from the front of a run of
 * capitalised words, so "Then Gary Platt" marks "Gary Platt" and "On Monday" marks nothing.
 */
const NOT_NAMES = new Set(
  (
    'the a an he she they we i it you his her their its our my this that these those there then when where while ' +
    'on in at by for from to with after before during since until about and but or so if as also yesterday today ' +
    'tonight police officers officer call called later last next every both some many most monday tuesday ' +
    'wednesday thursday friday saturday sunday january february march april may june july august september ' +
    'october november december'
  ).split(' '),
)
const CAPITALISED_RUN = /(?<![\p{L}\p{N}])\p{Lu}[\p{Ll}'’-]+(?:\s+\p{Lu}[\p{Ll}'’-]+){1,3}(?![\p{L}\p{N}])/gu
const NAMED_AS = /\b(?:called|named|known as|nicknamed|calls himself|calls herself)\s+(\p{Lu}[\p{Ll}'’-]+)/gu

/** Names nobody has recorded: runs of capitalised words, and a word after "called" or "known as". */
function possibleNames(text: string, subjectWords: ReadonlySet<string>): Span[] {
  const found: Span[] = []
  for (const m of text.matchAll(CAPITALISED_RUN)) {
    const words = [...m[0].matchAll(/\S+/g)]
    let first = 0
    while (first < words.length && NOT_NAMES.has(words[first][0].toLowerCase())) first++
    const kept = words.slice(first)
    // One word left is a sentence's first word as often as a name; the subject's own name is never marked.
    if (kept.length < 2 || kept.some((w) => subjectWords.has(w[0].toLowerCase()))) continue
    const start = m.index + (kept[0].index ?? 0)
    found.push({ start, end: m.index + m[0].length, kind: 'possibleName' })
  }
  for (const m of text.matchAll(NAMED_AS)) {
    const word = m[1]
    if (subjectWords.has(word.toLowerCase()) || NOT_NAMES.has(word.toLowerCase())) continue
    const start = m.index + m[0].length - word.length
    found.push({ start, end: start + word.length, kind: 'possibleName' })
  }
  return found
}

/** Every word of a name long enough to mean something on its own ("Gary" of "Gary Platt"), not the subject's. */
function nameParts(names: readonly string[], subjectWords: ReadonlySet<string>): string[] {
  const parts = new Set<string>()
  for (const name of names) {
    const whole = squash(name)
    if (whole.length >= 2) parts.add(whole)
    for (const word of whole.split(/[\s,]+/))
      if (word.length >= 3 && !subjectWords.has(word.toLowerCase())) parts.add(word)
  }
  return [...parts].sort((a, b) => b.length - a.length)
}

/** The text cut into plain and marked segments, in order. Overlaps keep the earliest, then the longest, mark. */
export function markNarrative(text: string, known: Known): Segment[] {
  const spans: Span[] = []
  const subjectWords = new Set(
    known.subjectNames.flatMap((n) =>
      squash(n)
        .toLowerCase()
        .split(/[\s,]+/),
    ),
  )
  for (const part of nameParts(known.otherNames, subjectWords)) {
    // A single word is a name only where it is written as one (capitalised): "Rose" marked, "rose" not.
    const single = !/\s/.test(part)
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escape(part).replace(/ /g, '\\s+')}(?![\\p{L}\\p{N}])`, 'giu')
    for (const m of text.matchAll(re)) {
      if (single && !/^\p{Lu}/u.test(m[0])) continue
      spans.push({ start: m.index, end: m.index + m[0].length, kind: 'name' })
    }
  }
  for (const id of known.identifiers) {
    const t = squash(id.text)
    if (t.length < 3) continue
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${escape(t).replace(/ /g, '\\s*')}(?![\\p{L}\\p{N}])`, 'giu')
    for (const m of text.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].length, kind: id.kind })
  }
  for (const { kind, re } of PATTERNS)
    for (const m of text.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].length, kind })
  // Possible names last and only where nothing else is marked: a known name or an address says more.
  const overlaps = (p: Span) => spans.some((s) => p.start < s.end && s.start < p.end)
  for (const p of possibleNames(text, subjectWords)) if (!overlaps(p)) spans.push(p)
  spans.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start))
  const segments: Segment[] = []
  let at = 0
  for (const span of spans) {
    if (span.start < at) continue
    if (span.start > at) segments.push({ text: text.slice(at, span.start) })
    const marked = text.slice(span.start, span.end)
    segments.push({ text: marked, mark: { key: markKey(span.kind, marked), kind: span.kind } })
    at = span.end
  }
  if (at < text.length) segments.push({ text: text.slice(at) })
  return segments
}

/** The distinct marks of a text, in order of first appearance, for the officer to choose from. */
export function marksOf(segments: readonly Segment[]): { key: string; kind: MarkKind; text: string }[] {
  const seen = new Map<string, { key: string; kind: MarkKind; text: string }>()
  for (const s of segments) if (s.mark && !seen.has(s.mark.key)) seen.set(s.mark.key, { ...s.mark, text: s.text })
  return [...seen.values()]
}

/**
 * The text as the partner receives it: each mark the officer chose to send kept, every other one replaced by
 * "[… withheld]". The record says what was withheld by kind only: the withheld words are not copied anywhere.
 */
export function redactNarrative(
  segments: readonly Segment[],
  release: ReadonlySet<string>,
): { text: string; redactions: Redaction[] } {
  const redactions: Redaction[] = []
  let text = ''
  for (const s of segments) {
    if (!s.mark) {
      text += s.text
      continue
    }
    const sent = release.has(s.mark.key)
    text += sent ? s.text : `[${MARK_KINDS[s.mark.kind]} withheld]`
    redactions.push(sent ? { kind: s.mark.kind, sent, text: s.text } : { kind: s.mark.kind, sent })
  }
  return { text, redactions }
}
