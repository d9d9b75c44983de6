import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import { redactAuditFor } from '#src/platform/audit/audit-redaction.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { londonDate } from '#src/shared/dates.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import * as repo from './retention.repository.ts'
import * as erasure from './erasure.repository.ts'

export const RetentionError = defineDomainError('RetentionError', {
  'not-found': 404,
  invalid: 400,
  held: 409,
  'too-soon': 409,
})

export type { RecordType, ReviewGroup, QueueView } from './retention.repository.ts'
export { RECORD_TYPES, REVIEW_GROUPS, isRecordType } from './retention.repository.ts'

export type ErasureOutcome = {
  erasureId: string
  peopleErased: number
  auditRowsRedacted: number
  columnsScrubbed: string[]
}

function addMonths(isoDate: string, months: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d.toISOString().slice(0, 10)
}

/**
 * Erases one person (their whole identity: the record and any merged into it) inside the caller's transaction:
 * every row about them, every copy of their identifying details in free text, and the personal data in audit
 * rows, which keep only ids and the fact of the erasure. Refused while anything holding them is on legal hold.
 */
async function erasePersonIn(trx: Trx, personId: string, actor: Actor, erasureId: string, reason: string) {
  const ids = await erasure.identityOf(trx, personId)
  if (ids.length === 0) throw new RetentionError('not-found', 'Person not found')
  const holds = await repo.holdsOnPerson(trx, ids)
  if (holds.length > 0)
    throw new RetentionError(
      'held',
      `This person cannot be erased: a legal hold is on a record that holds them (${[...new Set(holds.map((h) => h.record_type))].join(', ')})`,
    )
  await erasure.allowErasure(trx)
  const values = await erasure.identifyingValues(trx, ids)
  const pattern = erasure.identifyingPattern(values)
  await erasure.deletePeople(trx, ids, values.objectIds)
  const columnsScrubbed = pattern ? await erasure.scrubFreeText(trx, pattern) : []
  for (const id of ids) {
    await erasure.recordErasure(trx, {
      id: ids.length === 1 ? erasureId : uuidv7(),
      recordType: 'person',
      recordId: id,
      erasedBy: actor.userId,
    })
    await repo.deleteReview(trx, 'person', id)
    await repo.deleteReview(trx, 'nrm-victim', id)
  }
  const auditRowsRedacted = await redactAuditFor(trx, actor, { pattern, personIds: ids, erasureId })
  // The reason is kept, but not the person's details if the reviewer typed them into it.
  reason = await erasure.scrubValue(trx, reason, pattern)
  await appendAuditEvents(
    trx,
    actor,
    ids.map((id) => ({
      action: 'person.erased' as const,
      subjectType: 'person',
      subjectId: id,
      justification: reason,
      details: { erasureId, records: ids.length, auditRowsRedacted, columnsScrubbed: columnsScrubbed.length },
    })),
  )
  return { peopleErased: ids.length, auditRowsRedacted, columnsScrubbed, reason }
}

/** Retention review: schedules, the review queue, retain, erase and legal hold. Every outcome is audited. */
export function createRetentionService(db: Db) {
  async function item(trx: Db | Trx, recordType: repo.RecordType, recordId: string) {
    const found = await repo.findItem(trx, recordType, recordId)
    if (!found)
      throw new RetentionError(
        'not-found',
        'This record is not under retention review (it may have been erased or changed type)',
      )
    return found
  }

  return {
    schedules: () => repo.listSchedules(db),

    async queue(
      view: repo.QueueView,
      options: { recordType: repo.RecordType | null; page: number; pageSize?: number },
      actor: Actor,
    ) {
      const pageSize = options.pageSize ?? 50
      return inTransaction(db, async (trx) => {
        const result = await repo.queue(trx, view, {
          recordType: options.recordType,
          limit: pageSize,
          offset: (options.page - 1) * pageSize,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'retention.queue-viewed',
            subjectType: 'retention',
            details: {
              view,
              recordType: options.recordType,
              page: options.page,
              results: result.rows.map((r) => r.record_id),
            },
          },
        ])
        return { ...result, pageSize }
      })
    },

    async view(recordType: repo.RecordType, recordId: string, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const found = await item(trx, recordType, recordId)
        const schedule = (await repo.findSchedule(trx, recordType))!
        await appendAuditEvents(trx, actor, [
          { action: 'retention.record-viewed', subjectType: recordType, subjectId: recordId },
        ])
        return { item: found, schedule, suggestedNextReview: addMonths(londonDate(), schedule.review_every_months) }
      })
    },

    async retain(
      recordType: repo.RecordType,
      recordId: string,
      input: { reason: string; nextReviewOn: string },
      actor: Actor,
    ): Promise<void> {
      if (input.nextReviewOn <= londonDate())
        throw new RetentionError('invalid', 'The next review date must be in the future', 'nextReviewOn')
      await inTransaction(db, async (trx) => {
        await item(trx, recordType, recordId)
        await repo.upsertReview(
          trx,
          { recordType, recordId },
          {
            next_review_on: input.nextReviewOn,
            last_decision: 'retain',
            last_reason: input.reason,
            reviewed_by: actor.userId,
          },
        )
        await appendAuditEvents(trx, actor, [
          {
            action: 'retention.record-retained',
            subjectType: recordType,
            subjectId: recordId,
            justification: input.reason,
            details: { nextReviewOn: input.nextReviewOn },
          },
        ])
      })
    },

    async placeHold(recordType: repo.RecordType, recordId: string, reason: string, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        const found = await item(trx, recordType, recordId)
        if (found.legal_hold) throw new RetentionError('invalid', 'This record is already on legal hold')
        await repo.upsertReview(
          trx,
          { recordType, recordId },
          {
            legal_hold: true,
            hold_reason: reason,
            hold_by: actor.userId,
            hold_at: new Date(),
            last_decision: 'hold',
            last_reason: reason,
            reviewed_by: actor.userId,
          },
        )
        await appendAuditEvents(trx, actor, [
          { action: 'retention.hold-placed', subjectType: recordType, subjectId: recordId, justification: reason },
        ])
      })
    },

    async liftHold(recordType: repo.RecordType, recordId: string, reason: string, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        const found = await item(trx, recordType, recordId)
        if (!found.legal_hold) throw new RetentionError('invalid', 'This record is not on legal hold')
        await repo.upsertReview(
          trx,
          { recordType, recordId },
          {
            legal_hold: false,
            hold_reason: null,
            hold_by: null,
            hold_at: null,
            last_decision: 'release',
            last_reason: reason,
            reviewed_by: actor.userId,
          },
        )
        await appendAuditEvents(trx, actor, [
          { action: 'retention.hold-lifted', subjectType: recordType, subjectId: recordId, justification: reason },
        ])
      })
    },

    /**
     * Deletes a record at review. A person (or a victim record, which is the person) is erased everywhere; a
     * referral goes with the people only it held; a live job goes with its tasks, decisions and events, its
     * people staying as records of their own; a disclosure or intelligence link goes alone.
     */
    async erase(recordType: repo.RecordType, recordId: string, reason: string, actor: Actor): Promise<ErasureOutcome> {
      return inTransaction(db, async (trx) => {
        const found = await item(trx, recordType, recordId)
        if (found.legal_hold)
          throw new RetentionError('held', 'This record is on legal hold: lift the hold before deleting it')
        const schedule = (await repo.findSchedule(trx, recordType))!
        const erasureId = uuidv7()
        let peopleErased = 0
        let auditRowsRedacted = 0
        const columnsScrubbed = new Set<string>()
        let recordedReason = reason
        const erasePerson = async (personId: string, id: string) => {
          const outcome = await erasePersonIn(trx, personId, actor, id, recordedReason)
          recordedReason = outcome.reason
          peopleErased += outcome.peopleErased
          auditRowsRedacted += outcome.auditRowsRedacted
          for (const c of outcome.columnsScrubbed) columnsScrubbed.add(c)
        }
        await erasure.allowErasure(trx)
        switch (recordType) {
          case 'person':
          case 'nrm-victim':
            await erasePerson(recordId, erasureId)
            break
          case 'referral-not-proceeded':
          case 'public-report': {
            const { subjects } = await erasure.deleteReferral(trx, recordId)
            for (const personId of await erasure.unheldPeople(trx, subjects)) {
              if ((await repo.holdsOnPerson(trx, [personId])).length === 0) await erasePerson(personId, uuidv7())
            }
            break
          }
          case 'live-job':
          case 'live-job-public-protection': {
            if (schedule.keep_until_age !== null) {
              const ages = await repo.agesOnCase(trx, recordId)
              const until = ages.youngest ? addMonths(ages.youngest, schedule.keep_until_age * 12) : null
              if (ages.unknown || (until !== null && until > londonDate())) {
                throw new RetentionError(
                  'too-soon',
                  `Group ${schedule.review_group.slice(-1)} records are kept until the subject is deemed ${schedule.keep_until_age}${until ? ` (${until})` : ': someone on this live job has no date of birth'}. Retain it with a next review date.`,
                )
              }
            }
            await erasure.deleteCase(trx, recordId)
            break
          }
          case 'partner-disclosure':
            await erasure.deleteDisclosure(trx, recordId)
            break
          case 'intelligence':
            await erasure.deleteLink(trx, recordId)
            break
        }
        if (recordType !== 'person' && recordType !== 'nrm-victim') {
          await erasure.recordErasure(trx, { id: erasureId, recordType, recordId, erasedBy: actor.userId })
        }
        await repo.deleteReview(trx, recordType, recordId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'retention.record-erased',
            subjectType: recordType,
            subjectId: recordId,
            justification: recordedReason,
            details: { erasureId, reviewGroup: schedule.review_group, peopleErased, auditRowsRedacted },
          },
        ])
        return { erasureId, peopleErased, auditRowsRedacted, columnsScrubbed: [...columnsScrubbed] }
      })
    },

    /** What a reviewer sees before erasing a person outside the queue: who, and what holds would stop it. */
    async erasureCheck(personId: string, actor: Actor) {
      return inTransaction(db, async (trx) => {
        const ids = await erasure.identityOf(trx, personId)
        if (ids.length === 0) throw new RetentionError('not-found', 'Person not found')
        const name = await trx
          .selectFrom('person_names')
          .select('full_name')
          .where('person_id', 'in', ids)
          .orderBy('position')
          .executeTakeFirst()
        const holds = await repo.holdsOnPerson(trx, ids)
        await appendAuditEvents(trx, actor, [
          {
            action: 'retention.record-viewed',
            subjectType: 'person',
            subjectId: personId,
            details: { for: 'erasure' },
          },
        ])
        return { name: name?.full_name ?? null, records: ids.length, holds }
      })
    },

    /** Erases a person outside the review queue (a court order, a record that should never have been made). */
    async erasePerson(personId: string, reason: string, actor: Actor): Promise<ErasureOutcome> {
      return inTransaction(db, async (trx) => {
        const erasureId = uuidv7()
        const { reason: _recorded, ...outcome } = await erasePersonIn(trx, personId, actor, erasureId, reason)
        return { erasureId, ...outcome }
      })
    },

    async changeSchedule(
      recordType: repo.RecordType,
      input: {
        reviewGroup: repo.ReviewGroup
        firstReviewMonths: number
        reviewEveryMonths: number
        keepUntilAge: number | null
      },
      actor: Actor,
    ) {
      await inTransaction(db, async (trx) => {
        const changed = await repo.updateSchedule(
          trx,
          recordType,
          {
            review_group: input.reviewGroup,
            first_review_months: input.firstReviewMonths,
            review_every_months: input.reviewEveryMonths,
            keep_until_age: input.keepUntilAge,
          },
          actor.userId,
        )
        if (!changed) throw new RetentionError('not-found', 'No such record type')
        await appendAuditEvents(trx, actor, [
          {
            action: 'retention.schedule-changed',
            subjectType: 'retention-schedule',
            subjectId: recordType,
            details: { ...input },
          },
        ])
      })
    },

    async confirmSchedule(recordType: repo.RecordType, actor: Actor) {
      await inTransaction(db, async (trx) => {
        if (!(await repo.confirmSchedule(trx, recordType, actor.userId)))
          throw new RetentionError('not-found', 'No such record type')
        await appendAuditEvents(trx, actor, [
          { action: 'retention.schedule-confirmed', subjectType: 'retention-schedule', subjectId: recordType },
        ])
      })
    },
  }
}

export type RetentionService = ReturnType<typeof createRetentionService>
