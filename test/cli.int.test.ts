import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '#src/cli/main.ts'
import { createTestContext, PageClient, type TestContext } from './support/test-app.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx.close())

async function cli(args: string[]) {
  const out: string[] = []
  const err: string[] = []
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' }
  const code = await runCli(args, io, ctx.config, async () => ({
    db: ctx.db,
    embedded: false,
    fresh: false,
    close: async () => undefined,
  }))
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe('the lantern command line', () => {
  it('prints help, and exits 2 on unknown commands or missing options', async () => {
    expect((await cli(['--help'])).out).toContain('user create --email E --role R')
    expect(await cli(['launch'])).toMatchObject({ code: 2, err: 'lantern: Unknown command: launch' })
    expect(await cli(['user', 'create', '--role', 'admin'])).toMatchObject({
      code: 2,
      err: 'lantern: --email is required',
    })
    expect((await cli(['user', 'create', '--email', 'a@b.test', '--colour', 'red'])).code).toBe(2)
  })

  it('creates a user with a generated password that signs in, and refuses an unknown role or a duplicate', async () => {
    const created = await cli([
      'user',
      'create',
      '--email',
      'ds.new@test.lantern',
      '--role',
      'supervisor',
      '--name',
      'DS New',
    ])
    expect(created.code).toBe(0)
    const password = /Password: (\S+)/.exec(created.out)![1]
    const client = new PageClient(ctx.app)
    await client.signIn('ds.new@test.lantern', password)
    expect((await client.get('/referrals')).statusCode).toBe(200)
    expect(await cli(['user', 'create', '--email', 'x@test.lantern', '--role', 'wizard'])).toMatchObject({
      code: 2,
      err: 'lantern: There is no role called wizard',
    })
    expect((await cli(['user', 'create', '--email', 'DS.NEW@test.lantern', '--role', 'analyst'])).err).toContain(
      'already exists',
    )
  })

  it('disables a user, ending their sessions', async () => {
    const created = await cli(['user', 'create', '--email', 'leaver@test.lantern', '--role', 'investigator'])
    const password = /Password: (\S+)/.exec(created.out)![1]
    const client = new PageClient(ctx.app)
    await client.signIn('leaver@test.lantern', password)
    expect((await cli(['user', 'disable', '--email', 'leaver@test.lantern'])).code).toBe(0)
    expect((await client.get('/referrals')).statusCode).toBe(303)
  })

  it('creates an API token that is printed once and stored only as a hash', async () => {
    await cli(['user', 'create', '--email', 'api@test.lantern', '--role', 'investigator'])
    const { code, out, err } = await cli([
      'token',
      'create',
      '--email',
      'api@test.lantern',
      '--name',
      'helpline import',
    ])
    expect(code).toBe(0)
    expect(out).toMatch(/^lantern_[\w-]{40,}$/)
    expect(err).toContain('It is shown once')
    const stored = await ctx.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('name', '=', 'helpline import')
      .executeTakeFirstOrThrow()
    expect(stored.token_hash).not.toContain(out.slice(8))
    const response = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${out}` },
    })
    expect(response.statusCode).toBe(200)
    expect((await cli(['token', 'create', '--email', 'nobody@test.lantern'])).code).toBe(2)
  })

  it('loads the demo only into a database with no users', async () => {
    const refused = await cli(['demo', '--referrals', '5'])
    expect(refused.code).toBe(1)
    expect(refused.err).toContain('already has users')
  })

  it('reports the schema as migrated', async () => {
    expect((await cli(['migrate'])).out).toMatch(/Database schema is up to date \(\d+ migrations applied\)/)
  })
})
