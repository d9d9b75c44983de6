import { checkDateInput } from '#src/platform/http/date-input.ts'
import { asString, type DateParts, type FieldErrors } from '#src/platform/http/forms.ts'

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

/** Reads the filter form (a GET form, so its values are in the query string and links can be shared). */
export function readFilters(query: Query, priorities: readonly string[]): FilterResult {
  const values: Record<string, string> = {}
  const errors: FieldErrors = {}
  const dates: Record<'from' | 'to', string | null> = { from: null, to: null }
  for (const [prefix, label] of [
    ['from', 'Start date'],
    ['to', 'End date'],
  ] as const) {
    const parts = Object.fromEntries(
      PARTS.map((p) => [p, asString(query[`${prefix}-${p}`]).trim().slice(0, 10)]),
    ) as DateParts
    for (const p of PARTS) values[`${prefix}-${p}`] = parts[p]
    const check = checkDateInput(parts, label, { required: false })
    if (!check.ok) errors[`${prefix}-${check.part}`] = check.message
    else dates[prefix] = check.value
  }
  if (dates.from && dates.to && dates.to < dates.from)
    errors['to-day'] = 'End date must be the same as or after the start date'
  const priority = asString(query.priority).trim()
  values.priority = priority
  if (priority && !priorities.includes(priority)) errors.priority = 'Select a strategic priority from the list'
  const ok = Object.keys(errors).length === 0
  return {
    filters: ok
      ? { from: dates.from, to: dates.to, priority: priority || null }
      : { from: null, to: null, priority: null },
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
