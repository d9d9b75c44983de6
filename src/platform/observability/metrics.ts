import { sql } from 'kysely'
import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { poolOf, type Db } from '#src/platform/db/database.ts'

const IMPORT_STATES = ['mapping', 'queued', 'running', 'completed'] as const

/**
 * The operator's metrics, in the Prometheus text format at GET /metrics: requests by route and status, their
 * latency, the database pool and the import job queue, plus the Node.js process. One registry per app (not
 * prom-client's global one), so two apps in one process (the tests) never mix their counts.
 *
 * /metrics is an API-style route: it reads only an `Authorization: Bearer` token (a Prometheus scraper cannot
 * sign in) and needs `metrics:view`, which the `operator` role has and nothing else outside admin. Labels are
 * route patterns and status codes only, never paths or anything a user sent.
 */
export type Metrics = { registry: Registry; readQueue: () => Promise<void> }

/** Starts counting. Call it before any route is registered: Fastify gives a route the hooks that exist then. */
export function registerMetrics(app: FastifyInstance, db: Db): Metrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry, prefix: 'lantern_' })

  const requests = new Counter({
    name: 'lantern_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'lantern_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })

  const pool = poolOf(db)
  new Gauge({
    name: 'lantern_db_pool_connections',
    help: 'Database pool connections: total open, idle, and the pool maximum',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      if (!pool) return
      this.set({ state: 'total' }, pool.totalCount)
      this.set({ state: 'idle' }, pool.idleCount)
      this.set({ state: 'max' }, pool.options.max ?? 0)
    },
  })
  new Gauge({
    name: 'lantern_db_pool_waiting_requests',
    help: 'Queries waiting for a free database connection',
    registers: [registry],
    collect() {
      if (pool) this.set(pool.waitingCount)
    },
  })

  // The queue is read at scrape time (a few rows in import_jobs, indexed by state); a database that cannot be
  // reached still gives the rest of the metrics, with lantern_database_up at 0.
  const databaseUp = new Gauge({
    name: 'lantern_database_up',
    help: '1 when the last scrape could read the database',
    registers: [registry],
  })
  const jobs = new Gauge({
    name: 'lantern_import_jobs',
    help: 'Import jobs by state',
    labelNames: ['state'] as const,
    registers: [registry],
  })
  const oldest = new Gauge({
    name: 'lantern_import_queue_oldest_seconds',
    help: 'Age of the oldest import job waiting or running (0 when none)',
    registers: [registry],
  })
  async function readQueue(): Promise<void> {
    try {
      const rows = await sql<{ status: string; count: string; oldest: string | null }>`
        SELECT status, count(*)::text AS count,
               extract(epoch FROM now() - min(created_at) FILTER (WHERE status IN ('queued', 'running')))::text AS oldest
        FROM import_jobs GROUP BY status`.execute(db)
      jobs.reset()
      for (const state of IMPORT_STATES) jobs.set({ state }, 0)
      let oldestSeconds = 0
      for (const row of rows.rows) {
        jobs.set({ state: row.status }, Number(row.count))
        if (row.oldest !== null) oldestSeconds = Math.max(oldestSeconds, Number(row.oldest))
      }
      oldest.set(oldestSeconds)
      databaseUp.set(1)
    } catch {
      jobs.reset()
      oldest.reset()
      databaseUp.set(0)
    }
  }

  app.addHook('onResponse', async (request, reply) => {
    // Unmatched URLs share one label, so guessing paths cannot grow the series without bound.
    const route = request.routeOptions.url ?? 'unmatched'
    requests.inc({ method: request.method, route, status: String(reply.statusCode) })
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000)
  })

  return { registry, readQueue }
}

export type ServiceStatus = {
  databaseUp: boolean
  pool: { total: number; idle: number; max: number; waiting: number }
  imports: { state: string; count: number }[]
  oldestImportSeconds: number
  requests: { total: number; clientErrors: number; serverErrors: number }
  slowest: { route: string; count: number; meanMs: number }[]
  uptimeSeconds: number
}

/** The same figures as /metrics, read for a person: the operator's status page. */
export async function serviceStatus(metrics: Metrics): Promise<ServiceStatus> {
  await metrics.readQueue()
  const all = await metrics.registry.getMetricsAsJSON()
  const values = (name: string) => all.find((m) => m.name === name)?.values ?? []
  const one = (name: string, labels: Record<string, string> = {}) =>
    Number(values(name).find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value ?? 0)
  const requests = values('lantern_http_requests_total')
  const byStatus = (prefix: string) =>
    requests.filter((v) => String(v.labels.status).startsWith(prefix)).reduce((sum, v) => sum + Number(v.value), 0)
  // Mean time per route pattern from the histogram's sum and count; the ten slowest with enough requests to say.
  const duration = values('lantern_http_request_duration_seconds')
  const totals = new Map<string, { sum: number; count: number }>()
  for (const v of duration) {
    const metric = (v as { metricName?: string }).metricName
    const key = `${v.labels.method} ${v.labels.route}`
    const entry = totals.get(key) ?? { sum: 0, count: 0 }
    if (metric?.endsWith('_sum')) entry.sum = Number(v.value)
    else if (metric?.endsWith('_count')) entry.count = Number(v.value)
    else continue
    totals.set(key, entry)
  }
  const slowest = [...totals]
    .filter(([, t]) => t.count >= 5)
    .map(([route, t]) => ({ route, count: t.count, meanMs: (t.sum / t.count) * 1000 }))
    .sort((a, b) => b.meanMs - a.meanMs)
    .slice(0, 10)
  return {
    databaseUp: one('lantern_database_up') === 1,
    pool: {
      total: one('lantern_db_pool_connections', { state: 'total' }),
      idle: one('lantern_db_pool_connections', { state: 'idle' }),
      max: one('lantern_db_pool_connections', { state: 'max' }),
      waiting: one('lantern_db_pool_waiting_requests'),
    },
    imports: IMPORT_STATES.map((state) => ({ state, count: one('lantern_import_jobs', { state }) })),
    oldestImportSeconds: one('lantern_import_queue_oldest_seconds'),
    requests: {
      total: requests.reduce((sum, v) => sum + Number(v.value), 0),
      clientErrors: byStatus('4'),
      serverErrors: byStatus('5'),
    },
    slowest,
    uptimeSeconds: Math.round(process.uptime()),
  }
}

/** GET /metrics, for an operator's token (see registerMetrics). */
export function registerMetricsRoute(app: FastifyInstance, metrics: Metrics): void {
  app.get('/metrics', { config: { access: 'metrics:view' } }, async (_request, reply) => {
    await metrics.readQueue()
    reply.header('content-type', metrics.registry.contentType)
    return reply.send(await metrics.registry.metrics())
  })
  // The operator's own page when they sign in: the same figures in words, and how to give a scraper a token.
  app.get('/service-status', { config: { access: 'metrics:view' } }, async (_request, reply) =>
    reply.page('operations/service-status.njk', { pageTitle: 'Service status', status: await serviceStatus(metrics) }),
  )
}
