import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { cached } from '#src/shared/cached.ts'
import { londonDate } from '#src/shared/dates.ts'
import { countryName, isCountryCode } from '#src/shared/reference-data.ts'
import { listPriorityTags } from '#src/modules/priorities/index.ts'
import { EXPLOITATION_TYPES, SOURCES } from '#src/modules/referrals/index.ts'
import { GENDERS } from '#src/modules/people/index.ts'
import { EVENT_KINDS } from '#src/modules/outreach/index.ts'
import type { Filters, Quarter } from './insight.filters.ts'
import * as repo from './statistics.repository.ts'
import { createFiguresCache } from './figures.cache.ts'

/** A chart drawn from a table's figures: the same numbers, never a second calculation. */
export type ChartSpec = {
  kind: 'bar' | 'column' | 'line'
  categories: string[]
  series: { name: string; values: number[] }[]
  /** The y (or x, for bars) axis name. */
  unit: string
}

export type Cell = string | number | null

/** One table of figures: what the page shows, what the CSV and XLSX hold, and what its chart draws. */
export type Table = {
  name: string
  title: string
  /** What is counted, in a sentence: shown under the title and in the chart's alternative text. */
  counts: string
  headers: string[]
  rows: Cell[][]
  chart: ChartSpec | null
  note?: string
}

export const DASHBOARD_TABLES = [
  'by-month',
  'by-quarter',
  'source',
  'exploitation',
  'combinations',
  'priority',
  'age',
  'gender',
  'nationality',
  'location',
  'route',
  'nrm-outcomes',
  'county-lines',
  'live-jobs',
  'outreach',
] as const
export type TableName = (typeof DASHBOARD_TABLES)[number]

export function isTableName(value: string): value is TableName {
  return (DASHBOARD_TABLES as readonly string[]).includes(value)
}

const TYPE_ORDER = EXPLOITATION_TYPES.items.map((i) => i.value as string)

export const AGE_GROUPS: Record<string, string> = {
  adult: 'Adult (18 or over)',
  child: 'Child (under 18)',
  unknown: 'Age not known',
}
export const LOCATIONS: Record<string, string> = {
  'uk-only': 'UK only',
  'overseas-only': 'Overseas only',
  both: 'UK and overseas',
  unknown: 'Not recorded',
}
export const ROUTES: Record<string, string> = { nrm: 'NRM referral', dtn: 'Duty to Notify report', none: 'Neither yet' }
export const COMPETENT_AUTHORITIES: Record<string, string> = {
  SCA: 'Single Competent Authority',
  IECA: 'Immigration Enforcement Competent Authority',
  LA_PILOT: 'Local authority pilot panel',
}

const typeLabel = (t: string) => EXPLOITATION_TYPES.label(t)
const shortType = (t: string) =>
  typeLabel(t)
    .replace(/ exploitation$/, '')
    .replace(/ or unknown$/, '')

/** A combination key ('labour+sexual') as people read it: "Labour and sexual". */
export function combinationLabel(key: string): string {
  const parts = key
    .split('+')
    .sort((a, b) => TYPE_ORDER.indexOf(a) - TYPE_ORDER.indexOf(b))
    .map(shortType)
  if (parts.length === 1) return `${parts[0]} only`
  const words = [parts.slice(0, -1).join(', '), parts[parts.length - 1]].join(' and ')
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase()
}

export function nationalityLabel(code: string): string {
  if (code === 'not-known') return 'Not known'
  if (code === 'stateless') return 'Stateless'
  return isCountryCode(code) ? countryName(code) : code
}

/**
 * Exploitation types the Home Office way (DOMAIN.md section 4): each referral holds a set of types; "X only"
 * counts referrals whose set is exactly {X}; combinations are every set of two or more. From combination
 * counts ('labour+sexual' → n) it gives, per type, the single-type count, the count with other types, and
 * the count in any combination; and the multi-type combinations in descending order.
 */
export function exploitationBreakdown(counts: Map<string, number>) {
  const byType = TYPE_ORDER.map((type) => {
    let only = 0
    let withOthers = 0
    for (const [key, n] of counts) {
      const set = key.split('+')
      if (!set.includes(type)) continue
      if (set.length === 1) only += n
      else withOthers += n
    }
    return { type, only, withOthers, any: only + withOthers }
  })
  const combinations = [...counts]
    .filter(([key]) => key.includes('+'))
    .map(([key, n]) => ({ key, n }))
    .sort((a, b) => b.n - a.n || a.key.localeCompare(b.key))
  const total = [...counts.values()].reduce((a, b) => a + b, 0)
  const single = byType.reduce((a, t) => a + t.only, 0)
  return { byType, combinations, total, single, multi: total - single }
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–'
}

function meanDays(days: number, n: number): string {
  return n > 0 ? (days / n).toFixed(1) : '–'
}

function quarterOf(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return `${y} Q${Math.floor((m - 1) / 3) + 1}`
}

const shortMonthFormat = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' })

function monthLabel(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return shortMonthFormat.format(Date.UTC(y, m - 1, 1))
}

/** Fixed lists show every value (zeros too), in their own order; anything else found is added after. */
function vocabularyRows(
  values: readonly string[],
  counts: Map<string, number>,
  label: (v: string) => string,
): [string, number][] {
  const rows: [string, number][] = values.map((v) => [label(v), counts.get(v) ?? 0])
  for (const [key, n] of counts) if (!values.includes(key)) rows.push([label(key), n])
  return rows
}

/** A count per label, with each one's share of the total and a Total row; charted as bars or columns. */
function countFigures(header: string, unit: string, rows: [string, number][]): Figures {
  const total = rows.reduce((a, [, n]) => a + n, 0)
  return {
    headers: [header, unit, 'Share'],
    rows: [...rows.map(([label, n]) => [label, n, percent(n, total)]), ['Total', total, total > 0 ? '100.0%' : '–']],
    chart: {
      kind: rows.length > 6 || rows.some(([l]) => l.length > 24) ? 'bar' : 'column',
      categories: rows.map(([l]) => l),
      series: [{ name: unit, values: rows.map(([, n]) => n) }],
      unit,
    },
  }
}

/** The range's figures by dimension, derived once per cached query. */
type RangeFigures = {
  of: (dimension: string) => Map<string, { n: number; days: number }>
  counts: (dimension: string) => Map<string, number>
  months: Awaited<ReturnType<typeof repo.rangeFigures>>['months']
}

/** A table's figures as laid out: its columns, rows and chart (the chart's settings with the figures they draw). */
type Figures = Pick<Table, 'headers' | 'rows' | 'chart'> & { note?: string }

/** What a statistic lays out its figures from: the range's figures, and the live figures it asks for. */
type StatisticInput = {
  range: RangeFigures
  liveJobs: () => Promise<repo.CaseSnapshot>
  outreach: () => Promise<repo.OutreachRow[]>
  priorityTags: () => Promise<{ id: string; label: string }[]>
}

/**
 * One statistic on the dashboard: the words the page shows (title, what is counted, a note), the figures it reads
 * (`reads`: the monthly counts, some summary dimensions of the range, or today's live figures), and how it lays
 * them out as rows and a chart.
 */
type Statistic = {
  title: string
  counts: string
  note?: string
  reads: 'months' | 'live' | readonly string[]
  figures: (input: StatisticInput) => Figures | Promise<Figures>
}

const REFERRALS = 'Referrals'
const VICTIMS = 'Potential victims'

function byPeriod(period: 'month' | 'quarter'): Statistic {
  return {
    title: period === 'month' ? 'Referrals by month' : 'Referrals by quarter',
    counts: `Referrals received in each ${period === 'month' ? 'month' : 'calendar quarter'}, by the date received (UK time). Periods with none are not listed.`,
    reads: 'months',
    figures: ({ range }) => {
      const buckets = new Map<string, number>()
      for (const m of range.months) {
        const key = period === 'month' ? monthLabel(m.month) : quarterOf(m.month)
        buckets.set(key, (buckets.get(key) ?? 0) + m.n)
      }
      const rows = [...buckets]
      const total = rows.reduce((a, [, n]) => a + n, 0)
      return {
        headers: [period === 'month' ? 'Month' : 'Quarter', REFERRALS],
        rows: [...rows.map(([k, n]) => [k, n] as Cell[]), ['Total', total]],
        chart: {
          kind: rows.length > 24 ? 'line' : 'column',
          categories: rows.map(([k]) => k),
          series: [{ name: REFERRALS, values: rows.map(([, n]) => n) }],
          unit: REFERRALS,
        },
      }
    },
  }
}

/** A count per value of one summary dimension, as a countFigures table. */
function countOf(
  statistic: Pick<Statistic, 'title' | 'counts' | 'note'>,
  dimension: string,
  header: string,
  unit: string,
  rows: (counts: Map<string, number>) => [string, number][],
): Statistic {
  return {
    ...statistic,
    reads: [dimension],
    figures: ({ range }) => countFigures(header, unit, rows(range.counts(dimension))),
  }
}

/** Every statistic on the dashboard, by its table name. */
const STATISTICS: Record<TableName, Statistic> = {
  'by-month': byPeriod('month'),
  'by-quarter': byPeriod('quarter'),
  source: countOf(
    { title: 'Referrals by source', counts: 'Referrals received, by where they came from.' },
    'source',
    'Source',
    REFERRALS,
    (counts) =>
      vocabularyRows(
        SOURCES.items.map((i) => i.value),
        counts,
        SOURCES.label,
      ),
  ),
  exploitation: {
    title: 'Referrals by exploitation type',
    counts:
      'Referrals can record more than one type. “Only this type” counts referrals with that type alone (the Home Office headline figures); “with other types” counts referrals where it is one of several; “in any combination” is the two together. A referral with two types is counted once under each, so the last column adds up to more than the number of referrals.',
    reads: ['exploitation'],
    figures: ({ range }) => {
      const b = exploitationBreakdown(range.counts('exploitation'))
      return {
        headers: ['Exploitation type', 'Only this type', 'With other types', 'In any combination'],
        rows: [
          ...b.byType.map((t) => [typeLabel(t.type), t.only, t.withOthers, t.any] as Cell[]),
          ['Referrals with one type', b.single, null, null],
          ['Referrals with two or more types', b.multi, null, null],
          ['All referrals', b.total, null, null],
        ],
        chart: {
          kind: 'bar',
          categories: b.byType.map((t) => typeLabel(t.type)),
          series: [
            { name: 'Only this type', values: b.byType.map((t) => t.only) },
            { name: 'With other types', values: b.byType.map((t) => t.withOthers) },
          ],
          unit: REFERRALS,
        },
      }
    },
  },
  combinations: {
    title: 'Combinations of exploitation types',
    counts:
      'Referrals recording two or more exploitation types, by the exact combination. Each referral is in one row.',
    reads: ['exploitation'],
    figures: ({ range }) => {
      const b = exploitationBreakdown(range.counts('exploitation'))
      const rows: [string, number][] = b.combinations.map((c) => [combinationLabel(c.key), c.n])
      const figures = countFigures('Combination', REFERRALS, rows)
      return rows.length ? figures : { ...figures, chart: null }
    },
  },
  priority: {
    title: 'Referrals by strategic priority',
    counts:
      'Referrals tagged with each strategic priority. A referral can have several, so the rows can add up to more than the number of referrals.',
    reads: ['priority', 'referrals'],
    figures: async ({ range, priorityTags }) => {
      const tags = await priorityTags()
      const rows = vocabularyRows([...tags.map((t) => t.id), 'none'], range.counts('priority'), (id) =>
        id === 'none' ? 'No strategic priority' : (tags.find((t) => t.id === id)?.label ?? id),
      )
      const referrals = range.counts('referrals').get('all') ?? 0
      return {
        headers: ['Strategic priority', REFERRALS, 'Share of referrals'],
        rows: [
          ...rows.map(([l, n]) => [l, n, percent(n, referrals)] as Cell[]),
          ['All referrals', referrals, referrals ? '100.0%' : '–'],
        ],
        chart: {
          kind: 'bar',
          categories: rows.map(([l]) => l),
          series: [{ name: REFERRALS, values: rows.map(([, n]) => n) }],
          unit: REFERRALS,
        },
      }
    },
  },
  age: countOf(
    {
      title: 'Potential victims by age at exploitation',
      counts:
        'Each potential victim in each referral. Age at exploitation as screened; otherwise age on the date of the referral; someone whose age is disputed is presumed a child.',
    },
    'age',
    'Age at exploitation',
    VICTIMS,
    (counts) => vocabularyRows(Object.keys(AGE_GROUPS), counts, (k) => AGE_GROUPS[k] ?? k),
  ),
  gender: countOf(
    {
      title: 'Potential victims by gender',
      counts: 'Each potential victim in each referral, by the gender on their record.',
    },
    'gender',
    'Gender',
    VICTIMS,
    (counts) =>
      vocabularyRows(
        GENDERS.items.map((i) => i.value),
        counts,
        GENDERS.label,
      ),
  ),
  nationality: {
    title: 'Potential victims by nationality',
    counts: 'Each potential victim in each referral, by their first recorded nationality.',
    reads: ['nationality'],
    figures: ({ range }) => {
      const rows = [...range.counts('nationality')]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .map(([k, n]) => [nationalityLabel(k), n] as [string, number])
      // The chart shows the 15 largest groups and the rest together; the table lists every nationality.
      const top = rows.slice(0, 15)
      const rest = rows.slice(15).reduce((a, [, n]) => a + n, 0)
      const chartRows = rest > 0 ? [...top, ['All other nationalities', rest] as [string, number]] : top
      return {
        ...countFigures('Nationality', VICTIMS, rows),
        chart: {
          kind: 'bar',
          categories: chartRows.map(([l]) => l),
          series: [{ name: VICTIMS, values: chartRows.map(([, n]) => n) }],
          unit: VICTIMS,
        },
      }
    },
  },
  location: countOf(
    {
      title: 'Where the exploitation happened',
      counts: 'Each potential victim in each referral: exploited in the UK only, overseas only, or both.',
      note: 'Lantern records where the exploitation happened on a Duty to Notify report; for other referrals it shows as not recorded.',
    },
    'location',
    'Location of exploitation',
    VICTIMS,
    (counts) => vocabularyRows(Object.keys(LOCATIONS), counts, (k) => LOCATIONS[k] ?? k),
  ),
  route: countOf(
    {
      title: 'NRM referrals and Duty to Notify reports',
      counts:
        'Each potential victim in each referral, by whether an NRM referral or a Duty to Notify report (adults who did not consent) was made for them.',
    },
    'route',
    'Route',
    VICTIMS,
    (counts) => vocabularyRows(Object.keys(ROUTES), counts, (k) => ROUTES[k] ?? k),
  ),
  'nrm-outcomes': {
    title: 'NRM outcomes',
    counts:
      'NRM referrals made for potential victims in referrals received in the period, by the latest decision recorded. The positive rate is positive decisions out of all decisions made; days are calendar days from the NRM referral to the decision (mean). Conclusive grounds decisions follow a positive reasonable grounds decision.',
    reads: ['rg', 'cg'],
    figures: ({ range }) => {
      const line = (dimension: 'rg' | 'cg', label: string): Cell[] => {
        const m = range.of(dimension)
        const positive = m.get('positive') ?? { n: 0, days: 0 }
        const negative = m.get('negative') ?? { n: 0, days: 0 }
        const awaiting = m.get('awaiting')?.n ?? 0
        const decided = positive.n + negative.n
        return [
          label,
          positive.n,
          negative.n,
          percent(positive.n, decided),
          awaiting,
          meanDays(positive.days + negative.days, decided),
        ]
      }
      const rows = [line('rg', 'Reasonable grounds'), line('cg', 'Conclusive grounds')]
      return {
        headers: ['Decision', 'Positive', 'Negative', 'Positive rate', 'Waiting', 'Mean days to decision'],
        rows,
        chart: {
          kind: 'column',
          categories: ['Reasonable grounds', 'Conclusive grounds'],
          series: [
            { name: 'Positive', values: rows.map((r) => Number(r[1])) },
            { name: 'Negative', values: rows.map((r) => Number(r[2])) },
            { name: 'Waiting', values: rows.map((r) => Number(r[4])) },
          ],
          unit: 'NRM referrals',
        },
      }
    },
  },
  'county-lines': {
    title: 'County Lines',
    counts: 'Referrals flagged as County Lines (a kind of criminal exploitation, not a separate type).',
    reads: ['county-lines', 'exploitation'],
    figures: ({ range }) => {
      const flags = range.counts('county-lines')
      const criminal = exploitationBreakdown(range.counts('exploitation')).byType.find(
        (t) => t.type === 'criminal',
      )!.any
      return {
        ...countFigures('County Lines flag', REFERRALS, [
          ['County Lines', flags.get('yes') ?? 0],
          ['Not County Lines', flags.get('no') ?? 0],
        ]),
        note: `${criminal} ${criminal === 1 ? 'referral records' : 'referrals record'} criminal exploitation in the period.`,
      }
    },
  },
  'live-jobs': {
    title: 'Live jobs and tasks today',
    counts:
      'Live jobs and their tasks as they stand today, whatever the date range (the priority filter applies). A task is overdue when it is open and its due date has passed.',
    reads: 'live',
    figures: async ({ liveJobs }) => {
      const snap = await liveJobs()
      const rows: [string, number][] = [
        ['Open investigations', snap.openInvestigations],
        ['Open County Lines jobs', snap.openCountyLines],
        ['Suspended live jobs', snap.suspended],
        ['Open tasks', snap.openTasks],
        ['Overdue tasks', snap.overdueTasks],
      ]
      return {
        headers: ['Measure', 'Number'],
        rows,
        chart: {
          kind: 'bar',
          categories: rows.map(([l]) => l),
          series: [{ name: 'Number', values: rows.map(([, n]) => n) }],
          unit: 'Number',
        },
      }
    },
  },
  outreach: {
    title: 'Awareness and training',
    counts: 'Awareness events and training inputs that started in the period, and the people recorded as attending.',
    reads: 'live',
    figures: async ({ outreach }) => {
      const rows = await outreach()
      const byKind = new Map(rows.map((r) => [r.kind, r]))
      const kinds = [
        ...EVENT_KINDS.items.map((i) => i.value as string),
        ...rows.map((r) => r.kind).filter((k) => !EVENT_KINDS.has(k)),
      ]
      const lines = kinds.map(
        (k) =>
          [EVENT_KINDS.label(k), byKind.get(k)?.events ?? 0, byKind.get(k)?.attendees ?? 0] as [string, number, number],
      )
      const events = lines.reduce((a, l) => a + l[1], 0)
      const attendees = lines.reduce((a, l) => a + l[2], 0)
      return {
        headers: ['Kind of event', 'Events', 'Attendees'],
        rows: [...lines, ['Total', events, attendees]],
        chart: {
          kind: 'bar',
          categories: lines.map((l) => l[0]),
          series: [{ name: 'Events', values: lines.map((l) => l[1]) }],
          unit: 'Events',
        },
      }
    },
  },
}

/** The summary dimensions the range's figures are read for: every statistic's, and the totals. */
const DIMENSIONS = [
  ...new Set([
    ...DASHBOARD_TABLES.flatMap((name) => {
      const reads = STATISTICS[name].reads
      return typeof reads === 'string' ? [] : reads
    }),
    'referrals',
    'victims',
  ]),
]

/** The team's figures. Reading them is not personal data; exporting them is audited. */
export function createStatisticsService(db: Db) {
  const priorityTags = cached(() => listPriorityTags(db), 10_000)

  const cache = createFiguresCache<RangeFigures>(200)
  // Live jobs (by priority and day) and awareness events (by filters): keyed by the live data version (0021).
  const liveJobsCache = createFiguresCache<repo.CaseSnapshot>(50)
  const outreachCache = createFiguresCache<repo.OutreachRow[]>(200)

  /**
   * Every range-dependent figure for the filters, from the cache when the data version has not moved since
   * they were computed. The version is read first, so what is cached under it is never older than it.
   */
  function figures(filters: Filters, version: string): Promise<RangeFigures> {
    const key = JSON.stringify([version, filters.from ?? null, filters.to ?? null, filters.priority ?? ''])
    return cache.get(key, async () => {
      const { summary, months } = await repo.rangeFigures(db, filters.priority ?? '', DIMENSIONS, filters)
      const byDimension = new Map<string, Map<string, { n: number; days: number }>>()
      for (const r of summary) {
        let map = byDimension.get(r.dimension)
        if (!map) byDimension.set(r.dimension, (map = new Map()))
        map.set(r.key, { n: r.n, days: r.days })
      }
      const of = (dimension: string) => byDimension.get(dimension) ?? new Map<string, { n: number; days: number }>()
      const counts = (dimension: string) => new Map([...of(dimension)].map(([k, v]) => [k, v.n]))
      return { of, counts, months }
    })
  }

  function caseSnapshot(filters: Filters, version: string): Promise<repo.CaseSnapshot> {
    // Today is part of the key: a task becomes overdue when the date moves, with no write to bump the version.
    const today = londonDate()
    const key = JSON.stringify([version, filters.priority ?? '', today])
    return liveJobsCache.get(key, () => repo.caseSnapshot(db, filters.priority, today))
  }

  function outreach(filters: Filters, version: string): Promise<repo.OutreachRow[]> {
    const key = JSON.stringify([version, filters.from ?? null, filters.to ?? null, filters.priority ?? ''])
    return outreachCache.get(key, () => repo.outreachByKind(db, filters.priority, filters))
  }

  /** One table: its statistic's words, and its figures laid out. The dashboard passes the versions it read once. */
  async function buildTable(name: TableName, filters: Filters, versions?: Promise<repo.DataVersions>): Promise<Table> {
    const v = await (versions ?? repo.dataVersions(db))
    const statistic = STATISTICS[name]
    const range = statistic.reads === 'live' ? null : await figures(filters, v.facts)
    const { note, ...laidOut } = await statistic.figures({
      range: range!,
      liveJobs: () => caseSnapshot(filters, v.live),
      outreach: () => outreach(filters, v.live),
      priorityTags,
    })
    const table: Table = { name, title: statistic.title, counts: statistic.counts, ...laidOut }
    return note || statistic.note ? { ...table, note: note ?? statistic.note } : table
  }

  return {
    priorityTags,

    table: buildTable,

    /** Cache hits and misses, for tests and the bench. */
    cacheStats: cache.stats,
    liveJobsCacheStats: liveJobsCache.stats,

    /**
     * Every table on the dashboard, in page order. The range's figures come from one query (or the cache), as
     * do the live jobs and the outreach figures, read alongside it over the pool.
     */
    async dashboard(filters: Filters): Promise<{ tables: Table[]; referrals: number; victims: number }> {
      const versions = repo.dataVersions(db)
      // Kept from being reported as unhandled while the tables are still being built.
      versions.catch(() => undefined)
      const tables = await Promise.all(DASHBOARD_TABLES.map((name) => buildTable(name, filters, versions)))
      const f = await figures(filters, (await versions).facts)
      return { tables, referrals: f.counts('referrals').get('all') ?? 0, victims: f.counts('victims').get('all') ?? 0 }
    },

    quarterlyReturn: (quarter: Quarter) => quarterlyReturn(db, quarter),

    /** A download of figures leaves Lantern: audited as a disclosure, with what and for which filters. */
    async recordExport(actor: Actor, details: Record<string, unknown>): Promise<void> {
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          { action: 'statistics.exported', subjectType: 'statistics', subjectId: String(details.what ?? ''), details },
        ]),
      )
    },
  }
}

export type StatisticsService = ReturnType<typeof createStatisticsService>

// ---- The quarterly return ------------------------------------------------------------------------------------

const FIRST_RESPONDER_TYPES: Record<string, string> = {
  government: 'Government agency',
  police: 'Police',
  'local-authority': 'Local authority',
  ngo: 'NGO or third sector',
  unknown: 'Not known',
}

/** The Home Office's first responder types, from the partner directory's kind, or else from the name. */
export function firstResponderType(name: string | null, agencyKind: string | null): string {
  const byKind: Record<string, string> = {
    immigration: 'government',
    border: 'government',
    'national-crime': 'government',
    'labour-enforcement': 'government',
    'police-team': 'police',
    'childrens-services': 'local-authority',
    'adult-social-care': 'local-authority',
    housing: 'local-authority',
    'victim-care': 'ngo',
    'child-guardianship': 'ngo',
    helpline: 'ngo',
    ngo: 'ngo',
  }
  if (agencyKind && byKind[agencyKind]) return byKind[agencyKind]
  const n = (name ?? '').toLowerCase()
  if (/police|constabulary|\bbtp\b/.test(n)) return 'police'
  if (/council|borough|local authority|county/.test(n)) return 'local-authority'
  if (/border force|immigration|home office|ukvi|national crime agency|\bnca\b|glaa|gangmasters|fair work/.test(n))
    return 'government'
  if (/salvation army|barnardo|migrant help|medaille|kalayaan|unseen|nspcc|refugee council|trust|charity/.test(n))
    return 'ngo'
  return 'unknown'
}

async function quarterlyReturn(
  db: Db,
  quarter: Quarter,
): Promise<{ quarter: Quarter; nrm: number; dtn: number; tables: Table[] }> {
  const [rows, decisions, waiting] = await Promise.all([
    repo.returnRows(db, quarter.start, quarter.end),
    repo.decisionsIn(db, quarter.start, quarter.end),
    repo.waitingAt(db, quarter.end),
  ])
  const nrm = rows.filter((r) => r.route === 'nrm')
  const dtn = rows.filter((r) => r.route === 'dtn')

  /** Rows of NRM (by age group), Duty to Notify and total, for one way of grouping people. */
  function split(
    name: string,
    title: string,
    header: string,
    keyOf: (r: repo.ReturnRow) => string[],
    order: string[],
    label: (k: string) => string,
    sortByCount = false,
  ): Table {
    const tally = new Map<string, { adult: number; child: number; unknown: number; dtn: number }>()
    for (const r of rows) {
      for (const key of keyOf(r)) {
        const t = tally.get(key) ?? { adult: 0, child: 0, unknown: 0, dtn: 0 }
        if (r.route === 'dtn') t.dtn++
        else
          t[
            (r.age_group as 'adult' | 'child' | 'unknown') in t
              ? (r.age_group as 'adult' | 'child' | 'unknown')
              : 'unknown'
          ]++
        tally.set(key, t)
      }
    }
    let keys = [...order, ...[...tally.keys()].filter((k) => !order.includes(k))]
    if (sortByCount) {
      const size = (k: string) => {
        const t = tally.get(k)
        return t ? t.adult + t.child + t.unknown + t.dtn : 0
      }
      keys = keys.filter((k) => tally.has(k)).sort((a, b) => size(b) - size(a) || a.localeCompare(b))
    }
    const lines: Cell[][] = keys.map((k) => {
      const t = tally.get(k) ?? { adult: 0, child: 0, unknown: 0, dtn: 0 }
      const nrmTotal = t.adult + t.child + t.unknown
      return [label(k), t.adult, t.child, t.unknown, nrmTotal, t.dtn, nrmTotal + t.dtn]
    })
    const sum = (i: number) => lines.reduce((a, l) => a + Number(l[i]), 0)
    return {
      name,
      title,
      counts: `NRM referrals made in ${quarter.title} (by age at exploitation) and Duty to Notify reports made in it.`,
      headers: [
        header,
        'NRM: adult',
        'NRM: child',
        'NRM: age not known',
        'NRM referrals',
        'Duty to Notify reports',
        'Total',
      ],
      rows: [...lines, ['Total', sum(1), sum(2), sum(3), sum(4), sum(5), sum(6)]],
      chart: null,
    }
  }

  const typeKey = (r: repo.ReturnRow) => [
    r.types.length === 0 ? 'not-specified' : [...new Set(r.types)].sort().join('+'),
  ]
  const comboOrder = TYPE_ORDER
  const byTypeAny = (r: repo.ReturnRow) => (r.types.length === 0 ? ['not-specified'] : [...new Set(r.types)])

  const decisionLine = (kind: 'rg' | 'cg', label: string): Cell[] => {
    const pos = decisions.find((d) => d.kind === kind && d.outcome === 'positive') ?? { n: 0, days: 0 }
    const neg = decisions.find((d) => d.kind === kind && d.outcome === 'negative') ?? { n: 0, days: 0 }
    const waitingNow = kind === 'rg' ? waiting.awaitingRg : waiting.awaitingCg
    return [
      label,
      pos.n + neg.n,
      pos.n,
      neg.n,
      percent(pos.n, pos.n + neg.n),
      meanDays(pos.days + neg.days, pos.n + neg.n),
      waitingNow,
    ]
  }

  const tables: Table[] = [
    {
      name: 'summary',
      title: 'Referrals in the quarter',
      counts: `NRM referrals and Duty to Notify reports the team made in ${quarter.title}, one per potential victim.`,
      headers: ['Measure', 'Number'],
      rows: [
        ['NRM referrals', nrm.length],
        ['Duty to Notify reports', dtn.length],
        ['Total', nrm.length + dtn.length],
      ],
      chart: null,
    },
    split(
      'age',
      'By age group at exploitation',
      'Age group at exploitation',
      (r) => [r.age_group],
      Object.keys(AGE_GROUPS),
      (k) => AGE_GROUPS[k] ?? k,
    ),
    split(
      'gender',
      'By gender',
      'Gender',
      (r) => [r.gender],
      GENDERS.items.map((i) => i.value),
      GENDERS.label,
    ),
    split('nationality', 'By nationality', 'Nationality', (r) => [r.nationality], [], nationalityLabel, true),
    split(
      'exploitation',
      'By exploitation type (single types and combinations)',
      'Exploitation type',
      typeKey,
      comboOrder,
      combinationLabel,
    ),
    split(
      'exploitation-any',
      'By exploitation type, in any combination',
      'Exploitation type (alone or with others)',
      byTypeAny,
      TYPE_ORDER,
      typeLabel,
    ),
    split(
      'location',
      'By where the exploitation happened',
      'Location of exploitation',
      (r) => [r.location],
      Object.keys(LOCATIONS),
      (k) => LOCATIONS[k] ?? k,
    ),
    {
      name: 'first-responder',
      title: 'NRM referrals by first responder type',
      counts:
        'The organisation recorded as first responder on each NRM referral, typed from the partner directory (or its name where it is not in the directory).',
      headers: ['First responder type', 'NRM referrals'],
      rows: (() => {
        const t = new Map<string, number>()
        for (const r of nrm) {
          const k = firstResponderType(r.first_responder, r.first_responder_kind)
          t.set(k, (t.get(k) ?? 0) + 1)
        }
        return [
          ...Object.keys(FIRST_RESPONDER_TYPES).map((k) => [FIRST_RESPONDER_TYPES[k], t.get(k) ?? 0] as Cell[]),
          ['Total', nrm.length],
        ]
      })(),
      chart: null,
    },
    {
      name: 'competent-authority',
      title: 'NRM referrals by competent authority',
      counts: 'The competent authority recorded on each NRM referral.',
      headers: ['Competent authority', 'NRM referrals'],
      rows: (() => {
        const t = new Map<string, number>()
        for (const r of nrm)
          t.set(r.competent_authority ?? 'unknown', (t.get(r.competent_authority ?? 'unknown') ?? 0) + 1)
        return [
          ...[...Object.keys(COMPETENT_AUTHORITIES), 'unknown'].map(
            (k) => [COMPETENT_AUTHORITIES[k] ?? 'Not recorded', t.get(k) ?? 0] as Cell[],
          ),
          ['Total', nrm.length],
        ]
      })(),
      chart: null,
    },
    {
      name: 'decisions',
      title: 'Decisions made in the quarter',
      counts: `Reasonable and conclusive grounds decisions recorded as made in ${quarter.title}, whenever the referral was made; days are calendar days from NRM referral to decision (mean). Waiting is at the end of the quarter.`,
      headers: [
        'Decision',
        'Decisions',
        'Positive',
        'Negative',
        'Positive rate',
        'Mean days to decision',
        'Waiting at end of quarter',
      ],
      rows: [decisionLine('rg', 'Reasonable grounds'), decisionLine('cg', 'Conclusive grounds')],
      chart: null,
    },
  ]
  return { quarter, nrm: nrm.length, dtn: dtn.length, tables }
}
