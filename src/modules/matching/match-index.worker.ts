/**
 * The worker thread that holds the person-matching index (see match-index.host.ts): its own heap, its own
 * connection to the database, answering the web server's requests one message at a time.
 */
import { parentPort, workerData } from 'node:worker_threads'
import { createDb } from '#src/platform/db/database.ts'
import { createLocalMatchIndex } from './match-index.ts'
import type { IndexReply, IndexRequest } from './match-index.host.ts'

const { databaseUrl } = workerData as { databaseUrl: string }
// Two connections: the build's long read and a refresh never run at once (the index queues them).
const db = createDb(databaseUrl, 2)
const index = createLocalMatchIndex(db)
const port = parentPort!

async function answer(request: IndexRequest): Promise<unknown> {
  const call = index[request.method] as (...args: unknown[]) => Promise<unknown>
  return call(...request.args)
}

port.on('message', (request: IndexRequest) => {
  if (request.method === 'close') {
    void index
      .close()
      .then(() => db.destroy())
      .finally(() => port.postMessage({ id: request.id, ok: true, value: undefined } satisfies IndexReply))
    return
  }
  answer(request).then(
    (value) => port.postMessage({ id: request.id, ok: true, value } satisfies IndexReply),
    (error: unknown) =>
      port.postMessage({
        id: request.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      } satisfies IndexReply),
  )
})
