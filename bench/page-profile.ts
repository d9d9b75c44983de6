/**
 * node --import tsx bench/page-profile.ts PATH… — one record page's CPU, profiled on its own.
 *
 * For each path: starts a server with `--cpu-prof` on a database `npm run bench:http` loaded (BENCH_DATABASE,
 * default lantern_bench_http), signs in as the bench's supervisor, warms the page up, then loads it for
 * BENCH_SECONDS (default 10) at BENCH_CONNECTIONS (default 10) and stops the server, so the profile holds that
 * page's requests only. Prints the requests served, the server's CPU ms per request (from /proc) and where the
 * profile is, with the command that sums the load's part of it (`bench/cpu-profile.ts`, by function and package). `{person}`, `{referral}` and
 * `{case}` in a path stand for the bench's subjects.
 */
import { mkdtempSync, readdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { createDb } from '#src/platform/db/database.ts'
import { existingDatabase, serverCpuMs, signIn, startServer } from './support.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10)
const DATABASE = process.env.BENCH_DATABASE ?? 'lantern_bench_http'

async function main() {
  const url = await existingDatabase(DATABASE)
  if (!url) throw new Error(`no database ${DATABASE}: run npm run bench:http first`)
  const db = createDb(url, 1)
  const { rows } = await sql<{ case_id: string; referral_id: string; person_id: string }>`
    SELECT c.id AS case_id, cr.referral_id,
      (SELECT s.person_id FROM referral_subjects s WHERE s.referral_id = cr.referral_id AND s.role = 'potential-victim'
        ORDER BY s.person_id LIMIT 1) AS person_id
    FROM cases c JOIN case_referrals cr ON cr.case_id = c.id WHERE c.title = 'Operation Bench' LIMIT 1`.execute(db)
  await sql`UPDATE users SET mfa_secret = NULL, mfa_enrolled_at = NULL WHERE email LIKE '%@bench.lantern.test'`.execute(
    db,
  )
  await db.destroy()
  const subjects: Record<string, string> = {
    person: rows[0].person_id,
    referral: rows[0].referral_id,
    case: rows[0].case_id,
  }
  for (const given of process.argv.slice(2)) {
    const path = given.replace(/\{(\w+)\}/g, (_, name: string) => subjects[name])
    let window = ''
    const dir = mkdtempSync(join(tmpdir(), 'lantern-profile-'))
    process.env.BENCH_NODE_FLAGS = `--cpu-prof --cpu-prof-dir=${dir}`
    const spawned = performance.now()
    const server = await startServer({ DATABASE_URL: url, DATABASE_POOL_SIZE: '20' })
    try {
      const cookie = await signIn(server.url, 'dc0@bench.lantern.test', 'bench-password-123')
      const check = await fetch(`${server.url}${path}`, { headers: { cookie } })
      if (check.status !== 200) throw new Error(`${path} answered ${check.status}`)
      const options = { url: `${server.url}${path}`, connections: CONNECTIONS, headers: { cookie } }
      await autocannon({ ...options, duration: 3 })
      const from = performance.now() - spawned
      const before = serverCpuMs(server.child.pid)
      const result = await autocannon({ ...options, duration: SECONDS })
      const after = serverCpuMs(server.child.pid)
      const to = performance.now() - spawned
      const cpu = before === null || after === null ? null : (after - before) / result.requests.total
      console.log(
        `${given}: ${result.requests.total} requests, ${Math.round(result.requests.average)}/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, CPU ${cpu?.toFixed(2)} ms/request (non-2xx ${result.non2xx})`,
      )
      // The load alone, without start-up and warm-up (a second in, to be clear of the start).
      window = `--from-ms ${Math.round(from + 1000)} --to-ms ${Math.round(to)} --per ${Math.round((result.requests.total * (to - from - 1000)) / (to - from))}`
    } finally {
      await server.stop()
    }
    // The main thread's profile is the largest (the others are tsx's loader threads).
    const [main] = readdirSync(dir)
      .map((f) => join(dir, f))
      .sort((a, b) => statSync(b).size - statSync(a).size)
    console.log(`  node --import tsx bench/cpu-profile.ts ${main} 40 ${window}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
