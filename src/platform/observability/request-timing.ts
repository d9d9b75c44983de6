import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * A request's time budget (issue 19): how many database round trips it made and how long they took, and the time
 * spent in each named phase (session, access, render, audit, commit). Collected only when SERVER_TIMING is on (the
 * page benchmark turns it on), and sent back as a standard `Server-Timing` header, so a browser's developer tools
 * or `bench:http` can read where a page's time went without a profiler. Off by default: the store is never
 * entered, so nothing is recorded and nothing is sent.
 */
export type RequestTiming = {
  started: number
  queries: number
  queryMs: number
  phases: Record<string, number>
}

const store = new AsyncLocalStorage<RequestTiming>()

/** Runs the rest of the request (Fastify's `done`) with a fresh budget that every await below it inherits. */
export function runWithTiming(next: () => void): void {
  store.run({ started: performance.now(), queries: 0, queryMs: 0, phases: {} }, next)
}

export function currentTiming(): RequestTiming | undefined {
  return store.getStore()
}

function add(timing: RequestTiming, phase: string, ms: number): void {
  timing.phases[phase] = (timing.phases[phase] ?? 0) + ms
}

/** One database round trip (from Kysely's query log); a commit also counts as its own phase. */
export function recordQuery(sqlText: string, ms: number): void {
  const timing = store.getStore()
  if (!timing) return
  timing.queries += 1
  timing.queryMs += ms
  if (/^\s*commit\b/i.test(sqlText)) add(timing, 'commit', ms)
}

/** Times an asynchronous phase of the current request (no-op outside a timed request). */
export async function timePhase<T>(phase: string, work: () => Promise<T>): Promise<T> {
  const timing = store.getStore()
  if (!timing) return work()
  const started = performance.now()
  try {
    return await work()
  } finally {
    add(timing, phase, performance.now() - started)
  }
}

/** Times a synchronous phase (a template render: pure CPU on the event loop). */
export function timePhaseSync<T>(phase: string, work: () => T): T {
  const timing = store.getStore()
  if (!timing) return work()
  const started = performance.now()
  try {
    return work()
  } finally {
    add(timing, phase, performance.now() - started)
  }
}

/** The `Server-Timing` header value: total, db (with the round-trip count), then each phase, in milliseconds. */
export function serverTiming(timing: RequestTiming): string {
  const ms = (value: number) => value.toFixed(2)
  return [
    `total;dur=${ms(performance.now() - timing.started)}`,
    `db;dur=${ms(timing.queryMs)};desc="${timing.queries} queries"`,
    ...Object.entries(timing.phases).map(([phase, value]) => `${phase};dur=${ms(value)}`),
  ].join(', ')
}

/** Reads a `Server-Timing` header back into milliseconds per metric, with `queries` from db's description. */
export function parseServerTiming(header: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().split(';')
    for (const param of params) {
      const [key, value] = param.split('=')
      if (key === 'dur') out[name] = Number(value)
      if (key === 'desc') {
        const count = /(\d+) queries/.exec(value)
        if (count) out.queries = Number(count[1])
      }
    }
  }
  return out
}
