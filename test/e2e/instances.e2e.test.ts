import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { testConfig } from '../support/test-app.ts'
import { waitFor } from '../support/wait.ts'
import {
  csrfFrom,
  killAllStarted,
  seedOfficer,
  signInOverHttp,
  startLantern,
  type LanternProcess,
} from './support/processes.ts'

/**
 * Two Lantern processes on one PostgreSQL database, as behind a load balancer: a session made on one works on
 * the other (and ends on both), a form from one can be sent to the other, and background jobs queued on either
 * run once, whichever instance's worker picks each batch up.
 */
const adminUrl = inject('adminUrl')
const name = `lantern_t_${inject('templateDatabase').split('_')[2]}_${randomBytes(5).toString('hex')}`
const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`)
const dirs: string[] = []
let db: Db
let a: LanternProcess
let b: LanternProcess
let officer: Awaited<ReturnType<typeof seedOfficer>>

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`)
  await admin.end()
  db = createDb(databaseUrl, 2)
  officer = await seedOfficer(db, testConfig())
  // Shared: the database and the session secret (cookies and form tokens are signed with it). Not shared: the
  // data folder, as on separate machines.
  const env = (label: string) => {
    const dir = mkdtempSync(join(tmpdir(), `lantern-instance-${label}-`))
    dirs.push(dir)
    return {
      DATABASE_URL: databaseUrl,
      SESSION_SECRET: 'shared-secret-for-both-instances-0123456789',
      LANTERN_DATA_DIR: dir,
      JOB_POLL_SECONDS: '1',
    }
  }
  ;[a, b] = await Promise.all([startLantern(env('a')), startLantern(env('b'))])
}, 300_000)

afterAll(async () => {
  killAllStarted()
  await db?.destroy()
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

async function form(url: string, path: string, cookie: string, fields: Record<string, string>, csrf: string) {
  return fetch(`${url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, ...fields }),
  })
}

describe('two instances on one database', () => {
  it('share sessions: signed in on A, working on B, a form from B sent to A, signed out on B is signed out on A', async () => {
    const cookie = await signInOverHttp(a.url, officer.email, officer.password, officer.mfaSecret)
    const onB = await fetch(`${b.url}/referrals`, { headers: { cookie }, redirect: 'manual' })
    expect(onB.status).toBe(200)
    expect(await onB.text()).toContain('DC Fault Test')

    // A question journey started on B and carried on on A: the draft is in the database, not in a process.
    const started = await form(b.url, '/referrals/new', cookie, {}, await csrfFrom(b.url, '/referrals/new', cookie))
    const draft = started.headers.get('location')!
    expect(draft).toMatch(/^\/referrals\/drafts\/[^/]+\/received$/)
    const whatHappened = draft.replace(/received$/, 'what-happened')
    const csrfFromB = await csrfFrom(b.url, whatHappened, cookie)
    const saved = await form(
      a.url,
      whatHappened,
      cookie,
      { summary: 'Seen at the car wash by both instances' },
      csrfFromB,
    )
    expect(saved.status).toBe(303)
    expect(await (await fetch(`${b.url}${whatHappened}`, { headers: { cookie } })).text()).toContain(
      'Seen at the car wash by both instances',
    )

    const signOut = await form(b.url, '/sign-out', cookie, {}, await csrfFrom(b.url, '/referrals', cookie))
    expect(signOut.status).toBe(303)
    const afterOnA = await fetch(`${a.url}/referrals`, { headers: { cookie }, redirect: 'manual' })
    expect(afterOnA.status).toBe(303)
    expect(afterOnA.headers.get('location')).toMatch(/^\/sign-in/)
  })

  it('runs each import job once, with both instances working the queue', async () => {
    const ROWS = 100
    const csv = (label: string) =>
      ['Full name,Date of birth,What happened']
        .concat(
          Array.from(
            { length: ROWS },
            (_, i) =>
              `Zz${label}${randomBytes(4).toString('hex')} Qx${randomBytes(4).toString('hex')},${String((i % 27) + 1).padStart(2, '0')}/0${(i % 9) + 1}/19${50 + (i % 49)},Imported row ${i} of ${label}`,
          ),
        )
        .join('\n')
    const upload = async (server: LanternProcess, label: string) => {
      const body = new FormData()
      body.set('source', `Instance test ${label}`)
      body.set(
        'mapping',
        JSON.stringify({ 'Full name': 'fullName', 'Date of birth': 'dateOfBirth', 'What happened': 'summary' }),
      )
      body.set('file', new Blob([csv(label)], { type: 'text/csv' }), `${label}.csv`)
      const response = await fetch(`${server.url}/api/v1/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${officer.token}` },
        body,
      })
      expect(response.status, await response.clone().text()).toBe(202)
      return ((await response.json()) as { id: string }).id
    }
    // One job queued on each instance, at once: both workers take batches from the queue.
    const jobs = await Promise.all([upload(a, 'a'), upload(b, 'b'), upload(a, 'c')])
    // Until all three are done (the checks below say which was not, if one never is).
    await waitFor(
      async () =>
        (
          await db
            .selectFrom('import_jobs')
            .select('id')
            .where('id', 'in', jobs)
            .where('status', '=', 'completed')
            .execute()
        ).length === jobs.length,
      {
        timeout: 200_000,
        interval: 250,
        message: 'the three imports to complete',
      },
    ).catch(() => undefined)
    for (const id of jobs) {
      const job = await db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
      expect(job.status).toBe('completed')
      expect(job.created_count + job.review_count + job.failed_count + job.already_count).toBe(ROWS)
      // Every row was done exactly once.
      const { rows } = await sql<{ rows: number; distinct_rows: number }>`
        SELECT count(*)::int AS rows, count(DISTINCT row_number)::int AS distinct_rows FROM import_rows WHERE job_id = ${id}`.execute(
        db,
      )
      expect(rows[0]).toEqual({ rows: ROWS, distinct_rows: ROWS })
      // And each batch once: the audited batches cover the rows without overlapping.
      const batches = await db
        .selectFrom('audit_events')
        .select('details')
        .where('action', '=', 'import.batch-processed')
        .where('subject_id', '=', id)
        .execute()
      const covered = batches.flatMap(({ details }) => {
        const { fromRow, toRow } = details as { fromRow: number; toRow: number }
        return Array.from({ length: toRow - fromRow + 1 }, (_, k) => fromRow + k)
      })
      expect(covered.sort((x, y) => x - y)).toEqual(Array.from({ length: ROWS }, (_, k) => k + 2))
    }
    const imported = await sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM referrals WHERE summary LIKE 'Imported row %'`.execute(db)
    const created = await db
      .selectFrom('import_jobs')
      .select((eb) => eb.fn.sum<number>('created_count').as('n'))
      .where('id', 'in', jobs)
      .executeTakeFirstOrThrow()
    expect(imported.rows[0].n).toBe(Number(created.n))
    expect((await verifyAuditChain(db)).ok).toBe(true)
  }, 360_000)
})
