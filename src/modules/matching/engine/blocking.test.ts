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
