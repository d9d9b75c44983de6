import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '#src/cli/main.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { sha256 } from '#src/platform/auth/auth.service.ts'
import { createTestContext, createUser, PageClient, TEST_PASSWORD, type TestContext } from './support/test-app.ts'

/**
 * Tokens are personal (issue 13): a user makes their own, an administrator can list and revoke them but never
 * see or mint one for someone else, disabling a user ends their tokens for good, and the DPO sees who made a
 * token that was used.
 */
let ctx: TestContext
let admin: { id: string; email: string }
let adminPage: PageClient

beforeAll(async () => {
  ctx = await createTestContext({ env: { SIGN_IN_MAX_FAILURES: '3' } })
  admin = await createUser(ctx, 'admin')
  adminPage = new PageClient(ctx.app)
  await adminPage.signIn(admin.email)
})
afterAll(() => ctx.close())

const referral = {
  receivedAt: '2026-03-04T09:15:00Z',
  source: 'helpline',
  summary: 'A caller reports workers sleeping at a car wash.',
  people: [{ names: ['Tokenread Victim'], approximateAge: 30, gender: 'male', role: 'potential-victim' }],
  locations: [{ description: 'Car wash on the ring road', premisesType: 'car-wash' }],
  exploitationTypes: ['labour'],
  countyLines: false,
  priorityTags: [],
}

function api(token: string, method: 'GET' | 'POST' = 'GET', url = '/api/v1/referrals', payload?: object) {
  return ctx.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) })
}

async function auditFor(subjectId: string, action: string) {
  return ctx.db
    .selectFrom('audit_events')
    .select(['actor_user_id', 'details', 'category'])
    .where('subject_id', '=', subjectId)
    .where('action', '=', action)
    .orderBy('id')
    .execute()
}

const io = () => {
  const out: string[] = []
  const err: string[] = []
  return {
    out,
    err,
    io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' },
  }
}
const database = async () => ({ db: ctx.db, embedded: false, fresh: false, close: async () => undefined })

describe('an administrator and someone else’s token', () => {
  it('cannot mint a token for another user, on a page or through the service', async () => {
    const supervisor = await createUser(ctx, 'supervisor')
    const form = await adminPage.get(`/admin/users/${supervisor.id}/tokens/new`)
    expect(form.statusCode).toBe(404)
    await adminPage.get(`/admin/users/${supervisor.id}`)
    const minted = await adminPage.post(`/admin/users/${supervisor.id}/tokens`, {
      name: 'peek',
      days: '30',
      scopes: ['referral:view'],
    })
    expect(minted.statusCode).toBe(404)
    expect(minted.body).not.toMatch(/lantern_[A-Za-z0-9_-]{20,}/)
    expect(
      await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', supervisor.id).execute(),
    ).toHaveLength(0)
    // The user page offers no way to make one either.
    expect((await adminPage.get(`/admin/users/${supervisor.id}`)).body).not.toContain('Create an API token')

    // Nor can any signed-in caller of the service make one for someone other than themselves.
    await expect(ctx.services.auth.createApiToken(supervisor.email, 'peek', 30, { userId: admin.id })).rejects.toThrow(
      'only for themselves',
    )
    expect(
      await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', supervisor.id).execute(),
    ).toHaveLength(0)
  })

  it('no longer gets case data through a token an administrator made for someone else before this change', async () => {
    const supervisor = await createUser(ctx, 'supervisor')
    const token = 'lantern_made-by-an-administrator-before-tokens-were-personal'
    const id = uuidv7()
    await ctx.db
      .insertInto('api_tokens')
      .values({
        id,
        user_id: supervisor.id,
        name: 'legacy',
        token_hash: sha256(token),
        expires_at: new Date(Date.now() + 86_400_000),
        scopes: ['referral:view'],
        created_by: admin.id,
      })
      .execute()
    expect((await api(token)).statusCode).toBe(401)
    // The supervisor's own token, and one made at the command line, still work.
    const own = await ctx.services.auth.createApiToken(supervisor.email, 'own', 30, { userId: supervisor.id }, [
      'referral:view',
    ])
    expect((await api(own.token)).statusCode).toBe(200)
    const cliToken = await ctx.services.auth.createApiToken(supervisor.email, 'console', 30, { userId: null }, [
      'referral:view',
    ])
    expect((await api(cliToken.token)).statusCode).toBe(200)
    // The administrator sees all three, who made each, and that the legacy one is refused.
    const detail = await adminPage.get(`/admin/users/${supervisor.id}`)
    expect(detail.body).toContain('Made by an administrator: refused')
    expect(detail.body).toContain('Made at the command line')
    expect(detail.body).not.toContain(own.token)
  })

  it('still lists and revokes another user’s tokens', async () => {
    const dc = await createUser(ctx, 'investigator')
    const own = await ctx.services.auth.createApiToken(dc.email, 'nightly import', 30, { userId: dc.id }, [
      'referral:view',
    ])
    const detail = await adminPage.get(`/admin/users/${dc.id}`)
    expect(detail.body).toContain('nightly import')
    expect(detail.body).toContain('Made by the user')
    const revoked = await adminPage.post(`/admin/users/${dc.id}/tokens/${own.tokenId}/revoke`, {})
    expect(revoked.headers.location).toBe(`/admin/users/${dc.id}`)
    expect((await api(own.token)).statusCode).toBe(401)
    expect(await auditFor(own.tokenId, 'api-token.revoked')).toMatchObject([
      { actor_user_id: admin.id, details: { userId: dc.id } },
    ])
  })
})

describe('disabling a user', () => {
  it('revokes their tokens (audited), and re-enabling them does not bring the tokens back', async () => {
    const dc = await createUser(ctx, 'investigator')
    const one = await ctx.services.auth.createApiToken(dc.email, 'one', 30, { userId: dc.id }, ['referral:view'])
    const two = await ctx.services.auth.createApiToken(dc.email, 'two', 30, { userId: null }, ['referral:view'])
    const gone = await ctx.services.auth.createApiToken(dc.email, 'already revoked', 30, { userId: null }, [
      'referral:view',
    ])
    await ctx.services.auth.revokeApiToken(gone.tokenId, { userId: null })
    expect((await api(one.token)).statusCode).toBe(200)
    await adminPage.get(`/admin/users/${dc.id}`)
    await adminPage.post(`/admin/users/${dc.id}/disable`, {})
    expect((await api(one.token)).statusCode).toBe(401)
    expect(await auditFor(dc.id, 'user.disabled')).toMatchObject([
      { actor_user_id: admin.id, details: { sessionsEnded: 0, tokensRevoked: 2 } },
    ])
    for (const t of [one, two])
      expect(await auditFor(t.tokenId, 'api-token.revoked')).toMatchObject([
        { actor_user_id: admin.id, details: { userId: dc.id, reason: 'user-disabled' } },
      ])
    expect(await auditFor(gone.tokenId, 'api-token.revoked')).toHaveLength(1)

    await adminPage.post(`/admin/users/${dc.id}/enable`, {})
    expect((await api(one.token)).statusCode).toBe(401)
    expect((await api(two.token)).statusCode).toBe(401)
    const rows = await ctx.db.selectFrom('api_tokens').select('revoked_at').where('user_id', '=', dc.id).execute()
    expect(rows.every((r) => r.revoked_at !== null)).toBe(true)
  })

  it('at the command line too', async () => {
    const dc = await createUser(ctx, 'investigator')
    const token = await ctx.services.auth.createApiToken(dc.email, 'one', 30, { userId: null }, ['referral:view'])
    const { io: cli } = io()
    expect(await runCli(['user', 'disable', '--email', dc.email], cli, ctx.config, database)).toBe(0)
    expect(await runCli(['user', 'enable', '--email', dc.email], cli, ctx.config, database)).toBe(0)
    expect((await api(token.token)).statusCode).toBe(401)
    expect(await auditFor(token.tokenId, 'api-token.revoked')).toMatchObject([
      { actor_user_id: null, details: { userId: dc.id, reason: 'user-disabled' } },
    ])
    expect(await auditFor(dc.id, 'user.disabled')).toMatchObject([{ details: { tokensRevoked: 1 } }])
  })

  it('makes no token for a disabled user, so none is waiting for them if they are re-enabled', async () => {
    const dc = await createUser(ctx, 'investigator')
    await ctx.services.auth.setDisabled(dc.email, true, { userId: null })
    const { io: cli, err } = io()
    expect(await runCli(['token', 'create', '--email', dc.email], cli, ctx.config, database)).toBe(2)
    expect(err.join('\n')).toContain('is disabled')
    await expect(ctx.services.auth.createApiToken(dc.email, 'x', 30, { userId: dc.id })).rejects.toThrow('is disabled')
    expect(await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', dc.id).execute()).toHaveLength(0)
  })
})

describe('your own API tokens', () => {
  it('are made from your account: scoped to your own permissions, expiring, confirmed with your password, shown once', async () => {
    const dc = await createUser(ctx, 'investigator')
    const mine = new PageClient(ctx.app)
    await mine.signIn(dc.email)
    expect((await mine.get('/account')).body).toContain('href="/account/tokens"')
    const list = await mine.get('/account/tokens')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain('You have no API tokens')
    const form = await mine.get('/account/tokens/new')
    expect(form.body).toContain('value="referral:create"')
    expect(form.body).not.toContain('value="user:manage"')

    const bad = await mine.post('/account/tokens', { name: '', days: '400', currentPassword: '' })
    expect(bad.statusCode).toBe(400)
    for (const message of [
      'Enter a name for the token',
      'Enter a whole number of days from 1 to 365',
      'Select at least one permission the token may use',
      'Enter your current password',
    ])
      expect(bad.body).toContain(message)
    expect(bad.body).toContain('govuk-error-summary')
    const outside = await mine.post('/account/tokens', {
      name: 'sneaky',
      days: '30',
      scopes: ['referral:view', 'user:manage'],
      currentPassword: TEST_PASSWORD,
    })
    expect(outside.statusCode).toBe(400)
    expect(outside.body).toContain('Your role does not have: user:manage')
    expect(outside.body).toContain('value="sneaky"')
    const wrong = await mine.post('/account/tokens', {
      name: 'import',
      days: '30',
      scopes: ['referral:view'],
      currentPassword: 'not-my-password',
    })
    expect(wrong.statusCode).toBe(400)
    expect(wrong.body).toContain('Your current password is not right')
    expect(await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', dc.id).execute()).toHaveLength(0)

    const created = await mine.post('/account/tokens', {
      name: 'Helpline reader',
      days: '30',
      scopes: ['referral:view'],
      currentPassword: TEST_PASSWORD,
    })
    expect(created.statusCode).toBe(200)
    const token = /id="api-token">([^<]+)</.exec(created.body)![1]
    const stored = await ctx.db
      .selectFrom('api_tokens')
      .select(['id', 'token_hash', 'scopes', 'expires_at', 'created_by'])
      .where('user_id', '=', dc.id)
      .executeTakeFirstOrThrow()
    expect(stored.token_hash).toBe(sha256(token))
    expect(stored.scopes).toEqual(['referral:view'])
    expect(stored.created_by).toBe(dc.id)
    expect(Math.round((stored.expires_at!.getTime() - Date.now()) / 86_400_000)).toBe(30)
    expect(await auditFor(stored.id, 'api-token.created')).toMatchObject([
      { actor_user_id: dc.id, details: { userId: dc.id, scopes: ['referral:view'], expiresInDays: 30 } },
    ])
    expect((await api(token)).statusCode).toBe(200)
    expect((await api(token, 'POST', '/api/v1/referrals', referral)).statusCode).toBe(403)

    // Listed, never shown again; revocable by its owner.
    const listed = await mine.get('/account/tokens')
    expect(listed.body).toContain('Helpline reader')
    expect(listed.body).not.toContain(token)
    const revoked = await mine.post(`/account/tokens/${stored.id}/revoke`, {})
    expect(revoked.headers.location).toBe('/account/tokens')
    expect((await mine.get('/account/tokens')).body).toContain('API token revoked')
    expect((await api(token)).statusCode).toBe(401)
    expect(await auditFor(stored.id, 'api-token.revoked')).toMatchObject([{ actor_user_id: dc.id }])
  })

  it('cannot revoke or see someone else’s token, and forms need their CSRF token', async () => {
    const owner = await createUser(ctx, 'investigator')
    const theirs = await ctx.services.auth.createApiToken(owner.email, 'theirs', 30, { userId: owner.id }, [
      'referral:view',
    ])
    const other = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(other.email)
    expect((await client.get('/account/tokens')).body).not.toContain('theirs')
    expect((await client.post(`/account/tokens/${theirs.tokenId}/revoke`, {})).statusCode).toBe(404)
    expect((await client.post('/account/tokens/not-a-uuid/revoke', {})).statusCode).toBe(404)
    expect((await api(theirs.token)).statusCode).toBe(200)
    await client.get('/account/tokens/new')
    const forged = await client.post(
      '/account/tokens',
      { name: 'x', days: '30', scopes: ['referral:view'], currentPassword: TEST_PASSWORD },
      { csrf: 'forged' },
    )
    expect(forged.statusCode).toBe(403)
    expect(await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', other.id).execute()).toHaveLength(0)
    expect((await new PageClient(ctx.app).get('/account/tokens')).statusCode).toBe(303)
  })

  it('a wrong password when making a token counts towards the lock', async () => {
    const dc = await createUser(ctx, 'investigator')
    const client = new PageClient(ctx.app)
    await client.signIn(dc.email)
    await client.get('/account/tokens/new')
    for (let i = 0; i < 2; i++)
      expect(
        (
          await client.post('/account/tokens', {
            name: 'x',
            days: '30',
            scopes: ['referral:view'],
            currentPassword: 'guess-guess-guess',
          })
        ).statusCode,
      ).toBe(400)
    const locked = await client.post('/account/tokens', {
      name: 'x',
      days: '30',
      scopes: ['referral:view'],
      currentPassword: 'guess-guess-guess',
    })
    expect(locked.headers.location).toBe('/sign-in')
    expect(await ctx.db.selectFrom('api_tokens').select('id').where('user_id', '=', dc.id).execute()).toHaveLength(0)
  })
})

describe('the DPO’s reports', () => {
  it('show who made the token a read was done with', async () => {
    const dc = await createUser(ctx, 'investigator')
    await ctx.db.updateTable('users').set({ display_name: 'DC Token Maker' }).where('id', '=', dc.id).execute()
    const own = await ctx.services.auth.createApiToken(dc.email, 'own', 30, { userId: dc.id })
    const made = await api(own.token, 'POST', '/api/v1/referrals', referral)
    expect(made.statusCode).toBe(201)
    const referralId = made.json().id as string
    const cliToken = await ctx.services.auth.createApiToken(dc.email, 'console', 30, { userId: null }, [
      'referral:view',
    ])
    expect((await api(own.token, 'GET', `/api/v1/referrals/${referralId}`)).statusCode).toBe(200)
    expect((await api(cliToken.token, 'GET', `/api/v1/referrals/${referralId}`)).statusCode).toBe(200)
    const { person_id: personId } = await ctx.db
      .selectFrom('referral_subjects')
      .select('person_id')
      .where('referral_id', '=', referralId)
      .executeTakeFirstOrThrow()

    const dpo = new PageClient(ctx.app)
    await dpo.signIn((await createUser(ctx, 'auditor')).email)
    const report = await dpo.get(`/audit/person?personId=${personId}&about=address&days=90&format=csv`)
    const lines = report.body.trim().split('\r\n')
    expect(lines[0]).toBe('When,Who,Role,What,Why,Via')
    const reads = lines.filter((l) => l.includes('Viewed a referral about them'))
    // Recording the referral shows it back (one read), then one read with each token.
    expect(reads.filter((l) => l.endsWith(',API token made by DC Token Maker'))).toHaveLength(2)
    expect(reads.filter((l) => l.endsWith(',API token made at the command line'))).toHaveLength(1)
    const page = await dpo.get(`/audit/person?personId=${personId}&about=address&days=90`)
    expect(page.body).toContain('API token made by DC Token Maker')

    const log = await dpo.get('/audit/log?action=referral.viewed&days=1&format=csv')
    expect(log.body).toContain('API token made by DC Token Maker')
    expect(log.body).toContain('API token made at the command line')
  })
})
