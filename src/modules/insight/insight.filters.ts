import { z } from 'zod'
import { asString, parseForm, type DateParts, type FieldErrors } from '#src/platform/http/forms.ts'
import { dateField, field, schemaFor, withEveryProblem } from '#src/platform/http/page-forms.ts'

type Query = Record<string, unknown>

/** The dashboard's filters: a date range (inclusive, London dates; either end may be open) and one priority. */
export type Filters = { from: string | null; to: string | null; priority: string | null }

export type FilterResult = {
  filters: Filters
  /** Keyed by the date part in error (`from-day`), so the summary links to the box to fix. */
  errors: FieldErrors
  /** What was typed, to show back. */
  values: Record<string, string>
}

const PARTS = ['day', 'month', 'year'] as const

/** The fields every insight filter form asks: a date range (GOV.UK date inputs) and a strategic priority. */
export const filterFields = (priorities: readonly string[]) => ({
  from: dateField('Start date', { required: false }),
  to: dateField('End date', { required: false }),
  priority: field(
    z.string().refine((priority) => priority === '' || priorities.includes(priority), {
      error: 'Select a strategic priority from the list',
    }),
  ),
})

/** A range whose end is not before its start: checked once both dates are real, beside any other problem. */
export const inOrder = <S extends z.ZodType<{ from: string | null; to: string | null }>>(range: S) =>
  range.refine((r) => typeof r.from !== 'string' || typeof r.to !== 'string' || r.to >= r.from, {
    path: ['to', 'day'],
    error: 'End date must be the same as or after the start date',
    ...withEveryProblem,
  })

/** The dashboard's filter form, for the strategic priorities that can be chosen. */
export const filterForm = schemaFor((priorities: readonly string[]) => inOrder(z.object(filterFields(priorities))))

/**
 * A filter form read from its query string (a GET form, so links can be shared): its value, or every problem in the
 * order of the form (the dates, then `fields`), with what was typed to show back. A date's parts are read as typed,
 * trimmed and at most 10 characters each.
 */
export function readFilterForm<T>(
  form: z.ZodType<T>,
  query: Query,
  fields: readonly string[],
): { value: T | null; errors: FieldErrors; values: Record<string, string> } {
  const values: Record<string, string> = {}
  const dates: Record<string, DateParts> = {}
  for (const prefix of ['from', 'to']) {
    const parts = Object.fromEntries(
      PARTS.map((p) => [p, asString(query[`${prefix}-${p}`]).trim().slice(0, 10)]),
    ) as DateParts
    for (const p of PARTS) values[`${prefix}-${p}`] = parts[p]
    dates[prefix] = parts
  }
  for (const name of fields) values[name] = asString(query[name]).trim()
  const parsed = parseForm(form, { ...query, ...dates })
  if (parsed.ok) return { value: parsed.value, errors: {}, values }
  const order = ['from', 'to', ...fields]
  const rank = (key: string) => order.findIndex((o) => key === o || key.startsWith(`${o}-`))
  const errors = Object.fromEntries(Object.entries(parsed.errors).sort(([a], [b]) => rank(a) - rank(b)))
  return { value: null, errors, values }
}

/** Reads the dashboard's filter form. */
export function readFilters(query: Query, priorities: readonly string[]): FilterResult {
  const { value, errors, values } = readFilterForm(filterForm(priorities), query, ['priority'])
  return {
    filters: value ? { ...value, priority: value.priority || null } : { from: null, to: null, priority: null },
    errors,
    values,
  }
}

/** The filters as a query string, for chart and download links that must show the same figures as the page. */
export function filterQuery(filters: Filters): string {
  const params = new URLSearchParams()
  for (const prefix of ['from', 'to'] as const) {
    const date = filters[prefix]
    if (!date) continue
    const [y, m, d] = date.split('-')
    params.set(`${prefix}-day`, String(Number(d)))
    params.set(`${prefix}-month`, String(Number(m)))
    params.set(`${prefix}-year`, y)
  }
  if (filters.priority) params.set('priority', filters.priority)
  return params.toString()
}

export type Quarter = { label: string; start: string; end: string; title: string }

const monthNameFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' })

/** '2026-Q3' → 1 July to 30 September 2026 (calendar quarters, as the Home Office statistics use). */
export function parseQuarter(value: string): Quarter | null {
  const match = /^(\d{4})-Q([1-4])$/i.exec(value.trim())
  if (!match) return null
  const year = Number(match[1])
  if (year < 2015 || year > 2100) return null
  const q = Number(match[2])
  const startMonth = (q - 1) * 3 + 1
  const endMonth = startMonth + 2
  const lastDay = new Date(Date.UTC(year, endMonth, 0)).getUTCDate()
  const month = (m: number) => monthNameFormat.format(Date.UTC(year, m - 1, 1))
  return {
    label: `${year}-Q${q}`,
    start: `${year}-${String(startMonth).padStart(2, '0')}-01`,
    end: `${year}-${String(endMonth).padStart(2, '0')}-${lastDay}`,
    title: `${month(startMonth)} to ${month(endMonth)} ${year}`,
  }
}

/** The last complete quarter before a date: what a team usually returns. */
export function previousQuarter(today: string): string {
  const [y, m] = today.split('-').map(Number)
  const q = Math.floor((m - 1) / 3) + 1
  return q === 1 ? `${y - 1}-Q4` : `${y}-Q${q - 1}`
}
