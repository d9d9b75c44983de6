import { sql, type InferResult } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { caseVisible, displayName, mergePersonInto, unmergePerson } from '#src/modules/people/index.ts'

/** One person record as the matcher reads it (one row per record; a survivor's identity is several). */
export type MatchSourceRow = Pick<
  Row<'people'>,
  'id' | 'merged_into' | 'date_of_birth' | 'approximate_age' | 'gender' | 'nationalities'
> & { names: string[]; phones: string[]; postcodes: string[] }

/**
 * Records for the matcher's index: every person (ids null) or the ones named. Names by position; phones from
 * linked phone objects; postcodes from linked places, the most recently linked first.
 */
export async function loadMatchSources(db: Queryable, ids: string[] | null): Promise<MatchSourceRow[]> {
  const where = ids === null ? sql`true` : sql`p.id = ANY(${ids}::uuid[])`
  const { rows } = await sql<MatchSourceRow>`
    SELECT p.id, p.merged_into, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.gender, p.nationalities,
      coalesce((SELECT array_agg(n.full_name ORDER BY n.position) FROM person_names n WHERE n.person_id = p.id), '{}') AS names,
      coalesce((SELECT array_agg(DISTINCT o.value) FROM entity_links l JOIN objects o ON o.id = l.to_id
        WHERE l.from_type = 'person' AND l.from_id = p.id AND l.to_type = 'object' AND o.kind = 'phone'), '{}') AS phones,
      coalesce((SELECT array_agg(loc.postcode ORDER BY l.created_at DESC) FROM entity_links l JOIN locations loc ON loc.id = l.to_id
        WHERE l.from_type = 'person' AND l.from_id = p.id AND l.to_type = 'location' AND loc.postcode IS NOT NULL), '{}') AS postcodes
    FROM people p WHERE ${where}`.execute(db)
  return rows
}

/**
 * People whose match record may have changed since `since`: details or names (people.updated_at, bumped by the
 * person service), links added anywhere (entity_links.created_at), merges or unmerges, and erasures (migration 0016).
 */
export async function changedPeopleSince(db: Queryable, since: Date): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM people WHERE updated_at > ${since}
    UNION SELECT from_id FROM entity_links WHERE from_type = 'person' AND created_at > ${since}
    UNION SELECT unnest(ARRAY[survivor_id, merged_id]) FROM person_merges WHERE greatest(merged_at, unmerged_at) > ${since}
    UNION SELECT record_id FROM erasures WHERE record_type = 'person' AND erased_at > ${since}`.execute(db)
  return rows.map((r) => r.id)
}

/** The database's clock, so the "changed since" cursor never depends on this process's clock. */
export async function databaseNow(db: Queryable): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`SELECT clock_timestamp() AS now`.execute(db)
  return rows[0].now
}

/** For changed records: their survivors, and every record of those survivors' identities. */
export async function identitiesOf(db: Queryable, ids: string[]): Promise<{ roots: string[]; members: string[] }> {
  if (ids.length === 0) return { roots: [], members: [] }
  const { rows } = await sql<{ root: string; member: string }>`
    WITH r AS (SELECT DISTINCT person_root(x) AS root FROM unnest(${ids}::uuid[]) AS x)
    SELECT r.root, person_identity(r.root) AS member FROM r`.execute(db)
  return { roots: [...new Set(rows.map((r) => r.root))], members: [...new Set(rows.map((r) => r.member))] }
}

export async function findPersonState(
  db: Queryable,
  id: string,
): Promise<{ id: string; merged_into: string | null; root: string } | undefined> {
  const { rows } = await sql<{
    id: string
    merged_into: string | null
    root: string
  }>`SELECT id, merged_into, person_root(id) AS root FROM people WHERE id = ${id}`.execute(db)
  return rows[0]
}

/** Locks two people in a stable order (no deadlock between two reviewers) and answers their merge state. */
export async function lockPeople(db: Queryable, ids: string[]): Promise<Map<string, string | null>> {
  const rows = await db
    .selectFrom('people')
    .select(['id', 'merged_into'])
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute()
  return new Map(rows.map((r) => [r.id, r.merged_into]))
}

/** People this person has been judged not to be. */
export async function rejectedPartners(db: Queryable, personId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('match_decisions')
    .select(sql<string>`CASE WHEN person_id = ${personId}::uuid THEN other_id ELSE person_id END`.as('other'))
    .where('decision', '=', 'reject')
    .where((eb) => eb.or([eb('person_id', '=', personId), eb('other_id', '=', personId)]))
    .execute()
  return new Set(rows.map((r) => r.other))
}

export async function findRejection(db: Queryable, a: string, b: string) {
  return db
    .selectFrom('match_decisions')
    .select(['id', 'decided_at'])
    .where('decision', '=', 'reject')
    .where('pair_low', '=', a < b ? a : b)
    .where('pair_high', '=', a < b ? b : a)
    .executeTakeFirst()
}

export type PersonSummaryRow = Pick<
  Row<'people'>,
  'id' | 'date_of_birth' | 'approximate_age' | 'gender' | 'nationalities'
> & { name: string | null }

export async function personSummaries(db: Queryable, ids: string[]): Promise<PersonSummaryRow[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<PersonSummaryRow>`
    SELECT p.id, ${displayName('p.id')} AS name, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.gender, p.nationalities
    FROM people p WHERE p.id = ANY(${ids}::uuid[])`.execute(db)
  return rows
}

export type ComparisonRow = Pick<
  Row<'people'>,
  'id' | 'date_of_birth' | 'approximate_age' | 'gender' | 'nationalities'
> & { names: string[]; phones: string[]; places: string[] }

/** The non-protected parts of a person's whole identity, for a side-by-side comparison. */
export async function comparisonRecord(db: Queryable, id: string): Promise<ComparisonRow | undefined> {
  const { rows } = await sql<ComparisonRow>`
    WITH ids AS (SELECT person_identity(${id}::uuid) AS id)
    SELECT p.id, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.gender, p.nationalities,
      coalesce((SELECT array_agg(n.full_name ORDER BY n.person_id = p.id DESC, n.person_id, n.position) FROM person_names n WHERE n.person_id IN (SELECT id FROM ids)), '{}') AS names,
      coalesce((SELECT array_agg(DISTINCT o.display) FROM entity_links l JOIN objects o ON o.id = l.to_id
        WHERE l.from_type = 'person' AND l.from_id IN (SELECT id FROM ids) AND l.to_type = 'object' AND o.kind = 'phone'), '{}') AS phones,
      coalesce((SELECT array_agg(DISTINCT concat_ws(', ', loc.address_line_1, loc.town, loc.postcode, loc.description)) FROM entity_links l JOIN locations loc ON loc.id = l.to_id
        WHERE l.from_type = 'person' AND l.from_id IN (SELECT id FROM ids) AND l.to_type = 'location'), '{}') AS places
    FROM people p WHERE p.id = ${id}`.execute(db)
  return rows[0]
}

export async function insertDecision(
  db: Queryable,
  row: {
    id: string
    person_id: string
    other_id: string
    decision: 'merge' | 'reject'
    note: string
    probability: number
    weight: number
    explanation: unknown
    model_version: string
    decided_by: string | null
  },
): Promise<void> {
  await db
    .insertInto('match_decisions')
    .values({ ...row, explanation: JSON.stringify(row.explanation) })
    .execute()
}

export async function mergeRecord(
  db: Queryable,
  row: { id: string; decisionId: string; survivorId: string; mergedId: string; mergedBy: string | null },
): Promise<void> {
  // Only merged_into changes on the merged record (not updated_at): an unmerge must restore the row exactly.
  await mergePersonInto(db, row.mergedId, row.survivorId)
  await db
    .insertInto('person_merges')
    .values({
      id: row.id,
      decision_id: row.decisionId,
      survivor_id: row.survivorId,
      merged_id: row.mergedId,
      merged_by: row.mergedBy,
    })
    .execute()
}

function mergeQuery(db: Queryable) {
  return (
    db
      .selectFrom('person_merges as m')
      .innerJoin('match_decisions as d', 'd.id', 'm.decision_id')
      .leftJoin('users as mb', 'mb.id', 'm.merged_by')
      .leftJoin('users as ub', 'ub.id', 'm.unmerged_by')
      .select([
        'm.id',
        'm.survivor_id',
        'm.merged_id',
        'm.merged_at',
        'm.unmerged_at',
        'm.unmerge_reason',
        'd.note',
        'd.probability',
        'd.weight',
        'd.explanation',
        'd.model_version',
      ])
      .select(['mb.display_name as merged_by_name', 'ub.display_name as unmerged_by_name'])
      // The merged record's own main name (not its survivor's), so the history says which record it was.
      .select(
        sql<
          string | null
        >`(SELECT n.full_name FROM person_names n WHERE n.person_id = m.merged_id ORDER BY n.position LIMIT 1)`.as(
          'merged_name',
        ),
      )
      .select(displayName('m.survivor_id').as('survivor_name'))
  )
}

/** A merge with its decision, as the history and the unmerge page read it. */
export type MergeRow = InferResult<ReturnType<typeof mergeQuery>>[number]

export async function findMerge(db: Queryable, id: string): Promise<MergeRow | undefined> {
  return mergeQuery(db).where('m.id', '=', id).executeTakeFirst()
}

/** Merges into this person, newest first, including undone ones: the full history. */
export async function listMergesInto(db: Queryable, survivorId: string): Promise<MergeRow[]> {
  return mergeQuery(db).where('m.survivor_id', '=', survivorId).orderBy('m.merged_at', 'desc').execute()
}

export async function markUnmerged(
  db: Queryable,
  row: { mergeId: string; mergedId: string; survivorId: string; by: string | null; reason: string },
): Promise<boolean> {
  if (!(await unmergePerson(db, row.mergedId, row.survivorId))) return false
  await db
    .updateTable('person_merges')
    .set({ unmerged_at: new Date(), unmerged_by: row.by, unmerge_reason: row.reason })
    .where('id', '=', row.mergeId)
    .execute()
  return true
}

/** Roles of one record (not its identity) for the comparison page, in the live jobs the viewer may see. */
export async function listRecordRoles(db: Queryable, personId: string, viewer: CurrentUser) {
  const { rows } = await sql<{ kind: 'referral' | 'case'; id: string; reference: string; role: string }>`
    SELECT 'referral' AS kind, r.id, r.reference, rs.role
    FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id WHERE rs.person_id IN (SELECT person_identity(${personId}::uuid))
    UNION ALL
    SELECT 'case', c.id, c.reference, cp.role
    FROM case_people cp JOIN cases c ON c.id = cp.case_id WHERE cp.person_id IN (SELECT person_identity(${personId}::uuid)) AND ${caseVisible(sql.ref('c.id'), viewer)}
    ORDER BY reference`.execute(db)
  return rows
}
