import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'

/** All SQL for victim context: situations, their journeys and perpetrators, and the counts the problem profile reads. */

/** What an officer records about a situation. */
export type SituationFields = Pick<
  Row<'victim_context_situations'>,
  | 'recruitment_methods'
  | 'recruitment_place'
  | 'recruitment_country'
  | 'recruitment_platforms'
  | 'recruitment_detail'
  | 'vulnerabilities'
  | 'vulnerability_detail'
  | 'control_methods'
  | 'control_detail'
  | 'labour_sectors'
  | 'sexual_types'
  | 'criminal_types'
>

export type SituationRow = SituationFields &
  Pick<Row<'victim_context_situations'>, 'id' | 'person_id' | 'referral_id' | 'updated_at'> & {
    referral_reference: string | null
    updated_by_name: string | null
  }

export type JourneyRow = Pick<
  Row<'victim_context_journey'>,
  'id' | 'situation_id' | 'stage' | 'occurred_on' | 'place' | 'country' | 'notes'
>
export type PerpetratorRow = Pick<
  Row<'victim_context_perpetrators'>,
  'id' | 'situation_id' | 'person_id' | 'description' | 'roles'
> & { person_name: string | null }

const SITUATION_COLUMNS = sql`s.id, s.person_id, s.referral_id, r.reference AS referral_reference, s.recruitment_methods, s.recruitment_place,
  s.recruitment_country, s.recruitment_platforms, s.recruitment_detail, s.vulnerabilities, s.vulnerability_detail, s.control_methods,
  s.control_detail, s.labour_sectors, s.sexual_types, s.criminal_types, s.updated_at, u.display_name AS updated_by_name`

/** The person's situations, and those of records merged into them (a merge shows the survivor everything). */
export async function listSituations(db: Queryable, personId: string): Promise<SituationRow[]> {
  const { rows } = await sql<SituationRow>`
    SELECT ${SITUATION_COLUMNS}
    FROM victim_context_situations s
    LEFT JOIN referrals r ON r.id = s.referral_id
    LEFT JOIN users u ON u.id = s.updated_by
    WHERE s.person_id = ${personId}::uuid OR s.person_id IN (SELECT id FROM people WHERE merged_into = ${personId}::uuid)
    ORDER BY r.received_at NULLS LAST, s.created_at`.execute(db)
  return rows
}

export async function findSituation(db: Queryable, id: string): Promise<SituationRow | undefined> {
  const { rows } = await sql<SituationRow>`
    SELECT ${SITUATION_COLUMNS}
    FROM victim_context_situations s
    LEFT JOIN referrals r ON r.id = s.referral_id
    LEFT JOIN users u ON u.id = s.updated_by
    WHERE s.id = ${id}::uuid`.execute(db)
  return rows[0]
}

export async function findSituationByReferral(
  db: Queryable,
  personId: string,
  referralId: string,
): Promise<{ id: string } | undefined> {
  return db
    .selectFrom('victim_context_situations')
    .select('id')
    .where('person_id', '=', personId)
    .where('referral_id', '=', referralId)
    .executeTakeFirst()
}

export async function insertSituation(
  db: Queryable,
  row: { id: string; person_id: string; referral_id: string | null; created_by: string | null } & SituationFields,
): Promise<void> {
  await db
    .insertInto('victim_context_situations')
    .values({ ...row, updated_by: row.created_by, updated_at: new Date() })
    .execute()
}

export async function updateSituation(
  db: Queryable,
  id: string,
  fields: SituationFields,
  userId: string | null,
): Promise<void> {
  await db
    .updateTable('victim_context_situations')
    .set({ ...fields, updated_by: userId, updated_at: new Date() })
    .where('id', '=', id)
    .execute()
}

export async function touchSituation(db: Queryable, id: string, userId: string | null): Promise<void> {
  await db
    .updateTable('victim_context_situations')
    .set({ updated_by: userId, updated_at: new Date() })
    .where('id', '=', id)
    .execute()
}

export async function deleteSituation(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('victim_context_situations').where('id', '=', id).execute()
}

export async function listJourney(db: Queryable, situationIds: readonly string[]): Promise<JourneyRow[]> {
  if (situationIds.length === 0) return []
  return db
    .selectFrom('victim_context_journey')
    .select(['id', 'situation_id', 'stage', 'occurred_on', 'place', 'country', 'notes'])
    .where('situation_id', 'in', situationIds)
    .orderBy(sql`occurred_on NULLS LAST`)
    .orderBy('created_at')
    .execute()
}

export async function insertJourney(db: Queryable, row: JourneyRow & { created_by: string | null }): Promise<void> {
  await db.insertInto('victim_context_journey').values(row).execute()
}

export async function deleteJourney(db: Queryable, situationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('victim_context_journey')
    .where('situation_id', '=', situationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

export async function listPerpetrators(db: Queryable, situationIds: readonly string[]): Promise<PerpetratorRow[]> {
  if (situationIds.length === 0) return []
  const { rows } = await sql<PerpetratorRow>`
    SELECT p.id, p.situation_id, p.person_id, p.description, p.roles,
      (SELECT full_name FROM person_names n WHERE n.person_id = p.person_id ORDER BY n.position LIMIT 1) AS person_name
    FROM victim_context_perpetrators p
    WHERE p.situation_id = ANY(${[...situationIds]}::uuid[])
    ORDER BY p.created_at`.execute(db)
  return rows
}

export async function insertPerpetrator(
  db: Queryable,
  row: {
    id: string
    situation_id: string
    person_id: string | null
    description: string
    roles: string[]
    created_by: string | null
  },
): Promise<void> {
  await db.insertInto('victim_context_perpetrators').values(row).execute()
}

export async function deletePerpetrator(db: Queryable, situationId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('victim_context_perpetrators')
    .where('situation_id', '=', situationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Empties a situation's journey and perpetrators, for an API call that replaces them whole. */
export async function clearJourney(db: Queryable, situationId: string): Promise<void> {
  await db.deleteFrom('victim_context_journey').where('situation_id', '=', situationId).execute()
}
export async function clearPerpetrators(db: Queryable, situationId: string): Promise<void> {
  await db.deleteFrom('victim_context_perpetrators').where('situation_id', '=', situationId).execute()
}

/** The referrals naming this person as a (potential) victim: the exploitation situations context can be recorded for. */
export async function victimReferrals(
  db: Queryable,
  personId: string,
): Promise<{ id: string; reference: string; received_at: Date }[]> {
  const { rows } = await sql<{ id: string; reference: string; received_at: Date }>`
    SELECT DISTINCT r.id, r.reference, r.received_at FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id
    WHERE rs.person_id = ${personId}::uuid AND rs.role IN ('potential-victim', 'victim')
    ORDER BY r.received_at`.execute(db)
  return rows
}

/** People a referral names as suspected exploiters: those a perpetrator's role can be recorded against. */
export async function suspectsOf(db: Queryable, referralId: string): Promise<{ id: string; name: string | null }[]> {
  const { rows } = await sql<{ id: string; name: string | null }>`
    SELECT rs.person_id AS id, (SELECT full_name FROM person_names n WHERE n.person_id = rs.person_id ORDER BY n.position LIMIT 1) AS name
    FROM referral_subjects rs WHERE rs.referral_id = ${referralId}::uuid AND rs.role IN ('suspected-exploiter', 'suspect')
    ORDER BY rs.position`.execute(db)
  return rows
}

export async function personInReferral(db: Queryable, referralId: string, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom('referral_subjects')
    .select('person_id')
    .where('referral_id', '=', referralId)
    .where('person_id', '=', personId)
    .executeTakeFirst()
  return Boolean(row)
}

export async function personName(db: Queryable, personId: string): Promise<string | null> {
  const { rows } = await sql<{
    name: string
  }>`SELECT full_name AS name FROM person_names WHERE person_id = ${personId}::uuid ORDER BY position LIMIT 1`.execute(
    db,
  )
  return rows[0]?.name ?? null
}

export async function personExists(db: Queryable, personId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst())
}

// ---- The problem profile's counts ---------------------------------------------------------------------------

export type ProfileFilters = {
  from: string | null
  to: string | null
  priority: string | null
  ageGroup: 'child' | 'adult' | 'unknown' | null
}

/**
 * The situations in the filters, each with the date it is counted on (the referral's received date; a situation
 * outside any referral, the day it was recorded) and the age group at exploitation: age on the first recruitment
 * or exploitation date when the journey has one (statistics count age at exploitation, DOMAIN.md 15.7), otherwise on
 * the counted date; an age-disputed person with no date of birth is presumed a child (R02).
 */
function filtered(filters: ProfileFilters) {
  return sql`
    base AS (
      SELECT s.*, r.priority_tags,
        coalesce((r.received_at AT TIME ZONE 'Europe/London')::date, (s.created_at AT TIME ZONE 'Europe/London')::date) AS counted_on,
        p.date_of_birth, p.approximate_age, p.age_disputed
      FROM victim_context_situations s
      JOIN people p ON p.id = s.person_id
      LEFT JOIN referrals r ON r.id = s.referral_id
    ),
    aged AS (
      SELECT b.*, CASE
        WHEN b.date_of_birth IS NOT NULL THEN CASE WHEN date_part('year', age(coalesce(
          (SELECT min(j.occurred_on) FROM victim_context_journey j WHERE j.situation_id = b.id AND j.stage IN ('recruitment', 'exploitation')), b.counted_on), b.date_of_birth)) < 18 THEN 'child' ELSE 'adult' END
        WHEN b.age_disputed THEN 'child'
        WHEN b.approximate_age IS NOT NULL THEN CASE WHEN b.approximate_age < 18 THEN 'child' ELSE 'adult' END
        ELSE 'unknown' END AS age_group
      FROM base b
      WHERE true
        ${filters.from ? sql`AND b.counted_on >= ${filters.from}::date` : sql``}
        ${filters.to ? sql`AND b.counted_on <= ${filters.to}::date` : sql``}
        ${filters.priority ? sql`AND b.priority_tags @> ARRAY[${filters.priority}]::text[]` : sql``}
    ),
    f AS (SELECT * FROM aged WHERE true ${filters.ageGroup ? sql`AND age_group = ${filters.ageGroup}` : sql``})`
}

export type DimensionCount = { dimension: string; value: string; age_group: string; n: number }

const DIMENSION_COLUMNS = [
  'recruitment_methods',
  'recruitment_platforms',
  'vulnerabilities',
  'control_methods',
  'labour_sectors',
  'sexual_types',
  'criminal_types',
] as const

/** Situations by each value of each listed field and by age group (a situation counts once under every value it holds). */
export async function dimensionCounts(
  db: Queryable,
  filters: ProfileFilters,
): Promise<{ total: { age_group: string; n: number }[]; counts: DimensionCount[] }> {
  const unions = DIMENSION_COLUMNS.map(
    (c) =>
      sql`SELECT ${c}::text AS dimension, v AS value, age_group, count(DISTINCT f.id) AS n FROM f, unnest(f.${sql.ref(c)}) AS v GROUP BY v, age_group`,
  )
  const { rows } = await sql<{ dimension: string; value: string; age_group: string; n: string }>`
    WITH ${filtered(filters)}
    SELECT '_total' AS dimension, '' AS value, age_group, count(*) AS n FROM f GROUP BY age_group
    UNION ALL ${sql.join(unions, sql` UNION ALL `)}`.execute(db)
  const all = rows.map((r) => ({ dimension: r.dimension, value: r.value, age_group: r.age_group, n: Number(r.n) }))
  return { total: all.filter((r) => r.dimension === '_total'), counts: all.filter((r) => r.dimension !== '_total') }
}

export type PlaceCount = { stage: string; country: string; place: string; age_group: string; n: number }

/** Situations by the countries (and, in the UK, the places) of each journey stage; the recruitment country counts as a recruitment stage. */
export async function placeCounts(db: Queryable, filters: ProfileFilters): Promise<PlaceCount[]> {
  const { rows } = await sql<{ stage: string; country: string; place: string; age_group: string; n: string }>`
    WITH ${filtered(filters)},
    stops AS (
      SELECT j.situation_id, j.stage, j.country, lower(btrim(j.place)) AS place FROM victim_context_journey j JOIN f ON f.id = j.situation_id WHERE j.country IS NOT NULL
      UNION ALL
      SELECT f.id, 'recruitment', f.recruitment_country, lower(btrim(f.recruitment_place)) FROM f WHERE f.recruitment_country IS NOT NULL
    )
    SELECT st.stage, st.country, CASE WHEN st.country = 'GB' THEN st.place ELSE '' END AS place, f.age_group, count(DISTINCT f.id) AS n
    FROM stops st JOIN f ON f.id = st.situation_id
    GROUP BY 1, 2, 3, 4`.execute(db)
  return rows.map((r) => ({ ...r, n: Number(r.n) }))
}

export type LegCount = { from_country: string; from_place: string; to_country: string; to_place: string; n: number }

/** Legs of journeys, from each dated or ordered stop to the next, counted once per situation: the routes to draw. */
export async function legCounts(db: Queryable, filters: ProfileFilters): Promise<LegCount[]> {
  const { rows } = await sql<{
    from_country: string
    from_place: string
    to_country: string
    to_place: string
    n: string
  }>`
    WITH ${filtered(filters)},
    ordered AS (
      SELECT j.situation_id, j.country, CASE WHEN j.country = 'GB' THEN lower(btrim(j.place)) ELSE '' END AS place,
        lag(j.country) OVER w AS prev_country, lag(CASE WHEN j.country = 'GB' THEN lower(btrim(j.place)) ELSE '' END) OVER w AS prev_place
      FROM victim_context_journey j JOIN f ON f.id = j.situation_id
      WHERE j.country IS NOT NULL
      WINDOW w AS (PARTITION BY j.situation_id ORDER BY j.occurred_on NULLS LAST, j.created_at)
    )
    SELECT prev_country AS from_country, prev_place AS from_place, country AS to_country, place AS to_place, count(DISTINCT situation_id) AS n
    FROM ordered WHERE prev_country IS NOT NULL AND (prev_country <> country OR prev_place <> place)
    GROUP BY 1, 2, 3, 4`.execute(db)
  return rows.map((r) => ({ ...r, n: Number(r.n) }))
}

// ---- For the CTDC release and the subject access bundle ------------------------------------------------------

export type PersonContextRow = Pick<
  Row<'victim_context_situations'>,
  'person_id' | 'recruitment_methods' | 'control_methods' | 'labour_sectors' | 'sexual_types'
>

/** What each person's situations hold, merged across their situations, for the anonymised victim-level release. */
export async function contextByPerson(db: Queryable, personIds: readonly string[]): Promise<PersonContextRow[]> {
  if (personIds.length === 0) return []
  const merged = (column: string) =>
    sql`ARRAY(SELECT DISTINCT x FROM victim_context_situations s, unnest(s.${sql.ref(column)}) x WHERE s.person_id = p.person_id ORDER BY x)`
  const { rows } = await sql<PersonContextRow>`
    SELECT p.person_id, ${merged('recruitment_methods')} AS recruitment_methods, ${merged('control_methods')} AS control_methods,
      ${merged('labour_sectors')} AS labour_sectors, ${merged('sexual_types')} AS sexual_types
    FROM (SELECT DISTINCT person_id FROM victim_context_situations WHERE person_id = ANY(${[...personIds]}::uuid[])) p`.execute(
    db,
  )
  return rows
}
