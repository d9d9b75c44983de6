import { sql, type Selectable } from 'kysely'
import type { AuditEventsTable, Trx } from '#src/platform/db/database.ts'
import { appendAuditEvents, chainedFieldsOf, redactionVouches } from './audit.repository.ts'
import { chainHash } from './audit-chain.ts'
import type { Actor } from './audit-events.ts'

/**
 * Erasure in a hash-chained log (ADR 0007). Audit rows hold identifiers, not personal data (ADR 0004), with two
 * exceptions a person can end up in: a free-text justification someone typed ("checking Ana's address") and
 * the hash of a search's words (an unsalted name hash can be reversed by guessing). When a person is erased,
 * those parts of the rows that mention them are replaced; every other column stays exactly as written, which
 * the database trigger enforces. Each redacted row's new hash (computed with the same chain function over the
 * redacted contents and the row's unchanged prev_hash) is listed in an `audit.redacted` row appended to the
 * chain in the same transaction. `verifyAuditChain` accepts a row whose contents no longer match its stored
 * hash only when a later, itself intact, `audit.redacted` row vouches for exactly its present contents; the
 * stored hash and the links between rows never change, so removing or reordering rows is still caught.
 */
export const REDACTED = '[erased]'

type AuditRow = Selectable<AuditEventsTable>

export class AuditChainBrokenError extends Error {}

/**
 * Redacts the audit rows that mention the erased people: justifications matching the pattern (a PostgreSQL
 * regular expression, matched case-insensitively), any details text matching it, and the query hash of searches
 * that found them. Appends the vouching row. Answers how many rows were redacted.
 */
export async function redactAuditFor(
  trx: Trx,
  actor: Actor,
  input: { pattern: string | null; personIds: string[]; erasureId: string },
): Promise<number> {
  const pattern = input.pattern
  const { rows } = await sql<
    AuditRow & { new_justification: string | null; new_details: Record<string, unknown>; search_hit: boolean }
  >`
    SELECT a.id::text AS id, a.occurred_at, a.actor_user_id, a.actor_token_id, a.action, a.category, a.subject_type, a.subject_id, a.ip,
      a.request_id, a.justification, a.details, a.prev_hash, a.hash,
      ${pattern === null ? sql`a.justification` : sql`regexp_replace(a.justification, ${pattern}, ${REDACTED}, 'gi')`} AS new_justification,
      ${pattern === null ? sql`a.details` : sql`regexp_replace(a.details::text, ${pattern}, ${REDACTED}, 'gi')::jsonb`} AS new_details,
      (a.action = 'search.performed' AND a.details ? 'queryHash' AND a.details -> 'results' ?| ${input.personIds}::text[]) AS search_hit
    FROM audit_events a
    WHERE ${pattern === null ? sql`false` : sql`a.justification ~* ${pattern} OR a.details::text ~* ${pattern}`}
      OR (a.action = 'search.performed' AND a.details ? 'queryHash' AND a.details -> 'results' ?| ${input.personIds}::text[])
    ORDER BY a.id
    FOR UPDATE`.execute(trx)
  if (rows.length === 0) return 0
  const vouches = await redactionVouches(trx)
  const vouched: { id: string; hash: string }[] = []
  await sql`SELECT set_config('lantern.audit_redaction', 'on', true)`.execute(trx)
  for (const row of rows) {
    const details = row.search_hit ? { ...row.new_details, queryHash: REDACTED } : row.new_details
    const update = sql`UPDATE audit_events SET justification = ${row.new_justification}, details = ${JSON.stringify(details)}::jsonb WHERE id = ${row.id}::bigint`
    // Not sealed yet (ADR 0012): the sealer will hash what the erasure leaves, so there is nothing to vouch for.
    if (row.prev_hash === null || row.hash === null) {
      await update.execute(trx)
      continue
    }
    const current = chainHash(row.prev_hash, chainedFieldsOf(row))
    // Never launder a tampered row: only an intact (or already lawfully redacted) row may be redacted.
    if (current !== row.hash && vouches.get(row.id) !== current) {
      throw new AuditChainBrokenError(
        `Audit event ${row.id} does not match its hash: run "npx lantern audit verify" before erasing`,
      )
    }
    const redacted = chainedFieldsOf({ ...row, justification: row.new_justification, details })
    vouched.push({ id: row.id, hash: chainHash(row.prev_hash, redacted) })
    await update.execute(trx)
  }
  await sql`SELECT set_config('lantern.audit_redaction', 'off', true)`.execute(trx)
  await appendAuditEvents(trx, actor, [
    { action: 'audit.redacted', subjectType: 'erasure', subjectId: input.erasureId, details: { rows: vouched } },
  ])
  return rows.length
}
