import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { appendAuditEvents, chainedFieldsOf, verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { chainHash, GENESIS_HASH } from '#src/platform/audit/audit-chain.ts'
import { redactAuditFor } from '#src/platform/audit/audit-redaction.ts'
import { AuditSealer, sealAuditChain, startAuditSealer, type SealTurn } from '#src/platform/audit/audit-sealer.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'
import { waitFor } from './support/wait.ts'

const closers: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

async function context(): Promise<TestContext> {
  const ctx = await createTestContext()
  closers.push(() => ctx.close())
  return ctx
}

const actor: Actor = { userId: null, ip: '203.0.113.7', requestId: 'req-sealer' }
const view = (subjectId: string) => ({ action: 'referral.viewed' as const, subjectType: 'referral', subjectId })

function append(db: Db, n = 1, tag = 'x'): Promise<void> {
  return inTransaction(db, (trx) =>
    appendAuditEvents(
      trx,
      actor,
      Array.from({ length: n }, (_, i) => view(`${tag}-${i}`)),
    ),
  )
}

/** A transaction that has appended an audit row and stays open until told to commit or roll back. */
function openAppend(db: Db, subjectId: string) {
  let finish!: (commit: boolean) => void
  const decided = new Promise<boolean>((resolve) => (finish = resolve))
  let appended!: () => void
  const ready = new Promise<void>((resolve) => (appended = resolve))
  const done = db
    .transaction()
    .execute(async (trx) => {
      await appendAuditEvents(trx, actor, [view(subjectId)])
      appended()
      if (!(await decided)) throw new Error('rolled back on purpose')
    })
    .catch((error: unknown) => {
      if (!(error instanceof Error && error.message === 'rolled back on purpose')) throw error
    })
  return { ready, commit: () => (finish(true), done), rollBack: () => (finish(false), done) }
}

async function sealState(db: Db, subjectId: string): Promise<{ id: string; sealed: boolean }> {
  const { rows } = await sql<{ id: string; sealed: boolean }>`
    SELECT id::text AS id, hash IS NOT NULL AS sealed FROM audit_events WHERE subject_id = ${subjectId}`.execute(db)
  return rows[0]
}

async function count(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_events`.execute(db)
  return rows[0].n
}

/** What someone with the database's superuser password can do: the append-only trigger is no obstacle to them. */
async function asSuperuser(db: Db, ...statements: ReturnType<typeof sql>[]) {
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx)
    for (const statement of statements) await statement.execute(trx)
  })
}

describe('the audit chain sealed after commit (ADR 0012)', () => {
  it('lets audited transactions append at the same time: neither waits for the other, and no lock is queued', async () => {
    const ctx = await context()
    const first = openAppend(ctx.db, 'first')
    await first.ready
    const second = openAppend(ctx.db, 'second')
    // The second appends while the first still holds its uncommitted audit row: under a chain lock it could not.
    await second.ready
    const { rows: locks } = await sql<{ locktype: string; granted: boolean }>`
      SELECT locktype, granted FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND (locktype = 'advisory' OR NOT granted)`.execute(ctx.db)
    expect(locks).toEqual([])
    // And it commits first, while the first is still open.
    await second.commit()
    expect(await sealState(ctx.db, 'second')).toMatchObject({ sealed: false })
    await first.commit()
    await sealAuditChain(ctx.db)
    expect(await verifyAuditChain(ctx.db)).toEqual({ ok: true, checked: await count(ctx.db), unsealed: 0 })
  })

  it('never seals past an id still in flight: a later id committed first waits for the earlier one, and a rolled-back id is passed over', async () => {
    const ctx = await context()
    const sealer = new AuditSealer(ctx.db)
    const early = openAppend(ctx.db, 'early')
    await early.ready
    const abandoned = openAppend(ctx.db, 'abandoned')
    await abandoned.ready
    await append(ctx.db, 1, 'late')
    await abandoned.rollBack()
    // However many turns the sealer takes, the committed later row stays unsealed while the earlier id is open.
    for (let i = 0; i < 4; i++) await sealer.turn()
    expect(await sealState(ctx.db, 'late-0')).toMatchObject({ sealed: false })
    const partial = await verifyAuditChain(ctx.db)
    expect(partial).toMatchObject({ ok: true, unsealed: 1 })
    await early.commit()
    await waitFor(
      async () => (await sealer.turn()).sealedThrough !== null && (await sealState(ctx.db, 'late-0')).sealed,
      {
        message: 'the later row sealed once the earlier one committed',
      },
    )
    const early_ = await sealState(ctx.db, 'early')
    const late = await sealState(ctx.db, 'late-0')
    expect(early_.sealed).toBe(true)
    expect(BigInt(early_.id)).toBeLessThan(BigInt(late.id))
    // The rolled-back id is a gap the chain passes over; the chain is whole.
    expect(await verifyAuditChain(ctx.db)).toEqual({ ok: true, checked: await count(ctx.db), unsealed: 0 })
  })

  it('seals on the next start what a crash left committed but unsealed', async () => {
    const ctx = await context()
    await sealAuditChain(ctx.db)
    const before = await count(ctx.db)
    // The server stopped between the commits and the sealer's next turn.
    await append(ctx.db, 3, 'before-crash')
    await append(ctx.db, 2, 'before-crash-2')
    expect(await verifyAuditChain(ctx.db)).toEqual({ ok: true, checked: before, unsealed: 5 })
    // Next start: a new sealer with no memory of what the old one saw.
    const problems: unknown[] = []
    const sealer = startAuditSealer(ctx.db, { intervalMs: 10, onProblem: (p) => problems.push(p) })
    closers.push(() => sealer.close())
    await waitFor(
      async () => {
        const result = await verifyAuditChain(ctx.db)
        return result.ok && result.unsealed === 0 && result.checked === before + 5
      },
      { message: 'the rows left unsealed sealed by the new sealer' },
    )
    expect(problems).toEqual([])
  })

  it('with two instances, one seals at a time and no row is sealed twice', async () => {
    const ctx = await context()
    await sealAuditChain(ctx.db)
    const before = await count(ctx.db)
    // A second instance: its own connection pool and its own sealer, on the same database.
    const otherDb = createDb(ctx.databaseUrl, 3)
    closers.push(() => otherDb.destroy())
    const turns: SealTurn[][] = [[], []]
    const problems: unknown[] = []
    for (const [i, db] of [ctx.db, otherDb].entries()) {
      const sealer = startAuditSealer(db, {
        intervalMs: 5,
        onProblem: (p) => problems.push(p),
        onTurn: (turn) => turns[i].push(turn),
      })
      closers.push(() => sealer.close())
    }
    // Writers on both instances at once.
    await Promise.all(Array.from({ length: 20 }, (_, i) => append(i % 2 ? otherDb : ctx.db, 2, `burst-${i}`)))
    const total = await count(ctx.db)
    expect(total).toBe(before + 40)
    await waitFor(async () => {
      const result = await verifyAuditChain(ctx.db)
      return result.ok && result.unsealed === 0 && result.checked === total
    })
    const sealed = turns.flat().reduce((sum, turn) => sum + turn.sealed, 0)
    // Each row was sealed by exactly one turn of one sealer.
    expect(sealed).toBe(40)
    expect(turns[0].length + turns[1].length).toBeGreaterThan(2)
    expect(problems).toEqual([])
  })

  it('seals what an erasure left of a row it redacted before the row was sealed', async () => {
    const ctx = await context()
    await inTransaction(ctx.db, (trx) =>
      appendAuditEvents(trx, actor, [{ ...view('r1'), justification: 'Checking Ana Popescu for the NRM' }]),
    )
    const redacted = await inTransaction(ctx.db, (trx) =>
      redactAuditFor(trx, actor, { pattern: 'Ana Popescu', personIds: [], erasureId: 'e1' }),
    )
    expect(redacted).toBe(1)
    await sealAuditChain(ctx.db)
    const { rows } = await sql<{ justification: string }>`
      SELECT justification FROM audit_events WHERE subject_id = 'r1'`.execute(ctx.db)
    expect(rows[0].justification).toBe('Checking [erased] for the NRM')
    expect(await verifyAuditChain(ctx.db)).toEqual({ ok: true, checked: await count(ctx.db), unsealed: 0 })
  })

  describe('still detects tampering with sealed rows', () => {
    async function sealedChain() {
      const ctx = await context()
      for (let i = 0; i < 4; i++) await append(ctx.db, 2, `t${i}`)
      await sealAuditChain(ctx.db)
      const { rows } = await sql<{
        id: string
      }>`SELECT id::text AS id FROM audit_events ORDER BY audit_events.id`.execute(ctx.db)
      expect(rows.length).toBeGreaterThan(6)
      return { ctx, ids: rows.map((r) => r.id) }
    }

    it('an edited row', async () => {
      const { ctx, ids } = await sealedChain()
      await asSuperuser(ctx.db, sql`UPDATE audit_events SET subject_id = 'other' WHERE id = ${ids[3]}::bigint`)
      expect(await verifyAuditChain(ctx.db)).toMatchObject({
        ok: false,
        firstBreak: { id: ids[3], reason: expect.stringContaining('contents do not match') },
      })
    })

    it('a deleted row', async () => {
      const { ctx, ids } = await sealedChain()
      await asSuperuser(ctx.db, sql`DELETE FROM audit_events WHERE id = ${ids[3]}::bigint`)
      expect(await verifyAuditChain(ctx.db)).toMatchObject({
        ok: false,
        firstBreak: { id: ids[4], reason: expect.stringContaining('does not link') },
      })
    })

    it('a row inserted, sealed with an honest hash of its own or left looking unsealed', async () => {
      const { ctx, ids } = await sealedChain()
      const [copy] = await ctx.db.selectFrom('audit_events').selectAll().where('id', '=', ids[2]).execute()
      // An event made to look as if it came first, hashed from the genesis with Lantern's own function.
      const forged = chainHash(GENESIS_HASH, { ...chainedFieldsOf(copy), id: '0' })
      const insert = (prev: string | null, hash: string | null) => sql`
        INSERT INTO audit_events (id, occurred_at, action, category, details, subject_type, subject_id, ip, request_id, prev_hash, hash)
        SELECT 0, occurred_at, action, category, details, subject_type, subject_id, ip, request_id, ${prev}, ${hash}
        FROM audit_events WHERE id = ${ids[2]}::bigint`
      await asSuperuser(ctx.db, insert(GENESIS_HASH, forged))
      expect(await verifyAuditChain(ctx.db)).toMatchObject({
        ok: false,
        firstBreak: { id: ids[0], reason: expect.stringContaining('does not link') },
      })
      await asSuperuser(ctx.db, sql`DELETE FROM audit_events WHERE id = 0`)
      expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
      // Among the sealed rows, made to look not yet sealed.
      await asSuperuser(ctx.db, insert(null, null))
      expect(await verifyAuditChain(ctx.db)).toMatchObject({
        ok: false,
        firstBreak: { id: '0', reason: expect.stringContaining('not sealed, but later events are') },
      })
    })

    it("a row's seal removed, so it would pass as part of the unsealed tail", async () => {
      const { ctx, ids } = await sealedChain()
      await asSuperuser(ctx.db, sql`UPDATE audit_events SET prev_hash = NULL, hash = NULL WHERE id = ${ids[4]}::bigint`)
      expect(await verifyAuditChain(ctx.db)).toMatchObject({
        ok: false,
        firstBreak: { id: ids[4], reason: expect.stringContaining('not sealed, but later events are') },
      })
    })

    it('two rows swapped', async () => {
      const { ctx, ids } = await sealedChain()
      await asSuperuser(
        ctx.db,
        sql`UPDATE audit_events SET id = -1 WHERE id = ${ids[2]}::bigint`,
        sql`UPDATE audit_events SET id = ${ids[2]}::bigint WHERE id = ${ids[3]}::bigint`,
        sql`UPDATE audit_events SET id = ${ids[3]}::bigint WHERE id = -1`,
      )
      expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: false, firstBreak: { id: ids[2] } })
    })

    it('and the sealing update is the only one the app may make: nothing else, and not twice', async () => {
      const { ctx, ids } = await sealedChain()
      await expect(
        ctx.db.transaction().execute(async (trx) => {
          await sql`SELECT set_config('lantern.audit_sealing', 'on', true)`.execute(trx)
          await sql`UPDATE audit_events SET hash = ${'e'.repeat(64)} WHERE id = ${ids[1]}::bigint`.execute(trx)
        }),
      ).rejects.toThrow(/append-only/)
      await append(ctx.db, 1, 'fresh')
      const fresh = await sealState(ctx.db, 'fresh-0')
      await expect(
        ctx.db.transaction().execute(async (trx) => {
          await sql`SELECT set_config('lantern.audit_sealing', 'on', true)`.execute(trx)
          await sql`UPDATE audit_events SET prev_hash = 'x', hash = 'y', action = 'other' WHERE id = ${fresh.id}::bigint`.execute(
            trx,
          )
        }),
      ).rejects.toThrow(/append-only/)
    })
  })
})
