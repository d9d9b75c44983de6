import { createHash } from 'node:crypto'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { can, type CurrentUser } from '#src/platform/auth/permissions.ts'
import { defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { PersonIndex, type FieldExplanation, type MatchModel, type PersonInput } from './engine/index.ts'
import * as repo from './matching.repository.ts'

export const MatchError = defineDomainError('MatchError', { 'not-found': 404, invalid: 400, conflict: 409 })

/** Below this a possible match is not worth a reviewer's time; the engine scores far more pairs than that. */
const MIN_PROBABILITY = 0.05
const MAX_MATCHES = 10
/**
 * Unsupervised training needs enough people for EM to separate matches from non-matches: on a few hundred it
 * collapses (every weight near zero). Below this the engine's hand-set starting parameters are kept.
 */
const TRAIN_MINIMUM = 1000
/**
 * How far back each "changed since" query reaches before the last sync. A change is stamped with its
 * transaction's start time but becomes visible only at commit, so a transaction that started before the last
 * sync and committed after it would be missed without the overlap. Re-adding a person is idempotent, so the
 * overlap costs only re-reading the few people changed in the last two minutes. A transaction open longer than
 * this would be missed until that person next changes.
 */
const OVERLAP_MS = 2 * 60_000
const VICTIM_ROLES = new Set(['potential-victim', 'victim'])
/** The fields an officer asked to see in every explanation, even when not known on both records. */
const KEY_FIELDS = new Set(['givenName', 'familyName', 'dateOfBirth', 'phone', 'postcode'])

export type Decision = 'merge' | 'reject'

type IndexState = { index: PersonIndex; modelVersion: string; cursor: Date }

function versionOf(model: MatchModel, trained: boolean): string {
  const { trainedAt: _ignored, ...parameters } = model.parameters
  return `${trained ? 'trained' : 'default'}-${createHash('sha256').update(JSON.stringify(parameters)).digest('hex').slice(0, 12)}`
}

/** A survivor and the records merged into it, as one engine record: the union of names, phones and places. */
function identities(rows: repo.MatchSourceRow[], onlyRoots?: Set<string>): PersonInput[] {
  const byId = new Map(rows.map((r) => [r.id, r]))
  const rootOf = (row: repo.MatchSourceRow) => {
    let at = row
    for (let depth = 0; at.merged_into && depth < 64; depth++) {
      const next = byId.get(at.merged_into)
      if (!next) return null
      at = next
    }
    return at.merged_into ? null : at.id
  }
  const groups = new Map<string, repo.MatchSourceRow[]>()
  for (const row of rows) {
    const root = rootOf(row)
    if (root === null || (onlyRoots && !onlyRoots.has(root))) continue
    const group = groups.get(root) ?? []
    if (row.id === root) group.unshift(row)
    else group.push(row)
    groups.set(root, group)
  }
  const inputs: PersonInput[] = []
  for (const [root, group] of groups) {
    const head = group[0]
    if (head.id !== root) continue
    const names = group.flatMap((r) => r.names)
    const dob = group.find((r) => r.date_of_birth)?.date_of_birth ?? null
    const age = group.find((r) => r.approximate_age !== null)?.approximate_age ?? null
    inputs.push({
      id: root,
      fullName: names[0] ?? null,
      aliases: names.slice(1),
      nationality: group.find((r) => r.nationalities.length)?.nationalities[0] ?? null,
      dateOfBirth: dob ?? (age !== null ? `approx ${new Date().getFullYear() - age}` : null),
      sex: head.gender,
      phones: [...new Set(group.flatMap((r) => r.phones))],
      postcode: group.find((r) => r.postcodes.length)?.postcodes[0] ?? null,
    })
  }
  return inputs
}

function shownExplanation(explanation: readonly FieldExplanation[]): FieldExplanation[] {
  return explanation.filter((e) => e.agreement !== 'missing' || KEY_FIELDS.has(e.field))
}

/**
 * Possible matches, review, merge and unmerge. The engine's PersonIndex is built from the database lazily, on
 * first use, and kept in step by a cheap "changed since" query on every use (people.updated_at, which the person
 * service bumps when a name, detail or link changes; links added anywhere by their created_at; merges and
 * unmerges by their times). We chose that over a version row or triggers: it needs no writer to remember
 * anything beyond the bump, and it also sees links other modules insert directly. Nothing is ever merged
 * automatically: every merge is a reviewer's recorded decision.
 */
export function createMatchingService(db: Db) {
  let state: Promise<IndexState> | null = null
  // Builds and refreshes run one at a time, so two requests never update the index at once.
  let queue: Promise<unknown> = Promise.resolve()

  async function build(): Promise<IndexState> {
    const cursor = await repo.databaseNow(db)
    const index = new PersonIndex()
    for (const input of identities(await repo.loadMatchSources(db, null))) index.add(input)
    // Trained once, at build, and kept: probabilities on a page do not drift between requests, and every
    // decision records the version it was made under.
    const trained = index.size >= TRAIN_MINIMUM
    if (trained) index.train({ sampleSize: 20_000 })
    return { index, modelVersion: versionOf(index.model, trained), cursor }
  }

  async function refresh(s: IndexState): Promise<void> {
    const now = await repo.databaseNow(db)
    const changed = await repo.changedPeopleSince(db, new Date(s.cursor.getTime() - OVERLAP_MS))
    if (changed.length > 0) {
      const { roots, members } = await repo.identitiesOf(db, changed)
      const rootSet = new Set(roots)
      for (const id of changed) if (!rootSet.has(id)) s.index.remove(id)
      for (const input of identities(await repo.loadMatchSources(db, members), rootSet)) s.index.add(input)
    }
    s.cursor = now
  }

  function current(): Promise<IndexState> {
    const run = queue.then(async () => {
      if (!state) {
        state = build()
        try {
          return await state
        } catch (error) {
          state = null
          throw error
        }
      }
      const s = await state
      await refresh(s)
      return s
    })
    queue = run.catch(() => undefined)
    return run
  }

  async function root(id: string) {
    const found = await repo.findPersonState(db, id)
    if (!found) throw new MatchError('not-found', 'Person not found')
    return found
  }

  async function pair(personId: string, otherId: string) {
    if (personId === otherId) throw new MatchError('invalid', 'A person cannot be matched with themselves', 'otherId')
    const [a, b] = await Promise.all([root(personId), root(otherId)])
    if (a.merged_into || b.merged_into) throw new MatchError('conflict', 'One of these records has already been merged into another person')
    const s = await current()
    const left = s.index.get(personId)
    const right = s.index.get(otherId)
    if (!left || !right) throw new MatchError('not-found', 'Person not found')
    const score = s.index.compare(left, right)
    return { score: { ...score, weight: Math.round(score.weight * 100) / 100 }, modelVersion: s.modelVersion }
  }

  async function comparisonSide(id: string, user: CurrentUser) {
    const [record, roles] = await Promise.all([repo.comparisonRecord(db, id), repo.listRecordRoles(db, id, user.id)])
    if (!record) throw new MatchError('not-found', 'Person not found')
    // Roles the viewer may see: restricted cases only to their members or supervisors, and never a victim role
    // here. A reviewer may be working the other record as a suspect; the victim facet stays behind its policy.
    const visibleRoles = roles.filter((r) => !VICTIM_ROLES.has(r.role) && (!r.restricted || r.member || can(user, 'case:supervise')))
    return { ...record, roles: visibleRoles.map(({ kind, id: roleId, reference, role }) => ({ kind, id: roleId, reference, role })) }
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
      const building = current().then(() => {
        built = true
      })
      building.catch(() => undefined)
      await Promise.race([building.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, waitMs).unref())])
      return built
    },

    /** The person a record now reads as (itself unless merged), or null when there is no such person. */
    async survivorOf(id: string): Promise<string | null> {
      return (await repo.findPersonState(db, id))?.root ?? null
    },

    /** Ranked possible matches for a person, each with its per-field explanation. Rejected pairs are left out. */
    async matchesFor(personId: string, actor: Actor) {
      const person = await root(personId)
      if (person.merged_into) throw new MatchError('conflict', 'This record has been merged into another person')
      const s = await current()
      const self = s.index.get(personId)
      const rejected = await repo.rejectedPartners(db, personId)
      const found = self ? s.index.resolve(self, { limit: MAX_MATCHES + rejected.size, minProbability: MIN_PROBABILITY }).filter((m) => !rejected.has(m.id)).slice(0, MAX_MATCHES) : []
      const summaries = new Map((await repo.personSummaries(db, found.map((m) => m.id))).map((p) => [p.id, p]))
      const matches = found
        .filter((m) => summaries.has(m.id))
        .map((m) => ({ person: summaries.get(m.id)!, probability: m.probability, weight: m.weight, explanation: shownExplanation(m.explanation), foundBy: m.foundBy }))
      await inTransaction(db, (trx) => appendAuditEvents(trx, actor, [{ action: 'person.matches-viewed', subjectType: 'person', subjectId: personId, details: { matches: matches.map((m) => m.person.id), modelVersion: s.modelVersion } }]))
      return { modelVersion: s.modelVersion, matches }
    },

    /**
     * People already recorded who are likely the same as a record not yet stored (a bulk import's row), best
     * first, at or above `minProbability`, with the per-field explanation. Not audited here: the caller records
     * what it did with the answer in its own transaction.
     */
    async likelyMatchesFor(record: Omit<PersonInput, 'id'>, minProbability: number) {
      const s = await current()
      const found = s.index.resolve({ ...record, id: 'unsaved-record' }, { limit: 3, minProbability })
      return { modelVersion: s.modelVersion, matches: found.map((m) => ({ personId: m.id, probability: m.probability, weight: m.weight, explanation: shownExplanation(m.explanation) })) }
    },

    /** Both records side by side (non-protected fields only) with the explanation. Audited. */
    async compare(personId: string, otherId: string, user: CurrentUser, actor: Actor) {
      const { score, modelVersion } = await pair(personId, otherId)
      const [left, right, rejection] = await Promise.all([comparisonSide(personId, user), comparisonSide(otherId, user), repo.findRejection(db, personId, otherId)])
      await inTransaction(db, (trx) => appendAuditEvents(trx, actor, [{ action: 'person.match-compared', subjectType: 'person', subjectId: personId, details: { otherId, modelVersion } }]))
      return { left, right, probability: score.probability, weight: score.weight, explanation: shownExplanation(score.explanation), modelVersion, rejectedAt: rejection?.decided_at ?? null }
    },

    /**
     * Confirms (merges `otherId` into `personId`) or rejects a match, with the reviewer's note, the probability,
     * the explanation and the model version as provenance. A merge only marks the merged record; see migration 0010.
     */
    async decide(personId: string, otherId: string, input: { decision: string; note: string }, actor: Actor): Promise<{ decisionId: string; mergeId: string | null }> {
      if (input.decision !== 'merge' && input.decision !== 'reject') throw new MatchError('invalid', 'Select whether they are the same person', 'decision')
      const decision: Decision = input.decision
      const note = input.note.trim()
      if (!note) throw new MatchError('invalid', decision === 'merge' ? 'Enter why you are sure they are the same person' : 'Enter why they are not the same person', 'note')
      if (note.length > 2000) throw new MatchError('invalid', 'Note must be 2,000 characters or fewer', 'note')
      const { score, modelVersion } = await pair(personId, otherId)
      return inTransaction(db, async (trx) => {
        const states = await repo.lockPeople(trx, [personId, otherId])
        if (states.size !== 2) throw new MatchError('not-found', 'Person not found')
        if (states.get(personId) || states.get(otherId)) throw new MatchError('conflict', 'One of these records has already been merged into another person')
        if (await repo.findRejection(trx, personId, otherId)) throw new MatchError('conflict', 'This match has already been rejected')
        const decisionId = uuidv7()
        await repo.insertDecision(trx, { id: decisionId, person_id: personId, other_id: otherId, decision, note, probability: score.probability, weight: score.weight, explanation: score.explanation, model_version: modelVersion, decided_by: actor.userId })
        if (decision === 'reject') {
          await appendAuditEvents(trx, actor, [{ action: 'person.match-rejected', subjectType: 'person', subjectId: personId, details: { otherId, decisionId, modelVersion } }])
          return { decisionId, mergeId: null }
        }
        const mergeId = uuidv7()
        await repo.mergeRecord(trx, { id: mergeId, decisionId, survivorId: personId, mergedId: otherId, mergedBy: actor.userId })
        await appendAuditEvents(trx, actor, [
          { action: 'person.merged', subjectType: 'person', subjectId: personId, details: { mergedId: otherId, mergeId, decisionId, probability: score.probability, modelVersion } },
          { action: 'person.merged', subjectType: 'person', subjectId: otherId, details: { survivorId: personId, mergeId, decisionId } },
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
        const done = await repo.markUnmerged(trx, { mergeId, mergedId: merge.merged_id, survivorId: merge.survivor_id, by: actor.userId, reason: why })
        if (!done) throw new MatchError('conflict', 'This merge has already been undone')
        await appendAuditEvents(trx, actor, [
          { action: 'person.unmerged', subjectType: 'person', subjectId: merge.survivor_id, details: { mergedId: merge.merged_id, mergeId } },
          { action: 'person.unmerged', subjectType: 'person', subjectId: merge.merged_id, details: { survivorId: merge.survivor_id, mergeId } },
        ])
        return { survivorId: merge.survivor_id, mergedId: merge.merged_id }
      })
    },
  }
}

export type MatchingService = ReturnType<typeof createMatchingService>
