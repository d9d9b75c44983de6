import { londonDate } from '#src/shared/dates.ts'
import { loadBankHolidays, loadSchedule4 } from './legal-data.ts'
import type { Facts } from './screening.facts.ts'
import { assess, DEFAULT_SCREENING_CONFIG, type ScreeningConfig } from './screening.rules.ts'
import { addWorkingDays } from './working-days.ts'

/** Screening with the legal reference data loaded once; the rules stay pure. */
export function createScreeningService(options: { config?: ScreeningConfig } = {}) {
  const schedule4 = loadSchedule4()
  const holidays = loadBankHolidays()
  const config = options.config ?? DEFAULT_SCREENING_CONFIG
  return {
    assess: (facts: Facts, today = londonDate()) => assess(facts, { schedule4, today, config }),
    /** The reasonable grounds target: 5 working days after the referral (England and Wales bank holidays). */
    reasonableGroundsDue: (referredOn: string) => addWorkingDays(referredOn, 5, holidays),
    schedule4AsOf: schedule4.asOf,
  }
}

export type ScreeningService = ReturnType<typeof createScreeningService>
