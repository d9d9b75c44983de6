import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { startEmbeddedPostgres, type EmbeddedServer } from '#src/platform/db/embedded.ts'
import { embeddedPassword } from '#src/platform/db/embedded-password.ts'
import { verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { freePort } from '#src/shared/free-port.ts'
import { ROOT } from '#src/platform/paths.ts'
import { testConfig } from '../support/test-app.ts'
import { pause, waitFor } from '../support/wait.ts'
import { killAllStarted, seedOfficer, signInOverHttp, startLantern, type LanternProcess } from './support/processes.ts'

/**
 * Faults, on PostgreSQL instances of the test's own (never the machine's server): the Lantern process killed in
 * the middle of a burst of writes, and the database stopped and started under load. What was acknowledged must
 * be there afterwards, whole; nothing may be half-written; the audit chain must verify.
 */
const dirs: string[] = []
const databases: EmbeddedServer[] = []
const pools: Db[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

afterAll(async () => {
  killAllStarted()
  for (const db of pools) await db.destroy().catch(() => undefined)
  for (const server of databases) await server.stop().catch(() => undefined)
  const stopping: number[] = []
  for (const dir of dirs) {
    const pid = join(dir, 'postgres/postmaster.pid')
    if (existsSync(pid)) {
      const postmaster = Number(readFileSync(pid, 'utf8').split('\n')[0])
      try {
        process.kill(postmaster, 'SIGINT')
        stopping.push(postmaster)
      } catch {
        // already gone
      }
    }
  }
  // Its folders go once each PostgreSQL has stopped; one that will not stop leaves its folder for the machine's
  // temporary-file clean-up rather than failing a test that has passed.
  await waitFor(() => stopping.every((pid) => !alive(pid)), {
    timeout: 30_000,
    message: 'the test PostgreSQL servers to stop',
  }).catch(() => undefined)
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * True once no process is attached to the shared memory a killed postmaster left (line 7 of its postmaster.pid
 * names the segment): PostgreSQL will not start on a data folder whose old segment is still in use by orphaned
 * backends, which leave only when they notice their postmaster gone.
 */
function sharedMemoryReleased(dataDir: string): boolean {
  const [, shmid] = (readFileSync(join(dataDir, 'postgres/postmaster.pid'), 'utf8').split('\n')[6] ?? '')
    .trim()
    .split(/\s+/)
  if (!shmid) return true
  const segments = readFileSync('/proc/sysvipc/shm', 'utf8')
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
  const segment = segments.find((columns) => columns[1] === shmid)
  return !segment || Number(segment[6]) === 0
}

function referral(marker: string) {
  return {
    receivedAt: '2026-03-04T09:15:00Z',
    source: 'helpline',
    referringOrganisation: 'Fault test',
    summary: `Fault test ${marker}`,
    people: [
      { names: [`Person ${marker}`], gender: 'female', nationalities: ['VN'], role: 'potential-victim' },
      { names: [`Unknown man ${marker}`], approximateAge: 40, gender: 'male', role: 'suspected-exploiter' },
    ],
    locations: [{ addressLine1: '5 Market Place', town: 'Riverton', postcode: 'LS11 5AB', premisesType: 'nail-bar' }],
    exploitationTypes: ['labour'],
    countyLines: false,
    priorityTags: [],
  }
}

/** `npx lantern …` as its own process, as an operator runs it. */
function lantern(args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 180_000,
  })
  return { status: result.status, output: `${result.stdout}${result.stderr}` }
}

type Outcome = { status: number; id?: string; body: string; at: number }

async function post(url: string, token: string, marker: string): Promise<Outcome> {
  try {
    const response = await fetch(`${url}/api/v1/referrals`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(referral(marker)),
      signal: AbortSignal.timeout(15_000),
    })
    const body = await response.text()
    return {
      status: response.status,
      id: response.status === 201 ? (JSON.parse(body) as { id: string }).id : undefined,
      body,
      at: Date.now(),
    }
  } catch (error) {
    // No answer (the connection was cut): the write may or may not have committed; it was not acknowledged.
    return { status: 0, body: String(error), at: Date.now() }
  }
}

/** Every referral is whole: its two people, its place and its audit row are there with it. */
async function expectWhole(db: Db, acknowledged: string[]) {
  const referrals = await db.selectFrom('referrals').select('id').where('summary', 'like', 'Fault test %').execute()
  const ids = new Set(referrals.map((r) => r.id))
  for (const id of acknowledged) expect(ids.has(id), `acknowledged referral ${id} is missing`).toBe(true)
  const { rows: broken } = await sql<{ id: string; subjects: number; places: number; audit: number }>`
    SELECT r.id,
      (SELECT count(*)::int FROM referral_subjects s WHERE s.referral_id = r.id) AS subjects,
      (SELECT count(*)::int FROM referral_locations l WHERE l.referral_id = r.id) AS places,
      (SELECT count(*)::int FROM audit_events a WHERE a.action = 'referral.created' AND a.subject_id = r.id::text) AS audit
    FROM referrals r WHERE r.summary LIKE 'Fault test %'`.execute(db)
  for (const row of broken)
    expect(row, `referral ${row.id} is half-written`).toMatchObject({ subjects: 2, places: 1, audit: 1 })
  expect((await verifyAuditChain(db)).ok).toBe(true)
  return referrals.length
}

/** Workers posting referrals until told to stop; every answer is kept. */
function burst(url: () => string, token: string, workers: number, prefix: string) {
  const outcomes: Outcome[] = []
  let stopping = false
  let n = 0
  const done = Promise.all(
    Array.from({ length: workers }, async () => {
      while (!stopping) {
        const outcome = await post(url(), token, `${prefix}-${n++}`)
        outcomes.push(outcome)
        // Pacing, not waiting: a worker whose write was refused does not hammer a server that is down.
        if (outcome.status !== 201) await pause(50)
      }
    }),
  )
  return {
    outcomes,
    acknowledged: () => outcomes.filter((o) => o.status === 201).map((o) => o.id!),
    stop: async () => {
      stopping = true
      await done
    },
  }
}

describe('faults', () => {
  it('loses no acknowledged write and half-writes none when the server is killed mid-burst, or the machine loses power; backs up while running and restores', async () => {
    const dataDir = tempDir('lantern-fault-kill-')
    const pgPort = await freePort()
    const env = { LANTERN_DATA_DIR: dataDir, LANTERN_EMBEDDED_PG_PORT: String(pgPort) }
    let server: LanternProcess = await startLantern(env)
    // The server made its cluster's password in the data folder as it started.
    const db = createDb(`postgres://lantern:${embeddedPassword(dataDir)}@127.0.0.1:${pgPort}/lantern`, 2)
    pools.push(db)
    const officer = await seedOfficer(db, testConfig())

    // Round 1: the Lantern process is killed outright; its PostgreSQL stays up. Round 2: both are killed at once,
    // as in a power cut, and PostgreSQL recovers from its write-ahead log on the next start.
    for (const round of ['server', 'server and database'] as const) {
      const load = burst(() => server.url, officer.token, 8, round)
      await waitFor(() => load.acknowledged().length >= 20, {
        timeout: 120_000,
        interval: 10,
        message: '20 acknowledged writes',
      })
      const postmaster = Number(readFileSync(join(dataDir, 'postgres/postmaster.pid'), 'utf8').split('\n')[0])
      server.child.kill('SIGKILL')
      if (round === 'server and database') process.kill(postmaster, 'SIGKILL')
      await load.stop()
      const acknowledged = load.acknowledged()
      const cut = load.outcomes.filter((o) => o.status === 0).length
      expect(load.outcomes.filter((o) => o.status !== 201 && o.status !== 0)).toEqual([])
      // The orphaned backends leave when they see their postmaster gone; the next start needs their shared memory.
      if (round === 'server and database')
        await waitFor(() => sharedMemoryReleased(dataDir), {
          timeout: 60_000,
          interval: 50,
          message: 'the orphaned backends to leave',
        })
      server = await startLantern(env)
      const total = await expectWhole(db, acknowledged)
      console.log(
        `killed (${round}): ${acknowledged.length} acknowledged, ${cut} cut off, ${total} referrals in all after the restart`,
      )
      // The restarted server takes writes again.
      expect((await post(server.url, officer.token, `${round}-after`)).status).toBe(201)
    }

    // `npx lantern backup` while this server runs (the command joins its PostgreSQL), then, with no server,
    // `npx lantern restore` into a new data folder, and the restored copy has every referral and a whole chain.
    const file = join(tempDir('lantern-fault-backup-'), 'lantern.backup')
    expect(lantern(['backup', file], env)).toMatchObject({ status: 0 })
    const referrals = (
      await db
        .selectFrom('referrals')
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n
    expect(await server.stop()).toBe(0)
    const restoredEnv = {
      LANTERN_DATA_DIR: tempDir('lantern-fault-restored-'),
      LANTERN_EMBEDDED_PG_PORT: String(await freePort()),
    }
    expect(lantern(['restore', file], restoredEnv)).toMatchObject({ status: 0 })
    const verified = lantern(['audit', 'verify'], restoredEnv)
    expect(verified.status, verified.output).toBe(0)
    const restored = await startEmbeddedPostgres({
      dataDir: restoredEnv.LANTERN_DATA_DIR,
      port: Number(restoredEnv.LANTERN_EMBEDDED_PG_PORT),
      mode: 'owner',
    })
    databases.push(restored)
    const copy = createDb(restored.url.replace(/\/postgres$/, '/lantern'), 1)
    pools.push(copy)
    expect(
      (
        await copy
          .selectFrom('referrals')
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ).toBe(referrals)
  }, 600_000)

  it('reports unhealthy while the database is down, answers 503 (never 500), recovers by itself and loses no acknowledged write', async () => {
    const pgDir = tempDir('lantern-fault-pg-')
    const pgPort = await freePort()
    let database = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, mode: 'owner' })
    databases.push(database)
    const admin = new pg.Client({ connectionString: database.url })
    await admin.connect()
    await admin.query('CREATE DATABASE lantern')
    await admin.end()
    const databaseUrl = database.url.replace(/\/postgres$/, '/lantern')
    const server = await startLantern({ DATABASE_URL: databaseUrl, LANTERN_DATA_DIR: tempDir('lantern-fault-data-') })
    const db = createDb(databaseUrl, 2)
    pools.push(db)
    const officer = await seedOfficer(db, testConfig())
    const cookie = await signInOverHttp(server.url, officer.email, officer.password, officer.mfaSecret)

    const load = burst(() => server.url, officer.token, 4, 'outage')
    const health: { status: number; at: number }[] = []
    let watching = true
    const watcher = (async () => {
      while (watching) {
        const response = await fetch(`${server.url}/health`).catch(() => undefined)
        health.push({ status: response?.status ?? 0, at: Date.now() })
        // The watcher's sampling rate, not a wait.
        await pause(100)
      }
    })()
    await waitFor(() => load.acknowledged().length >= 20, {
      timeout: 120_000,
      interval: 10,
      message: '20 acknowledged writes',
    })

    const stoppedAt = Date.now()
    await database.stop()
    // Down long enough for the watcher to see it: the health checks the assertions below read, not a time.
    await waitFor(() => health.filter((h) => h.at > stoppedAt + 500).length > 5, {
      timeout: 120_000,
      interval: 50,
      message: 'six health checks while the database is down',
    })
    // While it is down: a page says so plainly, with nothing of PostgreSQL's in it.
    const page = await fetch(`${server.url}/referrals`, { headers: { cookie } })
    expect(page.status).toBe(503)
    const pageText = await page.text()
    expect(pageText).toContain('cannot reach its database')
    expect(pageText).not.toMatch(/ECONNREFUSED|postgres|stack/i)

    const restartedAt = Date.now()
    database = await startEmbeddedPostgres({ dataDir: pgDir, port: pgPort, mode: 'owner' })
    databases.push(database)
    // Lantern is not restarted: its pool reconnects, and /health turns healthy again by itself.
    let recoveredAt = 0
    await waitFor(() => health.some((h) => h.at > restartedAt && h.status === 200), {
      timeout: 120_000,
      interval: 100,
      message: 'a healthy /health after the database came back',
    })
      .then(() => (recoveredAt = Date.now()))
      .catch(() => undefined)
    expect(recoveredAt, 'Lantern did not recover').toBeGreaterThan(0)
    const before = load.acknowledged().length
    await waitFor(() => load.acknowledged().length >= before + 20, {
      timeout: 120_000,
      interval: 10,
      message: '20 more acknowledged writes',
    })
    await load.stop()
    watching = false
    await watcher

    const during = health.filter((h) => h.at > stoppedAt + 500 && h.at < restartedAt)
    expect(during.length).toBeGreaterThan(5)
    expect(during.every((h) => h.status === 503)).toBe(true)
    // Every answer was a success or a clean 503 problem; none was a 500, none leaked internals.
    const failed = load.outcomes.filter((o) => o.status !== 201)
    expect(failed.length).toBeGreaterThan(0)
    for (const outcome of failed) {
      expect(outcome.status).toBe(503)
      expect(JSON.parse(outcome.body)).toMatchObject({
        status: 503,
        detail: expect.stringContaining('Nothing was saved'),
      })
      expect(outcome.body).not.toMatch(/ECONNREFUSED|terminating|postgres/i)
    }
    const total = await expectWhole(db, load.acknowledged())
    expect(await server.stop()).toBe(0)
    console.log(
      `database outage: ${load.acknowledged().length} acknowledged, ${failed.length} refused with 503, ${total} referrals; down ${restartedAt - stoppedAt} ms, healthy ${recoveredAt - restartedAt} ms after the database came back`,
    )
  }, 600_000)
})
