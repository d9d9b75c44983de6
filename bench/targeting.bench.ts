/**
 * npm run bench:targeting — the two-step "others who may be targeted" query at national scale: 1,000,000 people,
 * 1,000,000 phones, 1,000,000 places and 3,000,000 links (each person uses a phone and has a home, nine in ten
 * work somewhere, one in ten shares a phone with the next person), plus a hostel forty people share and a police
 * station two thousand people passed through (marked as a known shared place). Generated inside PostgreSQL, as
 * bench/search.bench.ts does. Reports p50/p95/p99 of the SQL expansion alone and of the whole service call
 * (expansion, names and identifier descriptions, audit row), sequential, on the machine's PostgreSQL server.
 */
import { sql } from 'kysely'
import { createDb } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { createHash } from 'node:crypto'
import { twoStepPaths } from '#src/modules/intelligence/intelligence.repository.ts'
import { createIntelligenceService } from '#src/modules/intelligence/intelligence.service.ts'
import type { CurrentUser, Permission } from '#src/platform/auth/permissions.ts'
import { freshDatabase } from './support.ts'

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 1_000_000)
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 500)

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2)
}

/** The id the generator gave person i: md5('person' || i) read as a UUID. */
function personIdFor(i: number): string {
  const hex = createHash('md5').update(`person${i}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

async function main() {
  // BENCH_REUSE=1 measures again on the data a previous run generated (loading takes most of the run).
  const reuse = process.env.BENCH_REUSE === '1'
  const adminUrl = process.env.LANTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const databaseUrl = reuse
    ? adminUrl.replace(/\/[^/]*$/, '/lantern_bench_targeting')
    : await freshDatabase('lantern_bench_targeting')
  const db = createDb(databaseUrl, 4)
  await migrateToLatest(db)
  const started = Date.now()
  if (!reuse) await generate(db)
  const loadMs = Date.now() - started
  const counts = await sql<{
    people: number
    links: number
  }>`SELECT (SELECT count(*) FROM people)::int AS people, (SELECT count(*) FROM entity_links)::int AS links`.execute(db)

  const userId = uuidv7()
  await db
    .insertInto('users')
    .values({
      id: userId,
      email: `analyst-${userId}@bench.lantern.test`,
      display_name: 'Bench analyst',
      role_id: 'analyst',
      password_hash: 'x',
    })
    .execute()
  const user: CurrentUser = {
    id: userId,
    email: '',
    displayName: 'Bench analyst',
    roleId: 'analyst',
    roleName: 'Analyst',
    permissions: new Set<Permission>(['intelligence:view', 'person:view']),
  }
  const service = createIntelligenceService(db)

  // Seeds spread over the population, including the hostel's residents (a dense neighbourhood).
  const seeds = Array.from({ length: SAMPLES }, (_, n) => (n % 25 === 0 ? 1 + (n % 40) : 1 + ((n * 104729) % PEOPLE)))
  for (let n = 0; n < 20; n++)
    await twoStepPaths(db, personIdFor(seeds[n]), { from: null, to: null, hiddenCases: [], limit: 50 })
  const query: number[] = []
  const windowed: number[] = []
  const full: number[] = []
  let found = 0
  for (const [n, i] of seeds.entries()) {
    const seed = personIdFor(i)
    let t = performance.now()
    const rows = await twoStepPaths(db, seed, { from: null, to: null, hiddenCases: [], limit: 50 })
    query.push(performance.now() - t)
    found += new Set(rows.map((r) => r.target)).size
    t = performance.now()
    await twoStepPaths(db, seed, { from: '2021-01-01', to: '2023-12-31', hiddenCases: [], limit: 50 })
    windowed.push(performance.now() - t)
    if (n % 5 === 0) {
      t = performance.now()
      await service.others(seed, user, { userId }, { from: null, to: null })
      full.push(performance.now() - t)
    }
  }
  await db.destroy()
  console.log(
    JSON.stringify({
      ...counts.rows[0],
      loadMs,
      samples: SAMPLES,
      meanPeopleFound: +(found / SAMPLES).toFixed(1),
      twoStepQueryMs: {
        p50: percentile(query, 50),
        p95: percentile(query, 95),
        p99: percentile(query, 99),
        max: percentile(query, 100),
      },
      twoStepWithDateWindowMs: {
        p50: percentile(windowed, 50),
        p95: percentile(windowed, 95),
        p99: percentile(windowed, 99),
      },
      othersServiceCallMs: {
        samples: full.length,
        p50: percentile(full, 50),
        p95: percentile(full, 95),
        p99: percentile(full, 99),
      },
      targetP99Ms: 50,
    }),
  )
}

async function generate(db: ReturnType<typeof createDb>) {
  await sql`INSERT INTO people (id, date_of_birth, approximate_age, age_disputed, gender, nationalities, languages, updated_at)
    SELECT md5('person' || i)::uuid, NULL, 18 + i % 50, false, 'not-known', ARRAY['GB'], ARRAY['en'], now() FROM generate_series(1, ${PEOPLE}) i`.execute(
    db,
  )
  // The search word index (a per-row trigger from 0005) serves name search, which this bench does not use;
  // building it for a million names would take longer than everything else here.
  await sql`ALTER TABLE person_names DISABLE TRIGGER person_names_words_insert`.execute(db)
  await sql`INSERT INTO person_names (id, person_id, kind, full_name, normalised, script, position)
    SELECT md5('name' || i)::uuid, md5('person' || i)::uuid, 'primary', 'Person ' || i, 'person ' || i, 'Latn', 0 FROM generate_series(1, ${PEOPLE}) i`.execute(
    db,
  )
  await sql`INSERT INTO objects (id, kind, value, display) SELECT md5('phone' || i)::uuid, 'phone', '+4477' || lpad(i::text, 8, '0'), '077' || lpad(i::text, 8, '0') FROM generate_series(1, ${PEOPLE}) i`.execute(
    db,
  )
  await sql`INSERT INTO locations (id, address_line_1, town, postcode, premises_type)
    SELECT md5('place' || i)::uuid, (i % 300 + 1) || ' Street ' || (i / 300), 'Town ' || (i % 500),
      (ARRAY['LS11','BD3','M8','B10','LE5','NG7','S2','HU3','WF1','OL9'])[1 + i % 10] || ' ' || (i % 9 + 1) || (ARRAY['AB','DF','HJ','LN','PQ','RT','UW','XY'])[1 + (i / 10) % 8], 'private-house'
    FROM generate_series(1, ${PEOPLE}) i`.execute(db)
  // Dated links, so the window filter has something to do: valid from a day in 2019-2025.
  await sql`INSERT INTO entity_links (id, from_type, from_id, to_type, to_id, relation, source, valid_from)
    SELECT md5('lp' || i)::uuid, 'person', md5('person' || i)::uuid, 'object', md5('phone' || i)::uuid, 'uses', 'bench', date '2019-01-01' + (i % 2500) FROM generate_series(1, ${PEOPLE}) i
    UNION ALL
    SELECT md5('ll' || i)::uuid, 'person', md5('person' || i)::uuid, 'location', md5('place' || i)::uuid, 'lives-at', 'bench', date '2019-01-01' + (i % 2000) FROM generate_series(1, ${PEOPLE}) i
    UNION ALL
    SELECT md5('ls' || i)::uuid, 'person', md5('person' || (i + 1))::uuid, 'object', md5('phone' || i)::uuid, 'uses', 'bench', date '2020-01-01' + (i % 1500) FROM generate_series(1, ${PEOPLE} - 1, 10) i
    UNION ALL
    SELECT md5('lw' || i)::uuid, 'person', md5('person' || i)::uuid, 'location', md5('place' || (1 + (i::bigint * 7) % ${PEOPLE}))::uuid, 'works-at', 'bench', date '2019-06-01' + (i % 2200)
    FROM generate_series(1, ${PEOPLE}) i WHERE i % 10 <> 0`.execute(db)
  // A hostel forty people share, and a police station two thousand passed through (a known shared place).
  await sql`INSERT INTO locations (id, address_line_1, town, postcode, premises_type) VALUES (md5('hostel')::uuid, '1 Harbour Road', 'Leeds', 'LS1 1AA', 'other')`.execute(
    db,
  )
  await sql`INSERT INTO locations (id, address_line_1, town, postcode, premises_type, shared_place, shared_place_kind) VALUES (md5('station')::uuid, 'Elland Road Police Station', 'Leeds', 'LS11 0BN', 'other', true, 'police-station')`.execute(
    db,
  )
  await sql`INSERT INTO entity_links (id, from_type, from_id, to_type, to_id, relation, source)
    SELECT md5('lh' || i)::uuid, 'person', md5('person' || i)::uuid, 'location', md5('hostel')::uuid, 'stays-at', 'bench' FROM generate_series(1, 40) i
    UNION ALL
    SELECT md5('lst' || i)::uuid, 'person', md5('person' || i)::uuid, 'location', md5('station')::uuid, 'visits', 'bench' FROM generate_series(1, ${PEOPLE}, ${Math.max(1, Math.floor(PEOPLE / 2000))}) i`.execute(
    db,
  )
  await sql`ANALYZE`.execute(db)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
