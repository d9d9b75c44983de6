import type { EncounteredBy, Location } from './screening.facts.ts'

/** Facts DOMAIN.md marks unconfirmed or that a force may change: configuration, not code. */
export type ScreeningConfig = {
  /** Minimum recovery (support) period in days after a positive reasonable grounds decision. */
  recoveryPeriodDays: Record<Location, number>
  /** Bodies whose staff are under the s52 duty (by statute, or by Home Office policy for UKVI, Border Force and IE). */
  dutyToNotifyAuthorities: readonly EncounteredBy[]
  /** Nations where s52 applies. Scotland's s38 and NI's s13 are not confirmed as in force. */
  dutyToNotifyNations: readonly Location[]
  /**
   * Move-on support after a conclusive grounds decision: DOMAIN.md marks the commonly cited timescales (45 calendar
   * days after a positive decision, 9 working days after a negative one) unconfirmed, so they are configuration.
   */
  moveOn: { afterPositiveDays: number; afterNegativeWorkingDays: number }
}

export const DEFAULT_SCREENING_CONFIG: ScreeningConfig = {
  recoveryPeriodDays: { England: 30, Wales: 30, Scotland: 90, NI: 45 },
  dutyToNotifyAuthorities: [
    'police',
    'british_transport_police',
    'nca',
    'local_authority',
    'glaa',
    'fair_work_agency',
    'border_force',
    'immigration_enforcement',
    'ukvi',
  ],
  dutyToNotifyNations: ['England', 'Wales'],
  moveOn: { afterPositiveDays: 45, afterNegativeWorkingDays: 9 },
}
