import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAuditEvents, verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { sealAuditChain } from '#src/platform/audit/audit-sealer.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { runCli } from '#src/cli/main.ts'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let token: string
let userId: string

beforeAll(async () => {
  ctx = await createTestContext()
  const user = await createUser(ctx, 'investigator')
  userId = user.id
  token = await apiToken(ctx, user.email)
})
afterAll(() => ctx.close())

const referral = {
  receivedAt: '2026-02-01',
  source: 'public-concern',
  summary: 'Concern about a car wash',
  exploitationTypes: ['labour'],
}

async function create() {
  return (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: referral,
    })
  ).json() as { id: string }
}

function cli(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' }
  return runCli(args, io, ctx.config, async () => ({
    db: ctx.db,
    embedded: false,
    fresh: false,
    close: async () => undefined,
  })).then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }))
}

describe('the audit log', () => {
  it('records creation, each view and each search, with who, what, when and where', async () => {
    const { id } = await create()
    const client = new PageClient(ctx.app)
    const viewer = await createUser(ctx, 'analyst')
    await client.signIn(viewer.email)
    await client.get(`/referrals/${id}`)
    await client.get('/referrals?source=public-concern')
    const rows = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where((eb) => eb.or([eb('subject_id', '=', id), eb('action', '=', 'referral.searched')]))
      .orderBy('id')
      .execute()
    const created = rows.find((r) => r.action === 'referral.created')!
    expect(created).toMatchObject({ category: 'collection', actor_user_id: userId, subject_type: 'referral' })
    const viewed = rows.filter((r) => r.action === 'referral.viewed' && r.actor_user_id === viewer.id)
    expect(viewed).toHaveLength(1)
    expect(viewed[0]).toMatchObject({ category: 'consultation', ip: '127.0.0.1' })
    expect(viewed[0].request_id).toBeTruthy()
    const search = rows.filter((r) => r.action === 'referral.searched' && r.actor_user_id === viewer.id)
    expect(search[0].details).toMatchObject({ filters: { source: 'public-concern' } })
    expect((search[0].details as { results: string[] }).results).toContain(id)
  })

  it('writes the audit row in the same transaction as the change: a refused change leaves neither', async () => {
    const before = await ctx.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
    const refused = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: { ...referral, priorityTags: ['nope'] },
    })
    expect(refused.statusCode).toBe(400)
    const after = await ctx.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('cannot be updated or deleted through the database connection the app uses', async () => {
    await create()
    await expect(sql`UPDATE audit_events SET action = 'x'`.execute(ctx.db)).rejects.toThrow(/append-only/)
    await expect(sql`DELETE FROM audit_events`.execute(ctx.db)).rejects.toThrow(/append-only/)
    await expect(sql`TRUNCATE audit_events`.execute(ctx.db)).rejects.toThrow(/append-only/)
  })

  it('seals exactly as verification hashes, whatever the text: scripts, quotes, emoji, a lone surrogate', async () => {
    const actor = { userId: null, ip: '203.0.113.9', requestId: 'req-text' }
    await inTransaction(ctx.db, (trx) =>
      appendAuditEvents(trx, actor, [
        {
          action: 'referral.viewed',
          subjectType: 'referral',
          subjectId: 'x',
          justification: 'Nguyễn Thị "Thảo" \\ محمد 🙂',
          details: { id: 'inner', list: [1, 2.5, null, { b: true, a: 'é' }] },
        },
        {
          action: 'referral.viewed',
          subjectType: 'referral',
          subjectId: 'y',
          justification: 'half \ud83d of an emoji',
          details: {},
        },
      ]),
    )
    await sealAuditChain(ctx.db)
    const rows = await ctx.db
      .selectFrom('audit_events')
      .select(['justification', 'prev_hash', 'hash'])
      .where('request_id', '=', 'req-text')
      .orderBy('id')
      .execute()
    expect(rows[0].hash).toMatch(/^[0-9a-f]{64}$/)
    expect(rows[0].justification).toBe('Nguyễn Thị "Thảo" \\ محمد 🙂')
    expect(rows[1].justification).toBe('half \ufffd of an emoji')
    expect(rows[1].prev_hash).toBe(rows[0].hash)
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
  })

  it('keeps a chain that `lantern audit verify` accepts, across concurrent writers', async () => {
    await Promise.all(Array.from({ length: 20 }, () => create()))
    await sealAuditChain(ctx.db)
    const total = await ctx.db
      .selectFrom('audit_events')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
    const result = await verifyAuditChain(ctx.db)
    expect(result).toEqual({ ok: true, checked: total.n, unsealed: 0 })
    const { code, out } = await cli(['audit', 'verify'])
    expect(code).toBe(0)
    expect(out).toMatch(/Audit chain intact: \d+ events checked/)
  })

  it('detects an edited row and a deleted row, naming the first broken one, and exits 1', async () => {
    await create()
    await create()
    await sealAuditChain(ctx.db)
    const rows = await ctx.db.selectFrom('audit_events').select('id').orderBy('id').execute()
    const edited = rows[3].id
    const deleted = rows[6].id
    // A database administrator bypasses the trigger; the chain still shows what they did.
    await sql`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_events SET justification = 'rewritten' WHERE id = ${sql.lit(Number(edited))}; COMMIT;`.execute(
      ctx.db,
    )
    const first = await cli(['audit', 'verify'])
    expect(first.code).toBe(1)
    expect(first.err).toContain(`Audit chain BROKEN at event ${edited}: its contents do not match its hash`)

    await sql`BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_events SET justification = NULL WHERE id = ${sql.lit(Number(edited))}; DELETE FROM audit_events WHERE id = ${sql.lit(Number(deleted))}; COMMIT;`.execute(
      ctx.db,
    )
    const second = await verifyAuditChain(ctx.db)
    expect(second.ok).toBe(false)
    if (!second.ok) {
      expect(Number(second.firstBreak.id)).toBeGreaterThan(Number(deleted))
      expect(second.firstBreak.reason).toContain('does not link to the row before it')
    }
  })
})
