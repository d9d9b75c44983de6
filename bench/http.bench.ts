/**
 * npm run bench:http — signed in as a supervisor over 10,000 referrals, the audited record pages (person,
 * referral, live job) and the triage queue, each against /health in the same run with the same session cookie:
 * requests per second, p50 and p99 from autocannon (BENCH_CONNECTIONS, default 10; bounded, loopback only), and
 * each page's throughput as a share of /health's. On a shared machine absolute figures move with the neighbours'
 * load; the ratios to /health, measured back to back, are what to compare.
 *
 * Then each page's time budget: BENCH_BUDGET_SAMPLES (default 50) requests one at a time, read back from the
 * server's Server-Timing header (SERVER_TIMING=1, observability/request-timing.ts): round trips and their time,
 * session, access policy, render, audit and commit, and the rest (JavaScript in the handlers), medians in ms.
 * Measured one at a time so the figures are the request's own cost, not its wait behind the others.
 *
 * Each run also reports the server process's CPU time per request (from /proc), which a loaded machine
 * disturbs far less than the rates do.
 *
 * BENCH_REUSE=1 measures again on the database an earlier run loaded (BENCH_DATABASE names it, to keep one per
 * version being compared); BENCH_SECONDS (default 10) per run. BENCH_BASELINE_ROOT (another checkout, e.g. a git
 * worktree of the commit before a change) measures a second server from it on its own copy of the data
 * (BENCH_BASELINE_DATABASE), each page on both back to back, and prints the two side by side: on a machine shared
 * with other work, that comparison is fairer than two runs minutes apart.
 */
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { createDb } from '#src/platform/db/database.ts'
import { loadConfig } from '#src/platform/config/config.ts'
import { createServices } from '#src/container.ts'
import type { Permission } from '#src/platform/auth/permissions.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { hashPassword } from '#src/platform/auth/password.ts'
import { createRandom, generateReferrals, insertSynthetic } from '#src/modules/demo/synthetic.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { parseServerTiming } from '#src/platform/observability/request-timing.ts'
import {
  existingDatabase,
  freshDatabase,
  percentile,
  reusableDatabase,
  serverCpuMs,
  signIn,
  startServer,
} from './support.ts'

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 10_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const BUDGET_SAMPLES = Number(process.env.BENCH_BUDGET_SAMPLES ?? 50)
const DATABASE = process.env.BENCH_DATABASE ?? 'lantern_bench_http'
const BENCH_EMAIL = 'dc0@bench.lantern.test'
const BENCH_PASSWORD = 'bench-password-123'
const BENCH_CASE = 'Operation Bench'

type Subjects = {
  email: string
  password: string
  loadMs: number
  referralId: string
  personId: string
  caseId: string
}

/** The subjects of an earlier run's database (BENCH_REUSE=1), if it was loaded completely with as many referrals. */
async function reuse(): Promise<{ url: string; subjects: Subjects } | null> {
  let subjects: Subjects | null = null
  const url = await reusableDatabase(DATABASE, async (db) => {
    // The live job is opened last, so its presence marks a finished load.
    const { rows } = await sql<{ referrals: number; case_id: string; referral_id: string; person_id: string }>`
      SELECT (SELECT count(*) FROM referrals)::int AS referrals, c.id AS case_id, cr.referral_id,
        (SELECT s.person_id FROM referral_subjects s WHERE s.referral_id = cr.referral_id AND s.role = 'potential-victim'
          ORDER BY s.person_id LIMIT 1) AS person_id
      FROM cases c JOIN case_referrals cr ON cr.case_id = c.id WHERE c.title = ${BENCH_CASE} LIMIT 1`.execute(db)
    if (rows.length === 0 || rows[0].referrals !== REFERRALS) return false
    // The bench's sign-in sets up two-factor afresh each run (its key is not kept between runs).
    await sql`UPDATE users SET mfa_secret = NULL, mfa_enrolled_at = NULL WHERE email LIKE '%@bench.lantern.test'`.execute(
      db,
    )
    subjects = {
      email: BENCH_EMAIL,
      password: BENCH_PASSWORD,
      loadMs: 0,
      referralId: rows[0].referral_id,
      personId: rows[0].person_id,
      caseId: rows[0].case_id,
    }
    return true
  })
  return url && subjects ? { url, subjects } : null
}

async function load(url: string) {
  const db = createDb(url, 4)
  await migrateToLatest(db)
  const users = Array.from({ length: 8 }, (_, i) => ({ id: uuidv7(), email: `dc${i}@bench.lantern.test` }))
  const passwordHash = await hashPassword(BENCH_PASSWORD, 12)
  await db
    .insertInto('users')
    .values(
      users.map((u) => ({
        id: u.id,
        email: u.email,
        display_name: `DC ${u.email}`,
        role_id: 'supervisor',
        password_hash: passwordHash,
      })),
    )
    .execute()
  const started = Date.now()
  const data = generateReferrals(REFERRALS, {
    random: createRandom(7),
    users: users.map((u) => ({ id: u.id, canWork: true, canRecord: true })),
    days: 365 * 3,
    firstNumber: 1,
  })
  await insertSynthetic(db, data)
  // A live system's autovacuum has long since analysed its tables: measuring on a fresh load's empty statistics
  // would time plans (hash joins over whole tables) no user would see.
  await sql`VACUUM ANALYZE`.execute(db)
  const loadMs = Date.now() - started
  // The record pages' subjects: a referral naming a potential victim, that person, and a live job opened from
  // the referral through the case service (the synthetic data has referrals and people, no live jobs).
  const { rows } = await sql<{ referral_id: string; person_id: string }>`
    SELECT s.referral_id, s.person_id FROM referral_subjects s WHERE s.role = 'potential-victim'
    ORDER BY s.referral_id LIMIT 1`.execute(db)
  const { referral_id: referralId, person_id: personId } = rows[0]
  const role = await db
    .selectFrom('roles')
    .select(['name', 'permissions'])
    .where('id', '=', 'supervisor')
    .executeTakeFirstOrThrow()
  const services = createServices(db, loadConfig({ NODE_ENV: 'test', DATABASE_URL: url }))
  const current = {
    id: users[0].id,
    email: users[0].email,
    displayName: `DC ${users[0].email}`,
    roleId: 'supervisor',
    roleName: role.name,
    permissions: new Set(role.permissions as Permission[]),
  }
  const live = await services.cases.openFromReferral(
    referralId,
    { title: BENCH_CASE, kind: 'investigation' },
    current,
    { userId: users[0].id },
  )
  await db.destroy()
  return { email: users[0].email, password: BENCH_PASSWORD, loadMs, referralId, personId, caseId: live.id }
}

function run(url: string, path: string, cookie?: string): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: cookie ? { cookie } : {},
  })
}

/**
 * A page's time budget: requests one at a time, each one's Server-Timing read back; the median of each metric, and
 * `other`, what is left of the total after the database, the render and the session (JavaScript in the handlers).
 */
async function budget(url: string, path: string, cookie: string): Promise<Record<string, number>> {
  const samples: Record<string, number>[] = []
  for (let i = 0; i < BUDGET_SAMPLES; i++) {
    const response = await fetch(`${url}${path}`, { headers: { cookie } })
    await response.arrayBuffer()
    const header = response.headers.get('server-timing')
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
    // A server from before the budget existed sends none: its pages are measured by the runs above only.
    if (!header) return {}
    samples.push(parseServerTiming(header))
  }
  const names = new Set(samples.flatMap((s) => Object.keys(s)))
  const medians: Record<string, number> = {}
  for (const name of names)
    medians[name] = percentile(
      samples.map((s) => s[name] ?? 0),
      50,
    )
  medians.other = +(medians.total - medians.db - (medians.render ?? 0)).toFixed(1)
  return medians
}

type Target = {
  label: string
  server: Awaited<ReturnType<typeof startServer>>
  cookie: string
}

type Row = {
  name: string
  requestsPerSecond: number
  toHealth: number
  p50Ms: number
  p99Ms: number
  serverCpuMsPerRequest: number | null
  non2xx: number
  errors: number
}

async function main() {
  const reused = await reuse()
  const databaseUrl = reused?.url ?? (await freshDatabase(DATABASE))
  const user = reused?.subjects ?? (await load(databaseUrl))
  const env = { DATABASE_POOL_SIZE: '20', SERVER_TIMING: '1' }
  const targets: Target[] = []
  try {
    const server = await startServer({ ...env, DATABASE_URL: databaseUrl })
    targets.push({ label: 'this', server, cookie: await signIn(server.url, user.email, user.password) })
    // BENCH_BASELINE_ROOT: another checkout (say a worktree of the commit before a change), run as a second server
    // on its own copy of the data (BENCH_BASELINE_DATABASE, default DATABASE_baseline, which must exist and hold
    // the same records: CREATE DATABASE … TEMPLATE …). Each page is measured on both, back to back, so a
    // neighbour's load falls on both alike.
    const baselineRoot = process.env.BENCH_BASELINE_ROOT
    if (baselineRoot) {
      const name = process.env.BENCH_BASELINE_DATABASE ?? `${DATABASE}_baseline`
      const url = await existingDatabase(name)
      if (!url) throw new Error(`BENCH_BASELINE_ROOT needs the database ${name}`)
      // As for this run's database: the bench's sign-in sets up two-factor afresh (its key is not kept).
      const copy = createDb(url, 1)
      await sql`UPDATE users SET mfa_secret = NULL, mfa_enrolled_at = NULL WHERE email LIKE '%@bench.lantern.test'`.execute(
        copy,
      )
      await copy.destroy()
      const baseline = await startServer({ ...env, DATABASE_URL: url }, baselineRoot)
      targets.push({
        label: 'baseline',
        server: baseline,
        cookie: await signIn(baseline.url, user.email, user.password),
      })
    }
    for (const { server, cookie } of targets) {
      const check = await fetch(`${server.url}/referrals`, { headers: { cookie } })
      // A supervisor's queue opens on what needs them, so any page of referrals will do.
      if (!/Showing [\d,]+ to [\d,]+ of [\d,]+\+? referrals/.test(await check.text()))
        throw new Error('the list page does not show the benchmark referrals')
    }
    const pages = [
      { name: 'queue /referrals', path: '/referrals' },
      { name: 'person page', path: `/people/${user.personId}` },
      { name: 'referral page', path: `/referrals/${user.referralId}` },
      { name: 'live job (case) page', path: `/cases/${user.caseId}` },
    ]
    for (const { server, cookie } of targets) {
      for (const page of pages) {
        const response = await fetch(`${server.url}${page.path}`, { headers: { cookie }, redirect: 'manual' })
        if (response.status !== 200) throw new Error(`${page.name} answered ${response.status}`)
        await run(server.url, page.path, cookie) // warm-up: templates compiled, caches filled
      }
      await run(server.url, '/health', cookie) // warm-up
    }
    const cpu = new Map<autocannon.Result, number | null>()
    const measure = async ({ server, cookie }: Target, path: string) => {
      const pid = server.child.pid
      const before = serverCpuMs(pid)
      const result = await run(server.url, path, cookie)
      const after = serverCpuMs(pid)
      cpu.set(result, before === null || after === null ? null : +((after - before) / result.requests.total).toFixed(2))
      return result
    }
    // Each step on every target in turn (this, then the baseline), so both see the same neighbours.
    const steps = [
      { name: '/health (signed in)', path: '/health' },
      ...pages,
      { name: '/health again', path: '/health' },
    ]
    const measured = targets.map(() => [] as autocannon.Result[])
    for (const step of steps)
      for (const [i, target] of targets.entries()) measured[i].push(await measure(target, step.path))
    const tables = measured.map((results) => {
      // /health again at the end: a neighbour's load that came or went during the run shows as a difference.
      const healthRate = (results[0].requests.average + results.at(-1)!.requests.average) / 2
      return results.map((r, i): Row => ({
        name: steps[i].name,
        requestsPerSecond: Math.round(r.requests.average),
        toHealth: +(r.requests.average / healthRate).toFixed(3),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        serverCpuMsPerRequest: cpu.get(r) ?? null,
        non2xx: r.non2xx,
        errors: r.errors,
      }))
    })
    for (const [i, target] of targets.entries()) {
      if (targets.length > 1) console.log(`${target.label}:`)
      console.table(tables[i])
    }
    // Each page's budget, one request at a time (the session lookup included; db counts every round trip).
    const budgets = targets.map(() => ({}) as Record<string, Record<string, number>>)
    for (const page of [{ name: '/health (signed in)', path: '/health' }, ...pages])
      for (const [i, { server, cookie }] of targets.entries())
        budgets[i][page.name] = await budget(server.url, page.path, cookie)
    for (const [i, target] of targets.entries()) {
      if (targets.length > 1) console.log(`${target.label}:`)
      console.table(budgets[i])
    }
    if (targets.length > 1)
      console.table(
        steps.map((step, i) => ({
          name: step.name,
          toHealth: tables[0][i].toHealth,
          baselineToHealth: tables[1][i].toHealth,
          cpuMs: tables[0][i].serverCpuMsPerRequest,
          baselineCpuMs: tables[1][i].serverCpuMsPerRequest,
          p99Ms: tables[0][i].p99Ms,
          baselineP99Ms: tables[1][i].p99Ms,
        })),
      )
    const results = tables[0]
    console.log(
      JSON.stringify({
        referrals: REFERRALS,
        seconds: SECONDS,
        connections: CONNECTIONS,
        loadMs: user.loadMs,
        reused: !!reused,
        results,
        budgets: budgets[0],
        ...(targets.length > 1 ? { baseline: { results: tables[1], budgets: budgets[1] } } : {}),
        listToHealthThroughputRatio: results[1].toHealth,
      }),
    )
    if (tables.flat().some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1
  } finally {
    for (const { server } of targets) await server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
