import { sql, type RawBuilder } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'

/**
 * All SQL for the team's figures. The dashboard reads insight_summary (pre-aggregated by month in the same
 * transaction as every change, migration 0013) for whole months, and the facts for the part-months at either
 * end of a date range. The quarterly return reads insight_referral_facts by the
 * dates the Home Office counts by (NRM referral, Duty to Notify and decision dates).
 */

/** A date range, inclusive, as London calendar dates; null means open at that end. */
export type Range = { from: string | null; to: string | null }

export type SummaryRow = { dimension: string; key: string; n: number; days: number }

function firstOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`
}

function firstOfNextMonth(date: string): string {
  const [y, m] = date.split('-').map(Number)
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
}

function isLastDayOfMonth(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y, m, 0)).getUTCDate() === d
}

/**
 * How a range is read: whole months from the monthly summary, and the days of part-months at its ends from
 * the facts (insight_fact_cells). Never both for the same day, so nothing is counted twice.
 */
export function rangeParts(range: Range): { months: RawBuilder<boolean> | null; days: RawBuilder<boolean> | null } {
  const monthsFrom = range.from === null ? null : range.from.endsWith('-01') ? range.from : firstOfNextMonth(range.from)
  const monthsTo =
    range.to === null ? null : isLastDayOfMonth(range.to) ? firstOfNextMonth(range.to) : firstOfMonth(range.to)
  if (monthsFrom !== null && monthsTo !== null && monthsFrom >= monthsTo) {
    return {
      months: null,
      days: sql<boolean>`(received_on >= ${range.from}::date AND received_on <= ${range.to}::date)`,
    }
  }
  const months = sql<boolean>`(true${monthsFrom ? sql` AND month >= ${monthsFrom}::date` : sql``}${monthsTo ? sql` AND month < ${monthsTo}::date` : sql``})`
  const edges: RawBuilder<boolean>[] = []
  if (range.from !== null && monthsFrom !== null && range.from < monthsFrom)
    edges.push(sql<boolean>`(received_on >= ${range.from}::date AND received_on < ${monthsFrom}::date)`)
  if (range.to !== null && monthsTo !== null && monthsTo <= range.to)
    edges.push(sql<boolean>`(received_on >= ${monthsTo}::date AND received_on <= ${range.to}::date)`)
  return { months, days: edges.length ? sql<boolean>`(${sql.join(edges, sql` OR `)})` : null }
}

/** The cells of a range in one scope and some dimensions, by month: summary months and counted edge days. */
function rangeCells(scope: string, dimensions: readonly string[], range: Range) {
  const { months, days } = rangeParts(range)
  const dims = sql`${sql.val([...dimensions])}::text[]`
  const parts = []
  if (months)
    parts.push(
      sql`SELECT dimension, key, month, n, days FROM insight_summary_current WHERE scope = ${scope} AND dimension = ANY (${dims}) AND ${months}`,
    )
  if (days)
    parts.push(
      sql`SELECT dimension, key, month, 1::bigint AS n, coalesce(days, 0)::bigint AS days FROM insight_fact_cells WHERE scope = ${scope} AND dimension = ANY (${dims}) AND ${days}`,
    )
  return sql`(${sql.join(parts, sql` UNION ALL `)})`
}

/** Counts (and summed days) per key for each dimension asked for, in one scope ('' = all) and range. */
export async function summaryCounts(
  db: Queryable,
  scope: string,
  dimensions: readonly string[],
  range: Range,
): Promise<SummaryRow[]> {
  const { rows } = await sql<{ dimension: string; key: string; n: string; days: string }>`
    SELECT dimension, key, sum(n) AS n, sum(days) AS days
    FROM ${rangeCells(scope, dimensions, range)} AS c
    GROUP BY dimension, key
    HAVING sum(n) <> 0`.execute(db)
  return rows.map((r) => ({ dimension: r.dimension, key: r.key, n: Number(r.n), days: Number(r.days) }))
}

/** Referrals per London calendar month in the range (months with none are left out). */
export async function referralsByMonth(
  db: Queryable,
  scope: string,
  range: Range,
): Promise<{ month: string; n: number }[]> {
  const { rows } = await sql<{ month: string; n: string }>`
    SELECT to_char(month, 'YYYY-MM') AS month, sum(n) AS n
    FROM ${rangeCells(scope, ['referrals'], range)} AS c
    GROUP BY 1
    HAVING sum(n) <> 0
    ORDER BY 1`.execute(db)
  return rows.map((r) => ({ month: r.month, n: Number(r.n) }))
}

/**
 * The summary counts and the referrals per month in one pass over the range's cells: what summaryCounts
 * and referralsByMonth return, with the same figures, for the price of one query.
 */
export async function rangeFigures(
  db: Queryable,
  scope: string,
  dimensions: readonly string[],
  range: Range,
): Promise<{ summary: SummaryRow[]; months: { month: string; n: number }[] }> {
  const all = [...new Set([...dimensions, 'referrals'])]
  const { rows } = await sql<{
    by_month: boolean
    dimension: string
    key: string | null
    month: string | null
    n: string
    days: string
  }>`
    SELECT grouping(key) = 1 AS by_month, dimension, key, to_char(month, 'YYYY-MM') AS month, sum(n) AS n, sum(days) AS days
    FROM ${rangeCells(scope, all, range)} AS c
    GROUP BY GROUPING SETS ((dimension, key), (dimension, month))
    HAVING sum(n) <> 0 AND (grouping(key) = 0 OR dimension = 'referrals')
    ORDER BY 1, 4`.execute(db)
  const summary: SummaryRow[] = []
  const months: { month: string; n: number }[] = []
  for (const r of rows) {
    if (r.by_month) months.push({ month: r.month!, n: Number(r.n) })
    else if (dimensions.includes(r.dimension))
      summary.push({ dimension: r.dimension, key: r.key!, n: Number(r.n), days: Number(r.days) })
  }
  return { summary, months }
}

/**
 * The data versions, read together: `facts` (migration 0020) changes in the same transaction as any change to
 * the referral figures, `live` (0021) with any change to cases, their tasks or awareness events. Each is its
 * folded row plus the changes not yet folded (0054), so writers never update a shared row.
 */
export type DataVersions = { facts: string; live: string }

export async function dataVersions(db: Queryable): Promise<DataVersions> {
  const { rows } = await sql<{ facts: string; live: string }>`
    SELECT (SELECT version FROM insight_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'facts') AS facts,
      (SELECT version FROM insight_live_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'live') AS live`.execute(
    db,
  )
  return { facts: rows[0]?.facts ?? '0', live: rows[0]?.live ?? '0' }
}

export type CaseSnapshot = {
  openInvestigations: number
  openCountyLines: number
  suspended: number
  openTasks: number
  overdueTasks: number
}

/** Live jobs and their tasks as they stand today (not limited by the date range). */
export async function caseSnapshot(db: Queryable, priority: string | null, today: string): Promise<CaseSnapshot> {
  const tag = priority ? sql` AND c.priority_tags @> ARRAY[${priority}]::text[]` : sql``
  // One scan of the live cases and one of the open tasks' index, grouped by case before the join: the open
  // tasks are many, the cases with open tasks far fewer.
  const { rows } = await sql<{
    open_investigations: string
    open_county_lines: string
    suspended: string
    open_tasks: string
    overdue_tasks: string
  }>`
    WITH live AS (SELECT c.id, c.status, c.kind FROM cases c WHERE c.status <> 'closed'${tag}),
    tasks AS (
      SELECT t.case_id, count(*) AS open_tasks, count(*) FILTER (WHERE t.due_on < ${today}::date) AS overdue_tasks
      FROM case_tasks t WHERE t.status = 'open' GROUP BY t.case_id
    )
    SELECT cs.open_investigations, cs.open_county_lines, cs.suspended, tk.open_tasks, tk.overdue_tasks
    FROM (SELECT count(*) FILTER (WHERE status = 'open' AND kind = 'investigation') AS open_investigations,
        count(*) FILTER (WHERE status = 'open' AND kind = 'county-lines') AS open_county_lines,
        count(*) FILTER (WHERE status = 'suspended') AS suspended
      FROM live) cs,
      (SELECT coalesce(sum(tasks.open_tasks), 0) AS open_tasks, coalesce(sum(tasks.overdue_tasks), 0) AS overdue_tasks
      FROM tasks JOIN live ON live.id = tasks.case_id) tk`.execute(db)
  const r = rows[0]
  return {
    openInvestigations: Number(r.open_investigations),
    openCountyLines: Number(r.open_county_lines),
    suspended: Number(r.suspended),
    openTasks: Number(r.open_tasks),
    overdueTasks: Number(r.overdue_tasks),
  }
}

export type OutreachRow = { kind: string; events: number; attendees: number }

/** Awareness events and training inputs that started in the range, by kind. */
export async function outreachByKind(db: Queryable, priority: string | null, range: Range): Promise<OutreachRow[]> {
  const { rows } = await sql<{ kind: string; events: string; attendees: string }>`
    SELECT kind, count(*) AS events, coalesce(sum(attendee_count), 0) AS attendees
    FROM outreach_events
    WHERE true
      ${range.from ? sql`AND starts_at >= (${range.from}::date)::timestamp AT TIME ZONE 'Europe/London'` : sql``}
      ${range.to ? sql`AND starts_at < (${range.to}::date + 1)::timestamp AT TIME ZONE 'Europe/London'` : sql``}
      ${priority ? sql`AND priority_tags @> ARRAY[${priority}]::text[]` : sql``}
    GROUP BY kind`.execute(db)
  return rows.map((r) => ({ kind: r.kind, events: Number(r.events), attendees: Number(r.attendees) }))
}

// ---- The quarterly return ---------------------------------------------------------------------------------

export type ReturnRow = {
  route: 'nrm' | 'dtn'
  age_group: string
  gender: string
  nationality: string
  location: string
  types: string[]
  competent_authority: string | null
  first_responder: string | null
  first_responder_kind: string | null
}

/**
 * One row per NRM referral submitted in the quarter and per Duty to Notify report made in it, with the
 * person's figures as the facts table holds them. The first responder's type comes from the partner
 * directory (agencies.kind) when the organisation is there by name.
 */
export async function returnRows(db: Queryable, start: string, end: string): Promise<ReturnRow[]> {
  const { rows } = await sql<ReturnRow>`
    SELECT 'nrm' AS route, f.age_group, f.gender, f.nationality, f.location, coalesce(f.victim_types, '{}') AS types, f.competent_authority,
      n.first_responder_organisation AS first_responder, a.kind AS first_responder_kind
    FROM insight_referral_facts f
    LEFT JOIN LATERAL (SELECT x.first_responder_organisation FROM nrm_referrals x WHERE x.referral_id = f.referral_id AND x.person_id = f.person_id
      ORDER BY x.submitted_on DESC, x.created_at DESC LIMIT 1) n ON true
    LEFT JOIN agencies a ON lower(a.name) = lower(n.first_responder_organisation)
    WHERE f.nrm_submitted_on BETWEEN ${start}::date AND ${end}::date
    UNION ALL
    SELECT 'dtn', f.age_group, f.gender, f.nationality, f.location, coalesce(f.victim_types, '{}'), NULL, NULL, NULL
    FROM insight_referral_facts f
    WHERE f.dtn_submitted_on BETWEEN ${start}::date AND ${end}::date`.execute(db)
  return rows
}

export type DecisionRow = { kind: 'rg' | 'cg'; outcome: string; n: number; days: number }

/** Reasonable and conclusive grounds decisions made in the quarter, with the days from NRM referral to each. */
export async function decisionsIn(db: Queryable, start: string, end: string): Promise<DecisionRow[]> {
  const { rows } = await sql<{ kind: 'rg' | 'cg'; outcome: string; n: string; days: string }>`
    SELECT 'rg' AS kind, rg_outcome AS outcome, count(*) AS n, coalesce(sum(rg_on - nrm_submitted_on), 0) AS days
    FROM insight_referral_facts WHERE rg_on BETWEEN ${start}::date AND ${end}::date GROUP BY rg_outcome
    UNION ALL
    SELECT 'cg', cg_outcome, count(*), coalesce(sum(cg_on - nrm_submitted_on), 0)
    FROM insight_referral_facts WHERE cg_on BETWEEN ${start}::date AND ${end}::date GROUP BY cg_outcome`.execute(db)
  return rows.map((r) => ({ kind: r.kind, outcome: r.outcome, n: Number(r.n), days: Number(r.days) }))
}

/**
 * Waiting at the end of the quarter: referred by then with no reasonable grounds decision by then; and with
 * a positive reasonable grounds decision by then and no conclusive grounds decision by then. Withdrawn
 * referrals are left out (the withdrawal date is not kept in the facts, so a referral withdrawn after the
 * quarter is left out too).
 */
export async function waitingAt(db: Queryable, end: string): Promise<{ awaitingRg: number; awaitingCg: number }> {
  const { rows } = await sql<{ awaiting_rg: string; awaiting_cg: string }>`
    SELECT
      count(*) FILTER (WHERE nrm_submitted_on <= ${end}::date AND (rg_on IS NULL OR rg_on > ${end}::date)) AS awaiting_rg,
      count(*) FILTER (WHERE rg_outcome = 'positive' AND rg_on <= ${end}::date AND (cg_on IS NULL OR cg_on > ${end}::date)) AS awaiting_cg
    FROM insight_referral_facts
    WHERE nrm_submitted_on IS NOT NULL AND nrm_submitted_on <= ${end}::date AND coalesce(nrm_state, '') NOT IN ('withdrawn', 'disqualified')`.execute(
    db,
  )
  return { awaitingRg: Number(rows[0].awaiting_rg), awaitingCg: Number(rows[0].awaiting_cg) }
}
