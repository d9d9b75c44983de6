import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { poolOf } from '#src/platform/db/database.ts'
import { newTotpSecret, totpCode } from '#src/platform/auth/totp.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  PageClient,
  TEST_PASSWORD,
  type TestContext,
} from './support/test-app.ts'
import { waitFor } from './support/wait.ts'

/**
 * A database that cannot take writes: read-only (a standby, or a database set read-only for maintenance), or
 * out of disk space. Lantern says so plainly (503, no PostgreSQL message), saves nothing half-way, and keeps
 * what the user typed on screen.
 *
 * Out of disk space is simulated: a trigger raises SQLSTATE 53100 (disk_full), which is what PostgreSQL raises
 * when it cannot extend a file. Filling a real disk needs a small filesystem (a loop device or tmpfs) that this
 * test cannot create.
 */
let ctx: TestContext
let token: string
let client: PageClient
let draftPath: string
const name = () => new URL(ctx.databaseUrl).pathname.slice(1)

async function admin(query: string) {
  const c = new pg.Client({ connectionString: ctx.adminUrl })
  await c.connect()
  try {
    await c.query(query)
  } finally {
    await c.end()
  }
}

/** Ends the app's pooled connections, so the next ones start with the database's new settings. */
async function reconnect() {
  await admin(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name()}' AND pid <> pg_backend_pid()`,
  )
  // The pool drops the ended clients when their sockets close: wait until it holds none.
  const pool = poolOf(ctx.db)!
  await waitFor(() => pool.totalCount === 0, { timeout: 30_000, message: 'the pool to drop its ended connections' })
}

const referral = {
  receivedAt: '2026-03-04T09:15:00Z',
  source: 'helpline',
  summary: 'Written while the database could not take it',
  people: [{ names: ['Ana Example'], gender: 'female', role: 'potential-victim' }],
  locations: [],
  exploitationTypes: ['labour'],
  countyLines: false,
  priorityTags: [],
}

const postReferral = () =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: referral,
  })
const counts = async () => {
  const { rows } = await sql<{ referrals: number; people: number; drafts: string; audit: number }>`
    SELECT (SELECT count(*)::int FROM referrals) AS referrals, (SELECT count(*)::int FROM people) AS people,
      (SELECT string_agg(data::text, '') FROM referral_drafts) AS drafts, (SELECT count(*)::int FROM audit_events) AS audit`.execute(
    ctx.db,
  )
  return rows[0]
}

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator')
  token = await apiToken(ctx, officer.email)
  expect((await postReferral()).statusCode).toBe(201)
  // Signed in through the pages, with the second factor an investigator needs (a known secret, so the code can be made).
  const secret = newTotpSecret()
  await ctx.db
    .updateTable('users')
    .set({ mfa_secret: secret, mfa_enrolled_at: new Date() })
    .where('id', '=', officer.id)
    .execute()
  client = new PageClient(ctx.app)
  await client.get('/sign-in')
  const signIn = await client.post('/sign-in', { email: officer.email, password: TEST_PASSWORD })
  if (signIn.headers.location === '/sign-in/two-factor') {
    await client.get('/sign-in/two-factor')
    expect((await client.post('/sign-in/two-factor', { code: totpCode(secret) })).statusCode).toBe(303)
  }
  await client.get('/referrals/new')
  const started = await client.post('/referrals/new', {})
  draftPath = started.headers.location as string
  expect(draftPath).toMatch(/^\/referrals\/drafts\/.+\/received$/)
  await client.get(draftPath.replace(/received$/, 'what-happened'))
})
afterAll(async () => {
  await admin(`ALTER DATABASE ${name()} RESET default_transaction_read_only`).catch(() => undefined)
  await ctx.close()
})

describe('a database that cannot take writes', () => {
  it('read-only: writes (and audited reads) get a clear 503 and save nothing; writes work again when it is writable', async () => {
    const before = await counts()
    await admin(`ALTER DATABASE ${name()} SET default_transaction_read_only = on`)
    await reconnect()
    try {
      const api = await postReferral()
      expect(api.statusCode).toBe(503)
      expect(api.headers['content-type']).toContain('application/problem+json')
      expect(api.json()).toMatchObject({
        status: 503,
        type: 'urn:lantern:problem:database-read-only',
        detail: expect.stringContaining('read-only'),
      })
      expect(api.body).not.toMatch(/transaction|25006|postgres/i)

      // A page form: the error page shows what was typed, so nothing is lost.
      const page = await client.post(draftPath.replace(/received$/, 'what-happened'), {
        summary: 'Seen at the car wash on Tuesday',
      })
      expect(page.statusCode, page.body.replace(/\s+/g, ' ').slice(-3000)).toBe(503)
      expect(page.body).toContain('The database is read-only at the moment')
      expect(page.body).toContain('Seen at the car wash on Tuesday')
      expect(page.body).not.toMatch(/\b25006\b|read_only_sql_transaction/)

      // Looking at records is audited, and an unaudited look is not allowed: the list is refused just as plainly.
      const read = await ctx.app.inject({
        method: 'GET',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${token}` },
      })
      expect(read.statusCode).toBe(503)
      expect(read.json()).toMatchObject({ type: 'urn:lantern:problem:database-read-only' })
      // Health still answers: the database is up, only not writable.
      expect((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
      expect(await counts()).toEqual(before)
    } finally {
      await admin(`ALTER DATABASE ${name()} RESET default_transaction_read_only`)
      await reconnect()
    }
    expect((await postReferral()).statusCode).toBe(201)
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
  })

  it('disk full (simulated): writes get a clear 503, nothing is half-written, the audit chain holds', async () => {
    const before = await counts()
    // Raised after the referral's rows are written, on its audit row: the whole unit of work must roll back.
    await sql`
      CREATE FUNCTION lantern_test_disk_full() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'could not extend file "base/16384/2619": No space left on device' USING ERRCODE = 'disk_full'; END $$`.execute(
      ctx.db,
    )
    await sql`CREATE TRIGGER lantern_test_disk_full BEFORE INSERT ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION lantern_test_disk_full()`.execute(
      ctx.db,
    )
    await sql`CREATE TRIGGER lantern_test_disk_full BEFORE UPDATE ON referral_drafts FOR EACH STATEMENT EXECUTE FUNCTION lantern_test_disk_full()`.execute(
      ctx.db,
    )
    try {
      const api = await postReferral()
      expect(api.statusCode).toBe(503)
      expect(api.json()).toMatchObject({
        status: 503,
        type: 'urn:lantern:problem:database-full',
        detail: expect.stringContaining('out of storage space'),
      })
      expect(api.body).not.toMatch(/No space left|base\/16384|53100/)

      const page = await client.post(draftPath.replace(/received$/, 'what-happened'), {
        summary: 'Two men collected the workers at 6am',
      })
      expect(page.statusCode).toBe(503)
      expect(page.body).toContain('run out of storage space')
      expect(page.body).toContain('Two men collected the workers at 6am')
      expect(page.body).not.toMatch(/No space left|base\/16384/)
      expect(await counts()).toEqual(before)
    } finally {
      await sql`DROP TRIGGER lantern_test_disk_full ON audit_events`.execute(ctx.db)
      await sql`DROP TRIGGER lantern_test_disk_full ON referral_drafts`.execute(ctx.db)
      await sql`DROP FUNCTION lantern_test_disk_full()`.execute(ctx.db)
    }
    expect((await postReferral()).statusCode).toBe(201)
    expect((await verifyAuditChain(ctx.db)).ok).toBe(true)
  })
})
