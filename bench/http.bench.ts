/**
 * npm run bench:http — signed in as a supervisor over 10,000 referrals, the audited record pages (person,
 * referral, live job) and the triage queue, each against /health in the same run with the same session cookie:
 * requests per second, p50 and p99 from autocannon (BENCH_CONNECTIONS, default 10; bounded, loopback only), and
 * each page's throughput as a share of /health's. On a shared machine absolute figures move with the neighbours'
 * load; the ratios to /health, measured back to back, are what to compare.
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
import { freshDatabase, signIn, startServer } from './support.ts'

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 10_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)

async function load(url: string) {
  const db = createDb(url, 4)
  await migrateToLatest(db)
  const users = Array.from({ length: 8 }, (_, i) => ({ id: uuidv7(), email: `dc${i}@bench.lantern.test` }))
  const passwordHash = await hashPassword('bench-password-123', 12)
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
    { title: 'Operation Bench', kind: 'investigation' },
    current,
    { userId: users[0].id },
  )
  await db.destroy()
  return { email: users[0].email, password: 'bench-password-123', loadMs, referralId, personId, caseId: live.id }
}

function run(url: string, path: string, cookie?: string): Promise<autocannon.Result> {
  return autocannon({
    url: `${url}${path}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: cookie ? { cookie } : {},
  })
}

async function main() {
  const databaseUrl = await freshDatabase('lantern_bench_http')
  const user = await load(databaseUrl)
  const server = await startServer({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '20' })
  try {
    const cookie = await signIn(server.url, user.email, user.password)
    const check = await fetch(`${server.url}/referrals`, { headers: { cookie } })
    // A supervisor's queue opens on what needs them, so any page of referrals will do.
    if (!/Showing [\d,]+ to [\d,]+ of [\d,]+\+? referrals/.test(await check.text()))
      throw new Error('the list page does not show the benchmark referrals')
    const pages = [
      { name: 'queue /referrals', path: '/referrals' },
      { name: 'person page', path: `/people/${user.personId}` },
      { name: 'referral page', path: `/referrals/${user.referralId}` },
      { name: 'live job (case) page', path: `/cases/${user.caseId}` },
    ]
    for (const page of pages) {
      const response = await fetch(`${server.url}${page.path}`, { headers: { cookie }, redirect: 'manual' })
      if (response.status !== 200) throw new Error(`${page.name} answered ${response.status}`)
      await run(server.url, page.path, cookie) // warm-up: templates compiled, caches filled
    }
    await run(server.url, '/health', cookie) // warm-up
    const health = await run(server.url, '/health', cookie)
    const measured = []
    for (const page of pages) measured.push({ ...page, result: await run(server.url, page.path, cookie) })
    // /health again at the end: a neighbour's load that came or went during the run shows as a difference.
    const healthAfter = await run(server.url, '/health', cookie)
    const healthRate = (health.requests.average + healthAfter.requests.average) / 2
    const row = (name: string, r: autocannon.Result) => ({
      name,
      requestsPerSecond: Math.round(r.requests.average),
      toHealth: +(r.requests.average / healthRate).toFixed(3),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    })
    const results = [
      row('/health (signed in)', health),
      ...measured.map((m) => row(m.name, m.result)),
      row('/health again', healthAfter),
    ]
    console.table(results)
    console.log(
      JSON.stringify({
        referrals: REFERRALS,
        seconds: SECONDS,
        connections: CONNECTIONS,
        loadMs: user.loadMs,
        results,
        listToHealthThroughputRatio: results[1].toHealth,
      }),
    )
    if (results.some((r) => r.non2xx > 0 || r.errors > 0)) process.exitCode = 1
  } finally {
    await server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
