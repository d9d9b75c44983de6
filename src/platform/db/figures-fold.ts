import { sql } from 'kysely'
import type { Db } from './database.ts'

/**
 * Folds the figures' pending deltas into their shared rows (migration 0054): the data versions, the dashboard's
 * monthly summary and the name words' use counts. One fold at a time per database, whatever the number of
 * instances (a turn that cannot take the lock does nothing). Answers whether this call folded.
 *
 * One statement, its own transaction (figures_fold_if_free, migration 0061): the fold's row locks last only as long
 * as the database's work, never across a round trip to this process, whose event loop may be busy with requests.
 */
export async function foldFigures(db: Db): Promise<boolean> {
  const { rows } = await sql<{ folded: boolean }>`SELECT figures_fold_if_free() AS folded`.execute(db)
  return rows[0].folded
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
