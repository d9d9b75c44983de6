/**
 * npm run bench:load — 50 officers signed in through the real sign-in (password, then the authenticator code)
 * work a seeded database for a bounded time on loopback, each in a loop with no think time: the triage queue
 * (plain and filtered), referral pages, person pages (audited), search, "My work", screening (the assessment
 * API with the shared scenarios' facts) and saving a new referral. Reports throughput, p50/p99 per page, the
 * error count (target zero) and the server's memory; then saving a referral alone at 10, 25 and 50 users (saves
 * per second, p50, p99); then /health and the heaviest page alone, with the same connections, for the ratio of
 * their throughputs. On a shared machine, compare ratios rather than absolute figures.
 *
 * BENCH_REFERRALS (default 10,000), BENCH_SECONDS (the mix, default 30; 0 runs the save phases alone), BENCH_PHASE_SECONDS (each single-page
 * run, default 10), BENCH_USERS (default 50). Runs against the machine's PostgreSQL (LANTERN_BENCH_PG_URL).
 * During each save phase the server's connections are sampled every 50 ms (wait-sampler.ts) and what they waited
 * on is printed: lock waits are evidence of serialisation that does not depend on how loaded the machine is.
 *
 * BENCH_REUSE=1 keeps the seeded database (as BENCH_DATABASE_seeded; BENCH_DATABASE defaults to lantern_bench_load)
 * and starts each later run from a copy of it, so runs compare on the same data without minutes of seeding.
 * The server's CPU time per save is printed for each save phase (from /proc): the figure a loaded machine
 * disturbs least.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { createDb } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { loadConfig } from '#src/platform/config/config.ts'
import { createAuthService } from '#src/platform/auth/auth.service.ts'
import { newTotpSecret } from '#src/platform/auth/totp.ts'
import { hashPassword } from '#src/platform/auth/password.ts'
import { ROOT } from '#src/platform/paths.ts'
import { createRandom, generateReferrals, insertSynthetic } from '#src/modules/demo/synthetic.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { signInOverHttp } from '../test/e2e/support/processes.ts'
import { cloneDatabase, existingDatabase, freshDatabase, serverCpuMs, startServer } from './support.ts'
import { formatWaits, sampleWaits } from './wait-sampler.ts'

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 10_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30)
const PHASE_SECONDS = Number(process.env.BENCH_PHASE_SECONDS ?? 10)
const USERS = Number(process.env.BENCH_USERS ?? 50)
const PASSWORD = 'bench-load-password-123'
const DATABASE = process.env.BENCH_DATABASE ?? 'lantern_bench_load'

type User = { id: string; email: string; mfaSecret: string; token: string; cookie: string }

/** The officers and referrals, as a fresh database gets them (the part worth keeping between runs). */
async function seed(url: string): Promise<number> {
  const db = createDb(url, 4)
  await migrateToLatest(db)
  console.log('  schema migrated')
  const passwordHash = await hashPassword(PASSWORD, 12)
  const users = Array.from({ length: USERS }, (_, i) => ({
    id: uuidv7(),
    email: `officer${i}@load.lantern.test`,
    role: i % 10 === 0 ? 'supervisor' : 'investigator',
    mfaSecret: newTotpSecret(),
  }))
  // Everyone has set up two-factor sign-in (a secret the benchmark knows, as their phone would).
  await db
    .insertInto('users')
    .values(
      users.map((u) => ({
        id: u.id,
        email: u.email,
        display_name: `DC ${u.email}`,
        role_id: u.role,
        password_hash: passwordHash,
        mfa_secret: u.mfaSecret,
        mfa_enrolled_at: new Date(),
      })),
    )
    .execute()
  const started = Date.now()
  const data = generateReferrals(REFERRALS, {
    random: createRandom(11),
    users: users.map((u) => ({ id: u.id, canWork: true, canRecord: true })),
    days: 365 * 3,
    firstNumber: 1,
  })
  await insertSynthetic(db, data)
  const loadMs = Date.now() - started
  console.log(`  ${REFERRALS} referrals inserted in ${loadMs} ms`)
  // A live system's autovacuum has long since analysed its tables (as bench:http does).
  await sql`VACUUM ANALYZE`.execute(db)
  await db.destroy()
  return loadMs
}

/** The run's users (with their API tokens, made afresh each run) and the records they read. */
async function prepare(url: string, loadMs: number) {
  const db = createDb(url, 4)
  await migrateToLatest(db)
  const users = (
    await sql<{ id: string; email: string; mfa_secret: string }>`
      SELECT id, email, mfa_secret FROM users WHERE email LIKE 'officer%@load.lantern.test'
      ORDER BY substring(email from 'officer(\d+)@')::int LIMIT ${USERS}`.execute(db)
  ).rows.map((u) => ({ id: u.id, email: u.email, mfaSecret: u.mfa_secret }))
  if (users.length < USERS) throw new Error(`the database has ${users.length} bench users, not ${USERS}`)
  const auth = createAuthService(
    db,
    loadConfig({ NODE_ENV: 'test', DATABASE_URL: url, LANTERN_DATA_DIR: join(ROOT, 'data'), PASSWORD_HASH_COST: '12' }),
  )
  // API tokens for the two actions the API serves (screening facts, recording a referral from a form's data).
  const tokens: string[] = []
  for (const u of users) tokens.push((await auth.createApiToken(u.email, 'load bench', 1, { userId: null })).token)
  // A fixed sample (ordered by a hash of the id), so runs on copies of one database read the same records.
  const referrals = (
    await sql<{ id: string }>`SELECT id FROM referrals ORDER BY md5(id::text) LIMIT 2000`.execute(db)
  ).rows.map((r) => r.id)
  const people = (
    await sql<{ id: string }>`SELECT id FROM people ORDER BY md5(id::text) LIMIT 2000`.execute(db)
  ).rows.map((r) => r.id)
  const names = (
    await sql<{ full_name: string }>`SELECT full_name FROM person_names ORDER BY md5(id::text) LIMIT 500`.execute(db)
  ).rows.map((r) => r.full_name)
  await db.destroy()
  return { users: users.map((u, i) => ({ ...u, token: tokens[i] })), referrals, people, names, loadMs }
}

/**
 * The database for this run. With BENCH_REUSE=1 a copy of the one an earlier run seeded (kept as
 * BENCH_DATABASE_seeded, untouched by any run's saves), so every run starts from the same data in seconds;
 * otherwise seeded afresh (and, with BENCH_REUSE=1, kept for the next run).
 */
async function database(): Promise<{ url: string; loadMs: number }> {
  const template = `${DATABASE}_seeded`
  if (process.env.BENCH_REUSE === '1' && (await existingDatabase(template))) {
    console.log(`Copying ${template} (BENCH_REUSE=1)…`)
    return { url: await cloneDatabase(template, DATABASE), loadMs: 0 }
  }
  const url = await freshDatabase(DATABASE)
  console.log(`Seeding ${REFERRALS} referrals and ${USERS} users…`)
  const loadMs = await seed(url)
  if (process.env.BENCH_REUSE === '1') await cloneDatabase(DATABASE, template)
  return { url, loadMs }
}

type Pick = <T>(xs: T[]) => T
type Op = {
  name: string
  weight: number
  run: (user: User, pick: Pick) => Promise<Response>
  ok: number[]
  path?: (pick: Pick) => string
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024)
}

async function main() {
  const { url, loadMs } = await database()
  const seeded = await prepare(url, loadMs)
  const poolSize = 20
  const server = await startServer({
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: String(poolSize),
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '10000',
    SESSION_SECRET: 'load-bench-session-secret-0123456789abcdef',
  })
  const pid = server.child.pid!
  try {
    const signInStarted = Date.now()
    const users: User[] = []
    for (const u of seeded.users)
      users.push({ ...u, cookie: await signInOverHttp(server.url, u.email, PASSWORD, u.mfaSecret) })
    const signInMs = Date.now() - signInStarted
    console.log(`Signed in ${users.length} users through the sign-in pages with their second factor in ${signInMs} ms`)

    const scenarios = (
      JSON.parse(readFileSync(join(ROOT, '../shared/data/scenarios/screening-scenarios.json'), 'utf8')) as {
        facts: unknown
      }[]
    ).map((s) => s.facts)
    const page = (name: string, weight: number, path: (pick: Pick) => string): Op => ({
      name,
      weight,
      ok: [200],
      path,
      run: (user, pick) =>
        fetch(`${server.url}${path(pick)}`, { headers: { cookie: user.cookie }, redirect: 'manual' }),
    })
    const api = (path: string, body: (pick: Pick) => unknown) => (user: User, pick: Pick) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body(pick)),
      })
    let saved = 0
    const ops: Op[] = [
      page('queue /referrals', 20, () => '/referrals'),
      page('queue filtered', 8, () => '/referrals?status=open&exploitationType=criminal&sort=newest'),
      page('referral page', 15, (pick) => `/referrals/${pick(seeded.referrals)}`),
      page('person page', 15, (pick) => `/people/${pick(seeded.people)}`),
      page('search', 15, (pick) => `/search?q=${encodeURIComponent(pick(seeded.names))}`),
      page('my work', 7, () => '/my-work'),
      {
        name: 'screening (API)',
        weight: 10,
        ok: [200],
        run: api('/api/v1/assessments', (pick) => ({ facts: pick(scenarios) })),
      },
      {
        name: 'save referral (API)',
        weight: 10,
        ok: [201],
        run: api('/api/v1/referrals', () => ({
          receivedAt: new Date().toISOString(),
          source: 'helpline',
          referringOrganisation: 'Modern Slavery Helpline',
          summary: `Load bench referral ${saved++}: workers collected from a car wash at dawn.`,
          people: [
            { names: [`Bench Person ${saved}`], gender: 'male', nationalities: ['RO'], role: 'potential-victim' },
          ],
          locations: [
            { addressLine1: `${saved} Mill Lane`, town: 'Riverton', postcode: 'LS11 5AB', premisesType: 'car-wash' },
          ],
          exploitationTypes: ['labour'],
          countyLines: false,
          priorityTags: [],
        })),
      },
    ]
    const total = ops.reduce((a, o) => a + o.weight, 0)
    const latencies = new Map(ops.map((o) => [o.name, [] as number[]]))
    const errors = new Map(ops.map((o) => [o.name, 0]))
    const errorSamples: string[] = []
    const random = createRandom(5)
    const pick: Pick = (xs) => xs[random.int(0, xs.length - 1)]
    const choose = () => {
      let r = random.next() * total
      for (const op of ops) if ((r -= op.weight) < 0) return op
      return ops[0]
    }

    const rss: number[] = [rssMb(pid)]
    const sampler = setInterval(() => rss.push(rssMb(pid)), 1000)
    const deadline = Date.now() + SECONDS * 1000
    await Promise.all(
      users.map(async (user) => {
        while (Date.now() < deadline) {
          const op = choose()
          const started = performance.now()
          try {
            const response = await op.run(user, pick)
            await response.arrayBuffer()
            latencies.get(op.name)!.push(performance.now() - started)
            if (!op.ok.includes(response.status)) {
              errors.set(op.name, errors.get(op.name)! + 1)
              if (errorSamples.length < 5) errorSamples.push(`${op.name}: ${response.status}`)
            }
          } catch (error) {
            errors.set(op.name, errors.get(op.name)! + 1)
            if (errorSamples.length < 5) errorSamples.push(`${op.name}: ${String(error)}`)
          }
        }
      }),
    )
    clearInterval(sampler)
    const rows = ops.map((op) => {
      const sorted = latencies.get(op.name)!.sort((a, b) => a - b)
      return {
        page: op.name,
        requests: sorted.length,
        perSecond: +(sorted.length / SECONDS).toFixed(1),
        p50Ms: Math.round(percentile(sorted, 50)),
        p99Ms: Math.round(percentile(sorted, 99)),
        errors: errors.get(op.name)!,
      }
    })
    const all = rows.reduce((a, r) => a + r.requests, 0)
    const errorCount = rows.reduce((a, r) => a + r.errors, 0)
    console.table(rows)
    console.log(
      `Mix: ${all} requests in ${SECONDS} s = ${(all / SECONDS).toFixed(1)} requests/s from ${users.length} users; ${errorCount} errors${errorSamples.length ? ` (${errorSamples.join('; ')})` : ''}`,
    )
    console.log(`Server memory (RSS): ${rss[0]} MB before, peak ${Math.max(...rss)} MB, ${rss.at(-1)} MB at the end`)

    // Saving a referral alone, with 10, 25 and 50 users each saving in a loop with no think time: saves per second
    // should rise with users rather than flatten, since no save waits on another's commit (ADR 0012, 0054).
    const saveOp = ops.find((o) => o.name === 'save referral (API)')!
    const savePhases: {
      users: number
      saves: number
      perSecond: number
      p50Ms: number
      p99Ms: number
      serverCpuMsPerSave: number | null
      errors: number
    }[] = []
    for (const n of [10, 25, 50].filter((n) => n <= users.length)) {
      const times: number[] = []
      let failed = 0
      const waits = sampleWaits(url)
      const cpuBefore = serverCpuMs(pid)
      const until = Date.now() + PHASE_SECONDS * 1000
      await Promise.all(
        users.slice(0, n).map(async (user) => {
          while (Date.now() < until) {
            const started = performance.now()
            try {
              const response = await saveOp.run(user, pick)
              await response.arrayBuffer()
              times.push(performance.now() - started)
              if (response.status !== 201) failed++
            } catch {
              failed++
            }
          }
        }),
      )
      const cpuAfter = serverCpuMs(pid)
      console.log(
        `What the server's connections did while ${n} users saved:\n${formatWaits(await waits.stop(), poolSize)}`,
      )
      times.sort((a, b) => a - b)
      savePhases.push({
        users: n,
        saves: times.length,
        perSecond: +(times.length / PHASE_SECONDS).toFixed(1),
        p50Ms: Math.round(percentile(times, 50)),
        p99Ms: Math.round(percentile(times, 99)),
        serverCpuMsPerSave:
          cpuBefore === null || cpuAfter === null || times.length === 0
            ? null
            : +((cpuAfter - cpuBefore) / times.length).toFixed(2),
        errors: failed,
      })
    }
    console.table(savePhases)
    // BENCH_SECONDS=0: the save phases alone (to profile saves), without the mix or the heaviest page.
    if (SECONDS === 0) {
      console.log(JSON.stringify({ referrals: REFERRALS, users: users.length, saves: savePhases }))
      if (savePhases.some((p) => p.errors > 0)) process.exitCode = 1
      return
    }

    // The heaviest page (slowest at the median in the mix), alone, against /health alone: same connections.
    const heaviest = rows.filter((r) => !r.page.includes('(API)')).sort((a, b) => b.p50Ms - a.p50Ms)[0]
    // One fixed record for the single-page run: autocannon repeats one request.
    const heaviestPath = ops.find((o) => o.name === heaviest.page)!.path!((xs) => xs[0])
    const connections = 20
    const run = (target: string, cookie?: string) =>
      autocannon({
        url: `${server.url}${target}`,
        connections,
        duration: PHASE_SECONDS,
        headers: cookie ? { cookie } : {},
      })
    await run('/health')
    const health = await run('/health')
    const heavy = await run(heaviestPath, users[0].cookie)
    const ratio = heavy.requests.average / health.requests.average
    console.table([
      {
        page: '/health',
        perSecond: Math.round(health.requests.average),
        p50Ms: health.latency.p50,
        p99Ms: health.latency.p99,
        non2xx: health.non2xx,
        errors: health.errors,
      },
      {
        page: `${heaviest.page} ${heaviestPath.split('?')[0].replace(/[0-9a-f-]{36}/, ':id')}`,
        perSecond: Math.round(heavy.requests.average),
        p50Ms: heavy.latency.p50,
        p99Ms: heavy.latency.p99,
        non2xx: heavy.non2xx,
        errors: heavy.errors,
      },
    ])
    console.log(`Heaviest page (${heaviest.page}) to /health throughput ratio: ${ratio.toFixed(3)}`)
    console.log(
      JSON.stringify({
        referrals: REFERRALS,
        users: users.length,
        seconds: SECONDS,
        seedMs: seeded.loadMs,
        signInMs,
        mix: { requests: all, perSecond: +(all / SECONDS).toFixed(1), errors: errorCount, pages: rows },
        rssMb: { before: rss[0], peak: Math.max(...rss), end: rss.at(-1) },
        health: {
          perSecond: Math.round(health.requests.average),
          p50Ms: health.latency.p50,
          p99Ms: health.latency.p99,
        },
        heaviest: {
          page: heaviest.page,
          perSecond: Math.round(heavy.requests.average),
          p50Ms: heavy.latency.p50,
          p99Ms: heavy.latency.p99,
          non2xx: heavy.non2xx,
        },
        heaviestToHealthRatio: +ratio.toFixed(3),
        saves: savePhases,
      }),
    )
    if (errorCount > 0 || heavy.non2xx > 0 || savePhases.some((p) => p.errors > 0)) process.exitCode = 1
  } finally {
    await server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
