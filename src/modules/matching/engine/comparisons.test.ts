import { describe, expect, it } from 'vitest'
import { COMPARISONS, FIELD, comparePeople, newPairComparison } from './comparisons.ts'
import { preparePerson } from './person-record.ts'

function emailLevel(a: string, b: string): string {
  const pair = comparePeople(
    preparePerson({ id: 'a', emails: [a] }),
    preparePerson({ id: 'b', emails: [b] }),
    newPairComparison(),
  )
  return COMPARISONS[FIELD.email].levels[pair.levels[FIELD.email]].code
}

describe('email comparison', () => {
  it('counts two slips in a long address as close', () => {
    expect(emailLevel('isaac.iames@smjth.com', 'isaac.james@smith.com')).toBe('close')
    expect(emailLevel('fb@reese.com', 'fb@reose.cem')).toBe('close')
  })

  it('does not count two slips that are the whole of a short user name as close', () => {
    // Two different people at one firm: h.k and f.j differ in every letter they have.
    expect(emailLevel('h.k@sharp.com', 'f.j@sharp.com')).toBe('different')
  })
})
