import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'

/** Every SQL statement of the public report. Drafts are found only by the hash of the reporter's token. */

export async function insertDraft(db: Queryable, tokenHash: string, idempotencyKey: string, data: Record<string, unknown> = {}): Promise<void> {
  await db.insertInto('public_report_drafts').values({ token_hash: tokenHash, idempotency_key: idempotencyKey, data: JSON.stringify(data), updated_at: new Date() }).execute()
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
export async function claimSubmission(
  db: Queryable,
  idempotencyKey: string,
  referralId: string,
  attribution: { outreachEventId: string | null; heardVia: string | null; placeKind: string | null } = { outreachEventId: null, heardVia: null, placeKind: null },
): Promise<boolean> {
  const row = await db
    .insertInto('public_report_submissions')
    .values({ idempotency_key: idempotencyKey, referral_id: referralId, outreach_event_id: attribution.outreachEventId, heard_via: attribution.heardVia, place_kind: attribution.placeKind })
    .onConflict((oc) => oc.doNothing())
    .returning('idempotency_key')
    .executeTakeFirst()
  return row !== undefined
}

export type AnswerCount = { question: 'heard_via' | 'place_kind'; value: string; n: number }

/** How reporters heard about reporting and the kinds of place, counted over public reports received in the period. */
export async function answerCounts(db: Queryable, period: { from: string | null; to: string | null }): Promise<AnswerCount[]> {
  const { rows } = await sql<AnswerCount>`
    SELECT q.question, q.value, count(*)::int AS n
    FROM public_report_submissions s
    JOIN referrals r ON r.id = s.referral_id
    CROSS JOIN LATERAL (VALUES ('heard_via', s.heard_via), ('place_kind', s.place_kind)) AS q (question, value)
    WHERE q.value IS NOT NULL
      AND r.received_at >= coalesce(${period.from}::date, '-infinity'::date)::timestamp AT TIME ZONE 'Europe/London'
      AND r.received_at < coalesce(${period.to}::date + 1, 'infinity'::date)::timestamp AT TIME ZONE 'Europe/London'
    GROUP BY q.question, q.value`.execute(db)
  return rows
}
