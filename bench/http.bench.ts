/**
 * npm run bench:http — the referral list page, signed in, over 10,000 referrals, against /health in the same
 * run: requests per second and latency percentiles from autocannon (20 connections, bounded, loopback only).
 */
import autocannon from 'autocannon'
import { createDb } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { hashPassword } from '#src/platform/auth/password.ts'
import { createRandom, generateReferrals, insertSynthetic } from '#src/modules/demo/synthetic.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { freshDatabase, signIn, startServer } from './support.ts'

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 10_000)
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = 20

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
        role_id: 'investigator',
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
  await db.destroy()
  return { email: users[0].email, password: 'bench-password-123', loadMs: Date.now() - started }
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
    if (!/of 1,000\+ referrals/.test(await check.text()))
      throw new Error('the list page does not show the benchmark referrals')
    await run(server.url, '/health') // warm-up
    const health = await run(server.url, '/health')
    const list = await run(server.url, '/referrals', cookie)
    const filtered = await run(server.url, '/referrals?status=open&exploitationType=criminal&sort=newest', cookie)
    const row = (name: string, r: autocannon.Result) => ({
      name,
      requestsPerSecond: Math.round(r.requests.average),
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    })
    const results = [
      row('/health', health),
      row('/referrals (signed in, 10k)', list),
      row('/referrals filtered', filtered),
    ]
    console.table(results)
    console.log(
      JSON.stringify({
        referrals: REFERRALS,
        seconds: SECONDS,
        connections: CONNECTIONS,
        loadMs: user.loadMs,
        results,
        listToHealthThroughputRatio: +(list.requests.average / health.requests.average).toFixed(3),
      }),
    )
  } finally {
    await server.stop()
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
