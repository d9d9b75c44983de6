import type { Db, Queryable } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { isUuid, uuidv7 } from '#src/shared/ids.ts'
import { isRecordVisible, requireVictimSide, victimSideAccess } from './access-policy.ts'
import { PersonError } from './person.service.ts'
import * as repo from './support-workers.repository.ts'

export { SUPPORT_ROLE, type SupportWorkerRow, type SupportedPersonRow } from './support-workers.repository.ts'

/** Whether this user is one a supervisor may assign to support a victim (an ISA): the support role. */
export function isSupportWorker(user: Pick<CurrentUser, 'roleId'> | null | undefined): boolean {
  return user?.roleId === repo.SUPPORT_ROLE
}

const REASON_MAX = 500

/**
 * ISAs (support workers) assigned to victims (issue 13, ADR 0009). A supervisor assigns an active user with the
 * support role to a person with a victim side; the ISA then sees it and works the safeguarding plan and support
 * through the access policy (`victimDuties`, via `person_support_workers`). Assignments are ended with a reason,
 * never deleted, so who held access when stays on record; both are audited in the same transaction.
 */
export function createSupportWorkerService(db: Db) {
  function requireSupervisor(user: CurrentUser, doing: string) {
    if (!can(user, 'team:supervise'))
      throw new PersonError('forbidden', `Only a supervisor can ${doing}. Ask your supervisor.`)
  }

  async function requirePerson(trx: Queryable, personId: string, user: CurrentUser) {
    // A person who exists only inside a restricted live job the user does not work is "not found", as a random id is.
    const exists =
      isUuid(personId) &&
      (await trx.selectFrom('people').select('id').where('id', '=', personId).executeTakeFirst()) !== undefined
    if (!exists || !(await isRecordVisible(trx, 'person', personId, user)))
      throw new PersonError('not-found', 'Person not found')
  }

  return {
    /** Active users with the support role, for a supervisor's "assign" list. */
    candidates: () => repo.listCandidates(db),

    /** A person's current support workers (and, with `includeEnded`, past ones), for display by a caller that has checked access. */
    listSupportWorkers: (personId: string, options: { includeEnded?: boolean } = {}) =>
      repo.listForPerson(db, personId, { includeEnded: options.includeEnded ?? false }),

    /**
     * Who supports a person, for someone who may see their victim side (it is part of it): not found, or 403
     * naming whom to ask. The read is audited as a view of the victim facet.
     */
    async view(personId: string, user: CurrentUser, actor: Actor) {
      await requirePerson(db, personId, user)
      return inTransaction(db, async (trx) => {
        await requireVictimSide(trx, user, personId, 'view')
        const rows = await repo.listForPerson(trx, personId, { includeEnded: true })
        await appendAuditEvents(trx, actor, [
          {
            action: 'victim-facet.viewed',
            subjectType: 'person',
            subjectId: personId,
            details: { part: 'support-workers' },
          },
        ])
        return rows
      })
    },

    /**
     * A supervisor assigns an ISA to a victim. Refused (403) to anyone without team supervision, so no one assigns
     * themselves; the assignee must be an active user with the support role; the person must have a victim side;
     * the same ISA is not assigned twice at once.
     */
    async assignSupportWorker(
      personId: string,
      supportUserId: string,
      user: CurrentUser,
      actor: Actor,
    ): Promise<string> {
      requireSupervisor(user, 'assign a support worker (ISA)')
      await requirePerson(db, personId, user)
      if (!isUuid(supportUserId))
        throw new PersonError('invalid', 'Select a support worker (ISA) from the list', 'userId')
      return inTransaction(db, async (trx) => {
        const worker = await repo.findUser(trx, supportUserId)
        if (!worker) throw new PersonError('invalid', 'Select a support worker (ISA) from the list', 'userId')
        if (worker.role_id !== repo.SUPPORT_ROLE)
          throw new PersonError(
            'invalid',
            `${worker.display_name} is not a support worker (ISA). Only a user with the support role can be assigned to support a victim`,
            'userId',
          )
        if (worker.disabled)
          throw new PersonError(
            'invalid',
            `${worker.display_name}’s account is disabled, so they cannot be assigned`,
            'userId',
          )
        const side = await victimSideAccess(trx, user, personId)
        if (!side.exists) {
          throw new PersonError(
            'not-a-victim',
            'This person is not recorded as a victim anywhere, so they have no victim side for a support worker to support. Record them as a potential victim in a referral or live job first',
            'userId',
          )
        }
        if (await repo.findCurrent(trx, personId, worker.id))
          throw new PersonError('invalid', `${worker.display_name} already supports this person`, 'userId')
        const id = uuidv7()
        // Made on the record a merged person reads as; the unique index settles two supervisors assigning at once.
        if (
          !(await repo.insert(trx, {
            id,
            personId: await repo.rootOf(trx, personId),
            userId: worker.id,
            assignedBy: actor.userId,
          }))
        ) {
          throw new PersonError('invalid', `${worker.display_name} already supports this person`, 'userId')
        }
        await appendAuditEvents(trx, actor, [
          {
            action: 'person.support-worker-assigned',
            subjectType: 'person',
            subjectId: personId,
            details: { userId: worker.id, assignmentId: id },
          },
        ])
        return id
      })
    },

    /** A supervisor ends an ISA's support, with a reason: the access it gave ends at once. */
    async endSupportWorker(
      personId: string,
      supportUserId: string,
      reason: string,
      user: CurrentUser,
      actor: Actor,
    ): Promise<void> {
      requireSupervisor(user, 'end a support worker’s (ISA’s) support')
      await requirePerson(db, personId, user)
      const why = reason.trim()
      if (!why) throw new PersonError('invalid', 'Enter why their support is ending', 'reason')
      if (why.length > REASON_MAX)
        throw new PersonError('invalid', `Reason must be ${REASON_MAX} characters or fewer`, 'reason')
      await inTransaction(db, async (trx) => {
        const current = isUuid(supportUserId) ? await repo.findCurrent(trx, personId, supportUserId) : undefined
        if (!current)
          throw new PersonError('invalid', 'They are not a current support worker (ISA) for this person', 'userId')
        await repo.end(trx, current.id, { endedBy: actor.userId, reason: why })
        await appendAuditEvents(trx, actor, [
          {
            action: 'person.support-worker-ended',
            subjectType: 'person',
            subjectId: personId,
            justification: why,
            details: { userId: supportUserId, assignmentId: current.id },
          },
        ])
      })
    },

    /** The people a user supports now, for their "My work". Listing them is audited as a view of the work list. */
    async supportedBy(user: CurrentUser, actor: Actor): Promise<repo.SupportedPersonRow[]> {
      const rows = await repo.listSupportedBy(db, user.id)
      if (rows.length === 0) return rows
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'work.viewed',
            subjectType: 'user',
            subjectId: user.id,
            details: { supporting: rows.map((r) => r.person_id) },
          },
        ]),
      )
      return rows
    },
  }
}

export type SupportWorkerService = ReturnType<typeof createSupportWorkerService>
