/**
 * npm run bench:matching:scale [-- --records 1000000 --queries 2000 --no-baseline]
 *
 * Indexes a million synthetic people in process, then resolves new people against them: half are new
 * records of people already held (typos, other spellings and scripts, partial or swapped dates), half are
 * newcomers. Reports time to index, lookup latency, peak memory and pairwise F1, side by side with the plain
 * baseline a team might write instead: PostgreSQL pg_trgm similarity on the full name plus exact date of
 * birth, in a throwaway database on the benchmark server.
 */
import { performance } from 'node:perf_hooks'
import pg from 'pg'
import { PersonIndex, randomGenerator } from '#src/modules/matching/engine/index.ts'
import { SyntheticPeople, baselineFields, type SyntheticPerson } from '#src/modules/matching/engine/synthetic-people.ts'
import { freshDatabase } from './support.ts'

const args = process.argv.slice(2)
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name)
  return at >= 0 ? Number(args[at + 1]) : fallback
}
const RECORDS = option('--records', 1_000_000)
const QUERIES = option('--queries', 2_000)
const BASELINE = !args.includes('--no-baseline')
const DATABASE = 'lantern_bench_matching'
const THRESHOLD = 0.5

let peakRss = 0
const sampleMemory = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
}
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024)
const ms = (x: number) => Math.round(x * 1000) / 1000

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]
}

function scoreRun(name: string, latencies: number[], tp: number, predicted: number, truePairs: number) {
  const sorted = Float64Array.from(latencies).sort()
  const precision = predicted === 0 ? 1 : tp / predicted
  const recall = truePairs === 0 ? 1 : tp / truePairs
  return {
    method: name,
    p50Ms: ms(percentile(sorted, 0.5)),
    p95Ms: ms(percentile(sorted, 0.95)),
    p99Ms: ms(percentile(sorted, 0.99)),
    maxMs: ms(sorted[sorted.length - 1]),
    precision: Math.round(precision * 10000) / 10000,
    recall: Math.round(recall * 10000) / 10000,
    f1: Math.round(((2 * precision * recall) / (precision + recall || 1)) * 10000) / 10000,
    predictedPairs: predicted,
    truePositives: tp,
  }
}

async function main(): Promise<void> {
  const generator = new SyntheticPeople({ seed: 2024 })
  const index = new PersonIndex()
  const identityOf = new Int32Array(RECORDS)

  // The baseline's rows stream into PostgreSQL as they are generated, so the two copies of the people
  // are never both in this process; the time spent loading is kept out of the index time.
  const db = BASELINE ? new pg.Client({ connectionString: await freshDatabase(DATABASE) }) : null
  let baselineLoad = 0
  if (db) {
    await db.connect()
    await db.query('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    await db.query('CREATE TABLE people (id integer PRIMARY KEY, full_name text NOT NULL, dob date)')
  }
  let batch: { ids: number[]; names: string[]; dobs: (string | null)[] } = { ids: [], names: [], dobs: [] }
  const flush = async () => {
    if (!db || batch.ids.length === 0) return
    const t0 = performance.now()
    await db.query('INSERT INTO people SELECT * FROM unnest($1::integer[], $2::text[], $3::date[])', [
      batch.ids,
      batch.names,
      batch.dobs,
    ])
    batch = { ids: [], names: [], dobs: [] }
    baselineLoad += performance.now() - t0
  }

  const indexStart = performance.now()
  for (let i = 0; i < RECORDS; i++) {
    const person = generator.next()
    identityOf[i] = person.identity
    if (db) {
      const { fullName, dob } = baselineFields(person)
      batch.ids.push(i)
      batch.names.push(fullName)
      batch.dobs.push(dob)
      if (batch.ids.length === 20_000) await flush()
    }
    index.add(person)
    if ((i & 0xffff) === 0) sampleMemory()
  }
  await flush()
  const indexSeconds = (performance.now() - indexStart - baselineLoad) / 1000
  sampleMemory()

  const trainStart = performance.now()
  const training = index.train({ sampleSize: 10_000, maxRandomPairs: 300_000 })
  const trainSeconds = (performance.now() - trainStart) / 1000
  sampleMemory()

  // Records held per identity: the true pairs of each query.
  const held = new Int32Array(generator.identityCount + QUERIES)
  for (let i = 0; i < RECORDS; i++) held[identityOf[i]]++
  const queries: SyntheticPerson[] = []
  const random = randomGenerator(99)
  for (let q = 0; q < QUERIES; q++) {
    if (q % 2 === 0) {
      let identity: number
      do identity = Math.floor(random() * generator.identityCount)
      while (held[identity] === 0)
      queries.push(generator.variantOf(identity))
    } else queries.push(generator.newcomer())
  }
  let truePairs = 0
  for (const q of queries) truePairs += held[q.identity] ?? 0

  // Warm the JIT first; the product's index lives in a long-running process.
  for (let q = 0; q < Math.min(300, queries.length); q++) index.resolve(queries[q])
  const latencies: number[] = []
  let tp = 0
  let predicted = 0
  let candidates = 0
  // The engine accepts at the threshold its training set (thresholds.ts); the baseline has none, so 0.5.
  const accept = index.model.threshold
  for (const q of queries) {
    const t0 = performance.now()
    const matches = index.resolve(q, { limit: 20, minProbability: accept })
    latencies.push(performance.now() - t0)
    candidates += index.candidateSet(q).slots.length
    for (const m of matches) {
      predicted++
      if (identityOf[Number(m.id)] === q.identity) tp++
    }
  }
  sampleMemory()
  const engine = {
    ...scoreRun('lantern in-process matcher', latencies, tp, predicted, truePairs),
    meanCandidates: Math.round(candidates / queries.length),
  }

  let baseline: Record<string, unknown> | null = null
  if (db) {
    try {
      const loadStart = performance.now() - baselineLoad
      await db.query('CREATE INDEX people_name_trgm ON people USING gin (full_name gin_trgm_ops)')
      await db.query('CREATE INDEX people_dob ON people (dob)')
      await db.query('ANALYZE people')
      const loadSeconds = (performance.now() - loadStart) / 1000
      const sql =
        'SELECT id FROM people WHERE dob = $1 AND full_name % $2 ORDER BY similarity(full_name, $2) DESC LIMIT 20'
      for (let q = 0; q < Math.min(300, queries.length); q++) {
        const { fullName, dob } = baselineFields(queries[q])
        if (dob) await db.query(sql, [dob, fullName])
      }
      const baseLatencies: number[] = []
      let btp = 0
      let bpredicted = 0
      for (const q of queries) {
        const { fullName, dob } = baselineFields(q)
        const t0 = performance.now()
        // Without a full date of birth the baseline has nothing to look up: that is its design.
        const rows = dob ? (await db.query<{ id: number }>(sql, [dob, fullName])).rows : []
        baseLatencies.push(performance.now() - t0)
        for (const row of rows) {
          bpredicted++
          if (identityOf[row.id] === q.identity) btp++
        }
      }
      baseline = {
        ...scoreRun(
          'PostgreSQL pg_trgm full name (default % threshold 0.3) + exact date of birth',
          baseLatencies,
          btp,
          bpredicted,
          truePairs,
        ),
        loadAndIndexSeconds: Math.round(loadSeconds * 10) / 10,
      }
    } finally {
      await db.end()
      const admin = new pg.Client({
        connectionString: (process.env.LANTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres').replace(
          /\/[^/]*$/,
          '/postgres',
        ),
      })
      await admin.connect()
      await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)
      await admin.end()
    }
  }

  sampleMemory()
  console.log(
    JSON.stringify({
      bench: 'matching-scale',
      records: RECORDS,
      identities: generator.identityCount - Math.floor(QUERIES / 2),
      queries: QUERIES,
      truePairs,
      threshold: THRESHOLD,
      engineThreshold: Math.round(accept * 1000) / 1000,
      indexSeconds: Math.round(indexSeconds * 10) / 10,
      indexPerSecond: Math.round(RECORDS / indexSeconds),
      trainSeconds: Math.round(trainSeconds * 10) / 10,
      training: {
        lambda: Number(index.model.parameters.lambda.toPrecision(4)),
        candidatePairs: training.candidatePairs,
        emIterations: training.iterations,
      },
      peakRssMB: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
      heapUsedMB: mb(process.memoryUsage().heapUsed),
      engine,
      baseline,
    }),
  )
}

await main()
