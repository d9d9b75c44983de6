import { sql } from 'kysely'
import type { Db, Trx } from '#src/platform/db/database.ts'
import { GENESIS_HASH, chainHash } from './audit-chain.ts'
import { chainedFieldsOf } from './audit.repository.ts'

/**
 * The audit chain's sealer (ADR 0012). Requests append audit rows with ids from a sequence and no hash, holding
 * no lock; the sealer links committed rows into the chain in id order, filling prev_hash and hash.
 *
 * Ids are drawn in order but committed in any order, so the sealer seals only up to an id below which every id
 * is final: committed (and so visible) or never to be (rolled back, or skipped by the sequence after a crash).
 * Each turn it notes the last id drawn, then the transactions running in this database (a writer's transaction
 * id is taken before it draws an id, migration 0053, so every writer still holding an id up to that one is
 * among them). Once none of those transactions is running any more, every id up to the noted one is final.
 * A turn therefore seals what the previous turn noted, provided the writers it saw have finished: a row is
 * sealed about one interval after its commit. A rolled-back id is a gap the sealer passes over; a long-running
 * writer holds sealing back (never its own or others' work) until it ends.
 *
 * One sealer at a time per database, whatever the number of instances: each turn runs in a transaction that
 * first takes a transaction-scoped advisory lock (a turn that cannot take it does nothing), and reads the head of
 * the chain under it, so two instances never seal the same row.
 */
const SEALER_LOCK = 7_741_012
const BATCH = 5000

type Observation = { lastId: bigint; running: Set<string> }

export type SealTurn = {
  /** False when another sealer held the lock. */
  ran: boolean
  sealed: number
  /** Every id up to this is sealed or never will be. */
  sealedThrough: bigint | null
}

export class AuditSealer {
  private observations: Observation[] = []

  constructor(private readonly db: Db) {}

  /** One turn: seals what is known to be final, and notes what the next turn may seal. */
  async turn(): Promise<SealTurn> {
    return this.db.transaction().execute(async (trx) => {
      const { rows: lock } = await sql<{
        got: boolean
      }>`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS got`.execute(trx)
      if (!lock[0].got) return { ran: false, sealed: 0, sealedThrough: null }
      // In this order: the last id drawn, then who is running (each its own statement, so its own snapshot).
      const { rows: seq } = await sql<{
        last: string
      }>`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END::text AS last FROM audit_events_id_seq`.execute(
        trx,
      )
      const running = await runningTransactions(trx)
      // The latest noted point whose writers have all finished (an earlier one's have then finished too).
      let bound: bigint | null = null
      let cleared = 0
      for (const [i, o] of this.observations.entries()) {
        if (![...o.running].some((xid) => running.has(xid))) {
          bound = o.lastId
          cleared = i + 1
        }
      }
      this.observations = this.observations.slice(cleared)
      this.observations.push({ lastId: BigInt(seq[0].last), running })
      if (bound === null) return { ran: true, sealed: 0, sealedThrough: null }
      const sealed = await sealThrough(trx, bound)
      // A full batch leaves more to seal up to the same bound: keep it for the next turn.
      if (sealed === BATCH) this.observations.unshift({ lastId: bound, running: new Set() })
      return { ran: true, sealed, sealedThrough: sealed === BATCH ? null : bound }
    })
  }
}

/** Transaction ids running in this database now, other than the caller's. */
async function runningTransactions(trx: Trx): Promise<Set<string>> {
  const { rows } = await sql<{ xid: string }>`
    SELECT backend_xid::text AS xid FROM pg_stat_activity
    WHERE datname = current_database() AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()`.execute(trx)
  return new Set(rows.map((r) => r.xid))
}

/** Links the committed unsealed rows after the chain's head, up to `bound`, in id order. */
async function sealThrough(trx: Trx, bound: bigint): Promise<number> {
  const { rows: head } = await sql<{ id: string; hash: string }>`
    SELECT a.id::text AS id, a.hash FROM audit_events a WHERE a.hash IS NOT NULL ORDER BY a.id DESC LIMIT 1`.execute(
    trx,
  )
  const headId = head[0]?.id ?? '0'
  // Locked, so an erasure redacting one of them finishes first (and the seal covers what it left).
  const rows = await trx
    .selectFrom('audit_events')
    .selectAll()
    .where(sql<boolean>`id > ${headId}::bigint AND id <= ${bound.toString()}::bigint AND hash IS NULL`)
    .orderBy('id')
    .limit(BATCH)
    .forUpdate()
    .execute()
  if (rows.length === 0) return 0
  let prev = head[0]?.hash ?? GENESIS_HASH
  const ids: string[] = []
  const prevs: string[] = []
  const hashes: string[] = []
  for (const row of rows) {
    const hash = chainHash(prev, chainedFieldsOf(row))
    ids.push(String(row.id))
    prevs.push(prev)
    hashes.push(hash)
    prev = hash
  }
  await sql`SELECT set_config('lantern.audit_sealing', 'on', true)`.execute(trx)
  await sql`
    UPDATE audit_events a SET prev_hash = s.prev_hash, hash = s.hash
    FROM unnest(${ids}::bigint[], ${prevs}::text[], ${hashes}::text[]) AS s(id, prev_hash, hash)
    WHERE a.id = s.id AND a.hash IS NULL`.execute(trx)
  await sql`SELECT set_config('lantern.audit_sealing', 'off', true)`.execute(trx)
  return rows.length
}

/**
 * Seals every audit row committed before the call (for the command line, and tests): turns until a turn notes
 * nothing new to wait for. Gives up after `timeoutMs` if a writer stays open that long.
 */
export async function sealAuditChain(db: Db, options: { timeoutMs?: number } = {}): Promise<void> {
  const sealer = new AuditSealer(db)
  const deadline = Date.now() + (options.timeoutMs ?? 15_000)
  const { rows } = await sql<{
    last: string
  }>`SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END::text AS last FROM audit_events_id_seq`.execute(
    db,
  )
  const target = BigInt(rows[0].last)
  for (;;) {
    const turn = await sealer.turn()
    if (turn.sealedThrough !== null && turn.sealedThrough >= target) return
    if (Date.now() > deadline) throw new Error('The audit chain could not be sealed: a writer stayed open too long')
    await new Promise((resolve) => setTimeout(resolve, turn.ran ? 10 : 50))
  }
}

/**
 * The server's sealer: a turn every `intervalMs` (another at once while a backlog remains). Off the request path;
 * one turn at a time in this process, one sealer at a time per database. Problems are reported, and the next turn
 * tries again. `close` waits for the turn in hand and runs one more, so a clean stop leaves little unsealed.
 */
export function startAuditSealer(
  db: Db,
  options: { intervalMs?: number; onProblem: (error: unknown) => void; onTurn?: (turn: SealTurn) => void },
): { close: () => Promise<void> } {
  const sealer = new AuditSealer(db)
  const interval = options.intervalMs ?? 100
  let closed = false
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  const schedule = (ms: number) => {
    if (closed) return
    timer = setTimeout(() => {
      running = sealer.turn().then(
        (turn) => {
          options.onTurn?.(turn)
          schedule(turn.ran && turn.sealed === BATCH ? 0 : interval)
        },
        (error: unknown) => {
          options.onProblem(error)
          schedule(interval * 10)
        },
      )
    }, ms)
    timer.unref()
  }
  schedule(0)
  return {
    close: async () => {
      closed = true
      clearTimeout(timer)
      await running
      await sealAuditChain(db, { timeoutMs: 2000 }).catch(() => undefined)
    },
  }
}
