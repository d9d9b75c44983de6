import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
  ctx = await createTestContext()
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
  await client.get(path)
  const original = pg.Client.prototype.query
  const seen: string[] = []
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const query = args[0] as string | { text: string }
    seen.push(typeof query === 'string' ? query : query.text)
    return (original as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof original
  try {
    const response = await client.get(path)
    expect(response.statusCode).toBe(200)
  } finally {
    pg.Client.prototype.query = original
  }
  return seen
}

describe('round trips per record page', () => {
  it.each([
    // Measured with three people on the referral: its people's victim sides are one access-policy query. The
    // person page does no matching (possible matches are a page of their own) and reads the person once; it also
    // reads what partner agencies recorded at the hub (one query; the access check only when there is something).
    ['person', 17],
    ['referral', 14],
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
