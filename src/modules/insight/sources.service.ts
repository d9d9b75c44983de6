import type { Db, Queryable } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { ageOn, londonDate, londonToInstant } from '#src/shared/dates.ts'
import { estimateHiddenTotal, type MseResult } from './mse.ts'
import { fewerThanText, suppressTable, toPartnerTable, type PartnerTable } from './suppression.ts'
import { anonymise, type AnonymisedRelease, type VictimRecord } from './ctdc-export.ts'
import * as repo from './sources.repository.ts'

// ── Periods ────────────────────────────────────────────────────────────────────────────────────────────────

/** A period for the sources page and the export: the last 12 months, a calendar year, or everything. */
export type Period = { value: string; label: string; range: repo.Range }

export function readPeriod(value: unknown, today = londonDate()): Period | null {
  const text = typeof value === 'string' && value !== '' ? value : 'last-12-months'
  if (text === 'last-12-months') {
    const [y, m, d] = today.split('-').map(Number)
    const from = `${y - 1}-${String(m).padStart(2, '0')}-${String(m === 2 && d === 29 ? 28 : d).padStart(2, '0')}`
    const tomorrow = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
    return {
      value: text,
      label: 'the last 12 months',
      range: { from: londonToInstant(from), to: londonToInstant(tomorrow) },
    }
  }
  if (text === 'all') return { value: text, label: 'all time', range: { from: null, to: null } }
  const year = /^(\d{4})$/.exec(text)
  if (year && Number(year[1]) >= 2000 && Number(year[1]) <= Number(today.slice(0, 4))) {
    return {
      value: text,
      label: year[1],
      range: { from: londonToInstant(`${year[1]}-01-01`), to: londonToInstant(`${Number(year[1]) + 1}-01-01`) },
    }
  }
  return null
}

function periodOptions(earliest: Date | null, today = londonDate()): { value: string; text: string }[] {
  const thisYear = Number(today.slice(0, 4))
  const first = earliest ? Number(londonDate(earliest).slice(0, 4)) : thisYear
  const years: { value: string; text: string }[] = []
  for (let y = thisYear; y >= Math.max(first, thisYear - 20); y--) years.push({ value: String(y), text: String(y) })
  return [{ value: 'last-12-months', text: 'The last 12 months' }, ...years, { value: 'all', text: 'All time' }]
}

// ── Across sources ─────────────────────────────────────────────────────────────────────────────────────────

export type SourcesOverview = {
  lists: { key: string; label: string; description: string; people: number }[]
  bySourceCount: { sources: number; people: number }[]
  overlaps: { label: string; cells: (number | null)[] }[]
  combinations: { lists: string; people: number }[]
  people: number
  records: number
  mse: MseResult
}

function bits(mask: number): number {
  let n = 0
  for (let m = mask; m; m &= m - 1) n++
  return n
}

export function summariseOverlaps(rows: readonly repo.MaskRow[]): SourcesOverview {
  const lists = repo.SOURCE_LISTS.map((list, k) => ({
    key: list.key,
    label: list.label,
    description: list.description,
    people: rows.filter((r) => (r.mask >> k) & 1).reduce((s, r) => s + r.people, 0),
  }))
  const maxSources = Math.max(0, ...rows.map((r) => bits(r.mask)))
  const bySourceCount = Array.from({ length: Math.max(maxSources, 1) }, (_, i) => ({
    sources: i + 1,
    people: rows.filter((r) => bits(r.mask) === i + 1).reduce((s, r) => s + r.people, 0),
  }))
  const overlaps = repo.SOURCE_LISTS.map((list, a) => ({
    label: list.label,
    cells: repo.SOURCE_LISTS.map((_, b) =>
      a === b ? null : rows.filter((r) => (r.mask >> a) & 1 && (r.mask >> b) & 1).reduce((s, r) => s + r.people, 0),
    ),
  }))
  const combinations = rows
    .filter((r) => r.people > 0)
    .map((r) => ({
      lists: repo.SOURCE_LISTS.filter((_, k) => (r.mask >> k) & 1)
        .map((l) => l.label)
        .join(' + '),
      people: r.people,
      order: bits(r.mask) * 100 + r.mask,
    }))
    .sort((x, y) => x.order - y.order)
    .map(({ lists: l, people }) => ({ lists: l, people }))
  const people = rows.reduce((s, r) => s + r.people, 0)
  const records = rows.reduce((s, r) => s + r.records, 0)
  const mse = estimateHiddenTotal({
    lists: repo.SOURCE_LISTS.map((l) => l.label),
    counts: new Map(rows.map((r) => [r.mask, r.people])),
  })
  return { lists, bySourceCount, overlaps, combinations, people, records, mse }
}

// ── Figures for partners ───────────────────────────────────────────────────────────────────────────────────

export const TYPE_COLUMNS = [
  { key: 'labour', label: 'Labour only' },
  { key: 'sexual', label: 'Sexual only' },
  { key: 'criminal', label: 'Criminal only' },
  { key: 'domestic-servitude', label: 'Domestic servitude only' },
  { key: 'organ-harvesting', label: 'Organ harvesting only' },
  { key: 'not-specified', label: 'Not specified or unknown' },
  { key: 'multiple', label: 'More than one type' },
] as const

/** The Home Office way: one column per referral, "X only" for a single type, every combination together. */
export function typeColumn(types: readonly string[]): string {
  const known = [...new Set(types)].filter((t) => t !== 'not-specified')
  if (known.length === 0) return 'not-specified'
  if (known.length > 1) return 'multiple'
  return known[0]
}

export const AGE_GROUPS = ['Under 18', '18 to 24', '25 to 34', '35 to 44', '45 and over', 'Not known'] as const
export const GENDER_COLUMNS = [
  { key: 'female', label: 'Female' },
  { key: 'male', label: 'Male' },
  { key: 'other', label: 'Other' },
  { key: 'not-known', label: 'Not known' },
] as const

export function ageGroup(age: number | null): (typeof AGE_GROUPS)[number] {
  if (age === null || age < 0) return 'Not known'
  if (age < 18) return 'Under 18'
  if (age < 25) return '18 to 24'
  if (age < 35) return '25 to 34'
  if (age < 45) return '35 to 44'
  return '45 and over'
}

export type PartnerFigure = {
  title: string
  caption: string
  /** What the table counts (referrals or people), for its header cell. */
  unit: string
  /** Null when the table is not published (too few to break down safely). */
  table: PartnerTable | null
  oneWay: boolean
}

export type PartnerFigures = {
  year: number
  quarters: string[]
  periodLabel: string
  threshold: number
  referrals: string
  people: string
  figures: PartnerFigure[]
  years: number[]
}

/** Which quarters of a year are complete by today: partners see only complete quarters, so figures do not shift under them. */
export function completeQuarters(year: number, today = londonDate()): string[] {
  const quarters: string[] = []
  for (let q = 1; q <= 4; q++) {
    const end = q === 4 ? `${year + 1}-01-01` : `${year}-${String(q * 3 + 1).padStart(2, '0')}-01`
    if (end <= today) quarters.push(`${year}-Q${q}`)
  }
  return quarters
}

export function defaultPartnerYear(today = londonDate()): number {
  const year = Number(today.slice(0, 4))
  return completeQuarters(year, today).length ? year : year - 1
}

function figure(
  title: string,
  caption: string,
  unit: string,
  rows: string[],
  columns: string[],
  cells: number[][],
  threshold: number,
  oneWay = false,
): PartnerFigure {
  const grand = cells.flat().reduce((a, b) => a + b, 0)
  if (grand > 0 && grand < threshold) return { title, caption, unit, table: null, oneWay }
  const suppressed = suppressTable({ rows, columns, cells }, { threshold, publishedGrandTotal: true })
  return { title, caption, unit, table: suppressed.safe ? toPartnerTable(suppressed) : null, oneWay }
}

const countFormat = new Intl.NumberFormat('en-GB')

export function countText(value: number, threshold: number): string {
  return value > 0 && value < threshold ? fewerThanText(threshold) : countFormat.format(value)
}

// ── The service ────────────────────────────────────────────────────────────────────────────────────────────

export function createSourcesService(db: Db, options: { suppressionThreshold: number; anonymisationK: number }) {
  const threshold = options.suppressionThreshold

  /** Years a partner may choose: from the first referral's year to the latest with a complete quarter. */
  async function partnerYears(q: Queryable, today = londonDate()): Promise<number[]> {
    const latest = defaultPartnerYear(today)
    const earliest = await repo.earliestReferral(q)
    const first = Math.max(earliest ? Math.min(Number(londonDate(earliest).slice(0, 4)), latest) : latest, latest - 20)
    const years: number[] = []
    for (let y = latest; y >= first; y--) years.push(y)
    return years
  }

  async function buildPartnerFigures(q: Queryable, year: number, today: string): Promise<PartnerFigures> {
    const quarters = completeQuarters(year, today)
    const years = await partnerYears(q, today)
    const range: repo.Range = {
      from: londonToInstant(`${year}-01-01`),
      to: quarters.length
        ? londonToInstant(
            quarters.length === 4
              ? `${year + 1}-01-01`
              : `${year}-${String(quarters.length * 3 + 1).padStart(2, '0')}-01`,
          )
        : londonToInstant(`${year}-01-01`),
    }
    const byQuarter = await repo.referralsByQuarterAndTypes(q, range)
    const bySource = await repo.referralsBySource(q, range)
    const byAge = await repo.victimsByAgeAndGender(q, range)

    const quarterCells = quarters.map((quarter) =>
      TYPE_COLUMNS.map((c) =>
        byQuarter
          .filter((r) => r.quarter === quarter && typeColumn(r.types) === c.key)
          .reduce((s, r) => s + r.referrals, 0),
      ),
    )
    const sourceCells = repo.SOURCE_LISTS.map((list) => [
      bySource
        .filter((r) => (list.sources as readonly string[]).includes(r.source))
        .reduce((s, r) => s + r.referrals, 0),
    ])
    const ageCells = AGE_GROUPS.map((group) =>
      GENDER_COLUMNS.map((g) =>
        byAge
          .filter(
            (r) =>
              ageGroup(r.age) === group &&
              (r.gender === g.key || (g.key === 'not-known' && !GENDER_COLUMNS.some((x) => x.key === r.gender))),
          )
          .reduce((s, r) => s + r.people, 0),
      ),
    )
    const referrals = quarterCells.flat().reduce((a, b) => a + b, 0)
    const people = ageCells.flat().reduce((a, b) => a + b, 0)
    const periodLabel =
      quarters.length === 0
        ? `${year}: no complete quarter yet`
        : quarters.length === 4
          ? `${year} (January to December)`
          : `${year}, ${quarters[0].slice(5)} to ${quarters[quarters.length - 1].slice(5)}`
    return {
      year,
      quarters,
      periodLabel,
      threshold,
      referrals: countText(referrals, threshold),
      people: countText(people, threshold),
      years,
      figures: [
        figure(
          'Referrals by quarter and type of exploitation',
          'A referral with more than one type of exploitation is counted once, under “More than one type”, as the Home Office statistics do.',
          'Quarter',
          quarters,
          TYPE_COLUMNS.map((c) => c.label),
          quarterCells,
          threshold,
        ),
        figure(
          'Referrals by source',
          'Where each referral came from.',
          'Source',
          repo.SOURCE_LISTS.map((l) => l.description),
          ['Referrals'],
          sourceCells,
          threshold,
          true,
        ),
        figure(
          'People referred as potential victims, by age and gender',
          'Each person is counted once, however many times they were referred (confirmed duplicate records count as one person). Age is when they were first referred in the period.',
          'Age',
          [...AGE_GROUPS],
          GENDER_COLUMNS.map((g) => g.label),
          ageCells,
          threshold,
        ),
      ],
    }
  }

  return {
    anonymisationK: options.anonymisationK,
    periodOptions: async () => periodOptions(await repo.earliestReferral(db)),
    partnerYears: () => partnerYears(db),

    async sources(period: Period, actor: Actor): Promise<SourcesOverview> {
      return inTransaction(db, async (trx) => {
        const rows = await repo.peopleBySourceSet(trx, period.range)
        await appendAuditEvents(trx, actor, [{ action: 'insight.sources-viewed', details: { period: period.value } }])
        return summariseOverlaps(rows)
      })
    },

    /** The figures a partner may see: aggregate, suppressed, complete quarters only. Reading them is audited. */
    async partnerFigures(
      year: number,
      actor: Actor,
      how: 'viewed' | 'exported',
      today = londonDate(),
    ): Promise<PartnerFigures> {
      return inTransaction(db, async (trx) => {
        const figures = await buildPartnerFigures(trx, year, today)
        await appendAuditEvents(trx, actor, [
          {
            action: how === 'viewed' ? 'insight.partner-figures-viewed' : 'insight.partner-figures-exported',
            details: { year, quarters: figures.quarters.length, threshold },
          },
        ])
        return figures
      })
    },

    async anonymisedExport(
      period: Period,
      actor: Actor,
      how: 'previewed' | 'exported',
    ): Promise<AnonymisedRelease & { period: Period }> {
      return inTransaction(db, async (trx) => {
        const rows = await repo.victims(trx, period.range)
        const records: VictimRecord[] = rows.map((r) => {
          const firstOn = londonDate(new Date(r.first_at))
          return {
            yearOfRegistration: Number(firstOn.slice(0, 4)),
            gender: r.gender,
            age: r.date_of_birth ? ageOn(r.date_of_birth, firstOn) : r.approximate_age,
            citizenship: r.nationality,
            exploitationTypes: r.types ?? [],
            meansOfControl: r.screened ? (r.means ?? []) : null,
            context:
              r.context_recruitment === null
                ? null
                : {
                    recruitment: r.context_recruitment,
                    controls: r.context_controls ?? [],
                    sectors: r.context_sectors ?? [],
                    sexualTypes: r.context_sexual ?? [],
                  },
          }
        })
        const release = anonymise(records, { k: options.anonymisationK })
        await appendAuditEvents(trx, actor, [
          {
            action: how === 'previewed' ? 'insight.anonymised-export-previewed' : 'insight.anonymised-exported',
            details: {
              period: period.value,
              k: release.k,
              levels: release.levels,
              rows: release.rows.length,
              suppressed: release.suppressedRows,
            },
          },
        ])
        return { ...release, period }
      })
    },
  }
}

export type SourcesService = ReturnType<typeof createSourcesService>
