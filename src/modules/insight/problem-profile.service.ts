import { sql } from 'kysely'
import type { Db, Queryable } from '#src/platform/db/database.ts'
import { countryName } from '#src/shared/reference-data.ts'
import {
  CONTEXT_LISTS,
  JOURNEY_STAGES,
  LABOUR_SECTOR_DETAILS,
  dimensionCounts,
  legCounts,
  placeCounts,
  type ContextListKey,
  type ProfileFilters,
} from '#src/modules/victim-context/index.ts'
import { SECTORS, createOutreachService, type OutreachService } from '#src/modules/outreach/index.ts'
import { HEARD_VIA_TEXT, PLACE_KIND_TEXT, publicReportAnswerCounts } from '#src/modules/public/index.ts'
import type { Cell, ChartSpec, Table } from './statistics.service.ts'
import { suppressTable, toPartnerTable } from './suppression.ts'

/**
 * The problem profile (issue 15, section 3): how people come to be exploited here, counted from the structured
 * victim context (src/modules/victim-context), so the team can see where to act. Counts are of exploitation
 * situations (a person's situation as one referral describes it); a situation counts once under every value it
 * holds, so a column does not add up to the number of situations. The team's page shows the counts as they are, like
 * the dashboard; what leaves the team (the partner download) goes through the same small-cell suppression as the
 * partner figures. UK places are typed by officers, so a place is named only where at least the suppression
 * threshold of situations share it: a place known to one victim says too much about them, and free text could hold
 * anything. The rest are counted together as "other UK places".
 */

export const AGE_COLUMNS = [
  { key: 'child', text: 'Child (under 18)' },
  { key: 'adult', text: 'Adult' },
  { key: 'unknown', text: 'Age not known' },
] as const

export const PROFILE_TABLES = [
  'recruitment-methods',
  'platforms',
  'vulnerabilities',
  'control-methods',
  'labour-sectors',
  'sexual-types',
  'criminal-types',
  'countries',
  'uk-places',
  'routes',
  'where-to-act',
  'outreach-attribution',
  'report-places',
  'heard-via',
] as const
export type ProfileTableName = (typeof PROFILE_TABLES)[number]
export const isProfileTable = (name: string): name is ProfileTableName =>
  (PROFILE_TABLES as readonly string[]).includes(name)

const DIMENSIONS: Record<
  Exclude<
    ProfileTableName,
    'countries' | 'uk-places' | 'routes' | 'where-to-act' | 'outreach-attribution' | 'report-places' | 'heard-via'
  >,
  { key: ContextListKey; column: string; counts: string; row: string }
> = {
  'recruitment-methods': {
    key: 'recruitmentMethods',
    column: 'recruitment_methods',
    counts: 'Situations by how the person was recruited',
    row: 'How recruited',
  },
  platforms: {
    key: 'recruitmentPlatforms',
    column: 'recruitment_platforms',
    counts: 'Situations by the websites and apps used to recruit',
    row: 'Platform',
  },
  vulnerabilities: {
    key: 'vulnerabilities',
    column: 'vulnerabilities',
    counts: 'Situations by what made the person vulnerable',
    row: 'Vulnerability',
  },
  'control-methods': {
    key: 'controlMethods',
    column: 'control_methods',
    counts: 'Situations by how the person was controlled',
    row: 'Method of control',
  },
  'labour-sectors': {
    key: 'labourSectors',
    column: 'labour_sectors',
    counts:
      'Situations by the labour sector the person was exploited in (SIC 2007 sections, with textiles, car washes and nail bars on their own)',
    row: 'Sector',
  },
  'sexual-types': {
    key: 'sexualTypes',
    column: 'sexual_types',
    counts: 'Situations by kind of sexual exploitation',
    row: 'Kind',
  },
  'criminal-types': {
    key: 'criminalTypes',
    column: 'criminal_types',
    counts: 'Situations by kind of criminal exploitation',
    row: 'Kind',
  },
}

export type ProfileTable = Table & {
  /** The counts for the partner download: rows by columns, before suppression (the totals are worked out there). */
  countTable: { rows: string[]; columns: string[]; cells: number[][] } | null
}

export type Profile = {
  total: number
  byAge: Record<string, number>
  tables: ProfileTable[]
  /** Where to act, in words: the most common answers the team can aim prevention at. */
  headlines: { title: string; items: { label: string; n: number }[] }[]
  /** Sectors with exploitation and no outreach in the period. */
  gaps: string[]
  graph: { nodes: { name: string; value: number }[]; links: { source: string; target: string; value: number }[] }
}

/** A table as it may leave the team: every count a string, small ones suppressed. */
export type PartnerTable = { title: string; headers: string[]; rows: string[][]; note: string }

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0)

function byAgeTable(
  name: string,
  title: string,
  counts: string,
  rows: { label: string; byAge: Record<string, number> }[],
  unit: string,
  rowHeader: string,
): ProfileTable {
  const sorted = rows
    .map((r) => ({ ...r, total: sum(Object.values(r.byAge)) }))
    .filter((r) => r.total > 0)
    .sort((a, b) => b.total - a.total || a.label.localeCompare(b.label))
  const columns = AGE_COLUMNS.map((c) => c.text)
  const chart: ChartSpec | null = sorted.length
    ? {
        kind: 'bar',
        categories: sorted.map((r) => r.label),
        series: AGE_COLUMNS.map((c) => ({ name: c.text, values: sorted.map((r) => r.byAge[c.key] ?? 0) })),
        unit,
      }
    : null
  return {
    name,
    title,
    counts,
    headers: [rowHeader, ...columns, 'Total'],
    rows: sorted.map((r) => [r.label, ...AGE_COLUMNS.map((c) => r.byAge[c.key] ?? 0), r.total] as Cell[]),
    chart,
    countTable: {
      rows: sorted.map((r) => r.label),
      columns,
      cells: sorted.map((r) => AGE_COLUMNS.map((c) => r.byAge[c.key] ?? 0)),
    },
  }
}

/** Outreach events and people reached per outreach sector in the period (outreach holds no case data). */
async function outreachBySector(
  db: Queryable,
  filters: ProfileFilters,
): Promise<Map<string, { events: number; attendees: number }>> {
  const { rows } = await sql<{ sector: string; events: string; attendees: string }>`
    SELECT s AS sector, count(*) AS events, coalesce(sum(attendee_count), 0) AS attendees
    FROM outreach_events, unnest(sectors) AS s
    WHERE true
      ${filters.from ? sql`AND starts_at >= (${filters.from}::date)::timestamp AT TIME ZONE 'Europe/London'` : sql``}
      ${filters.to ? sql`AND starts_at < (${filters.to}::date + 1)::timestamp AT TIME ZONE 'Europe/London'` : sql``}
      ${filters.priority ? sql`AND priority_tags @> ARRAY[${filters.priority}]::text[]` : sql``}
    GROUP BY s`.execute(db)
  return new Map(rows.map((r) => [r.sector, { events: Number(r.events), attendees: Number(r.attendees) }]))
}

const titleCase = (place: string) => place.replace(/\b\p{L}/gu, (c) => c.toUpperCase())

/** A one-column table of public-report counts (the kinds of place, how reporters heard), largest first. */
function answerTable(
  name: ProfileTableName,
  title: string,
  counts: string,
  rowHeader: string,
  words: Record<string, string>,
  found: { value: string; n: number }[],
): ProfileTable {
  const rows = found
    .map((f) => ({ label: words[f.value] ?? f.value, n: f.n }))
    .filter((r) => r.n > 0)
    .sort((a, b) => b.n - a.n || a.label.localeCompare(b.label))
  return {
    name,
    title,
    counts,
    note: 'Public reports received in the period, whatever the strategic priority or age group chosen: the reporter answers this optional question, not the victim’s context.',
    headers: [rowHeader, 'Public reports'],
    rows: rows.map((r) => [r.label, r.n]),
    chart: rows.length
      ? {
          kind: 'bar',
          categories: rows.map((r) => r.label),
          series: [{ name: 'Public reports', values: rows.map((r) => r.n) }],
          unit: 'Reports',
        }
      : null,
    countTable: { rows: rows.map((r) => r.label), columns: ['Public reports'], cells: rows.map((r) => [r.n]) },
  }
}

export function createProblemProfileService(
  db: Db,
  options: { suppressionThreshold: number; outreach?: Pick<OutreachService, 'attribution'> },
) {
  const threshold = options.suppressionThreshold
  const outreachService = options.outreach ?? createOutreachService(db)

  async function profile(filters: ProfileFilters): Promise<Profile> {
    const period = { from: filters.from, to: filters.to }
    const [{ total, counts }, places, legs, outreach, attribution, answers] = await Promise.all([
      dimensionCounts(db, filters),
      placeCounts(db, filters),
      legCounts(db, filters),
      outreachBySector(db, filters),
      outreachService.attribution({ ...period, priority: filters.priority }),
      publicReportAnswerCounts(db, period),
    ])
    const byAge = Object.fromEntries(total.map((t) => [t.age_group, t.n]))
    const tables: ProfileTable[] = []

    for (const [name, d] of Object.entries(DIMENSIONS) as [
      keyof typeof DIMENSIONS,
      (typeof DIMENSIONS)[keyof typeof DIMENSIONS],
    ][]) {
      const list = CONTEXT_LISTS[d.key].list
      const rows = list.items.map((item) => ({
        label: item.text,
        byAge: Object.fromEntries(
          counts.filter((c) => c.dimension === d.column && c.value === item.value).map((c) => [c.age_group, c.n]),
        ),
      }))
      tables.push(byAgeTable(name, CONTEXT_LISTS[d.key].title, d.counts, rows, 'Situations', d.row))
    }

    // Countries by stage: where people were recruited, moved through and exploited.
    const stages = JOURNEY_STAGES.items.filter((s) => s.value !== 'exit')
    const countryCodes = [...new Set(places.map((p) => p.country))]
    const countryRows = countryCodes
      .map((code) => ({
        label: countryName(code),
        cells: stages.map((s) => sum(places.filter((p) => p.country === code && p.stage === s.value).map((p) => p.n))),
      }))
      .filter((r) => sum(r.cells) > 0)
      .sort((a, b) => sum(b.cells) - sum(a.cells) || a.label.localeCompare(b.label))
    tables.push({
      name: 'countries',
      title: 'Countries of recruitment, transit and exploitation',
      counts:
        'Situations by the countries their journey passed through, at each stage (a situation counts once per country and stage)',
      headers: ['Country', ...stages.map((s) => s.text)],
      rows: countryRows.map((r) => [r.label, ...r.cells]),
      chart: countryRows.length
        ? {
            kind: 'bar',
            categories: countryRows.map((r) => r.label),
            series: stages.map((s, i) => ({ name: s.text, values: countryRows.map((r) => r.cells[i]) })),
            unit: 'Situations',
          }
        : null,
      countTable: {
        rows: countryRows.map((r) => r.label),
        columns: stages.map((s) => s.text),
        cells: countryRows.map((r) => r.cells),
      },
    })

    // UK places, named only where enough situations share them (see above).
    const ukPlaces = places.filter((p) => p.country === 'GB')
    const named = new Set(
      [...new Set(ukPlaces.map((p) => p.place))].filter(
        (place) => place && sum(ukPlaces.filter((p) => p.place === place).map((p) => p.n)) >= threshold,
      ),
    )
    const placeLabel = (place: string) => (named.has(place) ? titleCase(place) : 'Other UK places')
    const placeRows = new Map<string, number[]>()
    for (const p of ukPlaces) {
      const label = placeLabel(p.place)
      const cells = placeRows.get(label) ?? stages.map(() => 0)
      const i = stages.findIndex((s) => s.value === p.stage)
      if (i >= 0) cells[i] += p.n
      placeRows.set(label, cells)
    }
    const ukRows = [...placeRows.entries()]
      .map(([label, cells]) => ({ label, cells }))
      .filter((r) => sum(r.cells) > 0)
      .sort((a, b) =>
        a.label === 'Other UK places' ? 1 : b.label === 'Other UK places' ? -1 : sum(b.cells) - sum(a.cells),
      )
    tables.push({
      name: 'uk-places',
      title: 'Places in the UK',
      counts: 'Situations by the UK towns and cities of their journey, at each stage',
      note: `A place is named only where at least ${threshold} situations share it; the rest are counted as other UK places. “Other UK places” can count a situation more than once.`,
      headers: ['Place', ...stages.map((s) => s.text)],
      rows: ukRows.map((r) => [r.label, ...r.cells]),
      chart: ukRows.length
        ? {
            kind: 'bar',
            categories: ukRows.map((r) => r.label),
            series: stages.map((s, i) => ({ name: s.text, values: ukRows.map((r) => r.cells[i]) })),
            unit: 'Situations',
          }
        : null,
      countTable: {
        rows: ukRows.map((r) => r.label),
        columns: stages.map((s) => s.text),
        cells: ukRows.map((r) => r.cells),
      },
    })

    // Routes: legs between countries (and named UK places), for the route diagram and its table.
    const end = (country: string, place: string) =>
      country === 'GB'
        ? place && named.has(place)
          ? `${titleCase(place)} (UK)`
          : 'Elsewhere in the UK'
        : countryName(country)
    const legTotals = new Map<string, { from: string; to: string; n: number }>()
    for (const l of legs) {
      const from = end(l.from_country, l.from_place)
      const to = end(l.to_country, l.to_place)
      if (from === to) continue
      const key = `${from}\u0001${to}`
      const found = legTotals.get(key) ?? { from, to, n: 0 }
      found.n += l.n
      legTotals.set(key, found)
    }
    const routeRows = [...legTotals.values()].sort((a, b) => b.n - a.n || a.from.localeCompare(b.from))
    tables.push({
      name: 'routes',
      title: 'Routes',
      counts: 'Situations by each leg of their journey, from one place to the next in date order',
      headers: ['From', 'To', 'Situations'],
      rows: routeRows.map((r) => [r.from, r.to, r.n]),
      chart: null,
      countTable: {
        rows: routeRows.map((r) => `${r.from} to ${r.to}`),
        columns: ['Situations'],
        cells: routeRows.map((r) => [r.n]),
      },
    })
    const nodeTotals = new Map<string, number>()
    for (const r of routeRows)
      for (const name of [r.from, r.to]) nodeTotals.set(name, (nodeTotals.get(name) ?? 0) + r.n)
    const graph = {
      nodes: [...nodeTotals.entries()].map(([name, value]) => ({ name, value })),
      links: routeRows.map((r) => ({ source: r.from, target: r.to, value: r.n })),
    }

    // Where to act: sectors with exploitation beside the outreach delivered to the same sector.
    const sectorCounts = new Map<string, number>()
    for (const c of counts.filter((x) => x.dimension === 'labour_sectors'))
      sectorCounts.set(c.value, (sectorCounts.get(c.value) ?? 0) + c.n)
    const actRows = LABOUR_SECTOR_DETAILS.filter((s) => s.value !== 'unknown' && (sectorCounts.get(s.value) ?? 0) > 0)
      .map((s) => {
        const delivered = s.outreach ? outreach.get(s.outreach) : undefined
        return {
          label: s.text,
          n: sectorCounts.get(s.value) ?? 0,
          outreachSector: s.outreach ? SECTORS.label(s.outreach) : 'No outreach sector',
          events: delivered?.events ?? 0,
          attendees: delivered?.attendees ?? 0,
        }
      })
      .sort((a, b) => b.n - a.n || a.label.localeCompare(b.label))
    tables.push({
      name: 'where-to-act',
      title: 'Where to act: exploitation beside outreach, by sector',
      counts:
        'Situations exploited in each labour sector, beside the awareness events and training delivered to that sector in the same period',
      headers: ['Sector', 'Situations', 'Outreach sector', 'Events and training', 'People reached'],
      rows: actRows.map((r) => [r.label, r.n, r.outreachSector, r.events, r.attendees]),
      chart: actRows.length
        ? {
            kind: 'bar',
            categories: actRows.map((r) => r.label),
            series: [
              { name: 'Situations', values: actRows.map((r) => r.n) },
              { name: 'Events and training', values: actRows.map((r) => r.events) },
            ],
            unit: 'Count',
          }
        : null,
      countTable: { rows: actRows.map((r) => r.label), columns: ['Situations'], cells: actRows.map((r) => [r.n]) },
    })

    // The closed loop: public reports that came through the links and QR codes of each operation's events.
    const attributionRows = attribution.map((a) => ({
      label: a.operation_id
        ? `${a.operation_name}${a.operation_code ? ` (${a.operation_code})` : ''}`
        : 'Events in no operation',
      events: a.events,
      attendees: a.attendees,
      reports: a.reports,
    }))
    tables.push({
      name: 'outreach-attribution',
      title: 'Where to act: public reports through outreach, by operation',
      counts:
        'Awareness events and training held in the period and the people they reached, beside the public reports received in the period through the short links and QR codes on their posters and materials',
      note: 'A report counts for an operation when the reporter came through the link or QR code of one of its events. Not filtered by age group.',
      headers: ['Operation', 'Events and training', 'People reached', 'Public reports through its links'],
      rows: attributionRows.map((r) => [r.label, r.events, r.attendees, r.reports]),
      chart: attributionRows.length
        ? {
            kind: 'bar',
            categories: attributionRows.map((r) => r.label),
            series: [
              { name: 'Events and training', values: attributionRows.map((r) => r.events) },
              { name: 'Public reports through its links', values: attributionRows.map((r) => r.reports) },
            ],
            unit: 'Count',
          }
        : null,
      countTable: {
        rows: attributionRows.map((r) => r.label),
        columns: ['Public reports through its links'],
        cells: attributionRows.map((r) => [r.reports]),
      },
    })
    tables.push(
      answerTable(
        'report-places',
        'Kinds of place in public reports',
        'Public reports by the kind of place the reporter was worried about',
        'Kind of place',
        PLACE_KIND_TEXT,
        answers.filter((a) => a.question === 'place_kind'),
      ),
      answerTable(
        'heard-via',
        'How reporters heard about reporting',
        'Public reports by how the reporter heard about reporting',
        'How they heard',
        HEARD_VIA_TEXT,
        answers.filter((a) => a.question === 'heard_via'),
      ),
    )

    const top = (name: ProfileTableName, n = 3) =>
      (tables.find((t) => t.name === name)?.rows ?? [])
        .slice(0, n)
        .map((r) => ({ label: String(r[0]), n: Number(r[r.length - 1]) }))
    const headlines = [
      {
        title: 'Most common ways people were recruited',
        items: top('recruitment-methods').filter((i) => i.label !== 'Not known'),
      },
      { title: 'Platforms most used to recruit', items: top('platforms').filter((i) => i.label !== 'Not known') },
      { title: 'Most common vulnerabilities', items: top('vulnerabilities').filter((i) => i.label !== 'Not known') },
      {
        title: 'Sectors with the most exploitation',
        items: actRows.slice(0, 3).map((r) => ({ label: r.label, n: r.n })),
      },
    ]
    const gaps = actRows.filter((r) => r.events === 0).map((r) => r.label)
    return { total: sum(Object.values(byAge)), byAge, tables, headlines, gaps, graph }
  }

  function toPartner(table: ProfileTable): PartnerTable | null {
    if (!table.countTable) return null
    const { rows, columns, cells } = table.countTable
    const note = `Counts from 1 to ${threshold - 1} are shown as “fewer than ${threshold}”; [w] marks a count withheld so that a small one cannot be worked out.`
    const first = table.headers[0] || ''
    if (rows.length === 0) return { title: table.title, headers: [first, ...columns], rows: [], note }
    const suppressed = suppressTable({ rows, columns, cells }, { threshold })
    // No pattern protects every small count: publish no figures rather than some that identify.
    if (!suppressed.safe)
      return {
        title: table.title,
        headers: [first, ...columns],
        rows: [],
        note: `Too few situations to publish any figures safely. ${note}`,
      }
    const p = toPartnerTable(suppressed)
    const withTotals = columns.length > 1
    return {
      title: table.title,
      headers: [first, ...columns, ...(withTotals ? ['Total'] : [])],
      rows: [
        ...p.rows.map((r, i) => [r, ...p.cells[i], ...(withTotals ? [p.rowTotals[i]] : [])]),
        ['Total', ...p.columnTotals, ...(withTotals ? [p.grandTotal] : [])],
      ],
      note,
    }
  }

  return {
    profile,

    /** One table for sharing outside the team: small cells suppressed (and, where needed, others withheld). */
    async partnerTable(name: ProfileTableName, filters: ProfileFilters): Promise<PartnerTable | null> {
      const table = (await profile(filters)).tables.find((t) => t.name === name)
      return table ? toPartner(table) : null
    },

    /** Every table as a partner sees it (the partner portal's profile): one profile, each table suppressed. */
    async partnerTables(filters: ProfileFilters): Promise<(PartnerTable & { name: string; counts: string })[]> {
      return (await profile(filters)).tables.flatMap((t) => {
        const p = toPartner(t)
        return p ? [{ ...p, name: t.name, counts: t.counts }] : []
      })
    },
  }
}

export type ProblemProfileService = ReturnType<typeof createProblemProfileService>
