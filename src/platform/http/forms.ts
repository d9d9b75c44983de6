import type { z } from 'zod'

/**
 * Form validation in the GOV.UK pattern: every problem at once, a message per field, and an error summary
 * whose links move focus to the field. Field keys are the input ids in the page.
 */
export type FieldErrors = Record<string, string>
export type ErrorSummaryItem = { text: string; href: string }

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors }

export function fieldKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('-')
}

export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {}
  for (const issue of error.issues) {
    const key = fieldKey(issue.path) || 'form'
    errors[key] ??= issue.message
  }
  return errors
}

export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const result = schema.safeParse(body)
  if (result.success) return { ok: true, value: result.data }
  return { ok: false, errors: zodFieldErrors(result.error) }
}

/** The error summary list, in the order the fields appear on the page where an order is given. */
export function errorSummary(
  errors: FieldErrors,
  order: string[] = [],
  hrefFor: (key: string) => string = (k) => `#${k}`,
): ErrorSummaryItem[] {
  const keys = Object.keys(errors).sort((a, b) => rank(order, a) - rank(order, b))
  return keys.map((key) => ({ text: errors[key], href: hrefFor(key) }))
}

function rank(order: string[], key: string): number {
  const i = order.findIndex((o) => key === o || key.startsWith(o + '-'))
  return i === -1 ? order.length : i
}

/** Adds the GOV.UK "too long" message for a field, unless the field already has a problem. */
export function tooLong(errors: FieldErrors, key: string, value: string, max: number, label: string): void {
  if (value.length > max) errors[key] ??= tooLongMessage(label, max)
}

/** The GOV.UK "too long" message: 'Notes must be 10,000 characters or fewer'. */
export const tooLongMessage = (label: string, max: number): string =>
  `${label} must be ${new Intl.NumberFormat('en-GB').format(max)} characters or fewer`

/** Reads a checkbox group that a urlencoded body gives as absent, one string, or an array. */
export function asArray(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return []
  return (Array.isArray(value) ? value : [value]).map(String)
}

export function asString(value: unknown): string {
  if (Array.isArray(value)) return String(value[0] ?? '')
  return value === undefined || value === null ? '' : String(value)
}

export type DateParts = { day: string; month: string; year: string }

export function dateParts(body: Record<string, unknown>, prefix: string): DateParts {
  return {
    day: asString(body[`${prefix}-day`]).trim(),
    month: asString(body[`${prefix}-month`]).trim(),
    year: asString(body[`${prefix}-year`]).trim(),
  }
}
