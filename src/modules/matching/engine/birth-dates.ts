import { shared } from './intern.ts'

/**
 * Dates of birth as they arrive in referrals: full, year-month, year only, "approx 1990", UK order
 * (DD/MM/YYYY) or ISO, sometimes with the day and month swapped, sometimes a placeholder.
 */
export interface BirthDate {
  readonly year: number
  readonly month: number | null
  readonly day: number | null
  /** 1 January is the usual stand-in when only the year is known: kept, but compared as a year only. */
  readonly placeholder: boolean
  /** YYYYMMDD when complete, else null. */
  readonly text: string | null
}

export type BirthDateInput = string | { year?: number | null; month?: number | null; day?: number | null }

/**
 * Historical and census-style records (parish registers, censuses of the 1800s) carry real dates long before
 * 1901; a cut-off there dropped every one of them, and with it every blocking key and comparison built on the
 * date. Only a year no record could mean is refused, and 1 January 1900, the date many systems fill in for
 * "not known".
 */
const MIN_YEAR = 1500

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n)
}

const dates = new Map<string, BirthDate>()
const THIS_YEAR = new Date().getUTCFullYear()

export function makeBirthDate(
  year: number | null | undefined,
  month?: number | null,
  day?: number | null,
  maxYear = THIS_YEAR,
): BirthDate | null {
  if (!year || !Number.isInteger(year) || year < MIN_YEAR || year > maxYear) return null
  let m = month && month >= 1 ? month : null
  let d = day && day >= 1 ? day : null
  // American order typed into a UK form: 03/25 cannot be month 25, so it was day 25 of March.
  if (m !== null && m > 12 && d !== null && d <= 12) [m, d] = [d, m]
  if (m !== null && m > 12) m = null
  if (m === null) d = null
  if (year === 1900 && m === 1 && d === 1) return null
  if (m !== null && d !== null && d > daysInMonth(year, m)) d = null
  const placeholder = m === 1 && d === 1
  const month_ = m
  const day_ = d
  // Shared: a million people have only ~30,000 distinct birthdays.
  return shared(dates, `${year}|${m}|${d}`, () =>
    placeholder
      ? { year, month: null, day: null, placeholder: true, text: null }
      : {
          year,
          month: month_,
          day: day_,
          placeholder: false,
          text: month_ !== null && day_ !== null ? `${year}${pad(month_)}${pad(day_)}` : null,
        },
  )
}

export function parseBirthDate(input: BirthDateInput | null | undefined): BirthDate | null {
  if (input === null || input === undefined) return null
  if (typeof input !== 'string') return makeBirthDate(input.year ?? null, input.month ?? null, input.day ?? null)
  const s = input.trim().toLowerCase()
  if (!s) return null
  let match = /^(\d{4})(\d{2})(\d{2})$/.exec(s)
  if (match) return makeBirthDate(+match[1], +match[2], +match[3])
  match = /^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?:t.*)?$/.exec(s)
  if (match) return makeBirthDate(+match[1], +match[2], match[3] ? +match[3] : null)
  match = /^(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})$/.exec(s)
  if (match) return makeBirthDate(+match[3], +match[2], +match[1])
  match = /^(\d{1,2})[-/. ](\d{4})$/.exec(s)
  if (match) return makeBirthDate(+match[2], +match[1], null)
  // "1990", "c. 1990", "approx 1990", "about 1990": only the year is known.
  match = /^(?:c\.?|circa|approx\.?|approximately|about|abt\.?|~)?\s*(\d{4})$/.exec(s)
  if (match) return makeBirthDate(+match[1], null, null)
  return null
}

/** Days from 1 January 1900, for "within a year" without Date objects on the hot path. */
export function dayNumber(d: BirthDate): number {
  return d.year * 372 + ((d.month ?? 7) - 1) * 31 + (d.day ?? 16)
}
