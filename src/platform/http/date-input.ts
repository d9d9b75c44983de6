import { isRealDate, isoDate, londonDate } from '#src/shared/dates.ts'
import { dateParts, type DateParts, type FieldErrors } from './forms.ts'

export type DateCheck =
  { ok: true; value: string | null } | { ok: false; message: string; part: 'day' | 'month' | 'year' }

/**
 * Validates a GOV.UK date input (day, month, year) with the Design System's messages, in their order:
 * missing, missing parts, not a real date, then the past or future rule.
 */
export function checkDateInput(
  parts: DateParts,
  label: string,
  options: { required: boolean; notInFuture?: boolean },
): DateCheck {
  const { day, month, year } = parts
  if (!day && !month && !year)
    return options.required
      ? { ok: false, message: `Enter ${label.toLowerCase()}`, part: 'day' }
      : { ok: true, value: null }
  const missing = (['day', 'month', 'year'] as const).filter((p) => !parts[p])
  if (missing.length > 0) {
    return { ok: false, message: `${label} must include a ${missing.join(' and ')}`, part: missing[0] }
  }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    return {
      ok: false,
      message: `${label} must be a real date`,
      part: !/^\d{1,2}$/.test(day) ? 'day' : !/^\d{1,2}$/.test(month) ? 'month' : 'year',
    }
  }
  const [d, m, y] = [Number(day), Number(month), Number(year)]
  if (!isRealDate(y, m, d)) return { ok: false, message: `${label} must be a real date`, part: 'day' }
  const value = isoDate(y, m, d)
  if (options.notInFuture && value > londonDate())
    return { ok: false, message: `${label} must be today or in the past`, part: 'day' }
  return { ok: true, value }
}

/**
 * A GOV.UK date input read from a form body: the date ('YYYY-MM-DD', or null when it is empty or wrong), with any
 * problem put in `errors` on the box it is about, so that the error summary links to that box.
 */
export function readDateInput(
  body: Record<string, unknown>,
  prefix: string,
  label: string,
  options: { required: boolean; notInFuture?: boolean },
  errors: FieldErrors,
): string | null {
  const check = checkDateInput(dateParts(body, prefix), label, options)
  if (!check.ok) {
    errors[`${prefix}-${check.part}`] = check.message
    return null
  }
  return check.value
}
