import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { createApp } from '#src/app.ts'
import {
  apiToken,
  createTestContext,
  createUser,
  PageClient,
  TEST_PASSWORD,
  type TestContext,
} from './support/test-app.ts'

/**
 * The structured log carries no personal data. Requests full of it (names, emails, postcodes, phone numbers in
 * query strings, paths, bodies, headers, cookies, bearer tokens, and an error whose message quotes them) go
 * through an app whose log is captured at the most verbose level; not one line may contain any of it.
 */
const NAME = 'Marisol Quintero-Reyes'
const EMAIL = 'marisol.quintero@example.org'
const POSTCODE = 'LS2 7EW'
const PHONE = '07700 900123'
const SECRETS = [
  NAME,
  'Marisol',
  'Quintero',
  EMAIL,
  'marisol.quintero',
  POSTCODE,
  'LS2+7EW',
  'LS2%207EW',
  PHONE,
  '07700900123',
  '900123',
  'Quarry Hill',
]

type LogEntry = {
  msg?: string
  reqId?: string
  err?: { type?: string; stack?: string[] }
  res?: { statusCode?: number }
}
let ctx: TestContext
let app: FastifyInstance
const lines: string[] = []

beforeAll(async () => {
  ctx = await createTestContext()
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
      done()
    },
  })
  // The search service fails with a message quoting what was searched for, as a driver or parser error can.
  const search = {
    ...ctx.services.search,
    search: async (q: string) => {
      throw new Error(`no index entry for ${q} near ${POSTCODE}, call ${PHONE}`)
    },
  }
  app = (
    await createApp({
      config: { ...ctx.config, logLevel: 'trace' },
      db: ctx.db,
      services: { ...ctx.services, search },
      isDemo: () => false,
      logStream: stream,
    })
  ).app
})
afterAll(async () => {
  await app.close()
  await ctx.close()
})

describe('structured logs', () => {
  it('never log personal data from any part of a request, or from an error message', async () => {
    const user = await createUser(ctx, 'investigator')
    const token = await apiToken(ctx, user.email)
    const pages = new PageClient(app)
    await pages.signIn(user.email)

    // A query string, headers and cookies; the search fails with the words in its message (a 500).
    const failed = await app.inject({
      method: 'GET',
      url: `/search?q=${encodeURIComponent(NAME)}&dob=1990-02-03&email=${encodeURIComponent(EMAIL)}`,
      headers: {
        cookie: `lantern_note=${encodeURIComponent(NAME)}; ${pages.cookieHeader()}`,
        'x-caller': `${PHONE} ${EMAIL}`,
        'user-agent': `${NAME}'s phone`,
        referer: `https://example.org/?postcode=${POSTCODE}`,
      },
    })
    expect(failed.statusCode, String(failed.headers.location)).toBe(500)
    // The same over the API, with a bearer token.
    const apiFailed = await app.inject({
      method: 'GET',
      url: `/api/v1/search?q=${encodeURIComponent(PHONE)}`,
      headers: { authorization: `Bearer ${token}`, 'x-caller': NAME },
    })
    expect(apiFailed.statusCode).toBe(500)
    // A form body on a page, and a sign-in with an email and password.
    await pages.post('/referrals/new', { summary: `${NAME} works at ${POSTCODE}` })
    const stranger = new PageClient(app)
    await stranger.get('/sign-in')
    await stranger.post('/sign-in', { email: EMAIL, password: `${NAME}-password` })
    // A JSON body the API accepts, one it refuses, and one it cannot parse (whose parser error quotes it).
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: '2026-03-03',
        source: 'police',
        summary: `Seen at ${POSTCODE}, phone ${PHONE}`,
        people: [
          { names: [NAME], approximateAge: 30, gender: 'female', nationalities: ['PH'], role: 'potential-victim' },
        ],
      },
    })
    expect(created.statusCode).toBe(201)
    await app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: { summary: NAME, people: EMAIL },
    })
    await app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: `{"summary": "${NAME}", ${EMAIL}`,
    })
    // A name typed into a path, a public report, and a bad token that is itself personal data.
    await pages.get(`/people/${encodeURIComponent(NAME)}`)
    await app.inject({
      method: 'GET',
      url: `/no-such-page/${encodeURIComponent(EMAIL)}?postcode=${encodeURIComponent(POSTCODE)}`,
    })
    const reporter = new PageClient(app)
    await reporter.get('/report')
    await reporter.post('/report/start', {})
    await reporter.post('/report/contact', { name: NAME, email: EMAIL, phone: PHONE })
    await app.inject({ method: 'GET', url: '/api/v1/referrals', headers: { authorization: `Bearer ${EMAIL}` } })

    expect(lines.length).toBeGreaterThan(20)
    const leaks = lines.filter(
      (line) => SECRETS.some((secret) => line.toLowerCase().includes(secret.toLowerCase())) || line.includes(token),
    )
    expect(leaks).toEqual([])
    // The failure is still there for an operator: its type and where it was thrown, with the request id.
    const errors = lines.map((line) => JSON.parse(line) as LogEntry).filter((entry) => entry.msg === 'unhandled error')
    expect(errors).toHaveLength(2)
    expect(errors[0].err?.type).toBe('Error')
    expect(errors[0].err?.stack?.length).toBeGreaterThan(0)
    expect(errors[0].reqId).toBe(failed.headers['x-request-id'])
    expect(errors[1].reqId).toBe(apiFailed.headers['x-request-id'])
    // The path logged is the route with ids only; the name typed into it is replaced by the parameter.
    expect(lines.some((line) => line.includes('"path":"/people/:id"'))).toBe(true)
  })

  it('puts a request id on every request’s log lines and echoes it in the x-request-id header', async () => {
    lines.length = 0
    const given = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'proxy-abc-12345678' } })
    expect(given.headers['x-request-id']).toBe('proxy-abc-12345678')
    const fresh = await app.inject({ method: 'GET', url: '/health' })
    expect(fresh.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    // A header that is not a plausible id (here, one carrying personal data) is not trusted or logged.
    const hostile = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': `${NAME} <script>` } })
    expect(hostile.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/)
    const entries = lines.map((line) => JSON.parse(line) as LogEntry)
    expect(entries.length).toBeGreaterThanOrEqual(6)
    for (const entry of entries) expect(entry.reqId, JSON.stringify(entry)).toBeTruthy()
    expect(entries.filter((e) => e.reqId === 'proxy-abc-12345678').map((e) => e.msg)).toEqual([
      'incoming request',
      'request completed',
    ])
    expect(
      entries.find((e) => e.reqId === fresh.headers['x-request-id'] && e.msg === 'request completed'),
    ).toMatchObject({ res: { statusCode: 200 } })
    expect(lines.join('\n')).not.toContain('Marisol')
    expect(TEST_PASSWORD).not.toBe('')
  })
})
