import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '#src/cli/main.ts'
import { createTestContext, createUser, PageClient, TEST_PASSWORD, type TestContext } from './support/test-app.ts'

let ctx: TestContext
let admin: { id: string; email: string }
let page: PageClient

beforeAll(async () => {
  ctx = await createTestContext({ env: { SIGN_IN_MAX_FAILURES: '3' } })
  admin = await createUser(ctx, 'admin')
  page = new PageClient(ctx.app)
  await page.signIn(admin.email)
})
afterAll(() => ctx.close())

async function auditFor(subjectId: string, action: string) {
  return ctx.db
    .selectFrom('audit_events')
    .select(['actor_user_id', 'details', 'category'])
    .where('subject_id', '=', subjectId)
    .where('action', '=', action)
    .orderBy('id')
    .execute()
}

async function liveSessions(userId: string) {
  const rows = await ctx.db
    .selectFrom('sessions')
    .select('id_hash')
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute()
  return rows.length
}

const referral = {
  receivedAt: '2026-03-04T09:15:00Z',
  source: 'helpline',
  summary: 'A caller reports workers sleeping at a car wash.',
  people: [{ names: ['Unknown man, about 30'], approximateAge: 30, gender: 'male', role: 'potential-victim' }],
  locations: [{ description: 'Car wash on the ring road', premisesType: 'car-wash' }],
  exploitationTypes: ['labour'],
  countyLines: false,
  priorityTags: [],
}

function api(token: string, method: 'GET' | 'POST' = 'GET', url = '/api/v1/referrals', payload?: object) {
  return ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
}

describe('the user list', () => {
  it('is for user:manage only, and shows role, status, lock, two-factor and last sign-in', async () => {
    const dc = await createUser(ctx, 'investigator', 'dc.list@test.lantern')
    const dcPage = new PageClient(ctx.app)
    await dcPage.signIn(dc.email)
    expect((await dcPage.get('/admin/users')).statusCode).toBe(403)
    await ctx.db
      .updateTable('users')
      .set({ locked_until: sql`now() + interval '10 minutes'` })
      .where('id', '=', dc.id)
      .execute()
    const partner = await createUser(ctx, 'partner', 'partner.list@test.lantern')
    await ctx.services.auth.setDisabled(partner.email, true, { userId: null })

    const list = await page.get('/admin/users?q=list%40test')
    expect(list.statusCode).toBe(200)
    const rowOf = (email: string) =>
      list.body.slice(list.body.indexOf(email), list.body.indexOf('</tr>', list.body.indexOf(email)))
    expect(rowOf('dc.list@test.lantern')).toContain('Investigator (DC)')
    expect(rowOf('dc.list@test.lantern')).toContain('Locked')
    expect(rowOf('dc.list@test.lantern')).toContain('Set up')
    expect(rowOf('dc.list@test.lantern')).not.toContain('Never')
    expect(rowOf('partner.list@test.lantern')).toContain('Disabled')
    expect(rowOf('partner.list@test.lantern')).toContain('Not set up')
    expect(rowOf('partner.list@test.lantern')).toContain('Never')
    expect(list.body).toContain('2 users matching')
    // The navigation offers the page to administrators.
    expect(list.body).toContain('href="/admin/users"')
  })
})

describe('creating a user', () => {
  it('gives specific errors and keeps what was typed', async () => {
    await page.get('/admin/users/new')
    const empty = await page.post('/admin/users/new', { displayName: '', email: '', passwordChoice: '' })
    expect(empty.statusCode).toBe(400)
    for (const message of [
      'Enter the user’s full name',
      'Enter the user’s email address',
      'Select the user’s role',
      'Select how the user gets their first password',
    ])
      expect(empty.body).toContain(message)
    expect(empty.body).toContain('govuk-error-summary')

    const weak = await page.post('/admin/users/new', {
      displayName: 'DC Jo Bloggs',
      email: 'jo.bloggs@test.lantern',
      role: 'investigator',
      passwordChoice: 'set',
      password: 'password1234',
    })
    expect(weak.statusCode).toBe(400)
    expect(weak.body).toContain('Password is too common')
    expect(weak.body).toContain('value="DC Jo Bloggs"')
    expect(weak.body).toContain('value="jo.bloggs@test.lantern"')
    const personal = await page.post('/admin/users/new', {
      displayName: 'DC Jo Bloggs',
      email: 'jo.bloggs@test.lantern',
      role: 'investigator',
      passwordChoice: 'set',
      password: 'jo.bloggs.2025',
    })
    expect(personal.body).toContain('must not be based on the name of this service or your email address')
    const short = await page.post('/admin/users/new', {
      displayName: 'DC Jo Bloggs',
      email: 'bad email',
      role: 'investigator',
      passwordChoice: 'set',
      password: 'short',
    })
    expect(short.body).toContain('Enter an email address in the correct format')
    expect(short.body).toContain('Password must be 12 characters or more')
    const taken = await page.post('/admin/users/new', {
      displayName: 'Someone',
      email: admin.email.toUpperCase(),
      role: 'analyst',
      passwordChoice: 'generate',
    })
    expect(taken.body).toContain('A user with this email address already exists')
    expect(
      await ctx.db.selectFrom('users').select('id').where('email', '=', 'jo.bloggs@test.lantern').execute(),
    ).toHaveLength(0)
  })

  it('creates a user with a generated password shown once, who signs in and sets up two-factor; audited', async () => {
    await page.get('/admin/users/new')
    const created = await page.post('/admin/users/new', {
      displayName: 'DC New Starter',
      email: 'new.starter@test.lantern',
      role: 'investigator',
      passwordChoice: 'generate',
    })
    expect(created.statusCode).toBe(200)
    const password = /id="generated-password">([^<]+)</.exec(created.body)![1]
    const user = await ctx.db
      .selectFrom('users')
      .select(['id', 'role_id', 'password_hash', 'mfa_enrolled_at'])
      .where('email', '=', 'new.starter@test.lantern')
      .executeTakeFirstOrThrow()
    expect(user.role_id).toBe('investigator')
    expect(user.password_hash).not.toContain(password)
    expect(user.mfa_enrolled_at).toBeNull()
    expect(await auditFor(user.id, 'user.created')).toMatchObject([
      { actor_user_id: admin.id, details: { roleId: 'investigator' } },
    ])
    const starter = new PageClient(ctx.app)
    const enrolled = await starter.signIn('new.starter@test.lantern', password)
    expect(enrolled.body).toContain('Save your recovery codes')
    expect((await starter.get('/referrals')).statusCode).toBe(200)

    const set = await page.post('/admin/users/new', {
      displayName: 'Analyst Two',
      email: 'analyst.two@test.lantern',
      role: 'analyst',
      passwordChoice: 'set',
      password: 'marble-otter-quilt-harbour',
    })
    expect(set.statusCode).toBe(200)
    expect(set.body).not.toContain('generated-password')
  })
})

describe('changing a user', () => {
  it('changes a role (signing the user out so it applies), but not one’s own', async () => {
    const user = await createUser(ctx, 'pcso')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    await page.get(`/admin/users/${user.id}`)
    const changed = await page.post(`/admin/users/${user.id}/role`, { role: 'support' })
    expect(changed.headers.location).toBe(`/admin/users/${user.id}`)
    expect((await page.get(`/admin/users/${user.id}`)).body).toContain('Role changed')
    expect(
      (await ctx.db.selectFrom('users').select('role_id').where('id', '=', user.id).executeTakeFirstOrThrow()).role_id,
    ).toBe('support')
    expect(await auditFor(user.id, 'user.role-changed')).toMatchObject([
      { actor_user_id: admin.id, category: 'alteration', details: { from: 'pcso', to: 'support', sessionsEnded: 1 } },
    ])
    expect((await client.get('/referrals')).statusCode).toBe(303)

    expect((await page.post(`/admin/users/${user.id}/role`, { role: 'wizard' })).body).toContain(
      'Select a role from the list',
    )
    const own = await page.post(`/admin/users/${admin.id}/role`, { role: 'analyst' })
    expect(own.statusCode).toBe(400)
    expect(own.body).toContain('You cannot change your own role')
    expect((await page.get('/admin/users/not-a-uuid')).statusCode).toBe(404)
    expect((await page.get('/admin/users/00000000-0000-7000-8000-000000000000')).statusCode).toBe(404)
  })

  it('disables (ending sessions, refusing sign-in) and re-enables; not oneself', async () => {
    const user = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    await page.get(`/admin/users/${user.id}`)
    await page.post(`/admin/users/${user.id}/disable`, {})
    expect(await liveSessions(user.id)).toBe(0)
    expect((await client.get('/referrals')).statusCode).toBe(303)
    await client.get('/sign-in')
    expect((await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(401)
    expect(await auditFor(user.id, 'user.disabled')).toMatchObject([
      { actor_user_id: admin.id, details: { sessionsEnded: 1 } },
    ])
    await page.post(`/admin/users/${user.id}/enable`, {})
    await client.signIn(user.email)
    expect((await client.get('/referrals')).statusCode).toBe(200)
    expect(await auditFor(user.id, 'user.enabled')).toHaveLength(1)
    expect((await page.post(`/admin/users/${admin.id}/disable`, {})).body).toContain(
      'You cannot disable your own account',
    )
  })

  it('unlocks a user locked out by failed sign-ins', async () => {
    const user = await createUser(ctx, 'analyst')
    const client = new PageClient(ctx.app)
    await client.get('/sign-in')
    for (let i = 0; i < 3; i++) await client.post('/sign-in', { email: user.email, password: 'wrong-password-here' })
    expect((await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(401)
    const detail = await page.get(`/admin/users/${user.id}`)
    expect(detail.body).toContain('Locked until')
    expect(detail.body).toContain('>Unlock<')
    await page.post(`/admin/users/${user.id}/unlock`, {})
    expect(await auditFor(user.id, 'user.unlocked')).toMatchObject([{ actor_user_id: admin.id }])
    await client.signIn(user.email)
    expect((await client.get('/referrals')).statusCode).toBe(200)
  })

  it('resets two-factor: the user is signed out and sets it up again at the next sign-in', async () => {
    const user = await createUser(ctx, 'supervisor')
    const client = new PageClient(ctx.app)
    await client.signIn(user.email)
    await page.get(`/admin/users/${user.id}`)
    await page.post(`/admin/users/${user.id}/reset-mfa`, {})
    expect(await auditFor(user.id, 'auth.mfa-reset')).toMatchObject([
      { actor_user_id: admin.id, category: 'security', details: { hadMfa: true, sessionsEnded: 1 } },
    ])
    expect((await client.get('/referrals')).statusCode).toBe(303)
    const row = await ctx.db
      .selectFrom('users')
      .select(['mfa_secret', 'mfa_enrolled_at'])
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ mfa_secret: null, mfa_enrolled_at: null })
    await client.get('/sign-in')
    expect((await client.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).headers.location).toBe(
      '/sign-in/set-up-two-factor',
    )
  })

  it('signs a user out everywhere', async () => {
    const user = await createUser(ctx, 'investigator')
    const laptop = new PageClient(ctx.app)
    const desktop = new PageClient(ctx.app)
    await laptop.signIn(user.email)
    await desktop.signIn(user.email)
    await page.get(`/admin/users/${user.id}`)
    await page.post(`/admin/users/${user.id}/sign-out-everywhere`, {})
    expect((await page.get(`/admin/users/${user.id}`)).body).toContain('Signed out everywhere: 2 sessions ended')
    expect((await laptop.get('/referrals')).statusCode).toBe(303)
    expect((await desktop.get('/referrals')).statusCode).toBe(303)
    expect(await auditFor(user.id, 'auth.session-revoked')).toMatchObject([
      { actor_user_id: admin.id, details: { sessions: 2 } },
    ])
  })

  it('refuses admin actions to anyone without user:manage, and every form needs its CSRF token', async () => {
    const user = await createUser(ctx, 'supervisor')
    const sup = new PageClient(ctx.app)
    await sup.signIn(user.email)
    expect((await sup.post(`/admin/users/${admin.id}/disable`, {})).statusCode).toBe(403)
    expect((await page.post(`/admin/users/${user.id}/disable`, {}, { csrf: 'forged' })).statusCode).toBe(403)
    expect(await auditFor(user.id, 'user.disabled')).toHaveLength(0)
  })
})

describe('API tokens', () => {
  it('restricts the API to the token’s scopes within the user’s role (tokens are made on /account/tokens: test/api-tokens.int.test.ts)', async () => {
    const dc = await createUser(ctx, 'investigator')
    const reader = (await ctx.services.auth.createApiToken(dc.email, 'reader', 7, { userId: dc.id }, ['referral:view']))
      .token
    expect((await api(reader)).statusCode).toBe(200)
    expect((await api(reader, 'POST', '/api/v1/referrals', referral)).statusCode).toBe(403)
    expect(await ctx.db.selectFrom('referrals').select('id').execute()).toHaveLength(0)

    // A wider token for the same user may write.
    const writer = (
      await ctx.services.auth.createApiToken(dc.email, 'writer', 7, { userId: dc.id }, [
        'referral:view',
        'referral:create',
      ])
    ).token
    expect((await api(writer, 'POST', '/api/v1/referrals', referral)).statusCode).toBe(201)
    // Effective permissions are the role's ∩ the scopes: a role that loses a permission takes it from the token.
    await ctx.db.updateTable('users').set({ role_id: 'analyst' }).where('id', '=', dc.id).execute()
    expect((await api(writer, 'POST', '/api/v1/referrals', referral)).statusCode).toBe(403)
    expect((await api(writer)).statusCode).toBe(200)
    await ctx.db.updateTable('users').set({ role_id: 'investigator' }).where('id', '=', dc.id).execute()
  })

  it('refuses revoked and expired tokens, and lists them as such', async () => {
    const dc = await createUser(ctx, 'investigator')
    const revokeMe = await ctx.services.auth.createApiToken(dc.email, 'to revoke', 10, { userId: dc.id }, [
      'referral:view',
    ])
    const expireMe = await ctx.services.auth.createApiToken(dc.email, 'to expire', 10, { userId: dc.id }, [
      'referral:view',
    ])
    expect((await api(revokeMe.token)).statusCode).toBe(200)
    await page.get(`/admin/users/${dc.id}`)
    const revoked = await page.post(`/admin/users/${dc.id}/tokens/${revokeMe.tokenId}/revoke`, {})
    expect(revoked.headers.location).toBe(`/admin/users/${dc.id}`)
    expect((await api(revokeMe.token)).statusCode).toBe(401)
    expect(await auditFor(revokeMe.tokenId, 'api-token.revoked')).toMatchObject([
      { actor_user_id: admin.id, details: { userId: dc.id } },
    ])
    await ctx.db
      .updateTable('api_tokens')
      .set({ expires_at: sql`now() - interval '1 second'` })
      .where('id', '=', expireMe.tokenId)
      .execute()
    expect((await api(expireMe.token)).statusCode).toBe(401)
    const detail = await page.get(`/admin/users/${dc.id}`)
    expect(detail.body).toContain('>Revoked<')
    expect(detail.body).toContain('>Expired<')
    // A token id under another user's address does nothing.
    const other = await createUser(ctx, 'analyst')
    expect((await page.post(`/admin/users/${other.id}/tokens/${expireMe.tokenId}/revoke`, {})).statusCode).toBe(404)
  })

  it('never makes a token that does not expire, or lasts more than a year (service and command line)', async () => {
    const dc = await createUser(ctx, 'investigator')
    await expect(ctx.services.auth.createApiToken(dc.email, 'forever', 0, { userId: null })).rejects.toThrow(
      'A token must expire in 1 to 365 days',
    )
    await expect(ctx.services.auth.createApiToken(dc.email, 'long', 366, { userId: null })).rejects.toThrow(
      'A token must expire in 1 to 365 days',
    )
    const out: string[] = []
    const err: string[] = []
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' }
    const database = async () => ({ db: ctx.db, embedded: false, fresh: false, close: async () => undefined })
    expect(
      await runCli(['token', 'create', '--email', dc.email, '--expires-days', '0'], io, ctx.config, database),
    ).toBe(2)
    expect(err.join('\n')).toContain('--expires-days must be a whole number from 1 to 365')
    expect(
      await runCli(['token', 'create', '--email', dc.email, '--scopes', 'referral:view'], io, ctx.config, database),
    ).toBe(0)
    expect(err.join('\n')).toContain('may use: referral:view')
    const token = out.at(-1)!
    expect((await api(token)).statusCode).toBe(200)
    expect((await api(token, 'POST', '/api/v1/referrals', referral)).statusCode).toBe(403)
  })
})

describe('your account', () => {
  it('changes your password with the current one, under the rules, signing out your other sessions', async () => {
    const user = await createUser(ctx, 'investigator')
    const here = new PageClient(ctx.app)
    const elsewhere = new PageClient(ctx.app)
    await here.signIn(user.email)
    await elsewhere.signIn(user.email)
    expect((await here.get('/account')).body).toContain('Change<span class="govuk-visually-hidden"> your password')
    await here.get('/account/password')
    const empty = await here.post('/account/password', { currentPassword: '', newPassword: '', confirmPassword: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Enter your current password')
    expect(empty.body).toContain('Enter a new password')
    const mismatch = await here.post('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'violet-anchor-meadow-41',
      confirmPassword: 'violet-anchor-meadow-14',
    })
    expect(mismatch.body).toContain('Passwords do not match')
    const common = await here.post('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'qwertyuiop123',
      confirmPassword: 'qwertyuiop123',
    })
    expect(common.body).toContain('New password is too common')
    const wrong = await here.post('/account/password', {
      currentPassword: 'not-my-password',
      newPassword: 'violet-anchor-meadow-41',
      confirmPassword: 'violet-anchor-meadow-41',
    })
    expect(wrong.body).toContain('Your current password is not right')
    expect(await liveSessions(user.id)).toBe(2)

    const changed = await here.post('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'violet-anchor-meadow-41',
      confirmPassword: 'violet-anchor-meadow-41',
    })
    expect(changed.headers.location).toBe('/account')
    expect((await here.get('/account')).body).toContain('You have been signed out on 1 other device')
    expect((await elsewhere.get('/referrals')).statusCode).toBe(303)
    expect((await here.get('/referrals')).statusCode).toBe(200)
    expect(await auditFor(user.id, 'auth.password-changed')).toMatchObject([
      { actor_user_id: user.id, details: { otherSessionsEnded: 1 } },
    ])
    const fresh = new PageClient(ctx.app)
    await fresh.get('/sign-in')
    expect((await fresh.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).statusCode).toBe(401)
    await fresh.signIn(user.email, 'violet-anchor-meadow-41')
    expect((await fresh.get('/referrals')).statusCode).toBe(200)
  })

  it('signs yourself out everywhere, this session included', async () => {
    const user = await createUser(ctx, 'analyst')
    const one = new PageClient(ctx.app)
    const two = new PageClient(ctx.app)
    await one.signIn(user.email)
    await two.signIn(user.email)
    await one.get('/account')
    const out = await one.post('/account/sign-out-everywhere', {})
    expect(out.headers.location).toBe('/sign-in?signedOut=1')
    expect(await liveSessions(user.id)).toBe(0)
    expect((await two.get('/referrals')).statusCode).toBe(303)
    expect(await auditFor(user.id, 'auth.session-revoked')).toMatchObject([
      { actor_user_id: user.id, details: { sessions: 2 } },
    ])
  })
})
