import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCode, totpStep } from '#src/platform/auth/totp.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  PageClient,
  TEST_MFA_SECRET,
  TEST_PASSWORD,
  type TestContext,
} from './support/test-app.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext({ env: { SIGN_IN_MAX_FAILURES: '3', SIGN_IN_LOCK_MINUTES: '15' } })
})
afterAll(() => ctx.close())

async function auditActions(userId: string) {
  const rows = await ctx.db
    .selectFrom('audit_events')
    .select(['action', 'details'])
    .where('subject_id', '=', userId)
    .orderBy('id')
    .execute()
  return rows
}

/** Signs in with the password only: the session is half signed in. */
async function passwordOnly(email: string) {
  const client = new PageClient(ctx.app)
  await client.get('/sign-in')
  const response = await client.post('/sign-in', { email, password: TEST_PASSWORD })
  expect(response.statusCode).toBe(303)
  return { client, location: String(response.headers.location) }
}

async function forgetLastStep(userId: string) {
  await ctx.db.updateTable('users').set({ mfa_last_step: null }).where('id', '=', userId).execute()
}

describe('setting up two-factor authentication at first sign-in', () => {
  it('shows a QR code and the key, confirms with a code, then shows ten recovery codes once, stored hashed', async () => {
    const user = await createUser(ctx, 'investigator', undefined, { mfa: false })
    const { client, location } = await passwordOnly(user.email)
    expect(location).toBe('/sign-in/set-up-two-factor')
    const page = await client.get(location)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<svg role="img" aria-label="QR code for your authenticator app"')
    const secret = /id="mfa-secret">([^<]+)</.exec(page.body)![1].replace(/\s/g, '')
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    // The same key on a reload: a user who scanned it once must not have to scan again.
    expect((await client.get(location)).body).toContain(/id="mfa-secret">([^<]+)</.exec(page.body)![1])

    const empty = await client.post(location, { code: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter the 6-digit code from your authenticator app')
    const letters = await client.post(location, { code: '12ab56' })
    expect(letters.body).toContain('using numbers only')
    const wrong = await client.post(location, { code: totpCode(secret, Date.now() - 120_000) })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.body).toContain('Enter the code your authenticator app shows now')
    expect((await client.get('/referrals')).statusCode).toBe(303)

    const done = await client.post(location, { code: totpCode(secret) })
    expect(done.statusCode).toBe(200)
    expect(done.body).toContain('Save your recovery codes')
    const codes = [...done.body.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1])
    expect(codes).toHaveLength(10)
    expect((await client.get('/referrals')).statusCode).toBe(200)

    const row = await ctx.db
      .selectFrom('users')
      .select(['mfa_secret', 'mfa_enrolled_at', 'failed_sign_in_count'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row.mfa_secret).toBe(secret)
    expect(row.mfa_enrolled_at).not.toBeNull()
    expect(row.failed_sign_in_count).toBe(0)
    const stored = await ctx.db
      .selectFrom('mfa_recovery_codes')
      .select('code_hash')
      .where('user_id', '=', user.id)
      .execute()
    expect(stored).toHaveLength(10)
    for (const code of codes) expect(stored.map((s) => s.code_hash).join(' ')).not.toContain(code.replace(/-/g, ''))
    const actions = (await auditActions(user.id)).map((r) => r.action)
    expect(actions).toEqual(['user.created', 'auth.sign-in-failed', 'auth.mfa-enrolled', 'auth.signed-in'])
    // Set-up page no longer offered once done.
    expect((await client.get(location)).headers.location).toBe('/')
  })

  it('lets a user cancel a half-finished sign-in', async () => {
    const user = await createUser(ctx, 'analyst', undefined, { mfa: false })
    const { client } = await passwordOnly(user.email)
    await client.get('/sign-in/set-up-two-factor')
    expect((await client.post('/sign-in/cancel', {})).headers.location).toBe('/sign-in')
    expect((await client.get('/sign-in')).statusCode).toBe(200)
    const live = await ctx.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('user_id', '=', user.id)
      .where('revoked_at', 'is', null)
      .execute()
    expect(live).toHaveLength(0)
  })
})

describe('signing in with a code', () => {
  it('accepts the current code, refuses a wrong one with a specific message, and never accepts the same code twice', async () => {
    const user = await createUser(ctx, 'supervisor')
    const first = await passwordOnly(user.email)
    expect(first.location).toBe('/sign-in/two-factor')
    const page = await first.client.get('/sign-in/two-factor')
    expect(page.body).toContain('Enter your security code')
    expect((await first.client.post('/sign-in/two-factor', { code: '' })).body).toContain(
      'Enter the 6-digit code from your authenticator app, or a recovery code',
    )
    expect((await first.client.post('/sign-in/two-factor', { code: '12345' })).body).toContain(
      'Enter the 6-digit code from your authenticator app',
    )
    const wrong = await first.client.post('/sign-in/two-factor', {
      code: totpCode(TEST_MFA_SECRET, Date.now() + 300_000),
    })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.body).toContain('Enter a correct security code')

    const code = totpCode(TEST_MFA_SECRET)
    const ok = await first.client.post('/sign-in/two-factor', { code })
    expect(ok.statusCode).toBe(303)
    expect(ok.headers.location).toBe('/')
    expect((await first.client.get('/referrals')).statusCode).toBe(200)

    // Someone who saw the code (over a shoulder, in a log) cannot use it, even with the password.
    const second = await passwordOnly(user.email)
    await second.client.get('/sign-in/two-factor')
    const reused = await second.client.post('/sign-in/two-factor', { code })
    expect(reused.statusCode).toBe(401)
    expect(reused.body).toContain('That code has already been used')
    const audit = await auditActions(user.id)
    expect(audit.filter((r) => r.action === 'auth.sign-in-failed').map((r) => r.details)).toEqual([
      { reason: 'wrong-mfa-code' },
      { reason: 'reused-mfa-code' },
    ])
    expect(audit.find((r) => r.action === 'auth.signed-in')!.details).toEqual({ secondFactor: 'totp' })
  })

  it('accepts a code one step either side of now (clock drift), but not an older step after a newer one', async () => {
    const user = await createUser(ctx, 'investigator')
    const a = await passwordOnly(user.email)
    await a.client.get('/sign-in/two-factor')
    expect(
      (await a.client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET, Date.now() + 30_000) })).statusCode,
    ).toBe(303)
    const stored = await ctx.db
      .selectFrom('users')
      .select('mfa_last_step')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(Number(stored.mfa_last_step)).toBeGreaterThanOrEqual(totpStep() + 1 - 1)
    const b = await passwordOnly(user.email)
    await b.client.get('/sign-in/two-factor')
    expect(
      (await b.client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET, Date.now() - 30_000) })).body,
    ).toContain('already been used')
    await forgetLastStep(user.id)
    const c = await passwordOnly(user.email)
    await c.client.get('/sign-in/two-factor')
    expect(
      (await c.client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET, Date.now() - 30_000) })).statusCode,
    ).toBe(303)
    await forgetLastStep(user.id)
    const d = await passwordOnly(user.email)
    await d.client.get('/sign-in/two-factor')
    expect(
      (await d.client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET, Date.now() - 90_000) })).statusCode,
    ).toBe(401)
  })

  it('accepts each recovery code once only, and audits its use', async () => {
    const user = await createUser(ctx, 'pcso', undefined, { mfa: false })
    const enrolment = await new PageClient(ctx.app).signIn(user.email)
    const codes = [...enrolment.body.matchAll(/<li><code>([a-z2-9-]+)<\/code><\/li>/g)].map((m) => m[1])
    const a = await passwordOnly(user.email)
    await a.client.get('/sign-in/two-factor')
    // Typed in capitals with spaces, as read off paper.
    const used = await a.client.post('/sign-in/two-factor', { code: codes[3].toUpperCase().replace(/-/g, ' ') })
    expect(used.statusCode).toBe(303)
    expect((await a.client.get('/referrals')).statusCode).toBe(200)
    const b = await passwordOnly(user.email)
    await b.client.get('/sign-in/two-factor')
    const again = await b.client.post('/sign-in/two-factor', { code: codes[3] })
    expect(again.statusCode).toBe(401)
    expect(again.body).toContain('Enter a correct security code')
    expect((await b.client.post('/sign-in/two-factor', { code: codes[4] })).statusCode).toBe(303)
    const audit = (await auditActions(user.id)).map((r) => r.action)
    expect(audit.filter((a) => a === 'auth.mfa-recovery-code-used')).toHaveLength(2)
    const left = await ctx.db
      .selectFrom('mfa_recovery_codes')
      .select('id')
      .where('user_id', '=', user.id)
      .where('used_at', 'is', null)
      .execute()
    expect(left).toHaveLength(8)
    expect((await b.client.get('/account')).body).toContain('8 recovery codes left')
  })

  it('counts wrong codes towards the lockout, which ends the half-signed-in session and refuses the right password', async () => {
    const user = await createUser(ctx, 'investigator')
    const { client } = await passwordOnly(user.email)
    await client.get('/sign-in/two-factor')
    const bad = totpCode(TEST_MFA_SECRET, Date.now() + 600_000)
    expect((await client.post('/sign-in/two-factor', { code: bad })).statusCode).toBe(401)
    expect((await client.post('/sign-in/two-factor', { code: bad })).statusCode).toBe(401)
    const locked = await client.post('/sign-in/two-factor', { code: bad })
    expect(locked.statusCode).toBe(401)
    expect(locked.body).toContain('This account is locked for 15 minutes')
    expect((await auditActions(user.id)).map((r) => r.action)).toContain('auth.account-locked')
    // The session is gone: even the right code now does nothing.
    expect((await client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET) })).headers.location).toBe(
      '/sign-in?expired=1',
    )
    const retry = new PageClient(ctx.app)
    await retry.get('/sign-in')
    expect((await retry.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(401)
  })

  it('does not clear earlier password failures until the second factor is passed', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    await client.post('/sign-in', { email: user.email, password: 'not-the-password' })
    await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    expect(
      (
        await ctx.db
          .selectFrom('users')
          .select('failed_sign_in_count')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).failed_sign_in_count,
    ).toBe(1)
    await client.get('/sign-in/two-factor')
    await forgetLastStep(user.id)
    await client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET) })
    expect(
      (
        await ctx.db
          .selectFrom('users')
          .select('failed_sign_in_count')
          .where('id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).failed_sign_in_count,
    ).toBe(0)
  })
})

describe('a half-signed-in session', () => {
  it('reaches nothing but the second-factor pages', async () => {
    const user = await createUser(ctx, 'supervisor')
    const { client } = await passwordOnly(user.email)
    for (const path of ['/referrals', '/account', '/my-work', '/search', '/account/password']) {
      const response = await client.get(path)
      expect(response.statusCode, path).toBe(303)
      expect(response.headers.location, path).toBe(`/sign-in?returnTo=${encodeURIComponent(path)}`)
    }
    // The sign-in page sends it on to the code.
    expect((await client.get('/sign-in?returnTo=%2Freferrals')).headers.location).toBe('/sign-in/two-factor')
    // Forms are not processed.
    const form = await client.post('/account/sign-out-everywhere', {})
    expect(form.statusCode).toBe(401)
    expect(form.body).toContain('You have been signed out')
    // The API never reads session cookies: a cookie alone is not a token.
    const cookie = (await ctx.db.selectFrom('sessions').select('id_hash').where('user_id', '=', user.id).execute())
      .length
    expect(cookie).toBe(1)
    const api = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/referrals',
      headers: { cookie: `lantern_session=whatever` },
    })
    expect(api.statusCode).toBe(401)
    // A half-signed-in session stays that way in the database until the code.
    expect(
      (
        await ctx.db
          .selectFrom('sessions')
          .select('pending_mfa')
          .where('user_id', '=', user.id)
          .executeTakeFirstOrThrow()
      ).pending_mfa,
    ).toBe('verify')
  })

  it('is refused by the API even when its cookie is sent, and API tokens need no second factor', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    const response = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const session = response.cookies.find((c) => c.name === 'lantern_session')!.value
    const api = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/referrals',
      headers: { cookie: `lantern_session=${session}` },
    })
    expect(api.statusCode).toBe(401)
    const token = await apiToken(ctx, user.email)
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200)
  })
})

describe('session renewal at each privilege change', () => {
  function sessionCookie(response: { cookies: Array<{ name: string; value: string }> }) {
    return response.cookies.find((c) => c.name === 'lantern_session')?.value
  }
  async function reaches(cookie: string, path = '/referrals') {
    return (await ctx.app.inject({ method: 'GET', url: path, headers: { cookie: `lantern_session=${cookie}` } }))
      .statusCode
  }

  it('gives a new session id after the password and again after the code; the earlier ids open nothing', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    const passwordStep = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const halfSignedIn = sessionCookie(passwordStep)!
    expect(halfSignedIn).toBeTruthy()
    await client.get('/sign-in/two-factor')
    await forgetLastStep(user.id)
    const verified = await client.post('/sign-in/two-factor', { code: totpCode(TEST_MFA_SECRET) })
    expect(verified.statusCode).toBe(303)
    const signedIn = sessionCookie(verified)
    // Someone who planted or read the half-signed-in cookie (before the second factor) gets nothing from it.
    expect(signedIn).toBeTruthy()
    expect(signedIn).not.toBe(halfSignedIn)
    expect(await reaches(halfSignedIn)).toBe(303)
    expect(await reaches(signedIn!)).toBe(200)
    expect((await client.get('/referrals')).statusCode).toBe(200)
    // One session row, stored by the hash of the new id.
    expect(
      await ctx.db
        .selectFrom('sessions')
        .select('id_hash')
        .where('user_id', '=', user.id)
        .where('revoked_at', 'is', null)
        .execute(),
    ).toHaveLength(1)
  })

  it('gives a new session id when two-factor is set up during sign-in', async () => {
    const user = await createUser(ctx, 'investigator', undefined, { mfa: false })
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    const passwordStep = await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    const halfSignedIn = sessionCookie(passwordStep)!
    const enrolled = await client.completeSecondFactor(user.email, passwordStep)
    expect(enrolled.body).toContain('Save your recovery codes')
    const signedIn = sessionCookie(enrolled)
    expect(signedIn).toBeTruthy()
    expect(signedIn).not.toBe(halfSignedIn)
    expect(await reaches(halfSignedIn)).toBe(303)
    expect(await reaches(signedIn!)).toBe(200)
  })

  it('ends a session this browser already had when another sign-in starts in it', async () => {
    const first = await createUser(ctx, 'investigator')
    const second = await createUser(ctx, 'analyst')
    const client = new PageClient(ctx.app)
    await client.signIn(first.email)
    const signedIn = /lantern_session=([^;]+)/.exec(client.cookieHeader())![1]
    expect(await reaches(signedIn)).toBe(200)
    const passwordStep = await client.post('/sign-in', { email: second.email, password: TEST_PASSWORD })
    expect(passwordStep.statusCode).toBe(303)
    expect(sessionCookie(passwordStep)).not.toBe(signedIn)
    expect(await reaches(signedIn)).toBe(303)
  })
})

describe('partner agency users', () => {
  it('by default (MFA_PARTNERS=optional) sign in with a password alone, and may set up a second factor', async () => {
    expect(ctx.config.mfaPartners).toBe('optional')
    const partner = await createUser(ctx, 'partner')
    const { client, location } = await passwordOnly(partner.email)
    expect(location).toBe('/')
    expect((await client.get('/partner')).statusCode).toBe(200)
    const account = await client.get('/account')
    expect(account.body).toContain('Not set up (optional for your role)')
    const setUp = await client.get('/account/two-factor')
    const secret = /id="mfa-secret">([^<]+)</.exec(setUp.body)![1].replace(/\s/g, '')
    expect((await client.post('/account/two-factor', { code: '000000' })).statusCode).toBe(400)
    const done = await client.post('/account/two-factor', { code: totpCode(secret) })
    expect(done.body).toContain('Save your recovery codes')
    // From now on they are asked for a code like everyone else.
    const next = await passwordOnly(partner.email)
    expect(next.location).toBe('/sign-in/two-factor')
    expect((await auditActions(partner.id)).map((r) => r.action)).toContain('auth.mfa-enrolled')
  })

  it('with MFA_PARTNERS=required must set one up at first sign-in', async () => {
    const strict = await createTestContext({ env: { MFA_PARTNERS: 'required' } })
    try {
      const partner = await createUser(strict, 'partner')
      const client = new PageClient(strict.app)
      await client.get('/sign-in')
      const response = await client.post('/sign-in', { email: partner.email, password: TEST_PASSWORD })
      expect(response.headers.location).toBe('/sign-in/set-up-two-factor')
      expect((await client.get('/partner')).statusCode).toBe(303)
      const enrolled = await client.completeSecondFactor(partner.email, response)
      expect(enrolled.body).toContain('Save your recovery codes')
      expect((await client.get('/partner')).statusCode).toBe(200)
    } finally {
      await strict.close()
    }
  })
})

describe('session timeouts', () => {
  it('ends a session at its absolute expiry even while it is in use, and idle extension never passes it', async () => {
    expect(ctx.config.sessionIdleMinutes).toBe(30)
    expect(ctx.config.sessionAbsoluteHours).toBe(12)
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    const row = await ctx.db
      .selectFrom('sessions')
      .select(['id_hash', 'expires_at', 'absolute_expires_at', 'created_at'])
      .where('user_id', '=', user.id)
      .where('pending_mfa', 'is', null)
      .executeTakeFirstOrThrow()
    expect(row.absolute_expires_at.getTime() - row.created_at.getTime()).toBeGreaterThanOrEqual(12 * 3600_000 - 5_000)
    // Seen long ago, with five minutes of absolute life left: the next request slides idle expiry only to it.
    await ctx.db
      .updateTable('sessions')
      .set({ last_seen_at: sql`now() - interval '10 minutes'`, absolute_expires_at: sql`now() + interval '5 minutes'` })
      .where('id_hash', '=', row.id_hash)
      .execute()
    expect((await client.get('/referrals')).statusCode).toBe(200)
    const touched = await ctx.db
      .selectFrom('sessions')
      .select(['expires_at', 'absolute_expires_at'])
      .where('id_hash', '=', row.id_hash)
      .executeTakeFirstOrThrow()
    expect(touched.expires_at.getTime()).toBe(touched.absolute_expires_at.getTime())
    await ctx.db
      .updateTable('sessions')
      .set({ absolute_expires_at: sql`now() - interval '1 second'` })
      .where('id_hash', '=', row.id_hash)
      .execute()
    expect((await client.get('/referrals')).statusCode).toBe(303)
  })
})
