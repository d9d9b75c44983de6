import type { Schedule4, Schedule4Offence } from './legal-data.ts'

/**
 * Is a suspected offence, as an officer describes it, in Schedule 4 (where the s45 defence does not apply)?
 *
 * The offence is first identified by its legal identity, statute and section, in one of two ways:
 *  - a citation in the description ("Theft Act 1968 s8", "s18 OAPA", "section 25 of the Immigration Act 1971");
 *  - a curated wording tied to a statute and section (reference-data/legal/msa-schedule-4-aliases.json), or a
 *    Schedule 4 entry's own name used whole. A wording matches only as whole words, and the longest wording
 *    wins, so "possession with intent to supply" is never read as "possession", nor "drugs" as the Road
 *    Traffic Act's "drink or drugs". Names are never split on " or " or into single words.
 * Whether the identified offence is in Schedule 4 is then looked up by statute and section in the schedule.
 * Decision support only: the answer says what was identified, how, and how sure the list is.
 */

export type OffenceIdentity = { act: string; section: string | null; name: string }

export type IdentifiedOffence = OffenceIdentity & {
  how: 'citation' | 'wording'
  /** The words in the description that identified it. */
  wording: string
  schedule4: 'listed' | 'possibly' | 'not-listed'
}

export type Schedule4Finding = {
  /** `listed`: a confirmed entry with no qualifier. `possibly`: an unconfirmed entry, one that applies only in some circumstances, or an attempt or conspiracy. */
  status: 'listed' | 'possibly' | 'not-found'
  identified: IdentifiedOffence[]
  matches: { act: string; section: string | null; name: string; status: string; qualifier: string | null }[]
  message: string
  asOf: string
}

/** Lower case; "section 18", "s. 18", "ss 4" become "s18"/"s4"; anything but letters, digits and brackets becomes one space. */
export function normaliseOffenceText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .replace(/\b(?:sections?|secs?|ss?)\s*\.?\s*(?=\d)/g, 's')
    .replace(/[^a-z0-9()]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** Every whole-word occurrence of a phrase in normalised text. */
function occurrences(text: string, phrase: string): { start: number; end: number }[] {
  if (!phrase) return []
  const re = new RegExp(`(?<![a-z0-9])${escape(phrase)}(?![a-z0-9])`, 'g')
  return [...text.matchAll(re)].map((m) => ({ start: m.index, end: m.index + m[0].length }))
}

type SectionRef = { base: string; sub: string[] }

/** "17(1)" → 17 [1]; "31(1)(a) or (b)" → 31 [1, a]; "Part 2" → part2 []. */
export function parseSection(section: string): SectionRef {
  const s = section.toLowerCase().trim()
  const part = /^part\s*(\d+)/.exec(s)
  if (part) return { base: `part${part[1]}`, sub: [] }
  const m = /^(\d+[a-z]{0,2})((?:\([0-9a-z]{1,3}\))*)/.exec(s)
  if (!m) return { base: s, sub: [] }
  return { base: m[1], sub: [...m[2].matchAll(/\(([0-9a-z]{1,3})\)/g)].map((x) => x[1]) }
}

/** The same section when the bases agree and the subsections agree as far as both go ("s17" covers 17(1) and 17(2)). */
function sameSection(a: string, b: string): boolean {
  const x = parseSection(a)
  const y = parseSection(b)
  if (x.base !== y.base) return false
  const n = Math.min(x.sub.length, y.sub.length)
  return x.sub.slice(0, n).every((v, i) => v === y.sub[i])
}

/** The Schedule 4 entries with this legal identity. Common-law offences (no section) are identified by name. */
export function scheduleEntriesFor(
  identity: { act: string; section: string | null; name?: string },
  schedule: Schedule4,
): Schedule4Offence[] {
  return schedule.offences.filter(
    (o) =>
      o.act === identity.act &&
      (identity.section === null
        ? o.section === null && o.name === identity.name
        : o.section !== null && sameSection(o.section, identity.section)),
  )
}

type Phrase = { phrase: string; identity: OffenceIdentity }

const phraseCache = new WeakMap<Schedule4, { phrases: Phrase[]; statutes: { phrase: string; act: string }[] }>()

function vocabulary(schedule: Schedule4) {
  const cached = phraseCache.get(schedule)
  if (cached) return cached
  const phrases: Phrase[] = []
  for (const o of schedule.offences)
    phrases.push({ phrase: normaliseOffenceText(o.name), identity: { act: o.act, section: o.section, name: o.name } })
  for (const a of schedule.aliases.offences) {
    const entry = scheduleEntriesFor({ act: a.act, section: a.section, name: a.name }, schedule)[0]
    const identity = {
      act: a.act,
      section: a.section,
      name: a.name ?? entry?.name ?? `${a.act}${a.section ? ` s${a.section}` : ''}`,
    }
    for (const alias of a.aliases) phrases.push({ phrase: normaliseOffenceText(alias), identity })
  }
  const acts = new Set([...schedule.offences.map((o) => o.act), ...schedule.aliases.statutes.map((s) => s.act)])
  acts.delete('Common law')
  const statutes: { phrase: string; act: string }[] = []
  for (const act of acts) {
    statutes.push({ phrase: normaliseOffenceText(act), act })
    const withoutYear = act.replace(/\s*\d{4}$/, '')
    // Without its year an Act's name is ambiguous when two Acts share it (the Public Order Acts 1936 and 1986).
    if ([...acts].filter((other) => other.replace(/\s*\d{4}$/, '') === withoutYear).length === 1)
      statutes.push({ phrase: normaliseOffenceText(withoutYear), act })
  }
  for (const s of schedule.aliases.statutes)
    for (const alias of s.aliases) statutes.push({ phrase: normaliseOffenceText(alias), act: s.act })
  const result = { phrases, statutes }
  phraseCache.set(schedule, result)
  return result
}

const ANCILLARY =
  /(?<![a-z0-9])(attempt(ed|ing)?|conspir\w*|aiding and abetting|aid and abet|encourag\w* or assist\w*)(?![a-z0-9])/

/** Identifies the offences a description names, by citation or by a curated wording. */
export function identifyOffences(description: string, schedule: Schedule4): Omit<IdentifiedOffence, 'schedule4'>[] {
  const text = normaliseOffenceText(description)
  const { phrases, statutes } = vocabulary(schedule)
  const found: (Omit<IdentifiedOffence, 'schedule4'> & { start: number; end: number })[] = []

  // Citations: a section next to a statute ("theft act 1968 s8", "s18 oapa").
  const statuteHits = statutes.flatMap((s) => occurrences(text, s.phrase).map((o) => ({ ...o, act: s.act })))
  const citations = [
    ...text.matchAll(/(?<![a-z0-9])(?:s(\d+[a-z]{0,2})((?:\([0-9a-z]{1,3}\))*)|part (\d+))(?![a-z0-9])/g),
  ]
  for (const c of citations) {
    const start = c.index
    const end = start + c[0].length
    const nearest = statuteHits
      .map((h) => ({ ...h, distance: h.start >= end ? h.start - end : start >= h.end ? start - h.end : 0 }))
      .filter((h) => h.distance <= 40)
      .sort((a, b) => a.distance - b.distance || b.end - b.start - (a.end - a.start))[0]
    if (!nearest) continue
    const section = c[3] ? `Part ${c[3]}` : `${c[1].toUpperCase()}${c[2] ?? ''}`
    const entry = scheduleEntriesFor({ act: nearest.act, section }, schedule)[0]
    const alias = schedule.aliases.offences.find(
      (a) => a.act === nearest.act && a.section !== null && sameSection(a.section, section) && a.name,
    )
    found.push({
      act: nearest.act,
      section,
      name: entry?.name ?? alias?.name ?? `${nearest.act} s${section}`,
      how: 'citation',
      wording: description.trim(),
      start: Math.min(start, nearest.start),
      end: Math.max(end, nearest.end),
    })
  }

  // Wordings. Citations and wordings compete: longest first, never overlapping a longer one already taken
  // (an entry's full name that mentions "section 4 ... of the Public Order Act 1986" is that entry, not s4).
  const candidates = [
    ...found.splice(0),
    ...phrases.flatMap((p) =>
      occurrences(text, p.phrase).map((o) => ({
        ...p.identity,
        how: 'wording' as const,
        wording: text.slice(o.start, o.end),
        ...o,
      })),
    ),
  ]
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)
  const taken: { start: number; end: number }[] = []
  for (const c of candidates) {
    if (taken.some((t) => c.start < t.end && t.start < c.end)) continue
    taken.push({ start: c.start, end: c.end })
    found.push(c)
  }

  const seen = new Set<string>()
  return found
    .sort((a, b) => a.start - b.start)
    .filter((f) => {
      const key = `${f.act}|${f.section ?? f.name}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .map(({ start: _s, end: _e, ...rest }) => rest)
}

const cite = (o: { act: string; section: string | null }) =>
  o.act === 'Common law'
    ? 'common law'
    : `${o.act}${o.section ? (o.section.startsWith('Part') ? ` ${o.section}` : ` s${o.section}`) : ''}`

export function matchSchedule4(description: string, schedule: Schedule4): Schedule4Finding {
  const ancillary = ANCILLARY.test(normaliseOffenceText(description))
  const identified: IdentifiedOffence[] = []
  const matched: Schedule4Offence[] = []
  for (const offence of identifyOffences(description, schedule)) {
    const entries = scheduleEntriesFor(offence, schedule)
    for (const e of entries) if (!matched.includes(e)) matched.push(e)
    const listed = entries.some((e) => e.status === 'confirmed' && !e.qualifier)
    identified.push({
      ...offence,
      schedule4: entries.length === 0 ? 'not-listed' : listed && !ancillary ? 'listed' : 'possibly',
    })
  }
  const status = identified.some((i) => i.schedule4 === 'listed')
    ? 'listed'
    : identified.some((i) => i.schedule4 === 'possibly')
      ? 'possibly'
      : 'not-found'
  const describe = (o: OffenceIdentity) => `${o.name} (${cite(o)})`
  const qualifierOf = (o: OffenceIdentity) => {
    const entries = scheduleEntriesFor(o, schedule)
    const notes = entries
      .map((e) => e.qualifier ?? (e.status === 'unconfirmed' ? 'entry unconfirmed' : null))
      .filter(Boolean)
    if (ancillary && entries.some((e) => e.status === 'confirmed' && !e.qualifier))
      notes.push('an attempt, conspiracy or assistance: the ancillary-offences paragraph is unconfirmed')
    return notes.length ? `, ${[...new Set(notes)].join('; ')}` : ''
  }
  const notListed = identified.filter((i) => i.schedule4 === 'not-listed')
  const notListedText = notListed.length
    ? ` Identified ${notListed.map(describe).join('; ')}, which ${notListed.length === 1 ? 'is' : 'are'} not among the Schedule 4 entries Lantern holds.`
    : ''
  const message =
    status === 'listed'
      ? `Schedule 4 lists ${identified
          .filter((i) => i.schedule4 === 'listed')
          .map(describe)
          .join(
            '; ',
          )}: the s45 defence is not available for it. Referral and safeguarding duties still apply.${notListedText}`
      : status === 'possibly'
        ? `Possibly a Schedule 4 offence: check the current schedule (${identified
            .filter((i) => i.schedule4 === 'possibly')
            .map((i) => describe(i) + qualifierOf(i))
            .join('; ')}).${notListedText}`
        : identified.length
          ? `Identified ${notListed.map(describe).join('; ')}: not among the Schedule 4 entries Lantern holds (as of ${schedule.asOf}; the list Lantern holds is incomplete). Verify against the current schedule.`
          : `Lantern could not identify the statute and section of “${description.trim()}”, so it is not found among the Schedule 4 entries Lantern holds (as of ${schedule.asOf}). Record the statute and section (for example “Theft Act 1968 s8”) and verify against the current schedule.`
  return {
    status,
    identified,
    matches: matched.map((o) => ({
      act: o.act,
      section: o.section,
      name: o.name,
      status: o.status,
      qualifier: o.qualifier ?? null,
    })),
    message,
    asOf: schedule.asOf,
  }
}
