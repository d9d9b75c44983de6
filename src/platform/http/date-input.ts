import { isRealDate, isoDate, londonDate } from '#src/shared/dates.ts'
import type { DateParts } from './forms.ts'

export type DateCheck = { ok: true; value: string | null } | { ok: false; message: string; part: 'day' | 'month' | 'year' }

/**
 * Validates a GOV.UK date input (day, month, year) with the Design System's messages, in their order:
 * missing, missing parts, not a real date, then the past or future rule.
 */
export function checkDateInput(parts: DateParts, label: string, options: { required: boolean; notInFuture?: boolean }): DateCheck {
  const { day, month, year } = parts
  if (!day && !month && !year) return options.required ? { ok: false, message: `Enter ${label.toLowerCase()}`, part: 'day' } : { ok: true, value: null }
  const missing = (['day', 'month', 'year'] as const).filter((p) => !parts[p])
  if (missing.length > 0) {
    return { ok: false, message: `${label} must include a ${missing.join(' and ')}`, part: missing[0] }
  }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    return { ok: false, message: `${label} must be a real date`, part: !/^\d{1,2}$/.test(day) ? 'day' : !/^\d{1,2}$/.test(month) ? 'month' : 'year' }
  }
  const [d, m, y] = [Number(day), Number(month), Number(year)]
  if (!isRealDate(y, m, d)) return { ok: false, message: `${label} must be a real date`, part: 'day' }
  const value = isoDate(y, m, d)
  if (options.notInFuture && value > londonDate()) return { ok: false, message: `${label} must be today or in the past`, part: 'day' }
  return { ok: true, value }
}
