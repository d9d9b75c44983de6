import { sql } from 'kysely'
import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { caseAccess } from '#src/modules/people/index.ts'
import {
  checkReferenceValue,
  isReferenceKind,
  kindLabel,
  MAX_PER_RECORD,
  normaliseReference,
  type ReferenceKind,
} from './occurrence-references.vocabulary.ts'
import * as repo from './occurrence-references.repository.ts'

export const OccurrenceReferenceError = defineDomainError('OccurrenceReferenceError', {
  'not-found': 404,
  invalid: 400,
})

export type ReferenceInput = { kind: string; value: string }

/** A reference as pages and the API show it: its kind in words, and where a copy came from. */
export function presentReference(r: repo.ReferenceRow) {
  return {
    id: r.id,
    kind: r.kind as ReferenceKind,
    kindLabel: kindLabel(r.kind),
    value: r.value,
    recordedBy: r.created_by_name,
    recordedAt: r.created_at,
    carriedFromReferral: r.copied_from_referral,
  }
}
export type PresentedReference = ReturnType<typeof presentReference>

/**
 * Crime and occurrence references on referrals and live jobs (issue 14, section 2): added and removed with their
 * audit row in one transaction. A live job is found only by those the access policy lets see it, so a restricted
 * job's references are not found, read or changed by anyone else: to them the job does not exist.
 */
export function createOccurrenceReferenceService(db: Db) {
  /** Locks the record the references belong to, or says it is not found (a hidden live job included). */
  async function lockOwner(trx: Trx, owner: repo.ReferenceOwner, user: CurrentUser): Promise<void> {
    if (owner.type === 'case') {
      const access = await caseAccess(trx, user, owner.id)
      if (!access?.visible) throw new OccurrenceReferenceError('not-found', 'Live job not found')
      await sql`SELECT 1 FROM cases WHERE id = ${owner.id} FOR UPDATE`.execute(trx)
      return
    }
    const table = owner.type === 'referral' ? sql`referrals` : sql`nrm_referrals`
    const { rows } = await sql`SELECT 1 FROM ${table} WHERE id = ${owner.id} FOR UPDATE`.execute(trx)
    if (rows.length === 0)
      throw new OccurrenceReferenceError(
        'not-found',
        owner.type === 'referral' ? 'Referral not found' : 'NRM referral not found',
      )
  }

  function check(input: ReferenceInput): { kind: ReferenceKind; value: string; normalised: string } {
    if (!isReferenceKind(input.kind))
      throw new OccurrenceReferenceError('invalid', 'Select the kind of reference', 'kind')
    const problem = checkReferenceValue(input.value)
    if (problem) throw new OccurrenceReferenceError('invalid', problem, 'value')
    const value = input.value.trim().replace(/\s+/g, ' ')
    return { kind: input.kind, value, normalised: normaliseReference(value) }
  }

  const subjectType = (owner: repo.ReferenceOwner) => (owner.type === 'nrm-referral' ? 'nrm-referral' : owner.type)

  return {
    /** A record's references; for a live job, only if the user may see it. */
    async list(owner: repo.ReferenceOwner, user: CurrentUser): Promise<PresentedReference[]> {
      if (owner.type === 'case') {
        const access = await caseAccess(db, user, owner.id)
        if (!access?.visible) throw new OccurrenceReferenceError('not-found', 'Live job not found')
      } else {
        const table = owner.type === 'referral' ? sql`referrals` : sql`nrm_referrals`
        const { rows } = await sql`SELECT 1 FROM ${table} WHERE id = ${owner.id}`.execute(db)
        if (rows.length === 0)
          throw new OccurrenceReferenceError(
            'not-found',
            owner.type === 'referral' ? 'Referral not found' : 'NRM referral not found',
          )
      }
      return (await repo.listReferences(db, owner)).map(presentReference)
    },

    async add(
      owner: repo.ReferenceOwner,
      input: ReferenceInput,
      user: CurrentUser,
      actor: Actor,
    ): Promise<PresentedReference> {
      const ref = check(input)
      return inTransaction(db, async (trx) => {
        await lockOwner(trx, owner, user)
        if (await repo.findDuplicate(trx, owner, ref.kind, ref.normalised)) {
          throw new OccurrenceReferenceError(
            'invalid',
            `${kindLabel(ref.kind)} ${ref.value} is already recorded here`,
            'value',
          )
        }
        if ((await repo.countReferences(trx, owner)) >= MAX_PER_RECORD)
          throw new OccurrenceReferenceError('invalid', `A record can have up to ${MAX_PER_RECORD} references`, 'value')
        const id = await repo.insertReference(trx, owner, { ...ref, copiedFrom: null, createdBy: actor.userId })
        await appendAuditEvents(trx, actor, [
          {
            action: 'occurrence-reference.added',
            subjectType: subjectType(owner),
            subjectId: owner.id,
            details: { referenceId: id, kind: ref.kind },
          },
        ])
        const row = (await repo.listReferences(trx, owner)).find((r) => r.id === id)!
        return presentReference(row)
      })
    },

    async remove(owner: repo.ReferenceOwner, referenceId: string, user: CurrentUser, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        await lockOwner(trx, owner, user)
        const removed = await repo.deleteReference(trx, owner, referenceId)
        if (!removed) throw new OccurrenceReferenceError('not-found', 'Reference not found')
        await appendAuditEvents(trx, actor, [
          {
            action: 'occurrence-reference.removed',
            subjectType: subjectType(owner),
            subjectId: owner.id,
            details: { referenceId, kind: removed.kind },
          },
        ])
      })
    },
  }
}

export type OccurrenceReferenceService = ReturnType<typeof createOccurrenceReferenceService>

/**
 * Carries a referral's references onto the live job or NRM referral made from it, in the caller's transaction,
 * with one audit row naming the copies. Answers how many were carried.
 */
export async function carryReferralReferences(
  trx: Trx,
  referralId: string,
  to: repo.ReferenceOwner,
  actor: Actor,
): Promise<number> {
  const copies = await repo.copyReferences(trx, { type: 'referral', id: referralId }, to, actor.userId)
  if (copies.length) {
    await appendAuditEvents(trx, actor, [
      {
        action: 'occurrence-reference.added',
        subjectType: to.type,
        subjectId: to.id,
        details: { referenceIds: copies, carriedFrom: { referralId } },
      },
    ])
  }
  return copies.length
}

/** A record's references, for a caller that has already checked the user may see the record. */
export async function referencesOf(db: Db | Trx, owner: repo.ReferenceOwner): Promise<PresentedReference[]> {
  return (await repo.listReferences(db, owner)).map(presentReference)
}

/** The crime numbers recorded on a referral, oldest first: what the NRM form's crime reference and the Duty to Notify step need. */
export async function crimeReferencesOf(db: Db | Trx, referralId: string): Promise<PresentedReference[]> {
  return (await repo.listReferences(db, { type: 'referral', id: referralId }))
    .filter((r) => r.kind === 'crime')
    .map(presentReference)
}
