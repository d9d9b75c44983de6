import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { foldFigures } from '#src/platform/db/figures-fold.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'
import { buildPerson, buildReferral, buildUser, type BuiltUser } from './support/builders.ts'

let ctx: TestContext
let user: BuiltUser
beforeAll(async () => {
  ctx = await createTestContext()
  user = await buildUser(ctx, 'supervisor')
})
afterAll(() => ctx.close())

const summary = async (table: 'insight_summary' | 'insight_summary_current') =>
  (
    await sql<{ row: string }>`
      SELECT concat_ws('|', scope, dimension, month, key, sum(n), sum(days)) AS row FROM ${sql.table(table)}
      GROUP BY scope, dimension, month, key HAVING sum(n) <> 0 ORDER BY 1`.execute(ctx.db)
  ).rows.map((r) => r.row)

const versions = async () =>
  (
    await sql<{ facts: string; live: string }>`
      SELECT (SELECT version FROM insight_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'facts') AS facts,
        (SELECT version FROM insight_live_version) + (SELECT count(*) FROM insight_version_changes WHERE kind = 'live') AS live`.execute(
      ctx.db,
    )
  ).rows[0]

const wordCounts = async () =>
  (
    await sql<{ word: string; names: number; recount: number }>`
      SELECT w.word, w.names, (SELECT count(*)::int FROM person_name_words p WHERE p.word_id = w.id) AS recount
      FROM name_words w ORDER BY w.word`.execute(ctx.db)
  ).rows

describe('figures without a hot row (migration 0054)', () => {
  it('after a burst of concurrent saves, the figures equal a recount from the facts, and every save moved the data version', async () => {
    const before = await versions()
    const names = ['Mohammed Khan', 'Mohammed Ali', 'Ana Popescu', 'Li Na', 'Mohammed Singh']
    // Saves at the same time, every one touching the month's summary cells and the common words' counts.
    await Promise.all([
      ...Array.from({ length: 16 }, (_, i) =>
        buildReferral(ctx, user, { source: i % 2 ? 'police' : 'helpline', receivedAt: '2026-06-0' + ((i % 9) + 1) }),
      ),
      ...Array.from({ length: 12 }, (_, i) => buildPerson(ctx, user, { names: [names[i % names.length]] })),
    ])
    // Nothing folded yet: the figures a reader sees already count every save (the pending deltas included).
    const pending = await summary('insight_summary_current')
    const between = await versions()
    expect(BigInt(between.facts)).toBeGreaterThanOrEqual(BigInt(before.facts) + 16n)
    expect(await foldFigures(ctx.db)).toBe(true)
    // Folding moves the deltas into the shared rows without changing any figure or version a reader sees.
    expect(await summary('insight_summary_current')).toEqual(pending)
    expect(await summary('insight_summary')).toEqual(pending)
    expect(await versions()).toEqual(between)
    const { rows: left } = await sql<{ n: number }>`
      SELECT ((SELECT count(*) FROM insight_version_changes) + (SELECT count(*) FROM insight_summary_deltas)
        + (SELECT count(*) FROM name_word_count_deltas))::int AS n`.execute(ctx.db)
    expect(left[0].n).toBe(0)
    // The recount: rebuild every figure from the base tables.
    await sql`SELECT insight_rebuild()`.execute(ctx.db)
    expect(await summary('insight_summary')).toEqual(pending)
    // The name words' use counts equal a recount of the index.
    const words = await wordCounts()
    expect(words.find((w) => w.word === 'mohammed')?.names).toBe(words.find((w) => w.word === 'mohammed')?.recount)
    expect(words.filter((w) => w.names !== w.recount)).toEqual([])
    expect(words.find((w) => w.word === 'mohammed')!.names).toBeGreaterThanOrEqual(7)
  })

  it('one fold at a time: a second instance folding meanwhile does nothing', async () => {
    await buildReferral(ctx, user)
    const held = ctx.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(7741054)`.execute(trx)
      expect(await foldFigures(ctx.db)).toBe(false)
    })
    await held
    expect(await foldFigures(ctx.db)).toBe(true)
  })

  it('saves do not wait for one another on a shared figures row', async () => {
    // Two saves each holding their uncommitted figure changes: the second completes while the first is open.
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    let firstWrote!: () => void
    const wrote = new Promise<void>((resolve) => (firstWrote = resolve))
    const first = ctx.db.transaction().execute(async (trx) => {
      await sql`UPDATE referrals SET source = 'helpline' WHERE id = (SELECT id FROM referrals ORDER BY id LIMIT 1)`.execute(
        trx,
      )
      await sql`INSERT INTO person_names (id, person_id, full_name, normalised, kind) SELECT gen_random_uuid(), id, 'Mohammed Test', 'mohammed test', 'alias' FROM people ORDER BY id LIMIT 1`.execute(
        trx,
      )
      firstWrote()
      await gate
    })
    await wrote
    try {
      await ctx.db.transaction().execute(async (trx) => {
        // Were there a shared row, this save would wait for the first to commit, which waits for this one.
        await sql`SET LOCAL lock_timeout = '5s'`.execute(trx)
        await sql`UPDATE referrals SET source = 'helpline' WHERE id = (SELECT id FROM referrals ORDER BY id DESC LIMIT 1)`.execute(
          trx,
        )
        await sql`INSERT INTO person_names (id, person_id, full_name, normalised, kind) SELECT gen_random_uuid(), id, 'Mohammed Other', 'mohammed other', 'alias' FROM people ORDER BY id DESC LIMIT 1`.execute(
          trx,
        )
      })
    } finally {
      release()
    }
    await first
  })
})
