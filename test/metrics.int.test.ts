import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from './support/test-app.ts'

/** GET /metrics: Prometheus text for an operator's token, and for no one else. */
let ctx: TestContext
let operatorToken: string

beforeAll(async () => {
  ctx = await createTestContext()
  operatorToken = await apiToken(ctx, (await createUser(ctx, 'operator')).email)
})
afterAll(() => ctx.close())

const scrape = (token?: string, cookie?: string) =>
  ctx.app.inject({
    method: 'GET',
    url: '/metrics',
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(cookie ? { cookie } : {}) },
  })

/** The value of one series in a Prometheus text answer, or undefined when it is absent. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('operator metrics', () => {
  it('is never public: no token is 401, a signed-in browser session is 401, a role without metrics:view is 403', async () => {
    const anonymous = await scrape()
    expect(anonymous.statusCode).toBe(401)
    expect(anonymous.headers['content-type']).toContain('application/problem+json')
    const admin = await createUser(ctx, 'admin')
    const browser = new PageClient(ctx.app)
    await browser.signIn(admin.email)
    // A page session (even an administrator's) does not open it: the scraper authenticates with a token.
    expect((await scrape(undefined, browser.cookieHeader())).statusCode).toBe(401)
    for (const role of ['investigator', 'supervisor', 'auditor', 'partner'] as const) {
      const response = await scrape(await apiToken(ctx, (await createUser(ctx, role)).email))
      expect(response.statusCode, role).toBe(403)
      expect(response.body).not.toContain('lantern_http_requests_total')
    }
    expect((await scrape(await apiToken(ctx, admin.email))).statusCode).toBe(200)
    // The operator role sees metrics and no case data.
    const referrals = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${operatorToken}` },
    })
    expect(referrals.statusCode).toBe(403)
  })

  it('counts requests by route pattern and status, with a latency histogram', async () => {
    const before = (await scrape(operatorToken)).body
    const healthBefore = value(before, 'lantern_http_requests_total{method="GET",route="/health",status="200"}') ?? 0
    for (let i = 0; i < 3; i++) expect((await ctx.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    await ctx.app.inject({ method: 'GET', url: '/people/0190a2b3-0000-7000-8000-000000000001' })
    await ctx.app.inject({ method: 'GET', url: '/no-such-page/anything-at-all' })
    const response = await scrape(operatorToken)
    expect(response.statusCode).toBe(200)
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/)
    expect(response.headers['cache-control']).toBe('no-store')
    const text = response.body
    expect(value(text, 'lantern_http_requests_total{method="GET",route="/health",status="200"}')).toBe(healthBefore + 3)
    // Labelled by the route pattern, never the path: ids and guessed URLs do not create series.
    expect(value(text, 'lantern_http_requests_total{method="GET",route="/people/:id",status="303"}')).toBe(1)
    expect(
      value(text, 'lantern_http_requests_total{method="GET",route="unmatched",status="303"}'),
    ).toBeGreaterThanOrEqual(1)
    expect(text).not.toContain('0190a2b3')
    expect(text).not.toContain('anything-at-all')
    expect(value(text, 'lantern_http_request_duration_seconds_count{method="GET",route="/health"}')).toBe(
      healthBefore + 3,
    )
    expect(value(text, 'lantern_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/health"}')).toBe(
      healthBefore + 3,
    )
    expect(text).toContain('# TYPE lantern_http_request_duration_seconds histogram')
    expect(value(text, 'lantern_process_resident_memory_bytes')).toBeGreaterThan(0)
  })

  it('reports the database pool and the import queue by state', async () => {
    const user = await createUser(ctx, 'support')
    const job = (status: string, minutesAgo: number) =>
      sql`
      INSERT INTO import_jobs (id, source, referral_source, filename, file_kind, headers, rows, status, total_rows, created_by, created_at)
      VALUES (${randomUUID()}, 'Helpline', 'helpline', 'export.csv', 'csv', ARRAY['Name'], '[]'::jsonb, ${status}, 0, ${user.id}, now() - make_interval(mins => ${minutesAgo}))`.execute(
        ctx.db,
      )
    await job('queued', 10)
    await job('queued', 2)
    await job('mapping', 0)
    await job('completed', 60)
    const text = (await scrape(operatorToken)).body
    expect(value(text, 'lantern_import_jobs{state="queued"}')).toBe(2)
    expect(value(text, 'lantern_import_jobs{state="mapping"}')).toBe(1)
    expect(value(text, 'lantern_import_jobs{state="running"}')).toBe(0)
    expect(value(text, 'lantern_import_jobs{state="completed"}')).toBe(1)
    const oldest = value(text, 'lantern_import_queue_oldest_seconds')!
    expect(oldest).toBeGreaterThanOrEqual(590)
    expect(oldest).toBeLessThan(700)
    expect(value(text, 'lantern_database_up')).toBe(1)
    // The test context's pool has 5 connections at most; the scrape itself used one.
    expect(value(text, 'lantern_db_pool_connections{state="max"}')).toBe(5)
    const total = value(text, 'lantern_db_pool_connections{state="total"}')!
    expect(total).toBeGreaterThanOrEqual(1)
    expect(total).toBeLessThanOrEqual(5)
    expect(value(text, 'lantern_db_pool_connections{state="idle"}')).toBeLessThanOrEqual(total)
    expect(value(text, 'lantern_db_pool_waiting_requests')).toBe(0)
  })
})

describe('every role lands on its own work', () => {
  it.each([
    ['investigator', '/referrals'],
    ['partner', '/partner'],
    ['admin', '/admin/users'],
    ['auditor', '/audit/person'],
    ['operator', '/service-status'],
  ] as const)('sends a signed-in %s from / to %s, a page they can open', async (role, home) => {
    const client = new PageClient(ctx.app)
    await client.signIn((await createUser(ctx, role)).email)
    const landing = await client.get('/')
    expect(landing.statusCode).toBe(303)
    expect(landing.headers.location).toBe(home)
    const page = await client.get(home)
    expect(page.statusCode, home).toBe(200)
    expect(page.body).not.toContain('no case pages')
  })

  it("shows the operator the service's figures in words, and no one without metrics:view", async () => {
    const operator = new PageClient(ctx.app)
    await operator.signIn((await createUser(ctx, 'operator')).email)
    for (let i = 0; i < 5; i++) await ctx.app.inject({ method: 'GET', url: '/health' })
    const page = await operator.get('/service-status')
    expect(page.body).toContain('Answering')
    expect(page.body).toMatch(/\d+ open of \d+/)
    expect(page.body).toContain('GET /health')
    expect(page.body).toContain('aria-current="page"')
    const dc = new PageClient(ctx.app)
    await dc.signIn((await createUser(ctx, 'investigator')).email)
    expect((await dc.get('/service-status')).statusCode).toBe(403)
  })
})
