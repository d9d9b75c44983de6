import { describe, expect, it } from 'vitest'
import { childStatus, isChildStatus, treatedAsChild } from './child.ts'

describe('who is treated as a child (screening rules R01, R02)', () => {
  it.each([
    ['under 18', { age: 16, ageDisputed: false }, 'child'],
    ['18, not disputed', { age: 18, ageDisputed: false }, 'adult'],
    ['18 but age disputed', { age: 18, ageDisputed: true }, 'presumed_child'],
    ['disputed, says 16', { age: null, ageDisputed: true, claimedAge: 16 }, 'presumed_child'],
    ['disputed, says 25', { age: null, ageDisputed: true, claimedAge: 25 }, 'adult'],
    ['only their word that they are 16', { age: null, ageDisputed: false, claimedAge: 16 }, 'presumed_child'],
    ['assessed as an adult', { age: 17, ageDisputed: true, ageAssessment: 'assessed_adult' }, 'assessed_adult'],
    ['assessed as a child', { age: 19, ageDisputed: true, ageAssessment: 'assessed_child' }, 'assessed_child'],
    ['assessment pending: still presumed', { age: 20, ageDisputed: true, ageAssessment: 'pending' }, 'presumed_child'],
    ['nothing known', { age: null, ageDisputed: null }, 'unknown'],
  ] as const)('%s', (_, facts, status) => {
    expect(childStatus(facts)).toBe(status)
  })

  it('treats child, assessed child and presumed child as a child, and nothing else', () => {
    expect(
      [
        'child',
        'assessed_child',
        'presumed_child',
        'adult',
        'assessed_adult',
        'unknown',
        'no_identified_person',
      ].filter(isChildStatus),
    ).toEqual(['child', 'assessed_child', 'presumed_child'])
  })
})

describe('a person record treated as a child', () => {
  const today = '2026-07-15'
  const person = (
    over: Partial<{ date_of_birth: string | null; approximate_age: number | null; age_disputed: boolean }>,
  ) => ({ date_of_birth: null, approximate_age: null, age_disputed: false, ...over })

  it('reads the age from the date of birth on the day', () => {
    expect(treatedAsChild(person({ date_of_birth: '2008-07-16' }), today)).toBe(true)
    expect(treatedAsChild(person({ date_of_birth: '2008-07-15' }), today)).toBe(false)
  })

  it('presumes a child when the age is disputed, even with a date of birth that makes them an adult', () => {
    expect(treatedAsChild(person({ date_of_birth: '2000-01-01', age_disputed: true }), today)).toBe(true)
    expect(treatedAsChild(person({ approximate_age: 22, age_disputed: true }), today)).toBe(true)
    expect(treatedAsChild(person({ age_disputed: true }), today)).toBe(true)
  })

  it('uses an approximate age where there is no date of birth, and does not presume a child when nothing is known', () => {
    expect(treatedAsChild(person({ approximate_age: 15 }), today)).toBe(true)
    expect(treatedAsChild(person({ approximate_age: 30 }), today)).toBe(false)
    expect(treatedAsChild(person({}), today)).toBe(false)
  })
})
