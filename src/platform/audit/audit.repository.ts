import { sql, type Selectable } from 'kysely'
import type { AuditEventsTable, Db, Queryable, Trx } from '#src/platform/db/database.ts'
import { AUDIT_ACTIONS, type Actor, type AuditEventInput } from './audit-events.ts'
import { GENESIS_HASH, chainHash, chainTextAround, type ChainedFields } from './audit-chain.ts'

// One advisory lock key for the chain: appends are serialised so each row links to the one before it.
const AUDIT_CHAIN_LOCK = 7_741_001

/**
 * Appends audit events inside the caller's transaction, so the audit row commits or rolls back with the
 * work it describes. The chain lock is held to the end of that transaction: call this last.
 */
export async function appendAuditEvents(trx: Trx, actor: Actor, events: AuditEventInput[]): Promise<void> {
  if (events.length === 0) return
  const occurredAt = new Date().toISOString()
  const items = events.map((event) => {
    const fields: Omit<ChainedFields, 'id'> = wellFormed({
      occurredAt,
      actorUserId: actor.userId,
      actorTokenId: actor.tokenId ?? null,
      action: event.action,
      category: AUDIT_ACTIONS[event.action],
      subjectType: event.subjectType ?? null,
      subjectId: event.subjectId ?? null,
      ip: actor.ip ?? null,
      requestId: actor.requestId ?? null,
      justification: event.justification ?? null,
      details: event.details ?? {},
    })
    return {
      ...chainTextAround(fields),
      occurred_at: occurredAt,
      actor_user_id: fields.actorUserId,
      actor_token_id: fields.actorTokenId,
      action: fields.action,
      category: fields.category,
      subject_type: fields.subjectType,
      subject_id: fields.subjectId,
      ip: fields.ip,
      request_id: fields.requestId,
      justification: fields.justification,
      details: fields.details,
    }
  })
  // Lock, last hash, ids, hashes and rows in one round trip (migration 0025): the lock is then held only
  // until the caller's commit.
  await sql`SELECT audit_append(${AUDIT_CHAIN_LOCK}, ${JSON.stringify(items)}::jsonb)`.execute(trx)
}

// A lone UTF-16 surrogate (possible in text sent to the API as a JSON escape) cannot go into jsonb; written as
// U+FFFD, as UTF-8 encoding would store it, before anything is hashed, so the hash covers what is stored.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD') as T
  if (Array.isArray(value)) return value.map(wellFormed) as T
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormed(v)])) as T
  return value
}

export type ChainBreak = { id: string; reason: string }
export type VerifyResult = { ok: true; checked: number } | { ok: false; checked: number; firstBreak: ChainBreak }

/**
 * Redacted rows' vouched hashes (ADR 0007), from the `audit.redacted` rows that list them. Only a vouch from a
 * later row counts, and the vouching row is itself checked when the walk reaches it.
 */
export async function redactionVouches(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; details: { rows?: { id: string; hash: string }[] } }>`
    SELECT id::text AS id, details FROM audit_events WHERE action = 'audit.redacted' ORDER BY id`.execute(db)
  const vouches = new Map<string, string>()
  for (const row of rows) {
    for (const item of row.details.rows ?? []) if (BigInt(item.id) < BigInt(row.id)) vouches.set(String(item.id), item.hash)
  }
  return vouches
}

/**
 * Walks the whole chain in id order, in pages, recomputing every hash. A row whose personal data an erasure
 * redacted no longer matches its stored hash; it passes only if a later `audit.redacted` row vouches for
 * exactly its present contents (ADR 0007). Links between rows never change, so a removed row is still caught.
 */
export async function verifyAuditChain(db: Db, pageSize = 5000): Promise<VerifyResult> {
  const vouches = await redactionVouches(db)
  let prevHash = GENESIS_HASH
  let afterId = '0'
  let checked = 0
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where(sql<boolean>`id > ${afterId}::bigint`)
      .orderBy('id')
      .limit(pageSize)
      .execute()
    if (rows.length === 0) return { ok: true, checked }
    for (const row of rows) {
      const fields = chainedFieldsOf(row)
      if (row.prev_hash !== prevHash) {
        return { ok: false, checked, firstBreak: { id: fields.id, reason: 'does not link to the row before it (a row was removed or altered)' } }
      }
      const computed = chainHash(prevHash, fields)
      if (computed !== row.hash && vouches.get(fields.id) !== computed) {
        return { ok: false, checked, firstBreak: { id: fields.id, reason: 'its contents do not match its hash (the row was altered)' } }
      }
      prevHash = row.hash
      checked++
      afterId = fields.id
    }
  }
}

/** The columns of an audit row that its hash covers, in the chain's own shape. */
export function chainedFieldsOf(row: Omit<Selectable<AuditEventsTable>, 'prev_hash' | 'hash'>): ChainedFields {
  return {
    id: String(row.id),
    occurredAt: new Date(row.occurred_at).toISOString(),
    actorUserId: row.actor_user_id,
    actorTokenId: row.actor_token_id,
    action: row.action,
    category: row.category,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    ip: row.ip,
    requestId: row.request_id,
    justification: row.justification,
    details: row.details,
  }
}
