import { sql } from 'kysely'
import type { Db } from './database.ts'

const FOLD_LOCK = 7_741_054

/**
 * Folds the figures' pending deltas into their shared rows (migration 0054): the data versions, the dashboard's
 * monthly summary and the name words' use counts. One fold at a time per database, whatever the number of
 * instances (a turn that cannot take the lock does nothing). Answers whether this call folded.
 */
export async function foldFigures(db: Db): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ got: boolean }>`SELECT pg_try_advisory_xact_lock(${FOLD_LOCK}) AS got`.execute(trx)
    if (!rows[0].got) return false
    await sql`SELECT figures_fold()`.execute(trx)
    return true
  })
}

/** The server's fold: every `intervalMs`, off the request path. Problems are reported and the next turn tries again. */
export function startFigureFolding(
  db: Db,
  options: { intervalMs?: number; onProblem: (error: unknown) => void },
): { close: () => Promise<void> } {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(() => foldFigures(db)).catch(options.onProblem)
  }, options.intervalMs ?? 1000)
  timer.unref()
  return {
    close: async () => {
      clearInterval(timer)
      await running
    },
  }
}
