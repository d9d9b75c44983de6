import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'

/** Every SQL statement of the public report. Drafts are found only by the hash of the reporter's token. */

export async function insertDraft(db: Queryable, tokenHash: string, idempotencyKey: string): Promise<void> {
  await db.insertInto('public_report_drafts').values({ token_hash: tokenHash, idempotency_key: idempotencyKey, data: '{}', updated_at: new Date() }).execute()
}

export async function findDraft(db: Queryable, tokenHash: string, maxAgeHours: number) {
  return db
    .selectFrom('public_report_drafts')
    .select(['data', 'idempotency_key'])
    .where('token_hash', '=', tokenHash)
    .where(sql<boolean>`updated_at > now() - make_interval(hours => ${maxAgeHours})`)
    .executeTakeFirst()
}

export async function saveDraft(db: Queryable, tokenHash: string, data: Record<string, unknown>): Promise<boolean> {
  const result = await db
    .updateTable('public_report_drafts')
    .set({ data: JSON.stringify(data), updated_at: new Date() })
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function deleteDraft(db: Queryable, tokenHash: string): Promise<void> {
  await db.deleteFrom('public_report_drafts').where('token_hash', '=', tokenHash).execute()
}

/** Deletes unfinished reports older than the limit: what a reporter abandoned is not kept. */
export async function sweepDrafts(db: Queryable, maxAgeHours: number): Promise<void> {
  await db.deleteFrom('public_report_drafts').where(sql<boolean>`updated_at < now() - make_interval(hours => ${maxAgeHours})`).execute()
}

export async function findSubmission(db: Queryable, idempotencyKey: string): Promise<{ referralId: string; reference: string } | undefined> {
  const row = await db
    .selectFrom('public_report_submissions as s')
    .innerJoin('referrals as r', 'r.id', 's.referral_id')
    .select(['r.id', 'r.reference'])
    .where('s.idempotency_key', '=', idempotencyKey)
    .executeTakeFirst()
  return row && { referralId: row.id, reference: row.reference }
}

/**
 * Claims the key for this referral. A second submit with the same key waits here for the first transaction
 * and then claims nothing (the unique key), so its transaction rolls back and no duplicate is kept.
 */
export async function claimSubmission(db: Queryable, idempotencyKey: string, referralId: string): Promise<boolean> {
  const row = await db
    .insertInto('public_report_submissions')
    .values({ idempotency_key: idempotencyKey, referral_id: referralId })
    .onConflict((oc) => oc.doNothing())
    .returning('idempotency_key')
    .executeTakeFirst()
  return row !== undefined
}
