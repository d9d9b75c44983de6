import type { Db, Trx } from './database.ts'

/** Opens the one transaction a unit of work runs in; audit rows are appended inside it. */
export function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(work)
}
