import { sql, type RawBuilder } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { uuidv7 } from '#src/shared/ids.ts'

/** What a reference belongs to: a referral, a live job or an NRM referral. */
export type ReferenceOwner = { type: 'referral' | 'case' | 'nrm-referral'; id: string }

export type ReferenceRow = Pick<Row<'occurrence_references'>, 'id' | 'kind' | 'value' | 'normalised' | 'created_at'> & {
  created_by_name: string | null
  /** Where a copy came from: the referral (by its reference) whose reference it is. */
  copied_from_referral: string | null
}

const OWNER_COLUMN = { referral: 'referral_id', case: 'case_id', 'nrm-referral': 'nrm_referral_id' } as const

function ownerColumn(owner: ReferenceOwner) {
  return sql.ref(`o.${OWNER_COLUMN[owner.type]}`)
}

/** A record's references, oldest first, with who recorded each and the referral a copy was carried from. */
export async function listReferences(db: Queryable, owner: ReferenceOwner): Promise<ReferenceRow[]> {
  const { rows } = await sql<ReferenceRow>`
    SELECT o.id, o.kind, o.value, o.normalised, o.created_at, u.display_name AS created_by_name,
      (SELECT r.reference FROM occurrence_references f JOIN referrals r ON r.id = f.referral_id WHERE f.id = o.copied_from) AS copied_from_referral
    FROM occurrence_references o LEFT JOIN users u ON u.id = o.created_by
    WHERE ${ownerColumn(owner)} = ${owner.id}
    ORDER BY o.created_at, o.id`.execute(db)
  return rows
}

export async function countReferences(db: Queryable, owner: ReferenceOwner): Promise<number> {
  const { rows } = await sql<{
    n: number
  }>`SELECT count(*)::int AS n FROM occurrence_references o WHERE ${ownerColumn(owner)} = ${owner.id}`.execute(db)
  return rows[0].n
}

export async function findDuplicate(
  db: Queryable,
  owner: ReferenceOwner,
  kind: string,
  normalised: string,
): Promise<boolean> {
  const { rows } =
    await sql`SELECT 1 FROM occurrence_references o WHERE ${ownerColumn(owner)} = ${owner.id} AND o.kind = ${kind} AND o.normalised = ${normalised}`.execute(
      db,
    )
  return rows.length > 0
}

export async function insertReference(
  db: Queryable,
  owner: ReferenceOwner,
  row: { kind: string; value: string; normalised: string; copiedFrom: string | null; createdBy: string | null },
): Promise<string> {
  const id = uuidv7()
  await db
    .insertInto('occurrence_references')
    .values({
      id,
      referral_id: owner.type === 'referral' ? owner.id : null,
      case_id: owner.type === 'case' ? owner.id : null,
      nrm_referral_id: owner.type === 'nrm-referral' ? owner.id : null,
      kind: row.kind,
      value: row.value,
      normalised: row.normalised,
      copied_from: row.copiedFrom,
      created_by: row.createdBy,
    })
    .execute()
  return id
}

/** Deletes one of a record's references; whether there was one to delete. */
export async function deleteReference(
  db: Queryable,
  owner: ReferenceOwner,
  id: string,
): Promise<{ kind: string } | null> {
  const { rows } = await sql<{
    kind: string
  }>`DELETE FROM occurrence_references o WHERE o.id = ${id} AND ${ownerColumn(owner)} = ${owner.id} RETURNING o.kind`.execute(
    db,
  )
  return rows[0] ?? null
}

/**
 * Copies one record's references onto another (a referral's onto the live job or NRM referral made from it),
 * skipping any the target already has; answers the ids of the copies.
 */
export async function copyReferences(
  db: Queryable,
  from: ReferenceOwner,
  to: ReferenceOwner,
  createdBy: string | null,
): Promise<string[]> {
  const source = await listReferences(db, from)
  const made: string[] = []
  for (const r of source) {
    if (await findDuplicate(db, to, r.kind, r.normalised)) continue
    made.push(
      await insertReference(db, to, {
        kind: r.kind,
        value: r.value,
        normalised: r.normalised,
        copiedFrom: r.id,
        createdBy,
      }),
    )
  }
  return made
}

export type OccurrenceHit = {
  kind: 'referral' | 'case'
  id: string
  reference: string
  matched_kind: string
  matched_value: string
}

/**
 * Referrals and live jobs known by a crime or occurrence reference: an NRM referral's reference finds its
 * referral. A restricted live job the user may not see is not found (`caseVisible`, the access policy).
 */
export async function searchOccurrenceReferences(
  db: Queryable,
  normalised: string,
  caseVisible: (column: string) => RawBuilder<boolean>,
  limit = 50,
): Promise<OccurrenceHit[]> {
  const { rows } = await sql<OccurrenceHit>`
    WITH hits AS (SELECT * FROM occurrence_references WHERE normalised = ${normalised})
    SELECT * FROM (
      SELECT DISTINCT ON (r.id) 'referral' AS kind, r.id, r.reference, h.kind AS matched_kind, h.value AS matched_value
      FROM hits h JOIN referrals r ON r.id = coalesce(h.referral_id, (SELECT n.referral_id FROM nrm_referrals n WHERE n.id = h.nrm_referral_id))
      ORDER BY r.id, h.referral_id NULLS LAST
    ) referral_hits
    UNION ALL
    SELECT * FROM (
      SELECT DISTINCT ON (c.id) 'case' AS kind, c.id, c.reference, h.kind, h.value
      FROM hits h JOIN cases c ON c.id = h.case_id
      WHERE ${caseVisible('c.id')}
      ORDER BY c.id
    ) case_hits
    LIMIT ${limit}`.execute(db)
  return rows
}
