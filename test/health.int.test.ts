import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '#src/app.ts'
import { createServices } from '#src/container.ts'
import { createDb } from '#src/platform/db/database.ts'
import { freePort } from './support/global-setup.ts'
import { createTestContext, createUser, PageClient, testConfig, type TestContext } from './support/test-app.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx.close())

describe('health and an unreachable database', () => {
  it('reports 200 with the database status', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/health' })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toMatchObject({ status: 'ok', database: { status: 'ok' } })
  })

  it('reports 503 when the database cannot be reached, and pages and the API say so plainly', async () => {
    const url = `postgres://nobody@127.0.0.1:${await freePort()}/nothing`
    const config = testConfig({ DATABASE_URL: url })
    const db = createDb(url, 1)
    const { app } = await createApp({
      config,
      db,
      services: createServices(db, config),
      isDemo: () => false,
      logger: false,
    })
    try {
      const health = await app.inject({ method: 'GET', url: '/health' })
      expect(health.statusCode).toBe(503)
      expect(health.json()).toEqual({ status: 'unavailable', database: { status: 'unreachable' } })
      const api = await app.inject({
        method: 'GET',
        url: '/api/v1/referrals',
        headers: { authorization: 'Bearer lantern_x' },
      })
      expect(api.statusCode).toBe(503)
      expect(api.json()).toMatchObject({
        status: 503,
        detail: 'The database is unavailable. Nothing was saved. Try again in a minute.',
      })
      const page = await app.inject({ method: 'GET', url: '/referrals', headers: { cookie: 'lantern_session=abc' } })
      expect(page.statusCode).toBe(503)
      expect(page.body).toContain('Lantern cannot reach its database just now. Nothing you sent was saved.')
    } finally {
      await app.close()
      await db.destroy()
    }
  })

  it('serves the stylesheet and scripts, and nothing else from those folders', async () => {
    const client = new PageClient(ctx.app)
    await client.signIn((await createUser(ctx, 'pcso')).email)
    expect((await ctx.app.inject({ method: 'GET', url: '/assets/govuk/govuk-frontend.min.js' })).statusCode).toBe(200)
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/assets/js/application.js' })).headers['content-type'],
    ).toContain('javascript')
    expect((await client.get('/assets/govuk/package.json')).statusCode).toBe(404)
    expect((await client.get('/assets/govuk/..%2F..%2Fpackage.json')).statusCode).toBe(404)
  })
})
