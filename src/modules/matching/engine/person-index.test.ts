import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PersonIndex } from './person-index.ts'
import type { PersonInput } from './person-record.ts'
import { SyntheticPeople } from './synthetic-people.ts'

const people: PersonInput[] = [
  { id: 'p1', fullName: '王小明', dateOfBirth: '1990-05-12', phones: ['07700 100200'] },
  { id: 'p2', givenName: 'Mohammed', familyName: 'Hassan', dateOfBirth: '1985', postcode: 'M14 5TP' },
  { id: 'p3', givenName: 'Katarzyna', familyName: 'Wiśniewska', dateOfBirth: '12/07/1979', postcode: 'B6 4QQ' },
  { id: 'p4', givenName: 'Văn Anh', familyName: 'Nguyễn', dateOfBirth: '2001-02-03', nationality: 'VN' },
  { id: 'p5', givenName: 'Senait', familyName: 'Tesfay', dateOfBirth: '1996-09-21' },
]

function index(): PersonIndex {
  const i = new PersonIndex()
  for (const p of people) i.add(p)
  return i
}

describe('PersonIndex', () => {
  it.each([
    [
      'a Latin spelling of a Han name, given name first',
      { id: 'q', givenName: 'Xiaoming', familyName: 'Wang', dateOfBirth: '1990-05-12' },
      'p1',
    ],
    [
      'an Arabic-script name with a partial date',
      { id: 'q', fullName: 'محمد حسن', dateOfBirth: '1985-06-01', postcode: 'M14 5XX' },
      'p2',
    ],
    [
      'a nickname, a keyboard spelling and a swapped date',
      { id: 'q', givenName: 'Kasia', familyName: 'Wisniewska', dateOfBirth: '07/12/1979' },
      'p3',
    ],
    [
      'a Vietnamese name in English order without tones',
      { id: 'q', fullName: 'Van Anh Nguyen', dateOfBirth: '2001-02-03' },
      'p4',
    ],
    [
      'a Ge\u2019ez-script family name',
      { id: 'q', givenName: 'Senait', familyName: 'ተስፋይ', dateOfBirth: '1996-09-21' },
      'p5',
    ],
  ])('finds %s', (_, query, expected) => {
    const [best] = index().resolve(query)
    expect(best?.id).toBe(expected)
    expect(best.explanation.length).toBeGreaterThan(5)
    expect(best.foundBy.length).toBeGreaterThan(0)
  })

  it('forgets a removed person and re-indexes a replaced one', () => {
    const i = index()
    expect(i.remove('p3')).toBe(true)
    expect(i.remove('p3')).toBe(false)
    expect(i.resolve({ id: 'q', givenName: 'Katarzyna', familyName: 'Wiśniewska', dateOfBirth: '1979-07-12' })).toEqual(
      [],
    )
    i.add({ id: 'p2', givenName: 'Omar', familyName: 'Farouk', dateOfBirth: '1970-01-02' })
    expect(i.size).toBe(4)
    expect(i.resolve({ id: 'q', givenName: 'Omar', familyName: 'Farouk', dateOfBirth: '1970-01-02' })[0].id).toBe('p2')
    expect(i.candidates({ id: 'q', givenName: 'Mohammed', familyName: 'Hassan', dateOfBirth: '1985' })).not.toContain(
      'p2',
    )
  })

  it('never returns the record itself, and respects the limit', () => {
    const i = index()
    expect(i.resolve(people[0]).map((m) => m.id)).not.toContain('p1')
    for (let k = 0; k < 5; k++) i.add({ ...people[1], id: `copy${k}` })
    expect(i.resolve(people[1], { limit: 3 })).toHaveLength(3)
  })

  it('adding then removing people leaves every lookup as it was', () => {
    const generator = new SyntheticPeople({ seed: 5 })
    const held = Array.from({ length: 300 }, () => generator.next())
    const extra = Array.from({ length: 60 }, () => generator.next()).map((p) => ({ ...p, id: `extra-${p.id}` }))
    const i = new PersonIndex()
    for (const p of held) i.add(p)
    const before = held.slice(0, 40).map((p) => i.resolve(p).map((m) => [m.id, m.weight]))
    fc.assert(
      fc.property(fc.subarray(extra, { minLength: 1 }), (added) => {
        for (const p of added) i.add(p)
        for (const p of added) i.remove(p.id)
        expect(held.slice(0, 40).map((p) => i.resolve(p).map((m) => [m.id, m.weight]))).toEqual(before)
      }),
      { numRuns: 15 },
    )
  })

  it('learns a model from the people it holds, without labels, that finds their other records', () => {
    const generator = new SyntheticPeople({ seed: 9 })
    const i = new PersonIndex()
    const records = Array.from({ length: 4000 }, () => generator.next())
    for (const p of records) i.add(p)
    const report = i.train({ sampleSize: 4000, maxRandomPairs: 50_000 })
    expect(report.expectedMatches).toBeGreaterThan(100)
    const identity = new Map(records.map((r) => [r.id, r.identity]))
    let right = 0
    let wrong = 0
    for (const r of records.slice(0, 1500)) {
      for (const m of i.resolve(r, { minProbability: 0.5 })) {
        if (identity.get(m.id) === r.identity) right++
        else wrong++
      }
    }
    expect(right).toBeGreaterThan(50)
    expect(wrong / (right + wrong)).toBeLessThan(0.05)
    expect(JSON.parse(JSON.stringify(i.model)).lambda).toBe(i.model.parameters.lambda)
  })
})
