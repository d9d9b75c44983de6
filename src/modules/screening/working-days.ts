/**
 * Working days in England and Wales: Monday to Friday, less bank holidays. Used for the NRM reasonable
 * grounds target (5 working days after referral). Dates are calendar dates, 'YYYY-MM-DD'.
 */
export type BankHolidays = { dates: ReadonlySet<string>; coverageEnd: string; coverageStart: string }

function toUtc(date: string): Date {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d))
}

function fromUtc(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function isWorkingDay(date: string, holidays: BankHolidays): boolean {
  const day = toUtc(date).getUTCDay()
  return day !== 0 && day !== 6 && !holidays.dates.has(date)
}

export type WorkingDayResult = {
  date: string
  /** Set when the calculation ran past the last year of the bank-holiday list: holidays after it are unknown. */
  warning: string | null
}

/** The date `days` working days after `start` (the start day itself does not count). */
export function addWorkingDays(start: string, days: number, holidays: BankHolidays): WorkingDayResult {
  if (!Number.isInteger(days) || days < 0) throw new RangeError('days must be a whole number of 0 or more')
  const current = toUtc(start)
  let remaining = days
  while (remaining > 0) {
    current.setUTCDate(current.getUTCDate() + 1)
    if (isWorkingDay(fromUtc(current), holidays)) remaining--
  }
  const date = fromUtc(current)
  const warning =
    date > holidays.coverageEnd
      ? `Bank holidays are only known to ${holidays.coverageEnd}; this date assumes there are none after it. Import the current list.`
      : start < holidays.coverageStart
        ? `Bank holidays are only known from ${holidays.coverageStart}.`
        : null
  return { date, warning }
}
