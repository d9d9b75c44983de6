import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import { poolOf, type Db } from '#src/platform/db/database.ts'
import { createLocalMatchIndex, type MatchIndex } from './match-index.ts'

type Method = keyof MatchIndex
export type IndexRequest = { id: number; method: Method; args: unknown[] }
const WORKER_ENTRY = new URL('./match-index.worker.ts', import.meta.url).href
// tsx's ESM API, by path: an eval'd worker has no module of its own to resolve a package name from.
const TSX_API = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs'),
).href

export type IndexReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string }

/**
 * The person-matching index, held in a worker thread. At national scale the index is about 1.6 GB and its
 * build takes minutes of CPU; in the web server's own heap every garbage collection had to walk it, which
 * made name search p95 half as slow again while it was resident (69 to 101 ms at 1,000,000 people). A worker
 * has its own heap and event loop, so pages never wait on its collections or on its build, and lookups
 * (a few milliseconds each) run beside requests instead of between them.
 *
 * The worker starts on first use and connects to the same database by its own small pool. A database made
 * some other way than createDb (no connection string to hand over) keeps the index in-process, as before.
 * If the worker dies (out of memory, say), calls waiting on it fail and the next call starts a fresh one.
 */
export function createMatchIndex(db: Db): MatchIndex {
  const databaseUrl = poolOf(db)?.options.connectionString
  if (!databaseUrl || process.env.LANTERN_MATCH_INDEX_IN_PROCESS === '1') return createLocalMatchIndex(db)

  let worker: Worker | null = null
  let nextId = 1
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()

  function failAll(error: Error) {
    for (const { reject } of waiting.values()) reject(error)
    waiting.clear()
  }

  function start(): Worker {
    // tsx compiles the worker's TypeScript as it does the server's. A worker inherits neither `--import tsx`
    // nor vitest's loader, so it registers tsx itself before loading its entry.
    const boot = `import(${JSON.stringify(TSX_API)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_ENTRY)}) })`
    const started = new Worker(boot, { eval: true, workerData: { databaseUrl } })
    started.on('message', (reply: IndexReply) => {
      const call = waiting.get(reply.id)
      if (!call) return
      waiting.delete(reply.id)
      if (reply.ok) call.resolve(reply.value)
      else call.reject(new Error(reply.message))
    })
    started.on('error', (error) => {
      if (worker === started) worker = null
      failAll(error)
    })
    started.on('exit', (code) => {
      if (worker === started) worker = null
      failAll(new Error(`The person-matching worker stopped (exit code ${code})`))
    })
    // An idle index must not keep the process alive on its own.
    started.unref()
    return started
  }

  function call<T>(method: Method, ...args: unknown[]): Promise<T> {
    worker ??= start()
    const id = nextId++
    const target = worker
    return new Promise<T>((resolve, reject) => {
      waiting.set(id, { resolve: resolve as (value: unknown) => void, reject })
      target.postMessage({ id, method, args } satisfies IndexRequest)
    })
  }

  return {
    ready: () => call('ready'),
    matchesOf: (personId, options) => call('matchesOf', personId, options),
    matchesForRecord: (record, options) => call('matchesForRecord', record, options),
    compare: (personId, otherId) => call('compare', personId, otherId),
    async close() {
      const running = worker
      if (!running) return
      // Let the worker close its pool, so the database does not see connections cut, then stop it.
      await Promise.race([
        call('close').catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 2000).unref()),
      ])
      worker = null
      await running.terminate()
    },
  }
}
