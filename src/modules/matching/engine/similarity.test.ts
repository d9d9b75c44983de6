import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jaroWinkler, levenshtein, tokenSimilarity, withinOneEdit } from './similarity.ts'

describe('string similarity', () => {
  it.each([
    ['martha', 'marhta', 0.961],
    ['dwayne', 'duane', 0.84],
    ['dixon', 'dicksonx', 0.813],
    ['abc', 'xyz', 0],
  ])('Jaro-Winkler(%s, %s) ≈ %f', (a, b, expected) => {
    expect(jaroWinkler(a, b)).toBeCloseTo(expected, 3)
  })

  it('is symmetric, bounded and 1 only for equal strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        const s = jaroWinkler(a, b)
        expect(s).toBeGreaterThanOrEqual(0)
        expect(s).toBeLessThanOrEqual(1)
        expect(jaroWinkler(b, a)).toBeCloseTo(s, 12)
        if (a.length > 0) expect(jaroWinkler(a, a)).toBe(1)
      }),
    )
  })

  it('withinOneEdit agrees with Levenshtein ≤ 1, plus adjacent swaps', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c') }),
        fc.string({ maxLength: 8, unit: fc.constantFrom('a', 'b', 'c') }),
        (a, b) => {
          if (levenshtein(a, b) <= 1) expect(withinOneEdit(a, b)).toBe(true)
          if (withinOneEdit(a, b)) expect(levenshtein(a, b)).toBeLessThanOrEqual(2)
        },
      ),
    )
    expect(withinOneEdit('19900304', '19900340')).toBe(true)
    expect(withinOneEdit('19900304', '19910340')).toBe(false)
  })

  it('lines up name words regardless of order', () => {
    expect(tokenSimilarity(['xiao', 'ming', 'wang'], ['wang', 'xiao', 'ming'])).toBe(1)
  })
})
