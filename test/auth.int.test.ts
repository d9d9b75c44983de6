import { generateKeyPairSync } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, PageClient, TEST_PASSWORD, type TestContext } from './support/test-app.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext({ env: { SIGN_IN_MAX_FAILURES: '3', SIGN_IN_LOCK_MINUTES: '15' } })
})
afterAll(() => ctx.close())

async function auditActions(subjectId: string) {
  const rows = await ctx.db
    .selectFrom('audit_events')
    .select('action')
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute()
  return rows.map((r) => r.action)
}

describe('signing in and out', () => {
  it('signs in with the right password, keeps the session in PostgreSQL, and signs out', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    const passwordStep = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    // The session cookie comes with the password; the session is only fully signed in after the second factor.
    expect(passwordStep.headers.location).toBe('/sign-in/two-factor')
    const response = await client.completeSecondFactor(user.email, passwordStep)
    expect(response.headers.location).toBe('/')
    const cookie = passwordStep.cookies.find((c) => c.name === 'lantern_session')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
    const sessions = await ctx.db.selectFrom('sessions').selectAll().where('user_id', '=', user.id).execute()
    expect(sessions).toHaveLength(1)
    // Only a hash of the session token is stored: a copy of the database gives no live session.
    expect(sessions[0].id_hash).not.toBe(cookie!.value)
    expect((await client.get('/referrals')).statusCode).toBe(200)

    const out = await client.post('/sign-out', {})
    expect(out.headers.location).toBe('/sign-in?signedOut=1')
    expect((await client.get('/referrals')).statusCode).toBe(303)
    expect(await auditActions(user.id)).toEqual(['user.created', 'auth.signed-in', 'auth.signed-out'])
  })

  it('clears a shown message without wiping a newer one set by the next request', async () => {
    const user = await createUser(ctx, 'investigator')
    await new PageClient(ctx.app).signIn(user.email)
    const session = await ctx.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow()
    await ctx.services.auth.saveSessionData(session.id_hash, { flash: 'Referral assigned', draftId: 'x' })
    await ctx.services.auth.consumeFlash(session.id_hash, 'Task added')
    expect(
      (
        await ctx.db
          .selectFrom('sessions')
          .select('data')
          .where('id_hash', '=', session.id_hash)
          .executeTakeFirstOrThrow()
      ).data,
    ).toEqual({ flash: 'Referral assigned', draftId: 'x' })
    await ctx.services.auth.consumeFlash(session.id_hash, 'Referral assigned')
    expect(
      (
        await ctx.db
          .selectFrom('sessions')
          .select('data')
          .where('id_hash', '=', session.id_hash)
          .executeTakeFirstOrThrow()
      ).data,
    ).toEqual({ draftId: 'x' })
  })

  it('stores passwords only as scrypt hashes', async () => {
    const user = await createUser(ctx, 'analyst')
    const row = await ctx.db
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row.password_hash).toMatch(/^scrypt\$\d+\$8\$1\$/)
    expect(row.password_hash).not.toContain(TEST_PASSWORD)
  })

  it('shows the same message for an unknown email and a wrong password, and keeps the email typed', async () => {
    const user = await createUser(ctx, 'analyst')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    const unknown = await client.post('/sign-in', { email: 'nobody@test.lantern', password: 'whatever-it-is' })
    const wrong = await client.post('/sign-in', { email: user.email, password: 'not-the-password' })
    for (const response of [unknown, wrong]) {
      expect(response.statusCode).toBe(401)
      expect(response.body).toContain('Enter a correct email address and password')
      expect(response.body).toContain('govuk-error-summary')
    }
    expect(wrong.body).toContain(`value="${user.email}"`)
  })

  it('answers an unknown email, a wrong password and a locked account (even with the right password) alike', async () => {
    const user = await createUser(ctx, 'analyst')
    const lockedUser = await createUser(ctx, 'analyst')
    await ctx.db
      .updateTable('users')
      .set({ locked_until: sql`now() + interval '15 minutes'`, failed_sign_in_count: 3 })
      .where('id', '=', lockedUser.id)
      .execute()
    const email = 'same-for-all@test.lantern'
    // The typed email is shown back, so it is the same in each; tokens and nonces differ per request.
    const normalise = (body: string, typed: string) =>
      body
        .replaceAll(typed, email)
        .replace(/name="_csrf" value="[^"]+"/g, '')
        .replace(/nonce="[^"]+"/g, '')
    async function attempt(typed: string, password: string) {
      const client = new PageClient(ctx.app)
      await client.get('/sign-in')
      const response = await client.post('/sign-in', { email: typed, password })
      return {
        status: response.statusCode,
        body: normalise(response.body, typed),
        setCookie: response.headers['set-cookie'],
      }
    }
    const unknown = await attempt('nobody-at-all@test.lantern', TEST_PASSWORD)
    const wrong = await attempt(user.email, 'not-the-password')
    const lockedWrong = await attempt(lockedUser.email, 'not-the-password')
    const lockedRight = await attempt(lockedUser.email, TEST_PASSWORD)
    expect(unknown.status).toBe(401)
    expect(unknown.body).toContain('Enter a correct email address and password')
    for (const other of [wrong, lockedWrong, lockedRight]) {
      expect(other.status).toBe(unknown.status)
      expect(other.body).toBe(unknown.body)
      expect(other.setCookie).toEqual(unknown.setCookie)
    }
    // The one that locks the account answers the same as the ones before it.
    const locking = await createUser(ctx, 'analyst')
    const bodies = []
    for (let i = 0; i < 4; i++) bodies.push(await attempt(locking.email, 'not-the-password'))
    expect(await auditActions(locking.id)).toContain('auth.account-locked')
    for (const b of bodies) expect(b).toEqual(unknown)
  })

  it('gives specific messages for missing or malformed input', async () => {
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    const response = await client.post('/sign-in', { email: 'not an email', password: '' })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Enter an email address in the correct format, like name@example.police.uk')
    expect(response.body).toContain('Enter your password')
    expect(response.body).toContain('<title>Error: Sign in – Lantern</title>')

    // Each field's first problem only, the email kept as typed (trimmed), the password never sent back.
    const blank = await client.post('/sign-in', { email: '  ', password: 'x'.repeat(1025) })
    expect(blank.statusCode).toBe(400)
    expect(blank.body).toContain('Enter your email address')
    expect(blank.body).not.toContain('Enter an email address in the correct format')
    expect(blank.body).toContain('Password must be 1,024 characters or fewer')
    expect(blank.body).not.toContain('x'.repeat(1025))
    const long = await client.post('/sign-in', { email: `${'a'.repeat(320)}@example.police.uk`, password: 'p' })
    expect(long.statusCode).toBe(400)
    expect(long.body).toContain('Enter an email address in the correct format, like name@example.police.uk')
  })

  it('takes a password as typed: spaces around it are part of it, not trimmed away', async () => {
    const user = await createUser(ctx, 'analyst')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    // Only spaces is a password given (a wrong one), not a missing one.
    const spaces = await client.post('/sign-in', { email: user.email, password: '   ' })
    expect(spaces.statusCode).toBe(401)
    expect(spaces.body).not.toContain('Enter your password')
    const padded = await client.post('/sign-in', { email: ` ${user.email} `, password: ` ${TEST_PASSWORD} ` })
    expect(padded.statusCode).toBe(401)
  })

  it('locks the account after repeated failures, refusing even the right password until the lock ends', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    for (let i = 0; i < 3; i++) await client.post('/sign-in', { email: user.email, password: 'wrong-password' })
    const locked = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(locked.statusCode).toBe(401)
    // The page does not say the account is locked (that would tell anyone the email is known); the audit log does.
    expect(locked.body).toContain('Enter a correct email address and password')
    expect(await auditActions(user.id)).toContain('auth.account-locked')

    await ctx.db
      .updateTable('users')
      .set({ locked_until: sql`now() - interval '1 second'` })
      .where('id', '=', user.id)
      .execute()
    expect((await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(303)
  })

  it('refuses a disabled user and ends their sessions', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    await ctx.services.auth.setDisabled(user.email, true, { userId: null })
    expect((await client.get('/referrals')).statusCode).toBe(303)
    await client.get('/sign-in')
    expect((await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(401)
  })

  it('expires a session after the idle time, and sends the user to sign in again', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    await ctx.db
      .updateTable('sessions')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('user_id', '=', user.id)
      .execute()
    const page = await client.get('/referrals?status=new')
    expect(page.statusCode).toBe(303)
    expect(page.headers.location).toBe('/sign-in?returnTo=%2Freferrals%3Fstatus%3Dnew')
    // A form sent after the session ended is not processed, but what was typed is given back.
    const post = await client.post('/referrals/00000000-0000-7000-8000-000000000000/status', {
      status: 'closed',
      reason: 'A long reason <b>typed</b> over ten minutes',
    })
    expect(post.statusCode).toBe(401)
    expect(post.body).toContain('You have been signed out')
    expect(post.body).toContain('A long reason &lt;b&gt;typed&lt;/b&gt; over ten minutes')
    expect(post.body).toContain('href="/sign-in?expired=1"')
    expect((await client.get('/sign-in?expired=1')).body).toContain('You were signed out because you were inactive')
  })

  it('revokes every session of a user at once ("sign out everywhere")', async () => {
    const user = await createUser(ctx, 'supervisor')
    const laptop = new PageClient(ctx.app)
    const desktop = new PageClient(ctx.app)
    await laptop.signIn(user.email)
    await desktop.signIn(user.email)
    expect(await ctx.services.auth.revokeAllSessions(user.id, { userId: user.id })).toBe(2)
    expect((await laptop.get('/referrals')).statusCode).toBe(303)
    expect((await desktop.get('/referrals')).statusCode).toBe(303)
  })

  it('returns to the page asked for after signing in, but never to another site', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in?returnTo=/referrals?status=new')
    // The page asked for is kept through the second factor.
    const passwordStep = await client.post('/sign-in', {
      email: user.email,
      password: TEST_PASSWORD,
      returnTo: '/referrals?status=new',
    })
    expect((await client.completeSecondFactor(user.email, passwordStep)).headers.location).toBe('/referrals?status=new')
    const other = new PageClient(ctx.app)
    await other.get('/sign-in')
    const evil = await other.post('/sign-in', {
      email: user.email,
      password: TEST_PASSWORD,
      returnTo: '//evil.example/',
    })
    expect((await other.completeSecondFactor(user.email, evil)).headers.location).toBe('/')
  })

  it('sends a hostile returnTo (tab, CR, LF, backslash, characters above U+00FF) to the home page, never a 500', async () => {
    const user = await createUser(ctx, 'investigator')
    const hostile = [
      '/\t/example.com',
      '/\t\t/example.com',
      '/\n/example.com',
      '/\r\nSet-Cookie: x=1',
      '/caf\u00e9\u0100',
      '/\u2028/example.com',
      '/ok\\..\\/example.com',
      '\\/example.com',
      '/%0d%0a\r',
      '/\u0000/x',
      '/\u007f/x',
      'https://example.com/',
    ]
    for (const returnTo of hostile) {
      // Already signed in: GET /sign-in redirects straight to returnTo.
      const signedIn = new PageClient(ctx.app)
      await signedIn.signIn(user.email)
      const direct = await signedIn.get(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
      expect(direct.statusCode, JSON.stringify(returnTo)).toBe(303)
      expect(direct.headers.location, JSON.stringify(returnTo)).toBe('/')
      // Through the password and the second factor.
      const client = new PageClient(ctx.app)
      await client.get('/sign-in')
      const passwordStep = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD, returnTo })
      expect(passwordStep.statusCode, JSON.stringify(returnTo)).toBe(303)
      const done = await client.completeSecondFactor(user.email, passwordStep)
      expect(done.headers.location, JSON.stringify(returnTo)).toBe('/')
    }
    // An ordinary local path with a query string is still honoured.
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    expect((await client.get(`/sign-in?returnTo=${encodeURIComponent('/people?q=%C3%A9')}`)).headers.location).toBe(
      '/people?q=%C3%A9',
    )
  })

  it('rejects a form posted without a valid CSRF token', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    const missing = await client.post(
      '/referrals/00000000-0000-7000-8000-000000000000/status',
      { reason: 'Typed before the token went stale' },
      { csrf: null },
    )
    expect(missing.statusCode).toBe(403)
    expect(missing.body).toContain('This form has expired')
    expect(missing.body).toContain('Typed before the token went stale')
    const forged = await client.post('/sign-out', {}, { csrf: 'forged-token' })
    expect(forged.statusCode).toBe(403)
    expect((await client.get('/referrals')).statusCode).toBe(200)
  })

  it('sets security headers and a strict content security policy on pages', async () => {
    const response = await new PageClient(ctx.app).get('/sign-in')
    const csp = String(response.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toMatch(/script-src 'self' 'nonce-[^']+'/)
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers['x-content-type-options']).toBe('nosniff')
    expect(response.headers['cache-control']).toBe('no-store')
    expect(response.headers['x-request-id']).toBeTruthy()
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]
    expect(response.body).toContain(`<script nonce="${nonce}">`)
  })
})

describe('sign-in timing', () => {
  it('takes comparable time for an unknown email, a wrong password and a locked account', async () => {
    // A realistic hash cost, so the password check (not noise) is what the timings measure.
    const timed = await createTestContext({ env: { PASSWORD_HASH_COST: '14', SIGN_IN_MAX_FAILURES: '100' } })
    try {
      const known = await createUser(timed, 'analyst')
      const locked = await createUser(timed, 'analyst')
      await timed.db
        .updateTable('users')
        .set({ locked_until: sql`now() + interval '15 minutes'` })
        .where('id', '=', locked.id)
        .execute()
      const client = new PageClient(timed.app)
      await client.get('/sign-in')
      const cases = { unknown: 'nobody-timed@test.lantern', wrong: known.email, locked: locked.email }
      const times: Record<keyof typeof cases, number[]> = { unknown: [], wrong: [], locked: [] }
      for (let round = 0; round < 5; round++) {
        for (const [name, email] of Object.entries(cases) as Array<[keyof typeof cases, string]>) {
          const started = performance.now()
          expect((await client.post('/sign-in', { email, password: 'not-the-password' })).statusCode).toBe(401)
          times[name].push(performance.now() - started)
        }
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
      const wrong = median(times.wrong)
      // Each path verifies one scrypt hash; without that, unknown or locked would answer several times faster.
      for (const name of ['unknown', 'locked'] as const) {
        expect(median(times[name]), name).toBeGreaterThan(wrong * 0.5)
        expect(median(times[name]), name).toBeLessThan(wrong * 2)
      }
    } finally {
      await timed.close()
    }
  })
})

describe('sign-in rate limit', () => {
  it('slows down repeated attempts from one address', async () => {
    const limited = await createTestContext({ env: { SIGN_IN_RATE_LIMIT_PER_MINUTE: '3' } })
    try {
      const client = new PageClient(limited.app)
      await client.get('/sign-in')
      const statuses = []
      for (let i = 0; i < 5; i++)
        statuses.push((await client.post('/sign-in', { email: 'a@b.test', password: 'x' })).statusCode)
      expect(statuses.slice(0, 3)).toEqual([401, 401, 401])
      expect(statuses.slice(3)).toEqual([429, 429])
    } finally {
      await limited.close()
    }
  })
})

describe('the client address behind a proxy (TRUSTED_PROXIES)', () => {
  // Production refuses to start without a signing key for audit checkpoints.
  const AUDIT_CHECKPOINT_KEY = generateKeyPairSync('ed25519')
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString()
  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'p'.repeat(48),
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '2',
    AUDIT_CHECKPOINT_KEY,
  }

  async function rejectedTokenIp(
    app: TestContext['app'],
    db: TestContext['db'],
    remoteAddress: string,
    forwardedFor: string,
  ) {
    const requestId = `proxy-test-${Math.random().toString(36).slice(2, 12)}`
    await app.inject({
      method: 'GET',
      url: '/api/v1/referrals',
      remoteAddress,
      headers: { authorization: 'Bearer not-a-token', 'x-forwarded-for': forwardedFor, 'x-request-id': requestId },
    })
    const row = await db
      .selectFrom('audit_events')
      .select('ip')
      .where('request_id', '=', requestId)
      .executeTakeFirstOrThrow()
    return row.ip
  }

  it('ignores X-Forwarded-For in production unless the proxy is listed, for the audit log and the rate limit', async () => {
    const untrusted = await createTestContext({ env: production })
    try {
      // A client cannot choose the address its requests are audited under…
      expect(await rejectedTokenIp(untrusted.app, untrusted.db, '127.0.0.1', '203.0.113.7')).toBe('127.0.0.1')
      // …nor escape the sign-in rate limit by sending a new address each time.
      const statuses = []
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (
            await untrusted.app.inject({
              method: 'POST',
              url: '/sign-in',
              headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
              payload: { email: 'a@b.test', password: 'x' },
            })
          ).statusCode,
        )
      }
      expect(statuses.slice(2)).toEqual([429, 429])
    } finally {
      await untrusted.close()
    }
  })

  it('reads the client address from a listed proxy only, taking the last address not itself a listed proxy', async () => {
    const trusted = await createTestContext({ env: { ...production, TRUSTED_PROXIES: '127.0.0.1, 10.0.0.0/8' } })
    try {
      expect(await rejectedTokenIp(trusted.app, trusted.db, '127.0.0.1', '203.0.113.7')).toBe('203.0.113.7')
      // The client's own X-Forwarded-For entries come first; the proxies append, so the rightmost untrusted one is the client.
      expect(await rejectedTokenIp(trusted.app, trusted.db, '127.0.0.1', '192.0.2.66, 203.0.113.8, 10.1.2.3')).toBe(
        '203.0.113.8',
      )
      // A request that does not come through a listed proxy keeps its own address.
      expect(await rejectedTokenIp(trusted.app, trusted.db, '192.0.2.10', '203.0.113.9')).toBe('192.0.2.10')
    } finally {
      await trusted.close()
    }
  })
})
