/**
 * npm run bench:insight — the team dashboard and its charts at national scale: 500,000 referrals over ten
 * years and 1,000,000 people (800,000 potential victims, 200,000 suspected exploiters), 300,000 NRM referrals
 * with their decisions, 50,000 Duty to Notify reports, 50,000 live jobs with 200,000 tasks and 5,000 outreach
 * events. Data is generated inside PostgreSQL (generate_series) with the insight triggers off for the load
 * (lantern.insight_bulk), then the pre-aggregated tables are built once with insight_rebuild(), as a bulk
 * loader must. Reports p50/p95 of sequential requests, signed in, on loopback, over a mix of filters.
 * BENCH_REUSE=1 reuses a completely loaded database from an earlier run. Cold figures are each set of filters'
 * first request (a miss in the app's figures cache); the rest are warm, as a DI paging through the dashboard.
 */
import { sql } from 'kysely'
import { createDb } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { hashPassword } from '#src/platform/auth/password.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { totpCode } from '#src/platform/auth/totp.ts'
import { freshDatabase, reusableDatabase, startServer, percentile, time } from './support.ts'

const REFERRALS = Number(process.env.BENCH_REFERRALS ?? 500_000)
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 60)
const DATABASE = 'lantern_bench_insight'
const BENCH_EMAIL = 'di@bench.lantern.test'
const PASSWORD = 'bench-password-123'

const NATIONALITIES = [
  'GB',
  'GB',
  'GB',
  'GB',
  'AL',
  'AL',
  'AL',
  'VN',
  'VN',
  'ER',
  'ER',
  'SD',
  'SO',
  'RO',
  'PL',
  'IN',
  'CN',
  'NG',
  'IR',
  'IQ',
  'AF',
  'SY',
  'ET',
  'EG',
  'PK',
  'BD',
  'LT',
  'SK',
  'CZ',
  'HU',
  'BG',
  'UA',
  'GH',
  'KW',
  'LK',
  'PH',
  'BR',
  'TR',
  'MA',
  'TH',
]
const TYPE_SETS = [
  '{criminal}',
  '{criminal}',
  '{criminal}',
  '{labour}',
  '{labour}',
  '{labour}',
  '{sexual}',
  '{sexual}',
  '{not-specified}',
  '{not-specified}',
  '{domestic-servitude}',
  '{criminal,labour}',
  '{labour,sexual}',
  '{criminal,sexual}',
  '{domestic-servitude,labour}',
  '{criminal,labour,sexual}',
  '{organ-harvesting}',
  '{}',
]
const SOURCES = [
  'nrm-first-responder',
  'nrm-first-responder',
  'helpline',
  'police',
  'police',
  'partner-agency',
  'public-concern',
  'self-referral',
]
const TAGS = [
  '{}',
  '{}',
  '{}',
  '{}',
  '{}',
  '{sexual-exploitation}',
  '{travelling-community}',
  '{textile-industry}',
  '{}',
  '{sexual-exploitation,textile-industry}',
]
const STATUSES = ['closed', 'closed', 'closed', 'opened-as-case', 'new', 'in-triage', 'screening', 'closed']

const MFA_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

/** Signs in with the password and, as every staff role must, the second factor from the bench user's key. */
async function signIn(url: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>()
  const header = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const keep = (response: Response) => {
    for (const c of response.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const [name, ...rest] = pair.split('=')
      jar.set(name, rest.join('='))
    }
  }
  const form = async (path: string, fields: Record<string, string>) => {
    const page = await fetch(`${url}${path}`, { headers: { cookie: header() }, redirect: 'manual' })
    keep(page)
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header() },
      body: new URLSearchParams({ _csrf: token, ...fields }),
    })
    keep(response)
    return response.headers.get('location') ?? ''
  }
  const next = await form('/sign-in', { email, password })
  if (next.startsWith('/sign-in/two-factor')) await form('/sign-in/two-factor', { code: totpCode(MFA_SECRET) })
  if (!jar.get('lantern_session')) throw new Error('sign-in failed')
  return `lantern_session=${jar.get('lantern_session')}`
}

const lit = (values: string[]) => sql.join(values.map((v) => sql.lit(v)))

let loadMs = 0
let rebuildMs = 0

async function load(): Promise<string> {
  const databaseUrl = await freshDatabase(DATABASE)
  // One connection, so the session setting that turns the per-row insight triggers off holds for every statement.
  const db = createDb(databaseUrl, 1)
  await migrateToLatest(db)
  const started = Date.now()
  await sql`SET lantern.insight_bulk = 'on'`.execute(db)
  const people = REFERRALS * 2
  await sql`INSERT INTO people (id, date_of_birth, approximate_age, age_disputed, gender, nationalities, languages, updated_at)
    SELECT md5('person' || i)::uuid,
      CASE WHEN i % 10 < 7 THEN date '1955-01-01' + ((i::bigint * 7919) % 25000)::int END,
      CASE WHEN i % 10 = 7 THEN 12 + i % 40 END,
      i % 41 = 0,
      (ARRAY['male', 'male', 'male', 'female', 'female', 'other', 'not-known', 'male'])[1 + i % 8],
      CASE WHEN i % 23 = 0 THEN '{}'::text[] ELSE ARRAY[(ARRAY[${lit(NATIONALITIES)}])[1 + (i * 7) % ${NATIONALITIES.length}]] END,
      '{}', now()
    FROM generate_series(1, ${people}) i`.execute(db)
  // Ten years to today, evenly spread with a little jitter.
  await sql`INSERT INTO referrals (id, reference, received_at, source, summary, exploitation_types, county_lines, priority_tags, status, closure_reason)
    SELECT md5('referral' || i)::uuid, 'B-' || i,
      now() - interval '3650 days' + (i::double precision / ${REFERRALS}) * interval '3650 days' - ((i * 37) % 600) * interval '1 minute',
      (ARRAY[${lit(SOURCES)}])[1 + (i * 3) % ${SOURCES.length}],
      'Synthetic benchmark referral',
      (ARRAY[${lit(TYPE_SETS)}])[1 + (i * 5) % ${TYPE_SETS.length}]::text[],
      (i * 5) % ${TYPE_SETS.length} < 3 AND i % 4 = 0,
      (ARRAY[${lit(TAGS)}])[1 + (i * 11) % ${TAGS.length}]::text[],
      s.status,
      CASE WHEN s.status = 'closed' THEN 'no-further-action' END
    FROM generate_series(1, ${REFERRALS}) i
    CROSS JOIN LATERAL (SELECT (ARRAY[${lit(STATUSES)}])[1 + (i * 13) % ${STATUSES.length}] AS status) s`.execute(db)
  // Person 2i-1 is referral i's potential victim; person 2i is a second potential victim in three referrals in
  // five and a suspected exploiter in the rest.
  await sql`INSERT INTO referral_subjects (referral_id, person_id, role, position)
    SELECT md5('referral' || i)::uuid, md5('person' || (2 * i - 1))::uuid, 'potential-victim', 0 FROM generate_series(1, ${REFERRALS}) i
    UNION ALL
    SELECT md5('referral' || i)::uuid, md5('person' || (2 * i))::uuid, CASE WHEN i % 5 < 3 THEN 'potential-victim' ELSE 'suspected-exploiter' END, 1
    FROM generate_series(1, ${REFERRALS}) i`.execute(db)
  // NRM referrals for the first potential victim of three referrals in five; Duty to Notify for one in ten.
  await sql`INSERT INTO nrm_referrals (id, person_id, referral_id, nation, submitted_on, first_responder_organisation, competent_authority, child_at_referral, rg_due_on)
    SELECT md5('nrm' || i)::uuid, md5('person' || (2 * i - 1))::uuid, r.id, 'England', d.on, 'Bench Constabulary',
      (ARRAY['SCA', 'SCA', 'SCA', 'IECA'])[1 + i % 4], i % 3 = 0, d.on + 7
    FROM generate_series(1, ${REFERRALS}) i
    JOIN referrals r ON r.id = md5('referral' || i)::uuid
    CROSS JOIN LATERAL (SELECT ((r.received_at AT TIME ZONE 'Europe/London')::date + i % 5) AS on) d
    WHERE i % 5 < 3`.execute(db)
  await sql`INSERT INTO nrm_events (id, nrm_referral_id, kind, occurred_on, outcome, decided_by)
    SELECT md5('rg' || n.id)::uuid, n.id, 'reasonable-grounds', n.submitted_on + 3 + (abs(hashtext(n.id::text)) % 40), CASE WHEN abs(hashtext(n.id::text)) % 10 < 6 THEN 'positive' ELSE 'negative' END, 'SCA'
    FROM nrm_referrals n WHERE n.submitted_on < current_date - 45 AND abs(hashtext(n.id::text)) % 20 <> 0`.execute(db)
  await sql`INSERT INTO nrm_events (id, nrm_referral_id, kind, occurred_on, outcome, decided_by)
    SELECT md5('cg' || e.nrm_referral_id)::uuid, e.nrm_referral_id, 'conclusive-grounds', e.occurred_on + 60 + (abs(hashtext(e.id::text)) % 400),
      CASE WHEN abs(hashtext(e.id::text)) % 10 < 7 THEN 'positive' ELSE 'negative' END, 'SCA'
    FROM nrm_events e WHERE e.kind = 'reasonable-grounds' AND e.outcome = 'positive' AND e.occurred_on < current_date - 500`.execute(
    db,
  )
  await sql`INSERT INTO dtn_submissions (id, referral_id, person_id, submitted_on, nation, encountered_by, gender, nationality, age_at_exploitation, exploitation_types, exploitation_location)
    SELECT md5('dtn' || i)::uuid, md5('referral' || i)::uuid, md5('person' || (2 * i - 1))::uuid, (now() - interval '3650 days' + (i::double precision / ${REFERRALS}) * interval '3650 days')::date + 2,
      'England', 'police', 'male', 'AL', 'adult', '{LABOUR}', (ARRAY['uk-only', 'overseas-only', 'both', 'unknown'])[1 + i % 4]
    FROM generate_series(1, ${REFERRALS}) i WHERE i % 10 = 4`.execute(db)
  await sql`INSERT INTO cases (id, reference, title, kind, status, priority_tags, created_at)
    SELECT md5('case' || i)::uuid, 'C-' || i, 'Benchmark live job ' || i, CASE WHEN i % 4 = 0 THEN 'county-lines' ELSE 'investigation' END,
      (ARRAY['closed', 'closed', 'closed', 'open', 'suspended'])[1 + i % 5], (ARRAY[${lit(TAGS)}])[1 + (i * 7) % ${TAGS.length}]::text[], now() - (i % 3650) * interval '1 day'
    FROM generate_series(1, ${REFERRALS / 10}) i`.execute(db)
  await sql`INSERT INTO case_tasks (id, case_id, title, due_on, status)
    SELECT md5('task' || i)::uuid, md5('case' || (1 + i % ${REFERRALS / 10}))::uuid, 'Task ' || i, current_date - 200 + i % 400,
      (ARRAY['open', 'done', 'done', 'cancelled'])[1 + i % 4]
    FROM generate_series(1, ${(REFERRALS / 10) * 4}) i`.execute(db)
  await sql`INSERT INTO outreach_events (id, title, kind, starts_at, delivery, attendee_count, priority_tags)
    SELECT md5('event' || i)::uuid, 'Benchmark event ' || i, (ARRAY['awareness-talk', 'training-input', 'community-event', 'partner-briefing', 'business-visit'])[1 + i % 5],
      now() - (i % 3650) * interval '1 day', 'in-person', 5 + i % 60, (ARRAY[${lit(TAGS)}])[1 + i % ${TAGS.length}]::text[]
    FROM generate_series(1, 5000) i`.execute(db)
  await sql`RESET lantern.insight_bulk`.execute(db)
  const rebuildStarted = Date.now()
  await sql`SELECT insight_rebuild()`.execute(db)
  rebuildMs = Date.now() - rebuildStarted
  await sql`ANALYZE`.execute(db)
  loadMs = Date.now() - started
  await db
    .insertInto('users')
    .values({
      id: uuidv7(),
      email: BENCH_EMAIL,
      display_name: 'Bench DI',
      role_id: 'supervisor',
      password_hash: await hashPassword(PASSWORD, 12),
    })
    .execute()
  await db.destroy()
  return databaseUrl
}

/** Filters a DI actually uses: everything, the last year, a calendar year, an odd range, each priority. */
function filterMix(today: Date): string[] {
  const ago = new Date(today.getTime() - 365 * 86_400_000)
  const d = (date: Date, prefix: string) =>
    `${prefix}-day=${date.getUTCDate()}&${prefix}-month=${date.getUTCMonth() + 1}&${prefix}-year=${date.getUTCFullYear()}`
  const year = today.getUTCFullYear() - 2
  return [
    '',
    d(ago, 'from'),
    `from-day=1&from-month=1&from-year=${year}&to-day=31&to-month=12&to-year=${year}`,
    `from-day=15&from-month=4&from-year=${year + 1}&to-day=14&to-month=7&to-year=${year + 1}`,
    'priority=sexual-exploitation',
    `${d(ago, 'from')}&priority=textile-industry`,
    `from-day=3&from-month=2&from-year=${year - 5}&to-day=20&to-month=11&to-year=${year}&priority=travelling-community`,
  ]
}

const CHARTS = [
  'by-month',
  'by-quarter',
  'source',
  'exploitation',
  'combinations',
  'priority',
  'age',
  'gender',
  'nationality',
  'location',
  'route',
  'nrm-outcomes',
  'county-lines',
  'live-jobs',
  'outreach',
]

async function measure(databaseUrl: string, reused: boolean) {
  const db = createDb(databaseUrl, 1)
  const { rows: counts } = await sql<Record<string, number>>`
    SELECT (SELECT count(*) FROM referrals)::int AS referrals, (SELECT count(*) FROM people)::int AS people,
      (SELECT count(*) FROM nrm_referrals)::int AS nrm_referrals, (SELECT count(*) FROM nrm_events)::int AS nrm_events,
      (SELECT count(*) FROM dtn_submissions)::int AS dtn_submissions, (SELECT count(*) FROM insight_referral_facts)::int AS fact_rows,
      (SELECT count(*) FROM insight_summary)::int AS summary_rows`.execute(db)
  // The bench user's second factor is set up as if long ago (where this schema has it), so sign-in can pass it.
  await sql`UPDATE users SET mfa_secret = ${MFA_SECRET}, mfa_enrolled_at = now() WHERE email = ${BENCH_EMAIL}`
    .execute(db)
    .catch(() => undefined)
  await db.destroy()
  const server = await startServer({ DATABASE_URL: databaseUrl, DATABASE_POOL_SIZE: '10' })
  try {
    const cookie = await signIn(server.url, BENCH_EMAIL, PASSWORD)
    const mix = filterMix(new Date())
    const url = (path: string, n: number) =>
      `${server.url}${path}${mix[n % mix.length] ? `?${mix[n % mix.length]}` : ''}`
    // Cold: the first request for each set of filters, which misses the app's figures cache. Charts are
    // measured cold on date ranges shifted by a day or more, so no page has computed them first.
    const seen = new Set<string>()
    const coldPage: number[] = []
    for (const query of mix) {
      seen.add(query)
      coldPage.push(await time(`${server.url}/insight${query ? `?${query}` : ''}`, cookie))
    }
    const coldCharts: number[] = []
    for (let k = 1; coldCharts.length < 2 * CHARTS.length && k < 60; k++) {
      for (const query of filterMix(new Date(Date.now() - k * 86_400_000))) {
        if (seen.has(query)) continue
        seen.add(query)
        coldCharts.push(
          await time(`${server.url}/insight/charts/${CHARTS[coldCharts.length % CHARTS.length]}.svg?${query}`, cookie),
        )
      }
    }
    for (let n = 0; n < 10; n++) await time(url('/insight', n), cookie)
    const page: number[] = []
    const charts: Record<string, number[]> = Object.fromEntries(CHARTS.map((c) => [c, []]))
    for (let n = 0; n < SAMPLES; n++) {
      page.push(await time(url('/insight', n), cookie))
      for (const chart of CHARTS) charts[chart].push(await time(url(`/insight/charts/${chart}.svg`, n), cookie))
    }
    const chartP95 = Object.fromEntries(CHARTS.map((c) => [c, percentile(charts[c], 95)]))
    const all = Object.values(charts).flat()
    console.log(
      JSON.stringify({
        ...counts[0],
        reused,
        loadMs,
        rebuildMs,
        samples: SAMPLES,
        filterMixes: mix.length,
        coldDashboardMs: {
          samples: coldPage.length,
          p50: percentile(coldPage, 50),
          p95: percentile(coldPage, 95),
          max: Math.max(...coldPage),
        },
        coldChartsMs: {
          samples: coldCharts.length,
          p50: percentile(coldCharts, 50),
          p95: percentile(coldCharts, 95),
          max: Math.max(...coldCharts),
        },
        dashboardMs: { p50: percentile(page, 50), p95: percentile(page, 95) },
        chartsMs: {
          p50: percentile(all, 50),
          p95: percentile(all, 95),
          worstChartP95: Math.max(...Object.values(chartP95)),
        },
        chartP95Ms: chartP95,
      }),
    )
  } finally {
    await server.stop()
  }
}

async function main() {
  const reused = await reusableDatabase(DATABASE, async (db) => {
    const { rows } = await sql<{ referrals: number; user: boolean }>`
      SELECT (SELECT count(*) FROM referrals)::int AS referrals, EXISTS (SELECT 1 FROM users WHERE email = ${BENCH_EMAIL}) AS user`.execute(
      db,
    )
    return rows[0].referrals === REFERRALS && rows[0].user
  })
  const databaseUrl = reused ?? (await load())
  if (process.env.BENCH_LOAD_ONLY === '1') {
    console.log(JSON.stringify({ reused: !!reused, loadMs, rebuildMs }))
    return
  }
  await measure(databaseUrl, !!reused)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
