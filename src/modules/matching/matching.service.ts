import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import type { FieldExplanation, PersonInput } from './engine/index.ts'
import { createMatchIndex } from './match-index.host.ts'
import * as repo from './matching.repository.ts'
import { isRecordVisible, mergeWidensAccess, visibleIds } from '#src/modules/people/index.ts'

export const MatchError = defineDomainError('MatchError', {
  'not-found': 404,
  invalid: 400,
  conflict: 409,
  forbidden: 403,
})

/** Below this a possible match is not worth a reviewer's time; the engine scores far more pairs than that. */
const MIN_PROBABILITY = 0.05
const MAX_MATCHES = 10
const VICTIM_ROLES = new Set(['potential-victim', 'victim'])
/** The fields an officer asked to see in every explanation, even when not known on both records. */
const KEY_FIELDS = new Set(['givenName', 'familyName', 'dateOfBirth', 'phone', 'postcode'])

export type Decision = 'merge' | 'reject'

function shownExplanation(explanation: readonly FieldExplanation[]): FieldExplanation[] {
  return explanation.filter((e) => e.agreement !== 'missing' || KEY_FIELDS.has(e.field))
}

/**
 * Possible matches, review, merge and unmerge. The engine's person index lives in a worker thread with its own
 * heap (match-index.host.ts), built on first use and kept in step with the database on every use (see
 * match-index.ts). Nothing is ever merged automatically: every merge is a reviewer's recorded decision.
 */
export function createMatchingService(db: Db) {
  const index = createMatchIndex(db)

  /** A person record the user may see: one that exists only inside a restricted live job they do not work is not found. */
  async function root(id: string, user: CurrentUser) {
    const found = await repo.findPersonState(db, id)
    if (!found || !(await isRecordVisible(db, 'person', id, user)))
      throw new MatchError('not-found', 'Person not found')
    return found
  }

  async function pair(personId: string, otherId: string, user: CurrentUser) {
    if (personId === otherId) throw new MatchError('invalid', 'A person cannot be matched with themselves', 'otherId')
    const [a, b] = await Promise.all([root(personId, user), root(otherId, user)])
    if (a.merged_into || b.merged_into)
      throw new MatchError('conflict', 'One of these records has already been merged into another person')
    const { modelVersion, score } = await index.compare(personId, otherId)
    if (!score) throw new MatchError('not-found', 'Person not found')
    return { score: { ...score, weight: Math.round(score.weight * 100) / 100 }, modelVersion }
  }

  async function comparisonSide(id: string, user: CurrentUser) {
    const [record, roles] = await Promise.all([repo.comparisonRecord(db, id), repo.listRecordRoles(db, id, user)])
    if (!record) throw new MatchError('not-found', 'Person not found')
    // Roles the viewer may see (the repository leaves out restricted jobs by the access policy), and never a victim
    // role here. A reviewer may be working the other record as a suspect; the victim facet stays behind its policy.
    const visibleRoles = roles.filter((r) => !VICTIM_ROLES.has(r.role))
    return {
      ...record,
      roles: visibleRoles.map(({ kind, id: roleId, reference, role }) => ({ kind, id: roleId, reference, role })),
    }
  }

  let built = false

  return {
    /**
     * Whether possible matches can be shown without holding up a page: builds the index in the background on
     * first call and waits for it at most `waitMs`. At national scale the first build takes a minute, so the
     * person page says matches are being prepared rather than making an officer wait.
     */
    async readyWithin(waitMs: number): Promise<boolean> {
      if (built) return true
      const building = index.ready().then(() => {
        built = true
      })
      building.catch(() => undefined)
      await Promise.race([
        building.catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, waitMs).unref()),
      ])
      return built
    },

    /** Stops the index's worker thread (the app calls this as it closes). */
    close: () => index.close(),

    /** The person a record now reads as (itself unless merged), or null when there is no such person. */
    async survivorOf(id: string): Promise<string | null> {
      return (await repo.findPersonState(db, id))?.root ?? null
    },

    /** Ranked possible matches for a person, each with its per-field explanation. Rejected pairs are left out. */
    /**
     * A person's likely matches, best first. Seeing them is audited: here in a transaction of its own, or, with
     * `record: false`, by the caller, who puts the returned event in the same append as the page's other views.
     */
    async matchesFor(personId: string, user: CurrentUser, actor: Actor, options: { record?: boolean } = {}) {
      const person = await root(personId, user)
      if (person.merged_into) throw new MatchError('conflict', 'This record has been merged into another person')
      const rejected = await repo.rejectedPartners(db, personId)
      const { modelVersion, matches: resolved } = await index.matchesOf(personId, {
        limit: MAX_MATCHES + rejected.size,
        minProbability: MIN_PROBABILITY,
      })
      const candidates = (resolved ?? []).filter((m) => !rejected.has(m.id))
      // Never offer someone who exists only inside a restricted live job the user does not work.
      const shown = await visibleIds(
        db,
        'person',
        candidates.map((m) => m.id),
        user,
      )
      const found = candidates.filter((m) => shown.has(m.id)).slice(0, MAX_MATCHES)
      const summaries = new Map(
        (
          await repo.personSummaries(
            db,
            found.map((m) => m.id),
          )
        ).map((p) => [p.id, p]),
      )
      const matches = found
        .filter((m) => summaries.has(m.id))
        .map((m) => ({
          person: summaries.get(m.id)!,
          probability: m.probability,
          weight: m.weight,
          explanation: shownExplanation(m.explanation),
          foundBy: m.foundBy,
        }))
      const auditEvent: AuditEventInput = {
        action: 'person.matches-viewed',
        subjectType: 'person',
        subjectId: personId,
        details: { matches: matches.map((m) => m.person.id), modelVersion },
      }
      if (options.record !== false) await inTransaction(db, (trx) => appendAuditEvents(trx, actor, [auditEvent]))
      return { modelVersion, matches, auditEvent }
    },

    /**
     * People already recorded who are likely the same as a record not yet stored (a bulk import's row), best
     * first, at or above `minProbability`, with the per-field explanation. Not audited here: the caller records
     * what it did with the answer in its own transaction.
     */
    async likelyMatchesFor(record: Omit<PersonInput, 'id'>, minProbability: number) {
      const { modelVersion, matches: found } = await index.matchesForRecord(record, { limit: 3, minProbability })
      return {
        modelVersion,
        matches: found.map((m) => ({
          personId: m.id,
          probability: m.probability,
          weight: m.weight,
          explanation: shownExplanation(m.explanation),
        })),
      }
    },

    /** Both records side by side (non-protected fields only) with the explanation. Audited. */
    async compare(personId: string, otherId: string, user: CurrentUser, actor: Actor) {
      const { score, modelVersion } = await pair(personId, otherId, user)
      const [left, right, rejection] = await Promise.all([
        comparisonSide(personId, user),
        comparisonSide(otherId, user),
        repo.findRejection(db, personId, otherId),
      ])
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'person.match-compared',
            subjectType: 'person',
            subjectId: personId,
            details: { otherId, modelVersion },
          },
        ]),
      )
      return {
        left,
        right,
        probability: score.probability,
        weight: score.weight,
        explanation: shownExplanation(score.explanation),
        modelVersion,
        rejectedAt: rejection?.decided_at ?? null,
      }
    },

    /**
     * Confirms (merges `otherId` into `personId`) or rejects a match, with the reviewer's note, the probability,
     * the explanation and the model version as provenance. A merge only marks the merged record; see migration 0010.
     */
    async decide(
      personId: string,
      otherId: string,
      input: { decision: string; note: string },
      user: CurrentUser,
      actor: Actor,
    ): Promise<{ decisionId: string; mergeId: string | null }> {
      if (input.decision !== 'merge' && input.decision !== 'reject')
        throw new MatchError('invalid', 'Select whether they are the same person', 'decision')
      const decision: Decision = input.decision
      const note = input.note.trim()
      if (!note)
        throw new MatchError(
          'invalid',
          decision === 'merge'
            ? 'Enter why you are sure they are the same person'
            : 'Enter why they are not the same person',
          'note',
        )
      if (note.length > 2000) throw new MatchError('invalid', 'Note must be 2,000 characters or fewer', 'note')
      const { score, modelVersion } = await pair(personId, otherId, user)
      return inTransaction(db, async (trx) => {
        const states = await repo.lockPeople(trx, [personId, otherId])
        if (states.size !== 2) throw new MatchError('not-found', 'Person not found')
        if (states.get(personId) || states.get(otherId))
          throw new MatchError('conflict', 'One of these records has already been merged into another person')
        if (await repo.findRejection(trx, personId, otherId))
          throw new MatchError('conflict', 'This match has already been rejected')
        // One identity is one victim side: merging two victims worked by different officers lets each see the
        // other's, so that merge is a supervisor's decision (ADR 0009).
        if (decision === 'merge' && !can(user, 'team:supervise') && (await mergeWidensAccess(trx, personId, otherId))) {
          throw new MatchError(
            'forbidden',
            'Both records have a victim side worked by different officers: merging would let each see the other’s. Ask a supervisor to confirm this merge.',
            'decision',
          )
        }
        const decisionId = uuidv7()
        await repo.insertDecision(trx, {
          id: decisionId,
          person_id: personId,
          other_id: otherId,
          decision,
          note,
          probability: score.probability,
          weight: score.weight,
          explanation: score.explanation,
          model_version: modelVersion,
          decided_by: actor.userId,
        })
        if (decision === 'reject') {
          await appendAuditEvents(trx, actor, [
            {
              action: 'person.match-rejected',
              subjectType: 'person',
              subjectId: personId,
              justification: note,
              details: { otherId, decisionId, modelVersion },
            },
          ])
          return { decisionId, mergeId: null }
        }
        const mergeId = uuidv7()
        await repo.mergeRecord(trx, {
          id: mergeId,
          decisionId,
          survivorId: personId,
          mergedId: otherId,
          mergedBy: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'person.merged',
            subjectType: 'person',
            subjectId: personId,
            justification: note,
            details: { mergedId: otherId, mergeId, decisionId, probability: score.probability, modelVersion },
          },
          {
            action: 'person.merged',
            subjectType: 'person',
            subjectId: otherId,
            justification: note,
            details: { survivorId: personId, mergeId, decisionId },
          },
        ])
        return { decisionId, mergeId }
      })
    },

    async merge(mergeId: string) {
      const merge = await repo.findMerge(db, mergeId)
      if (!merge) throw new MatchError('not-found', 'Merge not found')
      return { ...merge, explanation: shownExplanation((merge.explanation ?? []) as FieldExplanation[]) }
    },

    /** Merges into this person, newest first, including undone ones. */
    mergesInto: (personId: string) => repo.listMergesInto(db, personId),

    /** Undoes a merge: the merged record reads as itself again, exactly as it was. The merge stays in the history. */
    async unmerge(mergeId: string, reason: string, actor: Actor): Promise<{ survivorId: string; mergedId: string }> {
      const why = reason.trim()
      if (!why) throw new MatchError('invalid', 'Enter why you are undoing this merge', 'reason')
      if (why.length > 2000) throw new MatchError('invalid', 'Reason must be 2,000 characters or fewer', 'reason')
      const merge = await repo.findMerge(db, mergeId)
      if (!merge) throw new MatchError('not-found', 'Merge not found')
      if (merge.unmerged_at) throw new MatchError('conflict', 'This merge has already been undone')
      return inTransaction(db, async (trx) => {
        await repo.lockPeople(trx, [merge.survivor_id, merge.merged_id])
        const done = await repo.markUnmerged(trx, {
          mergeId,
          mergedId: merge.merged_id,
          survivorId: merge.survivor_id,
          by: actor.userId,
          reason: why,
        })
        if (!done) throw new MatchError('conflict', 'This merge has already been undone')
        await appendAuditEvents(trx, actor, [
          {
            action: 'person.unmerged',
            subjectType: 'person',
            subjectId: merge.survivor_id,
            justification: why,
            details: { mergedId: merge.merged_id, mergeId },
          },
          {
            action: 'person.unmerged',
            subjectType: 'person',
            subjectId: merge.merged_id,
            justification: why,
            details: { survivorId: merge.survivor_id, mergeId },
          },
        ])
        return { survivorId: merge.survivor_id, mergedId: merge.merged_id }
      })
    },
  }
}

export type MatchingService = ReturnType<typeof createMatchingService>
