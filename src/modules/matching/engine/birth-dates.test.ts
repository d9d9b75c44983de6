import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseBirthDate } from './birth-dates.ts'
import { COMPARISONS, dateLevel, FIELD } from './comparisons.ts'

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

  it('grades pairs: exact, swapped, one part a digit out or further, partial, near, far', () => {
    const d = (s: string) => parseBirthDate(s)
    const level = (a: string, b: string | null) => {
      const l = dateLevel(d(a), b === null ? null : d(b))
      return l === -1 ? 'missing' : COMPARISONS[FIELD.dateOfBirth].levels[l].code
    }
    expect(level('1990-03-04', '1990-03-04')).toBe('exact')
    expect(level('1990-03-04', '1990-04-03')).toBe('swapped')
    // One part different, the other two the same, and which part: one digit out (or two transposed) or further.
    expect(level('1990-03-04', '1991-03-04')).toBe('year-one-digit')
    expect(level('1985-03-04', '1958-03-04')).toBe('year-one-digit')
    expect(level('1990-03-04', '1957-03-04')).toBe('other-year')
    expect(level('1990-03-04', '1990-03-07')).toBe('day-one-digit')
    expect(level('1990-03-12', '1990-03-21')).toBe('day-one-digit')
    expect(level('1990-03-04', '1990-03-27')).toBe('other-day')
    expect(level('1990-03-04', '1990-08-04')).toBe('month-one-digit')
    expect(level('1990-03-04', '1990-11-04')).toBe('other-month')
    expect(level('1990-03-04', '1990')).toBe('as-far-as-known')
    expect(level('1990-03-04', '01/01/1990')).toBe('as-far-as-known')
    expect(level('1990-03-04', '1991-01-20')).toBe('within-year')
    expect(level('1990-03-04', '1994-08-20')).toBe('within-5-years')
    expect(level('1990-03-04', '1971-08-20')).toBe('different')
    expect(level('1990-03-04', null)).toBe('missing')
  })

  it('compares dates symmetrically', () => {
    const asFarAsKnown = COMPARISONS[FIELD.dateOfBirth].levels.findIndex((l) => l.code === 'as-far-as-known')
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
        expect(dateLevel(x, x)).toBeLessThanOrEqual(asFarAsKnown)
      }),
    )
  })
})
