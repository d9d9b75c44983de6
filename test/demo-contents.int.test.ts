import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'

/**
 * The demo is part of the product (issue 17): on first start every page has something real to show. Counted
 * straight from the tables after `lantern demo` loads (a smaller demo than `npm start`'s, the same generator).
 */
let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
  await loadDemo(ctx.db, { dataDir: ctx.config.dataDir, referrals: 60, passwordHashCost: 10 })
}, 180_000)
afterAll(() => ctx?.close())

const count = async (query: ReturnType<typeof sql>) => Number(((await query.execute(ctx.db)).rows[0] as { n: string }).n)

describe('the demo on first start', () => {
  it.each([
    ['screenings', sql`SELECT count(*) AS n FROM screenings`],
    ['County Lines jobs', sql`SELECT count(*) AS n FROM cases WHERE kind = 'county-lines'`],
    ['deal lines', sql`SELECT count(*) AS n FROM objects WHERE kind = 'deal-line'`],
    ['tasks on live jobs', sql`SELECT count(*) AS n FROM case_tasks`],
    ['events on live jobs', sql`SELECT count(*) AS n FROM events WHERE case_id IS NOT NULL`],
    ['live jobs opened on different days', sql`SELECT count(DISTINCT created_at::date) AS n FROM cases`],
    ['outreach events', sql`SELECT count(*) AS n FROM outreach_events`],
    ['urgent referrals', sql`SELECT count(*) AS n FROM referrals WHERE urgent`],
    ['a restricted live job', sql`SELECT count(*) AS n FROM cases WHERE restricted`],
    ['NRM drafts', sql`SELECT count(*) AS n FROM nrm_drafts`],
    ['safeguarding plans', sql`SELECT count(*) AS n FROM safeguarding_plans`],
    ['hub meetings', sql`SELECT count(*) AS n FROM hub_meetings`],
  ])('has %s', async (_what, query) => {
    expect(await count(query)).toBeGreaterThan(0)
  })
})
