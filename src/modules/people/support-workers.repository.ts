import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { displayName } from './display-name.ts'

/**
 * The role whose users a supervisor may assign to support a victim (ISAs). Roles are data, but this one is named
 * by the product (PRODUCT.md: "ISA (support)") and by migration 0001, so the rule lives in this one constant.
 */
export const SUPPORT_ROLE = 'support'

/** A person and every record merged into them, from any of its ids: the identity the access policy reads. */
const identity = (personId: string) => sql`(SELECT person_identity(person_root(${personId}::uuid)))`

export type SupportWorkerRow = Pick<
  Row<'person_support_workers'>,
  'id' | 'person_id' | 'user_id' | 'assigned_at' | 'assigned_by' | 'ended_at' | 'ended_by' | 'end_reason'
> & { user_name: string; user_disabled: boolean; assigned_by_name: string | null; ended_by_name: string | null }

/** A person's support workers (current first, then ended ones, newest first), across their merged identity. */
export async function listForPerson(
  db: Queryable,
  personId: string,
  options: { includeEnded: boolean },
): Promise<SupportWorkerRow[]> {
  const { rows } = await sql<SupportWorkerRow>`
    SELECT s.id, s.person_id, s.user_id, u.display_name AS user_name, u.disabled_at IS NOT NULL AS user_disabled,
      s.assigned_at, s.assigned_by, ab.display_name AS assigned_by_name, s.ended_at, s.ended_by, eb.display_name AS ended_by_name, s.end_reason
    FROM person_support_workers s
    JOIN users u ON u.id = s.user_id
    LEFT JOIN users ab ON ab.id = s.assigned_by
    LEFT JOIN users eb ON eb.id = s.ended_by
    WHERE s.person_id IN ${identity(personId)} ${options.includeEnded ? sql`` : sql`AND s.ended_at IS NULL`}
    ORDER BY s.ended_at IS NOT NULL, coalesce(s.ended_at, s.assigned_at) DESC, s.id
    LIMIT 200`.execute(db)
  return rows
}

export type SupportCandidate = { id: string; display_name: string; role_id: string; disabled: boolean }

/** A user as a candidate support worker: who they are, their role and whether their account is active. */
export async function findUser(db: Queryable, userId: string): Promise<SupportCandidate | undefined> {
  const { rows } = await sql<SupportCandidate>`
    SELECT id, display_name, role_id, disabled_at IS NOT NULL AS disabled FROM users WHERE id = ${userId}::uuid`.execute(
    db,
  )
  return rows[0]
}

/** Active users with the support role: whom a supervisor may assign. */
export async function listCandidates(db: Queryable): Promise<{ id: string; display_name: string }[]> {
  return db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('role_id', '=', SUPPORT_ROLE)
    .where('disabled_at', 'is', null)
    .orderBy('display_name')
    .limit(500)
    .execute()
}

/** The record a new assignment is made on: the person a merged record reads as. */
export async function rootOf(db: Queryable, personId: string): Promise<string> {
  const { rows } = await sql<{ root: string }>`SELECT person_root(${personId}::uuid) AS root`.execute(db)
  return rows[0].root
}

/** The current assignment of this user to any record of the person, if any; locked, so it is ended only once. */
export async function findCurrent(
  db: Queryable,
  personId: string,
  userId: string,
): Promise<{ id: string } | undefined> {
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM person_support_workers WHERE person_id IN ${identity(personId)} AND user_id = ${userId}::uuid AND ended_at IS NULL
    ORDER BY assigned_at LIMIT 1 FOR UPDATE`.execute(db)
  return rows[0]
}

/** Inserts an assignment; false when the same user already has a current one on that record (unique index). */
export async function insert(
  db: Queryable,
  row: { id: string; personId: string; userId: string; assignedBy: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('person_support_workers')
    .values({ id: row.id, person_id: row.personId, user_id: row.userId, assigned_by: row.assignedBy })
    .onConflict((oc) => oc.columns(['person_id', 'user_id']).where('ended_at', 'is', null).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function end(db: Queryable, id: string, row: { endedBy: string | null; reason: string }): Promise<void> {
  await db
    .updateTable('person_support_workers')
    .set({ ended_at: new Date(), ended_by: row.endedBy, end_reason: row.reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute()
}

export type SupportedPersonRow = Pick<Row<'person_support_workers'>, 'person_id' | 'assigned_at'> & {
  person_name: string | null
  assigned_by_name: string | null
}

/** The people a user currently supports (for their "My work"), newest assignment first; a merged record reads as its survivor. */
export async function listSupportedBy(db: Queryable, userId: string): Promise<SupportedPersonRow[]> {
  const { rows } = await sql<SupportedPersonRow>`
    SELECT DISTINCT ON (s.assigned_at, root.id) root.id AS person_id, ${displayName('root.id')} AS person_name, s.assigned_at, ab.display_name AS assigned_by_name
    FROM person_support_workers s CROSS JOIN LATERAL (SELECT person_root(s.person_id) AS id) root
    LEFT JOIN users ab ON ab.id = s.assigned_by
    WHERE s.user_id = ${userId}::uuid AND s.ended_at IS NULL
    ORDER BY s.assigned_at DESC, root.id
    LIMIT 500`.execute(db)
  return rows
}
