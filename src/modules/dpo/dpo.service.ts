import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { isRecordVisible } from '#src/modules/people/index.ts'
import * as repo from './dpo.repository.ts'

/** Reports over the audit log for a data protection officer. Reading the log is itself audited. */
export function createDpoService(db: Db) {
  return {
    /** The people in a referral or live job found by its reference, for a DPO looking someone up. */
    peopleInRecord(kind: 'referral' | 'case', id: string, user: CurrentUser) {
      return repo.peopleInRecord(db, kind, id, user)
    },

    async personAccess(
      personId: string,
      about: 'address' | 'immigration-status',
      days: number,
      user: CurrentUser,
      actor: Actor,
    ) {
      const since = new Date(Date.now() - days * 86_400_000)
      return inTransaction(db, async (trx) => {
        // A person who exists only inside a restricted live job the reader does not work is reported as an id that matches no one (ADR 0009).
        const visible = await isRecordVisible(trx, 'person', personId, user)
        const rows = !visible
          ? []
          : about === 'address'
            ? await repo.addressAccess(trx, personId, since)
            : await repo.immigrationStatusAccess(trx, personId, since)
        const name = visible
          ? await trx
              .selectFrom('person_names')
              .select('full_name')
              .where('person_id', '=', personId)
              .orderBy('position')
              .executeTakeFirst()
          : undefined
        await appendAuditEvents(trx, actor, [
          {
            action: 'audit.read',
            subjectType: 'person',
            subjectId: personId,
            details: { report: about, days, rows: rows.length },
          },
        ])
        return { rows, personName: name?.full_name ?? null }
      })
    },

    /** A page of the audit log, filtered by s62 category: reading the log is itself audited. */
    async log(
      filter: { category: string | null; action: string | null; subjectId?: string | null; from: Date; to: Date },
      page: { limit: number; offset: number },
      actor: Actor,
    ) {
      return inTransaction(db, async (trx) => {
        const rows = await repo.auditLog(trx, filter, page)
        await appendAuditEvents(trx, actor, [
          {
            action: 'audit.read',
            subjectType: 'audit',
            details: {
              report: 'log',
              category: filter.category,
              action: filter.action,
              subjectId: filter.subjectId ?? null,
              from: filter.from.toISOString(),
              to: filter.to.toISOString(),
              rows: rows.length,
            },
          },
        ])
        return rows
      })
    },

    /**
     * Every event that widened (or narrowed again) someone's access to a victim side or a restricted live job,
     * newest first (one page of it). Reading it is itself audited.
     */
    async accessGrants(
      filter: { from: Date; to: Date },
      page: { limit: number; offset: number },
      user: CurrentUser,
      actor: Actor,
    ) {
      return inTransaction(db, async (trx) => {
        const rows = await repo.accessGrants(trx, user, filter, page)
        await appendAuditEvents(trx, actor, [
          {
            action: 'audit.read',
            subjectType: 'audit',
            details: {
              report: 'access-granted',
              from: filter.from.toISOString(),
              to: filter.to.toISOString(),
              rows: rows.length,
            },
          },
        ])
        return rows
      })
    },

    async disclosuresTo(agencyId: string, range: { from: Date; to: Date }, label: string, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const rows = await repo.disclosuresToAgency(trx, agencyId, range.from, range.to)
        await appendAuditEvents(trx, actor, [
          {
            action: 'audit.read',
            subjectType: 'agency',
            subjectId: agencyId,
            details: { report: 'disclosures', period: label, rows: rows.length },
          },
        ])
        return rows
      })
    },
  }
}

export type DpoService = ReturnType<typeof createDpoService>
