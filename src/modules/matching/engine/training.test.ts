import { describe, expect, it } from 'vitest'
import { matchBatch } from './batch.ts'
import { comparePeople, COMPARISONS, FIELD, newPairComparison } from './comparisons.ts'
import { PersonIndex } from './person-index.ts'
import { preparePerson, type PersonInput } from './person-record.ts'
import { dateWhenNamesAgree, randomGenerator } from './training.ts'

const GIVEN = [
  'HELGA',
  'JUTTA',
  'PETER',
  'KLAUS',
  'SABINE',
  'MONIKA',
  'STEFAN',
  'HANS',
  'GERDA',
  'OTTO',
  'UWE',
  'HEIKE',
  'RALF',
  'ELKE',
  'HORST',
  'INGRID',
]
const FAMILY = [
  'MEIER',
  'FUCHS',
  'SCHMIDT',
  'KRAUSE',
  'ENGEL',
  'MUELLER',
  'WEBER',
  'HOFFMANN',
  'BECKER',
  'LANGE',
  'WAGNER',
  'SCHULZ',
]

/** Names and dates only, as RLdata: one record in ten copied with a slip in a name or one part of the date. */
function namesAndDates(n: number, seed: number): PersonInput[] {
  const random = randomGenerator(seed)
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]
  const out: PersonInput[] = []
  for (let i = 0; i < n; i++) {
    out.push({
      id: `p${i}`,
      givenName: pick(GIVEN),
      familyName: pick(FAMILY),
      dateOfBirth: {
        year: 1925 + Math.floor(random() * 80),
        month: 1 + Math.floor(random() * 12),
        day: 2 + Math.floor(random() * 27),
      },
    })
  }
  for (let i = 0; i < n / 10; i++) {
    const o = out[i]
    const copy = { ...o, id: `d${i}` }
    if (random() < 0.5) copy.familyName = `${o.familyName!}X`
    else
      copy.dateOfBirth = {
        ...(o.dateOfBirth as { year: number; month: number; day: number }),
        day: 2 + Math.floor(random() * 27),
      }
    out.push(copy)
  }
  return out
}

describe('unsupervised training', () => {
  it('does not let a level no session can check (a day and month swapped) outweigh two different names', () => {
    const records = namesAndDates(4000, 9)
    const { model } = matchBatch(records.map(preparePerson), { maxRandomPairs: 20_000 })
    const swapped = model.parameters.comparisons[FIELD.dateOfBirth].levels.find((l) => l.code === 'swapped')!
    // Hardly ever seen among 20,000 random pairs, it is taken to be as rare as that says, no rarer.
    expect(Math.log2(swapped.m / swapped.u)).toBeLessThan(20)
    const pair = comparePeople(
      preparePerson({ id: 'a', givenName: 'HELGA', familyName: 'MEIER', dateOfBirth: '1997-11-02' }),
      preparePerson({ id: 'b', givenName: 'HORST', familyName: 'FUCHS', dateOfBirth: '1997-02-11' }),
      newPairComparison(),
    )
    expect(COMPARISONS[FIELD.dateOfBirth].levels[pair.levels[FIELD.dateOfBirth]].code).toBe('swapped')
    expect(model.score(pair).probability).toBeLessThan(0.5)
  })

  it('puts λ near the true share of matches among all pairs, not inflated by namesakes among the candidates', () => {
    const records = namesAndDates(4000, 9)
    const truePairs = 400
    const n = records.length
    const batch = matchBatch(records.map(preparePerson), { maxRandomPairs: 20_000 })
    // Candidates were chosen for sharing a name: two different people among them agree on names far more
    // often than random pairs do. Counted as matches, they put λ at 2.6 times the truth and 4 in 200 of the
    // pairs accepted were namesakes.
    expect(batch.training!.expectedMatches).toBeLessThan(truePairs * 1.25)
    expect(batch.training!.expectedMatches).toBeGreaterThan(truePairs * 0.4)
    expect(batch.model.parameters.lambda).toBeLessThan((1.25 * truePairs) / ((n * (n - 1)) / 2))
    const person = (i: number) => records[i].id.slice(1)
    let accepted = 0
    let right = 0
    for (let k = 0; k < batch.left.length; k++) {
      if (batch.probability[k] < batch.threshold) continue
      accepted++
      if (person(batch.left[k]) === person(batch.right[k])) right++
    }
    expect(accepted).toBeGreaterThan(150)
    expect(right / accepted).toBeGreaterThanOrEqual(0.98)
  })
})

/** Many distinct names, as a real register has: one record in eight copied with one slip in a name or in the date. */
function variedNamesAndDates(n: number, seed: number) {
  const random = randomGenerator(seed)
  const syllables = ['AN', 'BER', 'CHRI', 'DA', 'EL', 'FRI', 'GU', 'HEL', 'IN', 'JO', 'KAR', 'LO', 'MA', 'NO', 'RU']
  const word = (parts: number) =>
    Array.from({ length: parts }, () => syllables[Math.floor(random() * syllables.length)]).join('')
  const givens = Array.from({ length: 120 }, () => word(2))
  const families = Array.from({ length: 200 }, () => word(3))
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]
  const records: (PersonInput & { person: number; dateSlip: boolean })[] = []
  for (let i = 0; i < n; i++) {
    records.push({
      id: `p${i}`,
      person: i,
      dateSlip: false,
      givenName: pick(givens),
      familyName: pick(families),
      dateOfBirth: {
        year: 1930 + Math.floor(random() * 70),
        month: 1 + Math.floor(random() * 12),
        day: 2 + Math.floor(random() * 27),
      },
    })
  }
  for (let i = 0; i < n / 8; i++) {
    const o = records[i]
    const date = o.dateOfBirth as { year: number; month: number; day: number }
    const copy = { ...o, id: `d${i}`, dateSlip: false }
    const k = random()
    if (k < 0.5) copy.familyName = `${o.familyName!.slice(0, 2)}${o.familyName!.slice(3)}`
    else {
      copy.dateSlip = true
      // One part of the date given wrongly, the other two right: a year from an assessed age, a day misheard.
      if (k < 0.7) copy.dateOfBirth = { ...date, year: 1930 + Math.floor(random() * 70) }
      else if (k < 0.85) copy.dateOfBirth = { ...date, day: 2 + Math.floor(random() * 27) }
      else copy.dateOfBirth = { ...date, month: 1 + Math.floor(random() * 12) }
    }
    records.push(copy)
  }
  return records
}

describe('dates of matches whose names agree', () => {
  it('finds, from the namesakes among the records, how many same-name pairs are one person and how their dates differ', () => {
    const u = Float64Array.from(COMPARISONS[FIELD.dateOfBirth].levels, (l) => l.u)
    const total = u.reduce((sum, x) => sum + x, 0)
    const uNormal = u.map((x) => x / total)
    // 400 matches whose dates differ as below, among 5,000 namesakes whose dates are as random pairs' are.
    const levels = COMPARISONS[FIELD.dateOfBirth].levels
    const truth = Float64Array.from(levels, (l) => (l.agreement === 'disagree' ? l.m : 0))
    const rest = 1 - truth.reduce((sum, x) => sum + x, 0)
    const at = (code: string) => levels.findIndex((l) => l.code === code)
    truth[at('exact')] = 0.3 * rest
    truth[at('day-one-digit')] = 0.3 * rest
    truth[at('other-year')] = 0.25 * rest
    truth[at('other-day')] = 0.15 * rest
    const histogram = Float64Array.from(levels, (_, l) => 400 * truth[l] + 5000 * uNormal[l])
    const estimate = dateWhenNamesAgree(histogram, uNormal)!
    expect(estimate.matches).toBeGreaterThan(390)
    expect(estimate.matches).toBeLessThan(410)
    for (const code of ['exact', 'day-one-digit', 'other-year', 'other-day'])
      expect(estimate.m[at(code)]).toBeCloseTo(truth[at(code)], 2)
  })

  it('takes a slip of one digit in the date for one person, even with a common name, and namesakes born years apart for two', () => {
    const records = variedNamesAndDates(6000, 5)
    const { model } = matchBatch(records.map(preparePerson), { maxRandomPairs: 50_000 })
    const index = new PersonIndex({ model })
    for (const r of records) index.add(r)
    const commonest = (key: 'givenName' | 'familyName') => {
      const counts = new Map<string, number>()
      for (const r of records) counts.set(r[key]!, (counts.get(r[key]!) ?? 0) + 1)
      return [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0]
    }
    const probability = (names: Partial<PersonInput>, a: string, b: string) => {
      index.add({ id: 'x', ...names, dateOfBirth: a })
      index.add({ id: 'y', ...names, dateOfBirth: b })
      return index.compare(index.get('x')!, index.get('y')!).probability
    }
    // A name no other record holds: a digit out in the day, the month or the year is one person.
    const rare = { givenName: 'WOLFRAM', familyName: 'ZIEGENHALS' }
    for (const other of ['1961-05-17', '1961-08-14', '1967-05-14'])
      expect(probability(rare, '1961-05-14', other)).toBeGreaterThanOrEqual(model.threshold)
    // The commonest given and family name: a digit out in the month is still one person (strangers who share
    // a year and a day of birth are rare, and the slip is the kind this set's copies make), but born the same
    // day of another year, or 27 years apart, is no better than a namesake.
    const common = { givenName: commonest('givenName'), familyName: commonest('familyName') }
    expect(probability(common, '1961-05-14', '1961-08-14')).toBeGreaterThanOrEqual(model.threshold)
    expect(probability(common, '1961-05-14', '1938-05-14')).toBeLessThan(model.threshold)
    expect(probability(common, '1950-04-12', '1977-09-25')).toBeLessThan(0.5)
  })

  it('accepts people whose only slip is one part of the date, at a precision of 0.98 or more', () => {
    const records = variedNamesAndDates(6000, 21)
    const { model, left, right, probability, threshold } = matchBatch(records.map(preparePerson), {
      maxRandomPairs: 50_000,
    })
    expect(model.parameters.dateWhenNamesAgree).toBeDefined()
    const dateWeight = (a: string, b: string, given = 'JOHELKAR') => {
      const pair = comparePeople(
        preparePerson({ id: 'a', givenName: given, familyName: 'ANBERCHRI', dateOfBirth: a }),
        preparePerson({ id: 'b', givenName: 'JOHELKAR', familyName: 'ANBERCHRI', dateOfBirth: b }),
        newPairComparison(),
      )
      return model.explain(pair).find((e) => e.field === 'dateOfBirth')!.weight
    }
    // With both names right, the same birthday in another year is evidence for, dates far apart against; with
    // a name wrong as well, a wrong year is no longer a slip this set's copies make.
    expect(dateWeight('1950-04-12', '1977-04-12')).toBeGreaterThan(2)
    expect(dateWeight('1950-04-12', '1977-09-25')).toBeLessThan(0)
    expect(dateWeight('1950-04-12', '1977-04-12', 'JOHELKA')).toBeLessThan(dateWeight('1950-04-12', '1977-04-12'))

    let accepted = 0
    let right_ = 0
    let dateSlips = 0
    let dateSlipsFound = 0
    for (const r of records) if (r.dateSlip) dateSlips++
    for (let k = 0; k < left.length; k++) {
      const a = records[left[k]]
      const b = records[right[k]]
      const same = a.person === b.person
      if (probability[k] < threshold) continue
      accepted++
      if (same) right_++
      if (same && (a.dateSlip || b.dateSlip)) dateSlipsFound++
    }
    expect(right_ / accepted).toBeGreaterThanOrEqual(0.98)
    expect(dateSlipsFound / dateSlips).toBeGreaterThan(0.5)
  })
})
