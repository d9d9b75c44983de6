import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appendAuditEvents, verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { sealAuditChain } from '#src/platform/audit/audit-sealer.ts'
import { foldFigures, startFigureFolding } from '#src/platform/db/figures-fold.ts'
import type { Db } from '#src/platform/db/database.ts'
import { NewReferralInput } from '#src/modules/referrals/referral.schema.ts'
import { refreshUrgency } from '#src/modules/referrals/referral.repository.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'
import { buildReferral, buildUser, type BuiltUser, type ReferralFields } from './support/builders.ts'
import { waitFor } from './support/wait.ts'

/**
 * Issue 19 (ADR 0014): saves and audited reads never queue behind each other. Each test holds one unit of work's
 * transaction open, with everything it wrote, and shows another commits meanwhile; were there a shared row (a
 * counter, a figures cell, a name word's count, a lock) the second would wait for the first to commit, and the
 * lock wait it queued would show in pg_locks. The waits are on conditions: the other finishing, or a lock queued.
 */
let ctx: TestContext
let user: BuiltUser
beforeAll(async () => {
  ctx = await createTestContext({ poolSize: 14 })
  user = await buildUser(ctx, 'supervisor')
  // The shared things a save meets that already exist: the organisation, the common name words, the postcode.
  await buildReferral(ctx, user, referral(0))
  expect(await foldFigures(ctx.db)).toBe(true)
})
afterAll(() => ctx.close())

function referral(n: number): ReferralFields {
  return {
    receivedAt: '2026-06-01',
    source: 'helpline',
    referringOrganisation: 'Modern Slavery Helpline',
    summary: `Concurrency referral ${n}: workers collected from a car wash at dawn.`,
    people: [{ names: ['Mohammed Khan'], gender: 'male', nationalities: ['RO'], role: 'potential-victim' }],
    locations: [{ addressLine1: `${n} Mill Lane`, town: 'Riverton', postcode: 'LS11 5AB', premisesType: 'car-wash' }],
    exploitationTypes: ['labour'],
  }
}

/**
 * Lock requests queued (not granted) by the test database's connections: any means someone waits on someone else.
 * By connection, not by the lock's database: a wait for another transaction's end (a row lock, a unique check) is
 * a transaction-id lock, which belongs to no database.
 */
async function queuedLocks(db: Db): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::int AS n FROM pg_locks
    WHERE NOT granted AND pid IN (SELECT pid FROM pg_stat_activity WHERE datname = current_database())`.execute(db)
  return rows[0].n
}

/** Settles when `work` finishes, or reports the lock wait it queued instead (so a regression fails, not hangs). */
async function finishesWithoutWaiting<T>(work: Promise<T>): Promise<T> {
  let done = false
  const watched = work.finally(() => (done = true))
  const outcome = await waitFor(async () => (done ? 'done' : (await queuedLocks(ctx.db)) > 0 ? 'waiting' : false), {
    message: 'the second unit of work to finish or to queue a lock',
  })
  expect(outcome).toBe('done')
  return watched
}

/** A gate the held transaction waits at, and a signal that it has got there. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  let arrived!: () => void
  const reached = new Promise<void>((resolve) => (arrived = resolve))
  return { open, opened, arrived, reached }
}

const auditRowsFor = async (subjectId: string) =>
  (
    await sql<{ action: string }>`SELECT action FROM audit_events WHERE subject_id = ${subjectId} ORDER BY id`.execute(
      ctx.db,
    )
  ).rows.map((r) => r.action)

describe('saves and audited reads never queue behind each other (issue 19)', () => {
  it('a save of one referral commits while another save of a different referral is still open', async () => {
    const held = gate()
    let heldId = ''
    // The first save, through the real service, stops inside its transaction after writing the referral, its
    // person (common name words), its place (same postcode), its figures and its version change.
    const first = ctx.services.referrals.create(NewReferralInput.parse(referral(1)), user.actor, {
      within: async (_trx, created) => {
        heldId = created.id
        held.arrived()
        await held.opened
      },
    })
    await held.reached
    try {
      const second = await finishesWithoutWaiting(
        ctx.services.referrals.create(NewReferralInput.parse(referral(2)), user.actor),
      )
      // Committed, with its audit row, while the first is still open (and so invisible to others).
      expect(await auditRowsFor(second.id)).toEqual(['referral.created'])
      expect(await auditRowsFor(heldId)).toEqual([])
      // And so does a third, through the test builder, with the same shared figures and words.
      await finishesWithoutWaiting(buildReferral(ctx, user, referral(3)))
    } finally {
      held.open()
    }
    const saved = await first
    expect(await auditRowsFor(saved.id)).toEqual(['referral.created'])
    await sealAuditChain(ctx.db)
    expect(await verifyAuditChain(ctx.db)).toMatchObject({ ok: true, unsealed: 0 })
  })

  it('a save adding a common name word does not wait for the figures fold in progress', async () => {
    // Pending count deltas for "mohammed", so the fold updates that word's row.
    await buildReferral(ctx, user, referral(4))
    const held = gate()
    const fold = ctx.db.transaction().execute(async (trx) => {
      await sql`SELECT figures_fold()`.execute(trx)
      held.arrived()
      await held.opened
    })
    await held.reached
    try {
      await finishesWithoutWaiting(buildReferral(ctx, user, referral(5)))
    } finally {
      held.open()
    }
    await fold
  })

  it('audited reads do not wait for one another: reads commit while another audited read is open', async () => {
    const target = await buildReferral(ctx, user, referral(6))
    const held = gate()
    // An audited read in flight: the read and its uncommitted audit row, in one open transaction.
    const open = ctx.db.transaction().execute(async (trx) => {
      await sql`SELECT id FROM referrals WHERE id = ${target.id}`.execute(trx)
      await appendAuditEvents(trx, user.actor, [
        { action: 'referral.viewed', subjectType: 'referral', subjectId: target.id },
      ])
      held.arrived()
      await held.opened
    })
    await held.reached
    const readers = 8
    try {
      const views = await finishesWithoutWaiting(
        Promise.all(
          Array.from({ length: readers }, () => ctx.services.referrals.view(target.id, user.current, user.actor)),
        ),
      )
      expect(views.map((v) => v.referral.id)).toEqual(Array(readers).fill(target.id))
      // Every one of them committed its audit row; the held one's is not visible yet.
      expect((await auditRowsFor(target.id)).filter((a) => a === 'referral.viewed')).toHaveLength(readers)
    } finally {
      held.open()
    }
    await open
    expect((await auditRowsFor(target.id)).filter((a) => a === 'referral.viewed')).toHaveLength(readers + 1)
  })

  it('after a burst of concurrent saves with the background fold running, the figures equal a recount', async () => {
    const folding = startFigureFolding(ctx.db, { intervalMs: 10, onProblem: (error) => expect(error).toBeUndefined() })
    try {
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          ctx.services.referrals.create(
            NewReferralInput.parse({
              ...referral(100 + i),
              receivedAt: `2026-0${(i % 3) + 4}-1${i % 9}`,
              source: i % 2 ? 'police' : 'helpline',
              people: [
                {
                  names: [i % 3 ? 'Mohammed Ali' : 'Ana Popescu'],
                  gender: 'female',
                  nationalities: ['AL'],
                  role: 'potential-victim',
                },
              ],
            }),
            user.actor,
          ),
        ),
      )
    } finally {
      await folding.close()
    }
    await foldFigures(ctx.db)
    const summary = async () =>
      (
        await sql<{ row: string }>`
          SELECT concat_ws('|', scope, dimension, month, key, sum(n), sum(days)) AS row FROM insight_summary_current
          GROUP BY scope, dimension, month, key HAVING sum(n) <> 0 ORDER BY 1`.execute(ctx.db)
      ).rows.map((r) => r.row)
    const folded = await summary()
    expect(folded.length).toBeGreaterThan(0)
    // The recount: every figure rebuilt from the base tables.
    await sql`SELECT insight_rebuild()`.execute(ctx.db)
    expect(await summary()).toEqual(folded)
    const { rows: words } = await sql<{ word: string; names: number; recount: number }>`
      SELECT w.word, w.names, (SELECT count(*)::int FROM person_name_words p WHERE p.word_id = w.id) AS recount
      FROM name_words w ORDER BY w.word`.execute(ctx.db)
    expect(words.filter((w) => w.names !== w.recount)).toEqual([])
    expect(words.find((w) => w.word === 'mohammed')!.names).toBeGreaterThanOrEqual(16)
  })

  it('a new referral is written with the urgency and reference its stored facts give', async () => {
    // Urgency is derived from the input before the transaction (one statement instead of three inside it): the
    // stored flag must be what deriving it again from the stored facts gives, for every kind of fact.
    const cases: ReferralFields[] = [
      referral(200),
      { ...referral(201), people: [{ names: ['Ana Popescu'], dateOfBirth: '2012-03-04', role: 'potential-victim' }] },
      {
        ...referral(202),
        people: [{ names: ['Li Na'], approximateAge: 17, ageDisputed: true, role: 'potential-victim' }],
      },
      { ...referral(203), people: [{ names: ['Ana Pop'], approximateAge: 16, role: 'suspected-exploiter' }] },
      { ...referral(204), indicators: ['threats', 'no-safe-place'], summary: 'It is still happening tonight.' },
      { ...referral(205), people: [], locations: [] },
    ]
    for (const fields of cases) {
      const { id, reference } = await ctx.services.referrals.create(NewReferralInput.parse(fields), user.actor)
      expect(reference).toMatch(/^REF-2026-\d{6,}$/)
      const stored = async () =>
        (
          await sql<{ urgent: boolean; reasons: string[] }>`
            SELECT urgent, urgency_reasons AS reasons FROM referrals WHERE id = ${id}`.execute(ctx.db)
        ).rows[0]
      const written = await stored()
      const derived = await refreshUrgency(ctx.db, id)
      expect(written).toEqual({ urgent: derived!.urgent, reasons: derived!.reasons })
      expect(await stored()).toEqual(written)
    }
    const { rows } = await sql<{ urgent: boolean }>`
      SELECT bool_or(urgent) AS urgent FROM referrals WHERE summary LIKE 'Concurrency referral 20%'`.execute(ctx.db)
    expect(rows[0].urgent).toBe(true)
  })
})
