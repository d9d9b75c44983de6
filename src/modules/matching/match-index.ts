import { createHash } from 'node:crypto'
import type { Db } from '#src/platform/db/database.ts'
import { PersonIndex, type Match, type MatchModel, type PersonInput } from './engine/index.ts'
import * as repo from './matching.repository.ts'

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

/** Two records scored against each other, as the review pages show them. */
export type PairScore = { weight: number; probability: number; explanation: Match['explanation'] }

/**
 * What the matching service asks of the person index. Every answer is plain data (it crosses to and from a
 * worker thread, see match-index.host.ts), and every call first brings the index up to date with the database.
 */
export interface MatchIndex {
  /** Builds the index if not built yet; resolves when it is ready to answer. */
  ready(): Promise<void>
  /** Ranked matches for a stored person; null when the index does not hold them (not a current person). */
  matchesOf(
    personId: string,
    options: { limit: number; minProbability: number },
  ): Promise<{ modelVersion: string; matches: Match[] | null }>
  /** Ranked matches for a record not stored (a bulk import's row). */
  matchesForRecord(
    record: Omit<PersonInput, 'id'>,
    options: { limit: number; minProbability: number },
  ): Promise<{ modelVersion: string; matches: Match[] }>
  /** Two stored people scored against each other; null when the index does not hold one of them. */
  compare(personId: string, otherId: string): Promise<{ modelVersion: string; score: PairScore | null }>
  /** Stops background work and releases what the index holds. */
  close(): Promise<void>
}

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

/**
 * The engine's PersonIndex, built from the database on first use and kept in step by a cheap "changed since"
 * query on every use (people.updated_at, which the person service bumps when a name, detail or link changes;
 * links added anywhere by their created_at; merges and unmerges by their times). We chose that over a version
 * row or triggers: it needs no writer to remember anything beyond the bump, and it also sees links other
 * modules insert directly. This runs wherever it is created: in the web server's worker thread normally.
 */
export function createLocalMatchIndex(db: Db): MatchIndex {
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
      const inputs = identities(await repo.loadMatchSources(db, members), rootSet)
      for (const input of inputs) s.index.add(input)
      // A root with no record left was erased (retention, migration 0016): it must stop being anyone's match.
      const present = new Set(inputs.map((i) => i.id))
      for (const id of roots) if (!present.has(id)) s.index.remove(id)
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

  return {
    async ready() {
      await current()
    },
    async matchesOf(personId, options) {
      const s = await current()
      const self = s.index.get(personId)
      return { modelVersion: s.modelVersion, matches: self ? s.index.resolve(self, options) : null }
    },
    async matchesForRecord(record, options) {
      const s = await current()
      return { modelVersion: s.modelVersion, matches: s.index.resolve({ ...record, id: 'unsaved-record' }, options) }
    },
    async compare(personId, otherId) {
      const s = await current()
      const left = s.index.get(personId)
      const right = s.index.get(otherId)
      return { modelVersion: s.modelVersion, score: left && right ? s.index.compare(left, right) : null }
    },
    async close() {
      await queue
      state = null
    },
  }
}
