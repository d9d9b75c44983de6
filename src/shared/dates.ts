/**
 * Dates as a UK police team reads them: calendar dates as 'YYYY-MM-DD', instants shown in Europe/London.
 */
export const TIME_ZONE = 'Europe/London'

const dateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
})
const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
})

// A calendar date has no time zone: formatted as UTC midnight. Made once: building an Intl.DateTimeFormat
// costs tens of microseconds, and a page of search results formats fifty dates.
const calendarDateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
})

/** 'YYYY-MM-DD' or an instant → "4 March 2026". */
export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return ''
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const [y, m, d] = value.split('-').map(Number)
    return calendarDateFormat.format(Date.UTC(y, m - 1, d))
  }
  return dateFormat.format(new Date(value))
}

/** An instant → "4 Mar 2026, 14:05" in London time. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (!value) return ''
  return dateTimeFormat.format(new Date(value))
}

function londonParts(instant: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((p) => [p.type, p.value]))
  return { y: +parts.year, mo: +parts.month, d: +parts.day, h: +parts.hour % 24, mi: +parts.minute, s: +parts.second }
}

/** London wall-clock date and time → the UTC instant (handles the clock changes). */
export function londonToInstant(date: string, time = '00:00'): Date {
  const [y, mo, d] = date.split('-').map(Number)
  const [h, mi] = time.split(':').map(Number)
  const wanted = Date.UTC(y, mo - 1, d, h, mi)
  let guess = wanted
  for (let i = 0; i < 3; i++) {
    const p = londonParts(guess)
    const shown = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi)
    guess += wanted - shown
  }
  return new Date(guess)
}

/** The London calendar date of an instant, as 'YYYY-MM-DD'. */
export function londonDate(instant: Date = new Date()): string {
  const p = londonParts(instant.getTime())
  return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`
}

/** The London wall-clock time of an instant, as 'HH:MM'. */
export function londonTime(instant: Date): string {
  const p = londonParts(instant.getTime())
  return `${String(p.h).padStart(2, '0')}:${String(p.mi).padStart(2, '0')}`
}

export function isRealDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1) return false
  const date = new Date(Date.UTC(year, month - 1, day))
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
}

export function isoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/**
 * The calendar date `days` after (or before, if negative) a date, both 'YYYY-MM-DD'. Counted in UTC, which has no
 * clock changes, so the answer does not depend on the time of day or on British Summer Time.
 */
export function addCalendarDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10)
}

/** Whole years between a date of birth and a date. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number)
  const [y, m, d] = on.split('-').map(Number)
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0)
}
