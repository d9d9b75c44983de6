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

/**
 * fake_1000-style: Splink's fake_1000 and fake_20000 come from one generator (first name, surname, date of
 * birth, city, email; a person has one to seven records, each a copy with values missing or mistyped). This
 * draws people's values independently from the file's (cluster by cluster, the value most of the person's
 * records carry; a date of birth's year, month and day apart), gives each one to seven records, and spoils each copy's fields at the rates the file's own
 * records show: how often a field is missing, and how often a present value differs from the person's usual
 * one. A spoilt name or town has a letter replaced, added, dropped or two letters swapped, or (a name) given
 * and family name written the other way round; a date has its year's last digit, its month or its day
 * changed; an email a letter slipped.
 */
export function fakeStyle(rows: readonly Row[], size: number, seed = 1): GeneratedSet {
  const random = randomGenerator(seed)
  const fields = ['first_name', 'surname', 'dob', 'city', 'email'] as const
  type Field = (typeof fields)[number]
  const byCluster = new Map<string, Row[]>()
  for (const r of rows) byCluster.set(r.cluster, [...(byCluster.get(r.cluster) ?? []), r])
  const usual = (list: readonly Row[], f: Field): string => {
    const counts = new Map<string, number>()
    for (const r of list) if (r[f]) counts.set(r[f], (counts.get(r[f]) ?? 0) + 1)
    let best = ''
    let most = 0
    for (const [v, n] of counts) if (n > most) [best, most] = [v, n]
    return best
  }
  const values = new Map<Field, string[]>(fields.map((f) => [f, []]))
  const missing = new Map<Field, number>()
  const differs = new Map<Field, number>()
  for (const f of fields) {
    let present = 0
    let different = 0
    for (const list of byCluster.values()) {
      const mode = usual(list, f)
      if (mode) values.get(f)!.push(mode)
      for (const r of list) {
        if (!r[f]) continue
        present++
        if (r[f] !== mode) different++
      }
    }
    missing.set(f, 1 - present / rows.length)
    differs.set(f, present === 0 ? 0 : different / present)
  }
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
  const letters = 'abcdefghijklmnopqrstuvwxyz'
  const slip = (s: string) => {
    if (s.length < 2) return s
    const at = Math.floor(random() * s.length)
    const letter = letters[Math.floor(random() * letters.length)]
    const k = random()
    if (k < 0.3) return s.slice(0, at) + letter + s.slice(at + 1)
    if (k < 0.55) return s.slice(0, at) + letter + s.slice(at)
    if (k < 0.8) return s.slice(0, at) + s.slice(at + 1)
    const i = Math.min(at, s.length - 2)
    return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2)
  }
  const dateSlip = (dob: string) => {
    const [y, m, d] = dob.split('-').map(Number)
    const k = random()
    const pad = (n: number) => String(n).padStart(2, '0')
    if (k < 0.34) return `${Math.floor(y / 10) * 10 + Math.floor(random() * 10)}-${pad(m)}-${pad(d)}`
    if (k < 0.67) return `${y}-${pad(1 + Math.floor(random() * 12))}-${pad(d)}`
    return `${y}-${pad(m)}-${pad(1 + Math.floor(random() * 28))}`
  }
  const inputs: PersonInput[] = []
  const clusters: string[] = []
  for (let person = 0; inputs.length < size; person++) {
    const first = pick(values.get('first_name')!)
    const surname = pick(values.get('surname')!)
    const base: Record<Field, string> = {
      first_name: first,
      surname,
      // The parts of the date drawn apart, as the rldata-style set does: the file has only 251 birthdays.
      dob: [0, 1, 2].map((part) => pick(values.get('dob')!).split('-')[part]).join('-'),
      city: pick(values.get('city')!),
      // An address made from the person's own name, at a domain the file uses, as the file's addresses are.
      email: `${first.toLowerCase()}${random() < 0.5 ? '.' : ''}${surname.toLowerCase()}${Math.floor(random() * 100)}@${pick(values.get('email')!).split('@')[1]}`,
    }
    const records = 1 + Math.floor(random() * 7)
    for (let k = 0; k < records && inputs.length < size; k++) {
      const r = { ...base }
      let swapped = false
      for (const f of fields) {
        if (f !== 'dob' && random() < missing.get(f)!) {
          r[f] = ''
          continue
        }
        if (random() >= differs.get(f)!) continue
        if (f === 'dob') r.dob = dateSlip(r.dob)
        else if ((f === 'first_name' || f === 'surname') && !swapped && random() < 0.1) swapped = true
        else r[f] = slip(r[f])
      }
      inputs.push({
        id: String(inputs.length),
        givenName: swapped ? r.surname : r.first_name,
        familyName: swapped ? r.first_name : r.surname,
        dateOfBirth: r.dob || null,
        town: r.city || null,
        emails: r.email ? [r.email] : [],
      })
      clusters.push(String(person))
    }
  }
  return { name: `fake-style ${size.toLocaleString('en-GB')} (from fake_1000.csv)`, inputs, clusters }
}
