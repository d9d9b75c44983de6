import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApp } from '#src/app.ts'
import { parseServerTiming } from '#src/platform/observability/request-timing.ts'
import { createTestContext, PageClient, type TestContext } from './support/test-app.ts'
import { buildLiveJob, buildUser } from './support/builders.ts'

/**
 * The record pages' database round trips (issue 19): about one query per page section, and the audit appended in
 * one statement with no lock. A page that starts querying per row (N+1) or per section more than once fails here.
 */
let ctx: TestContext
let client: PageClient
let paths: Record<string, string>
beforeAll(async () => {
  // With the time budget on (SERVER_TIMING), as bench:http runs it.
  ctx = await createTestContext({ env: { SERVER_TIMING: '1' } })
  const supervisor = await buildUser(ctx, 'supervisor')
  const people = ['Ana Popescu', 'Ion Popescu', 'Maria Ionescu'].map((name) => ({
    names: [name],
    role: 'potential-victim' as const,
    gender: 'female' as const,
    nationalities: ['RO'],
  }))
  const job = await buildLiveJob(ctx, supervisor, { referral: { people } })
  const person = await ctx.db
    .selectFrom('referral_subjects')
    .select('person_id')
    .where('referral_id', '=', job.referralId)
    .executeTakeFirstOrThrow()
  paths = { person: `/people/${person.person_id}`, referral: `/referrals/${job.referralId}`, case: `/cases/${job.id}` }
  client = new PageClient(ctx.app)
  await client.signIn(supervisor.email)
})
afterAll(() => ctx.close())

async function queriesFor(path: string): Promise<string[]> {
  return (await measured(path)).seen
}

/** The page's queries as the driver saw them, and the time budget the page sent back for the same request. */
async function measured(path: string): Promise<{ seen: string[]; timing: Record<string, number> }> {
  await client.get(path)
  const original = pg.Client.prototype.query
  const seen: string[] = []
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const query = args[0] as string | { text: string }
    seen.push(typeof query === 'string' ? query : query.text)
    return (original as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof original
  let header: unknown
  try {
    const response = await client.get(path)
    expect(response.statusCode).toBe(200)
    header = response.headers['server-timing']
  } finally {
    pg.Client.prototype.query = original
  }
  expect(typeof header).toBe('string')
  return { seen, timing: parseServerTiming(header as string) }
}

describe('round trips per record page', () => {
  it.each([
    // Measured with three people on the referral: its people's victim sides are one access-policy query. The
    // person page does no matching (possible matches are a page of their own) and reads the person once; it also
    // reads what partner agencies recorded at the hub (one query; the access check only when there is something).
    // The businesses a person or referral is linked to are a section of their own: one query each.
    ['person', 17],
    ['referral', 15],
    // The case page has a query per section, no more: with the decision countersignatures, stage dates, exhibits,
    // intelligence references and businesses that live-job work added, 29.
    ['case', 29],
  ])(
    'the %s page stays within its budget of queries, with one audit append and no chain lock',
    async (page, budget) => {
      const seen = await queriesFor(paths[page])
      expect(seen.length).toBeLessThanOrEqual(budget)
      expect(seen.filter((q) => q.includes('audit_insert'))).toHaveLength(1)
      expect(seen.filter((q) => /advisory/.test(q))).toEqual([])
    },
  )
})

describe('the time budget (Server-Timing)', () => {
  it.each(['person', 'referral', 'case'])(
    'the %s page reports every round trip it made, and its session, render, audit and commit times',
    async (page) => {
      const { seen, timing } = await measured(paths[page])
      expect(timing.queries).toBe(seen.length)
      for (const phase of ['total', 'db', 'session', 'render', 'audit', 'commit'])
        expect(timing[phase]).toBeGreaterThan(0)
      // The parts are parts of the whole: the database's share and the render both fit inside the total.
      expect(timing.render).toBeLessThan(timing.total)
    },
  )

  it('is not sent unless SERVER_TIMING is on', async () => {
    const { app } = await createApp({
      config: { ...ctx.config, serverTiming: false },
      db: ctx.db,
      services: ctx.services,
      isDemo: () => false,
      logger: false,
    })
    try {
      const response = await app.inject({
        method: 'GET',
        url: paths.person,
        headers: { cookie: client.cookieHeader() },
      })
      expect(response.statusCode).toBe(200)
      expect(response.headers['server-timing']).toBeUndefined()
    } finally {
      await app.close()
    }
  })
})
