import { sql, type RawBuilder, type Selectable } from 'kysely'
import type { AuditEventsTable, Db, Queryable, Trx } from '#src/platform/db/database.ts'
import { AUDIT_ACTIONS, type Actor, type AuditEventInput } from './audit-events.ts'
import { GENESIS_HASH, chainHash, type ChainedFields } from './audit-chain.ts'
import { timePhase } from '#src/platform/observability/request-timing.ts'

/**
 * Appends audit events inside the caller's transaction, so the audit row commits or rolls back with the
 * work it describes. No lock is taken: the rows get ids from a sequence and no hash, and the sealer links them
 * into the chain in id order shortly after they commit (ADR 0012), so no request waits on another's audit.
 */
export async function appendAuditEvents(trx: Trx, actor: Actor, events: AuditEventInput[]): Promise<void> {
  if (events.length === 0) return
  // Ids and rows in one round trip (migration 0053), the writer's transaction id taken before any id is drawn.
  await timePhase('audit', () => sql`SELECT ${auditInsert(actor, events)}`.execute(trx))
}

/**
 * The call that appends these audit rows (`audit_insert`, migration 0053), for a statement that writes its audit
 * rows together with the work it records, in one round trip (a save's links and event, ADR 0014). It must run in
 * the transaction of that work, as appendAuditEvents does; an empty list appends nothing.
 */
export function auditInsert(actor: Actor, events: AuditEventInput[]): RawBuilder<unknown> {
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
  return sql`audit_insert(${JSON.stringify(items)}::jsonb)`
}

// A lone UTF-16 surrogate (possible in text sent to the API as a JSON escape) cannot go into jsonb; written as
// U+FFFD, as UTF-8 encoding would store it, before anything is hashed, so the hash covers what is stored.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return value.replace(LONE_SURROGATE, '\uFFFD') as T
  if (Array.isArray(value)) return value.map(wellFormed) as T
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormed(v)])) as T
  return value
}

export type ChainBreak = { id: string; reason: string }
/**
 * `checked`: sealed rows whose links and hashes were recomputed. `unsealed`: the newest rows, committed but not
 * yet linked by the sealer (ADR 0012); the chain vouches for them only once sealed, normally within a second.
 */
export type VerifyResult =
  { ok: true; checked: number; unsealed: number } | { ok: false; checked: number; firstBreak: ChainBreak }

/**
 * Redacted rows' vouched hashes (ADR 0007), from the `audit.redacted` rows that list them. Only a vouch from a
 * later row counts, and the vouching row is itself checked when the walk reaches it.
 */
export async function redactionVouches(db: Queryable): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; details: { rows?: { id: string; hash: string }[] } }>`
    SELECT id::text AS id, details FROM audit_events WHERE action = 'audit.redacted' ORDER BY audit_events.id`.execute(
    db,
  )
  const vouches = new Map<string, string>()
  for (const row of rows) {
    for (const item of row.details.rows ?? [])
      if (BigInt(item.id) < BigInt(row.id)) vouches.set(String(item.id), item.hash)
  }
  return vouches
}

/**
 * A head of the chain recorded outside the database (a signed checkpoint, ADR 0010): the id of the newest row
 * then, its stored hash (which covers every row before it), and how many rows there were up to it.
 */
export type ChainAnchor = { lastId: string; count: number; headHash: string; label: string }

/**
 * Walks the whole chain in id order, in pages, recomputing every hash. A row whose personal data an erasure
 * redacted no longer matches its stored hash; it passes only if a later `audit.redacted` row vouches for
 * exactly its present contents (ADR 0007). Links between rows never change, so a removed row is still caught.
 * The chain alone cannot show its newest rows removed, or every row rewritten and re-hashed: checked against
 * anchors kept outside the database, it can.
 */
export async function verifyAuditChain(db: Db, pageSize = 5000, anchors: ChainAnchor[] = []): Promise<VerifyResult> {
  const { head: _head, ...result } = await walkAuditChain(
    db,
    // From the lowest id there can be: the sequence starts at 1, so a row at 0 or below was put there by hand.
    { afterId: '-9223372036854775808', prevHash: GENESIS_HASH, checked: 0 },
    { pageSize, anchors },
  )
  return result
}

export type ChainPosition = { afterId: string; prevHash: string; checked: number }

/**
 * Walks the chain from a position (the genesis, or a checkpointed head) to the newest row, answering where it
 * ended. `checked` counts rows from the genesis when `from.checked` does, which is what anchors compare with.
 */
export async function walkAuditChain(
  db: Queryable,
  from: ChainPosition,
  options: { pageSize?: number; anchors?: ChainAnchor[] } = {},
): Promise<VerifyResult & { head: ChainPosition }> {
  const vouches = await redactionVouches(db)
  // An empty log's checkpoint anchors nothing.
  const anchors = (options.anchors ?? [])
    .filter((a) => a.count > 0)
    .sort((a, b) => (BigInt(a.lastId) < BigInt(b.lastId) ? -1 : BigInt(a.lastId) > BigInt(b.lastId) ? 1 : 0))
  let next = 0
  let { prevHash, afterId, checked } = from
  let cursor = afterId
  // The first row the sealer has not linked yet: every row after it must be unsealed too.
  let firstUnsealed: string | undefined
  let unsealed = 0
  const broken = (id: string, reason: string) => ({
    ok: false as const,
    checked,
    firstBreak: { id, reason },
    head: { afterId, prevHash, checked },
  })
  for (;;) {
    const rows = await db
      .selectFrom('audit_events')
      .selectAll()
      .where(sql<boolean>`id > ${cursor}::bigint`)
      .orderBy('id')
      .limit(options.pageSize ?? 5000)
      .execute()
    if (rows.length === 0) break
    cursor = String(rows[rows.length - 1].id)
    for (const row of rows) {
      const fields = chainedFieldsOf(row)
      if (row.hash === null && row.prev_hash === null) {
        firstUnsealed ??= fields.id
        unsealed++
        continue
      }
      // Rows are sealed in id order, so a sealed row after an unsealed one means the earlier one lost its seal
      // or was put there since.
      if (firstUnsealed !== undefined)
        return broken(
          firstUnsealed,
          'it is not sealed, but later events are (its seal was removed, or the row was inserted)',
        )
      if (row.prev_hash !== prevHash)
        return broken(fields.id, 'does not link to the row before it (a row was removed or altered)')
      const computed = chainHash(prevHash, fields)
      if (computed !== row.hash && vouches.get(fields.id) !== computed)
        return broken(fields.id, 'its contents do not match its hash (the row was altered)')
      // A checkpointed newest row that the walk has passed without meeting was deleted, and the rows after it
      // relinked (or written since, linking to what was left).
      const missing = anchors[next]
      if (missing && BigInt(missing.lastId) < BigInt(fields.id)) {
        return broken(
          missing.lastId,
          `it is missing, but ${missing.label} signed it as the newest of ${missing.count} events (events were removed)`,
        )
      }
      for (; anchors[next]?.lastId === fields.id; next++) {
        const anchor = anchors[next]
        if (anchor.headHash !== row.hash)
          return broken(
            fields.id,
            `its hash differs from the one ${anchor.label} signed (the log up to it was rewritten and re-hashed)`,
          )
        if (anchor.count !== checked + 1)
          return broken(
            fields.id,
            `${checked + 1} events lead up to it, but ${anchor.label} signed ${anchor.count} (events were removed or added before it)`,
          )
      }
      prevHash = row.hash!
      checked++
      afterId = fields.id
    }
  }
  const beyond = anchors[next]
  if (beyond) {
    return broken(
      beyond.lastId,
      `the log ends at event ${afterId} (${checked} events), but ${beyond.label} signed ${beyond.count} events up to event ${beyond.lastId} (events were removed from the end)`,
    )
  }
  return { ok: true, checked, unsealed, head: { afterId, prevHash, checked } }
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
