import type { Schedule4, Schedule4Offence } from './legal-data.ts'

/**
 * Is a suspected offence, as an officer describes it, in Schedule 4 (where the s45 defence does not apply)?
 * A match needs every significant word of one of the offence's names ("robbery", "assault with intent to
 * rob") in the description, or a citation of the same act and section. Decision support only: the answer
 * says which entry matched and how sure the list is.
 */
const STOP = new Set(['a', 'an', 'the', 'of', 'to', 'in', 'or', 'and', 'etc', 'by', 'for', 'with', 'on', 'at', 'so', 'as', 'be', 'its', 'own', 'other', 'than', 'certain'])

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^a-z0-9]+/)
    .filter((w) => w && !STOP.has(w))
}

function stem(word: string): string {
  return word.replace(/(ing|ed|es|s)$/, '')
}

function phrases(offence: Schedule4Offence): string[][] {
  return offence.name
    .split(/,| or |;|:/)
    .map((p) => words(p).map(stem))
    .filter((p) => p.length > 0)
}

const ACT_SECTION = /\bs(?:ection)?\.?\s*(\d+[a-z]?)\b/i

export type Schedule4Match = { offence: Schedule4Offence; how: 'name' | 'citation' }

export type Schedule4Finding = {
  /** `listed`: a confirmed entry with no qualifier. `possibly`: an unconfirmed entry, or one that applies only in some circumstances. */
  status: 'listed' | 'possibly' | 'not-found'
  matches: { act: string; section: string | null; name: string; status: string; qualifier: string | null }[]
  message: string
  asOf: string
}

export function matchSchedule4(description: string, schedule: Schedule4): Schedule4Finding {
  const text = new Set(words(description).map(stem))
  const citation = ACT_SECTION.exec(description)?.[1]?.toUpperCase()
  const year = /\b(1[89]\d\d|20\d\d)\b/.exec(description)?.[1]
  const matches: Schedule4Match[] = []
  for (const offence of schedule.offences) {
    if (phrases(offence).some((phrase) => phrase.every((w) => text.has(w)))) matches.push({ offence, how: 'name' })
    else if (citation && year && offence.section?.toUpperCase().startsWith(citation) && offence.act.includes(year)) matches.push({ offence, how: 'citation' })
  }
  const listed = matches.filter((m) => m.offence.status === 'confirmed' && !m.offence.qualifier)
  const status = listed.length > 0 ? 'listed' : matches.length > 0 ? 'possibly' : 'not-found'
  const describe = (m: Schedule4Match) => `${m.offence.name} (${m.offence.act}${m.offence.section ? ` s${m.offence.section}` : ''})`
  const message =
    status === 'listed'
      ? `Schedule 4 lists ${listed.map(describe).join('; ')}: the s45 defence is not available for it. Referral and safeguarding duties still apply.`
      : status === 'possibly'
        ? `Possibly a Schedule 4 offence: check the current schedule (${matches.map((m) => describe(m) + (m.offence.qualifier ? `, ${m.offence.qualifier}` : m.offence.status === 'unconfirmed' ? ', entry unconfirmed' : '')).join('; ')}).`
        : `Not found among the Schedule 4 entries Lantern holds (as of ${schedule.asOf}). Verify against the current schedule.`
  return {
    status,
    matches: matches.map((m) => ({ act: m.offence.act, section: m.offence.section, name: m.offence.name, status: m.offence.status, qualifier: m.offence.qualifier ?? null })),
    message,
    asOf: schedule.asOf,
  }
}
