import { sql } from 'kysely'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './case.repository.ts'

/** Synthetic operations for the demo, one for each strategic priority, each with some of the demo's live jobs. */
const DEMO_OPERATIONS = [
  {
    name: 'Operation Laud',
    code: 'LAUD',
    description: 'Forced labour in textile units and hand car washes: visits, awareness and enforcement.',
    priority: 'textile-industry',
  },
  {
    name: 'Operation Tacit',
    code: 'TACIT',
    description: 'Sexual exploitation in short-let flats and hotels: hotel staff, taxi drivers and online adverts.',
    priority: 'sexual-exploitation',
  },
  {
    name: 'Operation Hearth',
    code: 'HEARTH',
    description: 'Exploitation of vulnerable workers on sites and driveways, with the travelling community.',
    priority: 'travelling-community',
  },
] as const

/**
 * Loads the demo operations and puts up to three live jobs in each: those tagged with its strategic priority, then any
 * open job not in an operation yet, so every operation page has jobs to show. Returns the operations' ids by code.
 */
export async function loadDemoOperations(db: Db, options: { createdBy: string | null }): Promise<Map<string, string>> {
  return inTransaction(db, async (trx) => {
    const ids = new Map<string, string>()
    for (const o of DEMO_OPERATIONS) {
      const id = uuidv7()
      await repo.insertOperation(trx, {
        id,
        name: o.name,
        code: o.code,
        description: o.description,
        created_by: options.createdBy,
      })
      ids.set(o.code, id)
      await sql`
        UPDATE cases SET operation_id = ${id}
        WHERE id IN (
          SELECT id FROM cases WHERE operation_id IS NULL AND restricted = false
          ORDER BY (${o.priority} = ANY(priority_tags)) DESC, status = 'open' DESC, created_at DESC
          LIMIT 3
        )`.execute(trx)
    }
    return ids
  })
}
