import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'

/**
 * The reads behind figures across sources, figures for partners and the anonymised export. Every count of
 * people resolves confirmed merges: a record merged into another counts as its survivor (person_root), and
 * the recursive lookup runs only for merged records (ADR 0006: a per-row walk doubled search latency).
 * Referrals closed as "not modern slavery" are left out of people counts: their subjects were found not to be
 * victims.
 */

export type Range = { from: Date | null; to: Date | null }

/** The lists for Multiple Systems Estimation, each a set of referral sources (bit k of a mask = list k). */
export const SOURCE_LISTS = [
  { key: 'nrm', label: 'NRM', description: 'NRM referrals from first responders', sources: ['nrm-first-responder'] },
  { key: 'helpline', label: 'Helpline', description: 'Modern Slavery & Exploitation Helpline', sources: ['helpline'] },
  { key: 'police', label: 'Police', description: 'Police reports and live jobs', sources: ['police'] },
  { key: 'partner', label: 'Partner', description: 'Partner agencies', sources: ['partner-agency'] },
  // A self-referral reaches the team the way a public concern does: through the public routes.
  {
    key: 'public',
    label: 'Public',
    description: 'Public concerns and self-referrals',
    sources: ['public-concern', 'self-referral'],
  },
] as const

const whenReceived = (range: Range) =>
  sql.join(
    [
      sql`true`,
      range.from ? sql`r.received_at >= ${range.from}` : sql`true`,
      range.to ? sql`r.received_at < ${range.to}` : sql`true`,
    ],
    sql` AND `,
  )

const listBit = sql.join(
  SOURCE_LISTS.map(
    (list, k) => sql`WHEN r.source = ANY (${list.sources as unknown as string[]}::text[]) THEN ${1 << k}::int`,
  ),
  sql` `,
)

export type MaskRow = { mask: number; people: number; records: number }

/**
 * People by the exact set of sources that referred them (a bit mask over SOURCE_LISTS), with how many
 * person records they were before merges were resolved.
 */
export async function peopleBySourceSet(db: Queryable, range: Range): Promise<MaskRow[]> {
  const { rows } = await sql<MaskRow>`
    WITH seen AS (
      SELECT s.person_id, CASE ${listBit} ELSE 0 END AS bit
      FROM referrals r
      JOIN referral_subjects s ON s.referral_id = r.id AND s.role = 'potential-victim'
      WHERE ${whenReceived(range)} AND r.closure_reason IS DISTINCT FROM 'not-modern-slavery'
    ), resolved AS (
      SELECT seen.person_id, seen.bit, CASE WHEN p.merged_into IS NULL THEN p.id ELSE person_root(p.id) END AS root
      FROM seen JOIN people p ON p.id = seen.person_id
    ), per_person AS (
      SELECT root, bit_or(bit) AS mask, count(DISTINCT person_id) AS records FROM resolved GROUP BY root
    )
    SELECT mask, count(*)::int AS people, sum(records)::int AS records FROM per_person WHERE mask <> 0 GROUP BY mask ORDER BY mask
  `.execute(db)
  return rows
}

export type EarliestRow = { earliest: Date | null }

export async function earliestReferral(db: Queryable): Promise<Date | null> {
  const { rows } = await sql<EarliestRow>`SELECT min(received_at) AS earliest FROM referrals`.execute(db)
  return rows[0]?.earliest ?? null
}

// ── Figures for partners ───────────────────────────────────────────────────────────────────────────────────

export type QuarterTypesRow = { quarter: string; types: string[]; referrals: number }

/** Referrals by quarter (London dates) and their exact set of exploitation types. */
export async function referralsByQuarterAndTypes(db: Queryable, range: Range): Promise<QuarterTypesRow[]> {
  const { rows } = await sql<QuarterTypesRow>`
    SELECT to_char(date_trunc('quarter', r.received_at AT TIME ZONE 'Europe/London'), 'YYYY-"Q"Q') AS quarter,
      ARRAY(SELECT DISTINCT t FROM unnest(r.exploitation_types) AS t ORDER BY 1) AS types,
      count(*)::int AS referrals
    FROM referrals r
    WHERE ${whenReceived(range)}
    GROUP BY 1, 2
  `.execute(db)
  return rows
}

export type SourceRow = { source: string; referrals: number }

export async function referralsBySource(db: Queryable, range: Range): Promise<SourceRow[]> {
  const { rows } = await sql<SourceRow>`
    SELECT r.source, count(*)::int AS referrals FROM referrals r WHERE ${whenReceived(range)} GROUP BY 1
  `.execute(db)
  return rows
}

export type AgeGenderRow = { gender: string; age: number | null; people: number }

/**
 * Distinct people referred as potential victims in the range, by gender and age when first referred in it
 * (from the date of birth, else the recorded approximate age). The survivor record's details are used.
 */
export async function victimsByAgeAndGender(db: Queryable, range: Range): Promise<AgeGenderRow[]> {
  const { rows } = await sql<AgeGenderRow>`
    WITH seen AS (
      SELECT CASE WHEN p.merged_into IS NULL THEN p.id ELSE person_root(p.id) END AS root, min(r.received_at) AS first_at
      FROM referrals r
      JOIN referral_subjects s ON s.referral_id = r.id AND s.role = 'potential-victim'
      JOIN people p ON p.id = s.person_id
      WHERE ${whenReceived(range)} AND r.closure_reason IS DISTINCT FROM 'not-modern-slavery'
      GROUP BY 1
    )
    SELECT coalesce(nullif(p.gender, ''), 'not-known') AS gender,
      CASE WHEN p.date_of_birth IS NOT NULL
        THEN extract(year FROM age((seen.first_at AT TIME ZONE 'Europe/London')::date, p.date_of_birth))::int
        ELSE p.approximate_age END AS age,
      count(*)::int AS people
    FROM seen JOIN people p ON p.id = seen.root
    GROUP BY 1, 2
  `.execute(db)
  return rows
}

// ── The anonymised victim-level export ─────────────────────────────────────────────────────────────────────

export type VictimRow = {
  first_at: Date
  types: string[] | null
  gender: string
  date_of_birth: string | null
  approximate_age: number | null
  nationality: string | null
  screened: boolean
  means: string[] | null
  /** What their structured context holds across their situations (victim-context, 0052); null when none is recorded. */
  context_recruitment: string[] | null
  context_controls: string[] | null
  context_sectors: string[] | null
  context_sexual: string[] | null
}

/**
 * One row per distinct person referred as a potential victim in the range: first referral, every type
 * across their referrals, and the means of control from their confirmed screenings (any record merged into
 * them included). No names, ids or free text leave this query.
 */
/** One list of a person's structured context, merged across their situations and merged records; null when they have none. */
const contextOf = (
  column: string,
) => sql`(SELECT CASE WHEN count(*) = 0 THEN NULL ELSE coalesce(array_agg(DISTINCT x) FILTER (WHERE x IS NOT NULL), '{}') END
  FROM victim_context_situations vs LEFT JOIN LATERAL unnest(vs.${sql.ref(column)}) AS x ON true WHERE vs.person_id IN (SELECT person_identity(pp.root)))`

export async function victims(db: Queryable, range: Range): Promise<VictimRow[]> {
  const { rows } = await sql<VictimRow>`
    WITH seen AS (
      SELECT CASE WHEN p.merged_into IS NULL THEN p.id ELSE person_root(p.id) END AS root, r.received_at, r.exploitation_types
      FROM referrals r
      JOIN referral_subjects s ON s.referral_id = r.id AND s.role = 'potential-victim'
      JOIN people p ON p.id = s.person_id
      WHERE ${whenReceived(range)} AND r.closure_reason IS DISTINCT FROM 'not-modern-slavery'
    ), per_person AS (
      SELECT root, min(received_at) AS first_at, array_agg(DISTINCT t) FILTER (WHERE t IS NOT NULL) AS types
      FROM seen LEFT JOIN LATERAL unnest(seen.exploitation_types) AS t ON true
      GROUP BY root
    ), screened AS (
      SELECT pp.root, array_agg(DISTINCT m) FILTER (WHERE m IS NOT NULL) AS means, count(sc.id) > 0 AS screened
      FROM per_person pp
      JOIN screenings sc ON sc.status = 'confirmed' AND jsonb_typeof(sc.facts -> 'means_used') = 'array'
        AND sc.person_id IN (SELECT person_identity(pp.root))
      LEFT JOIN LATERAL jsonb_array_elements_text(sc.facts -> 'means_used') AS m ON true
      GROUP BY pp.root
    )
    SELECT pp.first_at, pp.types, coalesce(nullif(p.gender, ''), 'not-known') AS gender, p.date_of_birth, p.approximate_age,
      p.nationalities[1] AS nationality, coalesce(sd.screened, false) AS screened, sd.means,
      ${contextOf('recruitment_methods')} AS context_recruitment, ${contextOf('control_methods')} AS context_controls,
      ${contextOf('labour_sectors')} AS context_sectors, ${contextOf('sexual_types')} AS context_sexual
    FROM per_person pp
    JOIN people p ON p.id = pp.root
    LEFT JOIN screened sd ON sd.root = pp.root
  `.execute(db)
  return rows
}
