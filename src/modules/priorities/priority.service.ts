import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { listPriorityTags, insertPriorityTag, setPriorityTagActive } from './priority.repository.ts'

export const PriorityError = defineDomainError('PriorityError', { duplicate: 400, 'not-found': 404 })

/** "Exploitation within the travelling community" → "exploitation-within-the-travelling-community" */
export function slugify(label: string): string {
  return label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '')
}

/**
 * The force's strategic priorities: a configurable list tagged on records. A priority is never deleted,
 * only retired, so records tagged with it keep their meaning.
 */
export function createPriorityService(db: Db) {
  return {
    list: (includeInactive = false) => listPriorityTags(db, { includeInactive }),

    async add(label: string, actor: Actor): Promise<string> {
      const id = slugify(label)
      const safeId = /^[a-z]/.test(id) ? id : `p-${id}`
      return inTransaction(db, async (trx) => {
        if (!(await insertPriorityTag(trx, { id: safeId, label })))
          throw new PriorityError('duplicate', 'There is already a strategic priority with that name', 'label')
        await appendAuditEvents(trx, actor, [
          { action: 'settings.priority-added', subjectType: 'priority-tag', subjectId: safeId },
        ])
        return safeId
      })
    },

    async setActive(id: string, active: boolean, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        if (!(await setPriorityTagActive(trx, id, active)))
          throw new PriorityError('not-found', 'There is no such strategic priority')
        await appendAuditEvents(trx, actor, [
          { action: 'settings.priority-changed', subjectType: 'priority-tag', subjectId: id, details: { active } },
        ])
      })
    },
  }
}

export type PriorityService = ReturnType<typeof createPriorityService>
