import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { generateKeyPairSync, sign } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '#src/cli/main.ts'
import { appendAuditEvents, verifyAuditChain, chainedFieldsOf } from '#src/platform/audit/audit.repository.ts'
import { redactAuditFor } from '#src/platform/audit/audit-redaction.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { canonicalJson, chainHash } from '#src/platform/audit/audit-chain.ts'
import { CHECKPOINT_FILE, PUBLIC_KEY_FILE, startAuditCheckpoints } from '#src/platform/audit/audit-checkpoint.ts'
import { sealAuditChain, startAuditSealer } from '#src/platform/audit/audit-sealer.ts'
import type { Config } from '#src/platform/config/config.ts'
import { apiToken, createTestContext, createUser, testConfig, type TestContext } from './support/test-app.ts'
import { waitFor } from './support/wait.ts'

const contexts: TestContext[] = []
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close()
})

async function setUp() {
  const ctx = await createTestContext()
  contexts.push(ctx)
  const user = await createUser(ctx, 'investigator')
  const token = await apiToken(ctx, user.email)
  const referral = {
    receivedAt: '2026-02-01',
    source: 'public-concern',
    summary: 'Concern about a car wash',
    exploitationTypes: ['labour'],
  }
  // Each referral is at least one audit row.
  const write = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const response = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${token}` },
        payload: referral,
      })
      expect(response.statusCode).toBe(201)
    }
  }
  await write(3)
  return { ctx, write }
}

async function cli(ctx: TestContext, args: string[], config: Config = ctx.config) {
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' }
  const code = await runCli(args, io, config, async () => ({
    db: ctx.db,
    embedded: false,
    fresh: false,
    close: async () => undefined,
  }))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

async function ids(ctx: TestContext): Promise<string[]> {
  return (
    await sql<{ id: string }>`SELECT id::text AS id FROM audit_events ORDER BY audit_events.id`.execute(ctx.db)
  ).rows.map((r) => r.id)
}

/** What someone with the database's superuser password can do: the append-only trigger is no obstacle to them. */
async function asSuperuser(ctx: TestContext, statements: ReturnType<typeof sql>) {
  await ctx.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx)
    await statements.execute(trx)
  })
}

/** The re-hashing attack: edit one row, then recompute every later row's links and hashes with Lantern's own function. */
async function rewriteAndRehash(ctx: TestContext, id: string) {
  await ctx.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx)
    await sql`UPDATE audit_events SET justification = 'nothing to see here' WHERE id = ${id}::bigint`.execute(trx)
    const rows = await trx.selectFrom('audit_events').selectAll().orderBy('id').execute()
    let prev = '0'.repeat(64)
    for (const row of rows) {
      const hash = chainHash(prev, chainedFieldsOf(row))
      if (hash !== row.hash || prev !== row.prev_hash)
        await sql`UPDATE audit_events SET prev_hash = ${prev}, hash = ${hash} WHERE id = ${row.id}`.execute(trx)
      prev = hash
    }
  })
}

function lines(config: Config): string[] {
  return readFileSync(join(config.auditCheckpointDir, CHECKPOINT_FILE), 'utf8').trim().split('\n')
}

describe('audit checkpoints: the chain anchored outside the database', () => {
  it('an honest chain verifies against its signed checkpoints, and events after the last one are still chained', async () => {
    const { ctx, write } = await setUp()
    const first = await cli(ctx, ['audit', 'checkpoint'])
    expect(first.code, first.err).toBe(0)
    expect(first.out).toMatch(/Checkpoint signed: \d+ events up to event \d+/)
    await write(2)
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    await write(1)
    const verified = await cli(ctx, ['audit', 'verify'])
    expect(verified.code, verified.err).toBe(0)
    expect(verified.out).toMatch(/Audit chain intact: \d+ events checked/)
    expect(verified.out).toContain('agrees with 2 signed checkpoints')
    expect(lines(ctx.config)).toHaveLength(2)
    // The folder a DPO keeps holds the checkpoints and the public key, never the private key.
    expect(readdirSync(ctx.config.auditCheckpointDir).sort()).toEqual([CHECKPOINT_FILE, PUBLIC_KEY_FILE].sort())
    expect(readFileSync(join(ctx.config.auditCheckpointDir, PUBLIC_KEY_FILE), 'utf8')).toContain('BEGIN PUBLIC KEY')
  })

  it('detects the newest events deleted, which the chain alone cannot', async () => {
    const { ctx, write } = await setUp()
    await write(2)
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    const all = await ids(ctx)
    const newest = all.at(-1)!
    await asSuperuser(ctx, sql`DELETE FROM audit_events WHERE id >= ${all.at(-3)}::bigint`)
    // The attack works on the chain alone: what is left still links up.
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
    const verified = await cli(ctx, ['audit', 'verify'])
    expect(verified.code).toBe(1)
    expect(verified.err).toContain(`Audit chain BROKEN at event ${newest}`)
    expect(verified.err).toContain('events were removed from the end')
  })

  it('detects the newest events deleted when Lantern has written more since, linking to what was left', async () => {
    const { ctx, write } = await setUp()
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    const all = await ids(ctx)
    await asSuperuser(ctx, sql`DELETE FROM audit_events WHERE id >= ${all.at(-2)}::bigint`)
    await write(2)
    // The server's sealer links the new rows to what was left.
    await sealAuditChain(ctx.db)
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
    const verified = await cli(ctx, ['audit', 'verify'])
    expect(verified.code).toBe(1)
    expect(verified.err).toContain(`Audit chain BROKEN at event ${all.at(-1)}`)
    expect(verified.err).toContain('is missing')
  })

  it("detects a row edited and every later hash recomputed with Lantern's own function", async () => {
    const { ctx, write } = await setUp()
    await write(2)
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    const all = await ids(ctx)
    await rewriteAndRehash(ctx, all[2])
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
    const verified = await cli(ctx, ['audit', 'verify'])
    expect(verified.code).toBe(1)
    expect(verified.err).toContain(`Audit chain BROKEN at event ${all.at(-1)}`)
    expect(verified.err).toContain('rewritten and re-hashed')
    // Nor will Lantern sign the rewritten log: the next checkpoint is refused and says why.
    const refused = await cli(ctx, ['audit', 'checkpoint'])
    expect(refused.code).toBe(1)
    expect(refused.err).toContain(`event ${all.at(-1)} no longer has the hash signed`)
    expect(lines(ctx.config)).toHaveLength(1)
  })

  it('refuses a checkpoint that was altered, or signed by a key other than the one verifying', async () => {
    const { ctx } = await setUp()
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    const file = join(ctx.config.auditCheckpointDir, CHECKPOINT_FILE)
    const honest = JSON.parse(lines(ctx.config)[0]) as Record<string, unknown>
    appendFileSync(file, JSON.stringify({ ...honest, count: Number(honest.count) - 1 }) + '\n')
    const altered = await cli(ctx, ['audit', 'verify'])
    expect(altered.code).toBe(1)
    expect(altered.err).toContain('checkpoint 2: its signature does not match')

    const other = await setUp()
    const { privateKey } = generateKeyPairSync('ed25519')
    const { sig: _sig, ...fields } = honest
    const forged = { ...fields, sig: sign(null, Buffer.from(canonicalJson(fields)), privateKey).toString('base64') }
    mkdirSync(other.ctx.config.auditCheckpointDir, { recursive: true })
    appendFileSync(join(other.ctx.config.auditCheckpointDir, CHECKPOINT_FILE), JSON.stringify(forged) + '\n')
    const wrongKey = await cli(other.ctx, ['audit', 'verify'])
    expect(wrongKey.code).toBe(1)
    expect(wrongKey.err).toContain('checkpoint 1: its signature does not match')
  })

  it('lets a DPO verify with the public key alone, from their own copy of the checkpoints', async () => {
    const { ctx, write } = await setUp()
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    await write(1)
    // The DPO's machine has its own data folder (so a different private key) and reads the server's folder.
    const dpo = testConfig({
      DATABASE_URL: ctx.databaseUrl,
      AUDIT_CHECKPOINT_DIR: mkdtempSync(join(tmpdir(), 'lantern-dpo-')),
    })
    const publicKey = join(ctx.config.auditCheckpointDir, PUBLIC_KEY_FILE)
    const withoutKey = await cli(ctx, ['audit', 'verify', '--checkpoints', ctx.config.auditCheckpointDir], dpo)
    expect(withoutKey.code).toBe(1)
    const verified = await cli(
      ctx,
      ['audit', 'verify', '--checkpoints', ctx.config.auditCheckpointDir, '--public-key', publicKey],
      dpo,
    )
    expect(verified.code, verified.err).toBe(0)
    expect(verified.out).toContain('agrees with 1 signed checkpoint')
    expect((await cli(ctx, ['audit', 'verify', '--public-key', join(tmpdir(), 'no-such-key.pub')], dpo)).code).toBe(2)
  })

  it('still verifies after an erasure redacts checkpointed rows (their stored hashes never change, ADR 0007)', async () => {
    const { ctx } = await setUp()
    const actor = { userId: null, ip: '203.0.113.9', requestId: 'req-erasure' }
    await inTransaction(ctx.db, (trx) =>
      appendAuditEvents(trx, actor, [
        {
          action: 'referral.viewed',
          subjectType: 'referral',
          subjectId: 'r1',
          justification: 'Checking Ana Popescu for the NRM',
        },
      ]),
    )
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
    expect(
      await inTransaction(ctx.db, (trx) =>
        redactAuditFor(trx, actor, { pattern: 'Ana Popescu', personIds: [], erasureId: 'e1' }),
      ),
    ).toBe(1)
    const verified = await cli(ctx, ['audit', 'verify'])
    expect(verified.code, verified.err).toBe(0)
    expect(verified.out).toContain('agrees with 1 signed checkpoint')
    expect((await cli(ctx, ['audit', 'checkpoint'])).code).toBe(0)
  })

  it('says plainly when there is no checkpoint to verify against', async () => {
    const { ctx } = await setUp()
    const verified = await cli(ctx, ['audit', 'verify'])
    expect(verified.code).toBe(0)
    expect(verified.err).toContain('No signed checkpoints')
  })

  it('are written by the server now and then while it runs, and once more as it stops', async () => {
    const { ctx, write } = await setUp()
    // What was written so far is sealed, as a running server's sealer would have done.
    await sealAuditChain(ctx.db)
    const problems: unknown[] = []
    let checked = 0
    const sealer = startAuditSealer(ctx.db, { onProblem: (problem) => problems.push(problem), intervalMs: 20 })
    const checkpoints = startAuditCheckpoints(ctx.db, ctx.config, {
      onProblem: (problem) => problems.push(problem),
      intervalMs: 50,
      onChecked: () => checked++,
    })
    const file = join(ctx.config.auditCheckpointDir, CHECKPOINT_FILE)
    await waitFor(() => existsSync(file), { timeout: 30_000, message: 'the first checkpoint' })
    // The first look, then four turns of the timer with nothing new to sign.
    await waitFor(() => checked >= 5, { timeout: 30_000, message: 'five looks at the chain' })
    // Nothing new was written, so nothing new was signed.
    expect(lines(ctx.config)).toHaveLength(1)
    await write(1)
    // As the server stops: the sealer seals what was written, then the last checkpoint signs it.
    await sealer.close()
    await checkpoints.close()
    const last = JSON.parse(lines(ctx.config).at(-1)!) as { lastId: string }
    expect(last.lastId).toBe((await ids(ctx)).at(-1))
    expect(problems).toEqual([])
    expect((await cli(ctx, ['audit', 'verify'])).code).toBe(0)
  })
})
