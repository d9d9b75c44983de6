/**
 * npm run bench:report — 2,000 public reports through /report from 50 concurrent clients (bounded, loopback
 * only), with the rate limit raised. Each client walks the whole journey as a browser would (start, five
 * answer pages, check, send); every tenth report is sent twice at once, as a double click. Prints throughput,
 * p50/p99 latency of the send, and checks that exactly 2,000 referrals were stored, with no duplicates and
 * no errors other than rate limiting.
 */
import { createDb } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { freshDatabase, startServer } from './support.ts'

const REPORTS = Number(process.env.BENCH_REPORTS ?? 2_000)
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50)

type Outcome = { sendMs: number[]; statuses: Map<number, number> }

class Client {
  private cookies = new Map<string, string>()
  private csrf = ''
  constructor(private readonly base: string) {}

  private remember(response: Response, body: string) {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const i = pair.indexOf('=')
      this.cookies.set(pair.slice(0, i), pair.slice(i + 1))
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(body)
    if (token) this.csrf = token[1]
  }

  async get(path: string) {
    const response = await fetch(this.base + path, {
      redirect: 'manual',
      headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    })
    const body = await response.text()
    this.remember(response, body)
    return { status: response.status, body }
  }

  async post(path: string, form: Record<string, string>) {
    const response = await fetch(this.base + path, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: new URLSearchParams({ _csrf: this.csrf, ...form }),
    })
    const body = await response.text()
    this.remember(response, body)
    return { status: response.status, body }
  }
}

async function oneReport(base: string, n: number, outcome: Outcome) {
  const count = (status: number) => outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1)
  const client = new Client(base)
  await client.get('/report')
  const steps: [string, Record<string, string>][] = [
    ['/report/start', {}],
    ['/report/what', { what: `Synthetic benchmark report ${n}: people dropped at a car wash at 6am.` }],
    ['/report/where', { place: `Unit ${n}, Dock Road`, town: 'Riverton', postcode: '' }],
    ['/report/when', { when: 'week', ongoing: 'yes', details: '' }],
    ['/report/people', { description: 'Two men', seemed: 'Tired' }],
    ['/report/contact', { name: '', phone: '', email: '' }],
  ]
  for (const [path, form] of steps) {
    const response = await client.post(path, form)
    if (response.status !== 303) return count(response.status)
  }
  const check = await client.get('/report/check')
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(check.body)?.[1] ?? ''
  const started = performance.now()
  const sends =
    n % 10 === 0
      ? [
          client.post('/report/check', { idempotencyKey: key, website: '' }),
          client.post('/report/check', { idempotencyKey: key, website: '' }),
        ]
      : [client.post('/report/check', { idempotencyKey: key, website: '' })]
  const results = await Promise.all(sends)
  outcome.sendMs.push(performance.now() - started)
  for (const r of results) count(r.status)
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0
}

async function main() {
  const databaseUrl = await freshDatabase('lantern_bench_report')
  const migrateDb = createDb(databaseUrl, 2)
  await migrateToLatest(migrateDb)
  await migrateDb.destroy()
  const server = await startServer({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '20',
    PUBLIC_REPORT_RATE_LIMIT_PER_MINUTE: '1000000',
  })
  if (!server.url.startsWith('http://127.0.0.1:')) throw new Error('The benchmark runs on loopback only')
  const outcome: Outcome = { sendMs: [], statuses: new Map() }
  let next = 0
  const started = performance.now()
  try {
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let n = next++; n < REPORTS; n = next++) await oneReport(server.url, n, outcome)
      }),
    )
  } finally {
    await server.stop()
  }
  const seconds = (performance.now() - started) / 1000
  const db = createDb(databaseUrl, 2)
  const stored = await db
    .selectFrom('referrals')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('source', '=', 'public-concern')
    .executeTakeFirstOrThrow()
  const keys = await db
    .selectFrom('public_report_submissions')
    .select((eb) => [eb.fn.countAll<string>().as('n'), eb.fn.count<string>('referral_id').distinct().as('referrals')])
    .executeTakeFirstOrThrow()
  await db.destroy()
  const statuses = Object.fromEntries([...outcome.statuses].sort())
  const errors = [...outcome.statuses].filter(([s]) => s !== 303 && s !== 429).reduce((sum, [, c]) => sum + c, 0)
  console.log(
    `Public reports: ${REPORTS} from ${CLIENTS} concurrent clients in ${seconds.toFixed(1)} s (${(REPORTS / seconds).toFixed(1)} reports/s, whole journeys)`,
  )
  console.log(
    `Send latency: p50 ${percentile(outcome.sendMs, 50).toFixed(1)} ms, p99 ${percentile(outcome.sendMs, 99).toFixed(1)} ms`,
  )
  console.log(`Responses to the final sends and any failed steps, by status: ${JSON.stringify(statuses)}`)
  console.log(`Stored: ${stored.n} referrals, ${keys.n} idempotency keys for ${keys.referrals} distinct referrals`)
  const ok =
    Number(stored.n) === REPORTS && Number(keys.n) === REPORTS && Number(keys.referrals) === REPORTS && errors === 0
  console.log(
    ok
      ? `OK: exactly ${REPORTS} stored, no duplicates, no errors other than rate limiting`
      : 'FAILED: see the figures above',
  )
  process.exitCode = ok ? 0 : 1
}

await main()
