import { describe, expect, it } from 'vitest'
import { addCalendarDays, ageOn, formatDate, isRealDate, londonDate, londonToInstant } from './dates.ts'
import { checkDateInput, readDateInput } from '#src/platform/http/date-input.ts'

describe('London time', () => {
  it('converts winter (GMT) and summer (BST) wall-clock times to the right instant', () => {
    expect(londonToInstant('2026-01-15', '09:30').toISOString()).toBe('2026-01-15T09:30:00.000Z')
    expect(londonToInstant('2026-07-15', '09:30').toISOString()).toBe('2026-07-15T08:30:00.000Z')
    // The day the clocks go forward: midnight is still GMT.
    expect(londonToInstant('2026-03-29').toISOString()).toBe('2026-03-29T00:00:00.000Z')
  })

  it('gives the London calendar date of an instant just after midnight in summer', () => {
    expect(londonDate(new Date('2026-07-14T23:30:00Z'))).toBe('2026-07-15')
  })

  it('formats calendar dates without shifting them', () => {
    expect(formatDate('2008-03-31')).toBe('31 March 2008')
  })

  it('computes whole years of age', () => {
    expect(ageOn('2010-05-20', '2026-05-19')).toBe(15)
    expect(ageOn('2010-05-20', '2026-05-20')).toBe(16)
  })

  it('knows real dates from impossible ones', () => {
    expect(isRealDate(2024, 2, 29)).toBe(true)
    expect(isRealDate(2026, 2, 29)).toBe(false)
    expect(isRealDate(2026, 13, 1)).toBe(false)
  })
})

describe('GOV.UK date input checks', () => {
  it.each([
    [{ day: '', month: '', year: '' }, 'Enter date received', 'day'],
    [{ day: '4', month: '', year: '2026' }, 'Date received must include a month', 'month'],
    [{ day: '', month: '', year: '2026' }, 'Date received must include a day and month', 'day'],
    [{ day: '31', month: '2', year: '2026' }, 'Date received must be a real date', 'day'],
    [{ day: 'x', month: '2', year: '2026' }, 'Date received must be a real date', 'day'],
    [{ day: '1', month: '1', year: '26' }, 'Date received must be a real date', 'year'],
    [{ day: '1', month: '1', year: '2999' }, 'Date received must be today or in the past', 'day'],
  ])('%o → %s', (parts, message, part) => {
    const result = checkDateInput(parts, 'Date received', { required: true, notInFuture: true })
    expect(result).toEqual({ ok: false, message, part })
  })

  it('accepts a real past date and an empty optional one', () => {
    expect(
      checkDateInput({ day: '4', month: '3', year: '2026' }, 'Date received', { required: true, notInFuture: true }),
    ).toEqual({ ok: true, value: '2026-03-04' })
    expect(checkDateInput({ day: '', month: '', year: '' }, 'Date of birth', { required: false })).toEqual({
      ok: true,
      value: null,
    })
  })
})

describe('calendar days', () => {
  it('adds and takes away days across month, year and leap-day ends', () => {
    expect(addCalendarDays('2026-01-31', 1)).toBe('2026-02-01')
    expect(addCalendarDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addCalendarDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addCalendarDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(addCalendarDays('2026-07-15', 0)).toBe('2026-07-15')
  })

  it('is not moved by the clocks changing', () => {
    expect(addCalendarDays('2026-03-28', 1)).toBe('2026-03-29')
    expect(addCalendarDays('2026-03-29', 1)).toBe('2026-03-30')
    expect(addCalendarDays('2026-10-25', -1)).toBe('2026-10-24')
  })
})

describe('a GOV.UK date input read from a form', () => {
  it('gives the date and no problem when it is real', () => {
    const errors = {}
    expect(
      readDateInput(
        { 'dueOn-day': '3', 'dueOn-month': '9', 'dueOn-year': '2026' },
        'dueOn',
        'Due date',
        { required: true },
        errors,
      ),
    ).toBe('2026-09-03')
    expect(errors).toEqual({})
  })

  it('puts the problem on the box it is about', () => {
    const errors = {}
    expect(
      readDateInput(
        { 'dueOn-day': '3', 'dueOn-month': '', 'dueOn-year': '2026' },
        'dueOn',
        'Due date',
        { required: true },
        errors,
      ),
    ).toBeNull()
    expect(errors).toEqual({ 'dueOn-month': 'Due date must include a month' })
  })

  it('reads an empty optional date as null, and refuses an empty required one', () => {
    const errors: Record<string, string> = {}
    expect(readDateInput({}, 'heldOn', 'Date held', { required: false }, errors)).toBeNull()
    expect(errors).toEqual({})
    expect(readDateInput({}, 'dueOn', 'Due date', { required: true }, errors)).toBeNull()
    expect(errors).toEqual({ 'dueOn-day': 'Enter due date' })
  })

  it('refuses a future date where it must be in the past', () => {
    const errors = {}
    expect(
      readDateInput(
        { 'on-day': '1', 'on-month': '1', 'on-year': '2999' },
        'on',
        'Date',
        { required: true, notInFuture: true },
        errors,
      ),
    ).toBeNull()
    expect(errors).toEqual({ 'on-day': 'Date must be today or in the past' })
  })
})
