/**
 * Larger sets of the same kind as a small labelled file, generated at run time from the file's own values
 * (nothing is copied into the repository): the check that precision holds when a set grows, since a set
 * twenty times the size holds twenty times the near-namesakes per person.
 *
 * RLdata-style: RLdata500 and RLdata10000 come from one generator (German first and family names, dates of
 * birth, one record in ten copied with a slip). This draws first names, family names and the parts of the
 * date independently from the file's records, one record in ten copied with one slip (two in about one in
 * seven): a letter replaced or added in a name, or one part of the date drawn again, as the file's own
 * duplicates show. Its names come from a few hundred values, so it is harsher than RLdata10000, not easier.
 */
import { randomGenerator, type PersonInput } from '#src/modules/matching/engine/index.ts'

export interface GeneratedSet {
  name: string
  inputs: PersonInput[]
  clusters: string[]
}

type Row = Record<string, string>

export function rldataStyle(rows: readonly Row[], size: number, seed = 1): GeneratedSet {
  const random = randomGenerator(seed)
  const seen = new Set<string>()
  // One record per person, so a slip in the file's own duplicates is not drawn as a name.
  const originals = rows.filter((r) => !seen.has(r.identity) && seen.add(r.identity))
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
  const slip = (s: string) => {
    const at = Math.floor(random() * (s.length + 1))
    const letter = letters[Math.floor(random() * letters.length)]
    return random() < 0.5 ? s.slice(0, at) + letter + s.slice(at + 1) : s.slice(0, at) + letter + s.slice(at)
  }
  const years = originals.map((r) => Number(r.by)).filter(Boolean)
  const low = Math.min(...years)
  const high = Math.max(...years)
  const people = Math.round(size * 0.9)
  const records: { given: string; family: string; year: number; month: number; day: number; cluster: number }[] = []
  for (let i = 0; i < people; i++) {
    records.push({
      given: pick(originals).fname_c1,
      family: pick(originals).lname_c1,
      year: Number(pick(originals).by),
      month: Number(pick(originals).bm),
      day: Number(pick(originals).bd),
      cluster: i,
    })
  }
  const step = Math.floor(people / (size - people))
  for (let i = 0; i < size - people; i++) {
    const copy = { ...records[i * step] }
    const slips = random() < 0.15 ? 2 : 1
    for (let s = 0; s < slips; s++) {
      const k = random()
      if (k < 0.25) copy.given = slip(copy.given)
      else if (k < 0.5) copy.family = slip(copy.family)
      else if (k < 0.66) copy.year = low + Math.floor(random() * (high - low + 1))
      else if (k < 0.83) copy.month = 1 + Math.floor(random() * 12)
      else copy.day = 1 + Math.floor(random() * 28)
    }
    records.push(copy)
  }
  return {
    name: `RLdata-style ${size.toLocaleString('en-GB')} (from rldata500.csv)`,
    inputs: records.map((r, i) => ({
      id: String(i),
      givenName: r.given,
      familyName: r.family,
      dateOfBirth: { year: r.year, month: r.month, day: r.day },
    })),
    clusters: records.map((r) => String(r.cluster)),
  }
}
