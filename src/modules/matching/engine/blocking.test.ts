import { describe, expect, it } from 'vitest'
import { matchBatch } from './batch.ts'
import { PersonIndex } from './person-index.ts'
import { preparePerson, type PersonInput } from './person-record.ts'
import { SyntheticPeople } from './synthetic-people.ts'

/** Share of true pairs blocking brings forward, and candidate pairs per record. */
function blocking(records: readonly (PersonInput & { identity: number })[]) {
  const people = records.map(preparePerson)
  const batch = matchBatch(people, { maxRandomPairs: 20_000 })
  const found = new Set<number>()
  let foundTrue = 0
  for (let k = 0; k < batch.left.length; k++) {
    if (records[batch.left[k]].identity === records[batch.right[k]].identity) {
      foundTrue++
      found.add(batch.left[k] * 1_000_000 + batch.right[k])
    }
  }
  const sizes = new Map<number, number>()
  for (const r of records) sizes.set(r.identity, (sizes.get(r.identity) ?? 0) + 1)
  let truePairs = 0
  for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2
  return {
    recall: foundTrue / truePairs,
    truePairs,
    perRecord: batch.left.length / records.length,
    maxPerRecord: batch.maxCandidatesPerRecord,
  }
}

describe('blocking', () => {
  it('brings forward at least 95% of true pairs in a set dominated by a few common names, with pairs per record bounded', () => {
    // Synthetic referrals: Zipf-skewed names (Nguyen, Smith, Wang are everywhere), typos, other scripts, swapped dates.
    const generator = new SyntheticPeople({ seed: 31, duplicateRate: 0.3 })
    const records = Array.from({ length: 3000 }, () => generator.next())
    const result = blocking(records)
    expect(result.truePairs).toBeGreaterThan(500)
    expect(result.recall).toBeGreaterThanOrEqual(0.95)
    expect(result.perRecord).toBeLessThan(40)
    expect(result.maxPerRecord).toBeLessThanOrEqual(400)
  })

  it('still finds the other record of someone whose name everyone shares, through the date of birth, phone or email', () => {
    // 600 different people all called Nguyen Van Anh (the name keys are far over the cap), and 60 of them
    // recorded a second time with the name spelt another way and one other detail changed.
    const records: (PersonInput & { identity: number })[] = []
    for (let i = 0; i < 600; i++) {
      const dob = `19${60 + (i % 40)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`
      records.push({
        id: `a${i}`,
        identity: i,
        fullName: 'Nguyễn Văn Anh',
        nationality: 'VN',
        dateOfBirth: dob,
        phones: [`07${String(100_000_000 + i * 7919).slice(0, 9)}`],
        emails: [`anh.${i}@example.com`],
      })
    }
    for (let i = 0; i < 60; i++) {
      const original = records[i * 10]
      const variant: PersonInput & { identity: number } = { ...original, id: `b${i}`, fullName: 'Anh Van Nguyen' }
      if (i % 3 === 0) variant.phones = []
      else if (i % 3 === 1) variant.emails = []
      else variant.dateOfBirth = null
      records.push(variant)
    }
    const result = blocking(records)
    expect(result.truePairs).toBe(60)
    expect(result.recall).toBeGreaterThanOrEqual(0.95)
    expect(result.maxPerRecord).toBeLessThanOrEqual(400)
  })

  it('finds a record whose only name is misspelt and whose birth year is one out, or a decade out', () => {
    // Thin records, as in fake_1000: one name, the other side's name mistyped beyond its sound, and the
    // year of birth slipped by one (a birthday near new year, an age a year out) or in its decade digit.
    const index = new PersonIndex()
    index.add({ id: 'a', givenName: 'Alfie', familyName: 'Griffiths', dateOfBirth: '2008-05-07' })
    index.add({ id: 'b', givenName: 'Oliver', familyName: 'Hughes', dateOfBirth: '1983-03-07' })
    // Fillers that share nothing, so the only way in is the keys under test.
    for (let i = 0; i < 50; i++)
      index.add({ id: `f${i}`, givenName: `Zed${i}`, familyName: `Quill${i}`, dateOfBirth: `19${10 + i}-01-15` })
    expect(
      index.candidates({ id: 'q1', givenName: 'Alfie', familyName: 'Grffhs', dateOfBirth: '2009-04-07' }),
    ).toContain('a')
    expect(index.candidates({ id: 'q2', givenName: 'Oliver', dateOfBirth: '1973-03-09' })).toContain('b')
    // Two years out and a different month is not brought forward by a name alone.
    expect(index.candidates({ id: 'q3', givenName: 'Oliver', dateOfBirth: '1985-09-20' })).not.toContain('b')
  })

  it('finds a record with a slip in each name and in one part of the date, among common names', () => {
    // A copy with a letter slipped in each name changes both names' sound, and a slip in the year (1970 for
    // 1974) is neither one year out nor a decade out: only the names' first letters and the rest of the
    // date are left to find it by.
    const index = new PersonIndex()
    index.add({ id: 'a', givenName: 'George', familyName: 'Allen', dateOfBirth: '1974-05-14' })
    index.add({ id: 'b', givenName: 'Scarlett', familyName: 'Adams', dateOfBirth: '1997-05-03' })
    for (let i = 0; i < 50; i++)
      index.add({ id: `f${i}`, givenName: `Zed${i}`, familyName: `Quill${i}`, dateOfBirth: `19${10 + i}-01-15` })
    expect(
      index.candidates({ id: 'q1', givenName: 'Gegrge', familyName: 'Alleh', dateOfBirth: '1970-05-14' }),
    ).toContain('a')
    // The family name alone, slipped, and the month slipped.
    expect(index.candidates({ id: 'q2', familyName: 'Adamis', dateOfBirth: '1997-02-03' })).toContain('b')
    // The same first letters with only one part of the date in common is not enough.
    expect(
      index.candidates({ id: 'q3', givenName: 'Gegrge', familyName: 'Alleh', dateOfBirth: '1970-06-14' }),
    ).not.toContain('a')
  })

  it('brings forward 95% of true pairs when every copy has a slip in a name and in its date, among a few common names', () => {
    // People drawn from twenty given and twenty family names, as a large force's records are dominated by
    // a few; each recorded twice, the copy with a letter replaced, added or dropped in one name (or the name
    // missing) and one part of its date of birth changed, so no copy keeps the full date.
    const given =
      'Oliver George Harry Jack Jacob Noah Charlie Thomas Oscar William Olivia Amelia Isla Ava Emily Isabella Mia Poppy Ella Lily'.split(
        ' ',
      )
    const family =
      'Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker White Edwards Hughes Green Hall'.split(
        ' ',
      )
    let seed = 7
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0
      return seed / 2 ** 32
    }
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]
    const slip = (s: string) => {
      const at = 1 + Math.floor(random() * (s.length - 1))
      const letter = 'abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 26)]
      const k = random()
      if (k < 0.34) return s.slice(0, at) + letter + s.slice(at + 1)
      if (k < 0.67) return s.slice(0, at) + letter + s.slice(at)
      return s.slice(0, at) + s.slice(at + 1)
    }
    const records: (PersonInput & { identity: number })[] = []
    for (let person = 0; person < 1200; person++) {
      const year = 1950 + Math.floor(random() * 60)
      const month = 1 + Math.floor(random() * 12)
      const day = 1 + Math.floor(random() * 28)
      const base = { givenName: pick(given), familyName: pick(family) }
      for (let c = 0; c < 2; c++) {
        const r: PersonInput & { identity: number } = { id: `${person}-${c}`, identity: person, ...base }
        const part = random()
        r.dateOfBirth = {
          year: c > 0 && part < 0.34 ? year - 1 - Math.floor(random() * 9) : year,
          month: c > 0 && part >= 0.34 && part < 0.67 ? 1 + ((month + Math.floor(random() * 10)) % 12) : month,
          day: c > 0 && part >= 0.67 ? 1 + ((day + Math.floor(random() * 20)) % 28) : day,
        }
        if (c > 0) {
          const k = random()
          if (k < 0.25) r.givenName = null
          else if (k < 0.5) r.familyName = null
          else if (k < 0.75) r.givenName = slip(base.givenName)
          else r.familyName = slip(base.familyName)
        }
        records.push(r)
      }
    }
    const result = blocking(records)
    expect(result.truePairs).toBe(1200)
    expect(result.recall).toBeGreaterThanOrEqual(0.95)
    expect(result.perRecord).toBeLessThan(40)
    expect(result.maxPerRecord).toBeLessThanOrEqual(400)
  })

  it('finds a census-style record with no date of birth through a name and the place of birth', () => {
    const index = new PersonIndex()
    index.add({ id: 'a', givenName: 'John', familyName: 'Harrison', birthPlace: 'Leeds' })
    index.add({ id: 'c', givenName: 'John', familyName: 'Harrison', birthPlace: 'Truro' })
    // The family name lost (another written in its place), and no date: the given name and the birthplace are left.
    const found = index.candidates({ id: 'q', givenName: 'John', familyName: 'Qvist', birthPlace: 'Leeds' })
    expect(found).toContain('a')
    expect(found).not.toContain('c')
  })
})
