import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseBirthDate } from './birth-dates.ts'
import { dateLevel } from './comparisons.ts'

describe('dates of birth', () => {
  it.each([
    ['19900325', { year: 1990, month: 3, day: 25, text: '19900325' }],
    ['1990-03-25', { year: 1990, month: 3, day: 25 }],
    ['25/03/1990', { year: 1990, month: 3, day: 25 }],
    ['03/25/1990', { year: 1990, month: 3, day: 25 }],
    ['1990-03', { year: 1990, month: 3, day: null, text: null }],
    ['03/1990', { year: 1990, month: 3, day: null }],
    ['approx 1990', { year: 1990, month: null, day: null }],
    ['c. 1990', { year: 1990, month: null }],
  ])('reads %s', (input, expected) => {
    expect(parseBirthDate(input)).toMatchObject(expected)
  })

  it('treats 1 January as "only the year is known"', () => {
    expect(parseBirthDate('01/01/1985')).toEqual({ year: 1985, month: null, day: null, placeholder: true, text: null })
  })

  it('drops placeholder and impossible dates', () => {
    expect(parseBirthDate('1900-01-01')).toBeNull()
    expect(parseBirthDate('00000000')).toBeNull()
    expect(parseBirthDate('not known')).toBeNull()
    expect(parseBirthDate('2999-01-05')).toBeNull()
    expect(parseBirthDate('31/02/1990')).toMatchObject({ year: 1990, month: 2, day: null })
  })

  it('grades pairs: exact, swapped, one digit, one part, partial, near, far', () => {
    const d = (s: string) => parseBirthDate(s)
    expect(dateLevel(d('1990-03-04'), d('1990-03-04'))).toBe(0)
    expect(dateLevel(d('1990-03-04'), d('1990-04-03'))).toBe(1)
    expect(dateLevel(d('1990-03-04'), d('1990-03-07'))).toBe(2)
    // One part different, the other two the same: a year decades out, a day or a month more than a digit out.
    expect(dateLevel(d('1990-03-04'), d('1957-03-04'))).toBe(3)
    expect(dateLevel(d('1990-03-04'), d('1990-03-27'))).toBe(4)
    expect(dateLevel(d('1990-03-04'), d('1990-11-04'))).toBe(5)
    expect(dateLevel(d('1990-03-04'), d('1990'))).toBe(6)
    expect(dateLevel(d('1990-03-04'), d('01/01/1990'))).toBe(6)
    expect(dateLevel(d('1990-03-04'), d('1991-01-20'))).toBe(7)
    expect(dateLevel(d('1990-03-04'), d('1994-08-20'))).toBe(8)
    expect(dateLevel(d('1990-03-04'), d('1971-08-20'))).toBe(9)
    expect(dateLevel(d('1990-03-04'), null)).toBe(-1)
  })

  it('compares dates symmetrically', () => {
    const date = fc.record({
      year: fc.integer({ min: 1930, max: 2010 }),
      month: fc.option(fc.integer({ min: 1, max: 12 })),
      day: fc.option(fc.integer({ min: 1, max: 28 })),
    })
    fc.assert(
      fc.property(date, date, (a, b) => {
        const x = parseBirthDate(a)
        const y = parseBirthDate(b)
        expect(dateLevel(x, y)).toBe(dateLevel(y, x))
        expect(dateLevel(x, x)).toBeLessThanOrEqual(6)
      }),
    )
  })
})
