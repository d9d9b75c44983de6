import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { displayName } from './display-name.ts'
import { caseVisible, cuckooedVisible } from './access-policy.ts'

export type PersonRow = Pick<
  Row<'people'>,
  | 'id'
  | 'date_of_birth'
  | 'approximate_age'
  | 'age_disputed'
  | 'gender'
  | 'nationalities'
  | 'languages'
  | 'vulnerability'
  | 'created_at'
  | 'merged_into'
>

/**
 * The ids a person reads as: themselves and every record merged into them (matching module, migration 0010).
 * Merges rewrite nothing, so every read of a person's names, documents, roles and links goes through this.
 */
export function identityOf(personId: string) {
  return sql<string>`(SELECT person_identity(${personId}::uuid))`
}

/** Marks a person changed, so the matcher's index picks up a new name or link (see matching.service.ts). */
export async function touchPerson(db: Queryable, id: string): Promise<void> {
  await db.updateTable('people').set({ updated_at: new Date() }).where('id', '=', id).execute()
}

export async function findPerson(db: Queryable, id: string): Promise<PersonRow | undefined> {
  return db
    .selectFrom('people')
    .select([
      'id',
      'date_of_birth',
      'approximate_age',
      'age_disputed',
      'gender',
      'nationalities',
      'languages',
      'vulnerability',
      'created_at',
      'merged_into',
    ])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Changes only the details given; answers whether the person exists. */
export async function updatePersonDetails(
  db: Queryable,
  id: string,
  change: Partial<{
    date_of_birth: string | null
    approximate_age: number | null
    age_disputed: boolean
    gender: string
    nationalities: string[]
    languages: string[]
    vulnerability: string | null
  }>,
): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set({ ...change, updated_at: new Date() })
    .where('id', '=', id)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function listNames(db: Queryable, personId: string) {
  // The person's own names first (their main name leads), then those of records merged into them.
  return db
    .selectFrom('person_names')
    .select(['id', 'kind', 'full_name', 'script', 'position', 'person_id'])
    .where('person_id', 'in', identityOf(personId))
    .orderBy(sql`person_id = ${personId}`, 'desc')
    .orderBy('person_id')
    .orderBy('position')
    .execute()
}

export async function insertName(
  db: Queryable,
  row: { id: string; personId: string; kind: string; fullName: string; normalised: string; script: string },
): Promise<void> {
  await db
    .insertInto('person_names')
    .values({
      id: row.id,
      person_id: row.personId,
      kind: row.kind,
      full_name: row.fullName,
      normalised: row.normalised,
      script: row.script,
      position: sql<number>`(SELECT coalesce(max(position), -1) + 1 FROM person_names WHERE person_id = ${row.personId})`,
    })
    .execute()
}

export async function listDocuments(db: Queryable, personId: string) {
  return db
    .selectFrom('person_documents')
    .select(['id', 'kind', 'number', 'issuing_country', 'expires_on', 'held_by_person'])
    .where('person_id', 'in', identityOf(personId))
    .orderBy('created_at')
    .execute()
}

export async function insertDocument(
  db: Queryable,
  row: {
    id: string
    person_id: string
    kind: string
    number: string | null
    issuing_country: string | null
    expires_on: string | null
    held_by_person: boolean | null
    created_by: string | null
  },
): Promise<void> {
  await db.insertInto('person_documents').values(row).execute()
}

export type RoleRow = { kind: 'referral' | 'case'; id: string; reference: string; role: string }

/** Every role the person holds, in referrals and in cases: one person can be a victim here and a suspect there. */
/** A person's roles in referrals and in the live jobs the viewer may see (a restricted job is named only to its team). */
export async function listRoles(db: Queryable, personId: string, viewer: CurrentUser): Promise<RoleRow[]> {
  const { rows } = await sql<RoleRow>`
    SELECT 'referral' AS kind, r.id, r.reference, rs.role
    FROM referral_subjects rs JOIN referrals r ON r.id = rs.referral_id WHERE rs.person_id IN ${identityOf(personId)}
    UNION ALL
    SELECT 'case', c.id, c.reference, cp.role
    FROM case_people cp JOIN cases c ON c.id = cp.case_id WHERE cp.person_id IN ${identityOf(personId)} AND ${caseVisible(sql.ref('c.id'), viewer)}
    ORDER BY reference`.execute(db)
  return rows
}

export type LinkRow = Pick<Row<'entity_links'>, 'id' | 'relation' | 'valid_from' | 'valid_to' | 'source'> & {
  other_type: string
  other_id: string
  object_kind: string | null
  object_display: string | null
  location_text: string | null
  location_cuckooed: boolean | null
  person_name: string | null
}

/** Links from or to an entity, with what is at the other end described for display. */
/** A record's links the viewer may see: a link recorded in a restricted live job they do not work is left out. */
export async function listLinks(
  db: Queryable,
  type: 'person' | 'object' | 'location',
  id: string,
  viewer: CurrentUser,
): Promise<LinkRow[]> {
  // A person's links are those of their whole merged identity.
  const ids = type === 'person' ? identityOf(id) : sql`(${id}::uuid)`
  const shown = sql`(case_id IS NULL OR ${caseVisible(sql.ref('case_id'), viewer)})`
  const { rows } = await sql<LinkRow>`
    WITH l AS (
      SELECT id, relation, valid_from::text, valid_to::text, source, to_type AS other_type, to_id AS other_id
      FROM entity_links WHERE from_type = ${type} AND from_id IN ${ids} AND ${shown}
      UNION ALL
      SELECT id, relation, valid_from::text, valid_to::text, source, from_type, from_id
      FROM entity_links WHERE to_type = ${type} AND to_id IN ${ids} AND ${shown}
    )
    SELECT l.*, o.kind AS object_kind, o.display AS object_display,
      concat_ws(', ', loc.address_line_1, loc.town, loc.postcode, loc.description) AS location_text, (loc.cuckooed AND ${cuckooedVisible(sql.ref('loc.id'), viewer)}) AS location_cuckooed,
      ${displayName('l.other_id')} AS person_name
    FROM l
    LEFT JOIN objects o ON l.other_type = 'object' AND o.id = l.other_id
    LEFT JOIN locations loc ON l.other_type = 'location' AND loc.id = l.other_id
    ORDER BY l.valid_from NULLS LAST`.execute(db)
  return rows
}

export async function upsertObject(
  db: Queryable,
  row: {
    id: string
    kind: string
    value: string
    display: string
    details: Record<string, unknown>
    createdBy: string | null
  },
): Promise<string> {
  const inserted = await db
    .insertInto('objects')
    .values({
      id: row.id,
      kind: row.kind,
      value: row.value,
      display: row.display,
      details: JSON.stringify(row.details),
      created_by: row.createdBy,
    })
    .onConflict((oc) =>
      oc.columns(['kind', 'value']).doUpdateSet({ details: sql`objects.details || excluded.details` }),
    )
    .returning('id')
    .executeTakeFirstOrThrow()
  return inserted.id
}

export async function insertLink(
  db: Queryable,
  row: {
    id: string
    from_type: string
    from_id: string
    to_type: string
    to_id: string
    relation: string
    valid_from: string | null
    valid_to: string | null
    source: string
    case_id: string | null
    referral_id: string | null
    created_by: string | null
  },
): Promise<void> {
  await db.insertInto('entity_links').values(row).execute()
}

export async function findImmigrationStatus(db: Queryable, personId: string) {
  return db
    .selectFrom('person_immigration_status')
    .leftJoin('users', 'users.id', 'person_immigration_status.recorded_by')
    .select([
      'person_immigration_status.status',
      'person_immigration_status.notes',
      'person_immigration_status.recorded_at',
      'users.display_name as recorded_by_name',
    ])
    .where('person_immigration_status.person_id', '=', personId)
    .executeTakeFirst()
}

export async function hasImmigrationStatus(db: Queryable, personId: string): Promise<boolean> {
  const row = await db
    .selectFrom('person_immigration_status')
    .select('person_id')
    .where('person_id', '=', personId)
    .executeTakeFirst()
  return row !== undefined
}

export async function upsertImmigrationStatus(
  db: Queryable,
  row: { personId: string; status: string; notes: string | null; recordedBy: string | null },
): Promise<void> {
  await db
    .insertInto('person_immigration_status')
    .values({
      person_id: row.personId,
      status: row.status,
      notes: row.notes,
      recorded_by: row.recordedBy,
      recorded_at: new Date(),
    })
    .onConflict((oc) =>
      oc
        .column('person_id')
        .doUpdateSet({ status: row.status, notes: row.notes, recorded_by: row.recordedBy, recorded_at: new Date() }),
    )
    .execute()
}
