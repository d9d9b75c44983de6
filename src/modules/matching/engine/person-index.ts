import { KEY_CAP_SHARE, KEY_KINDS, forEachBlockingKey, hashKey, type KeyKind } from './blocking.ts'
import { comparePeople, newPairComparison } from './comparisons.ts'
import { MatchModel, type FieldExplanation } from './match-model.ts'
import { preparePerson, type PersonInput, type PreparedPerson } from './person-record.ts'
import { TermFrequencies } from './term-frequencies.ts'
import { thresholdForPrecision } from './thresholds.ts'
import { randomGenerator, trainModel, type TrainingOptions, type TrainingReport } from './training.ts'

export interface PersonIndexOptions {
  model?: MatchModel
  /**
   * A blocking key shared by more people than this is skipped for a lookup ("NGUYEN born 1990"); rarer keys
   * always count, so common names are still found through their date of birth, phone or address.
   */
  keyCap?: number
  /**
   * Most candidates scored per lookup. When common keys bring more, those sharing the most keys go first,
   * which bounds the worst-case latency without dropping anyone who shares a rare key and a common one.
   */
  maxCandidates?: number
}

export interface ResolveOptions {
  /** Most matches to return (default 10). */
  limit?: number
  /** Lowest match probability to return (default 0.01: the review queue decides what to show). */
  minProbability?: number
}

export interface Match {
  id: string
  weight: number
  probability: number
  explanation: FieldExplanation[]
  /** Which blocking keys brought this person forward. */
  foundBy: KeyKind[]
}

export interface CandidateSet {
  /** Slots of the candidates, in no particular order. */
  slots: number[]
  /** Bit mask of KEY_KINDS that fired, per returned slot. */
  foundBy: number[]
  /** Key kinds skipped because too many people share them. */
  skipped: KeyKind[]
}

type Posting = number | number[]

/**
 * The in-memory person index: inverted indexes over blocking keys, term frequencies, and the model, updated
 * one person at a time. Lookups never touch the database.
 */
export class PersonIndex {
  model: MatchModel
  readonly termFrequencies = new TermFrequencies()
  private readonly keyCap: number
  private readonly maxCandidates: number
  private readonly people: (PreparedPerson | undefined)[] = []
  private readonly slotOf = new Map<string, number>()
  // One map per key kind: smaller maps, and V8's limit of 2^24 entries per Map applies per kind.
  private readonly postings: Map<number, Posting>[] = KEY_KINDS.map(() => new Map())
  private stamp = new Uint32Array(1024)
  private kinds = new Uint32Array(1024)
  private generation = 0

  constructor(options: PersonIndexOptions = {}) {
    this.model = options.model ?? new MatchModel()
    this.keyCap = options.keyCap ?? 100
    this.maxCandidates = options.maxCandidates ?? 400
  }

  get size(): number {
    return this.slotOf.size
  }

  has(id: string): boolean {
    return this.slotOf.has(id)
  }

  /** The prepared record held for `id` (normalised fields only; the source record stays in the database). */
  get(id: string): PreparedPerson | undefined {
    const slot = this.slotOf.get(id)
    return slot === undefined ? undefined : this.people[slot]
  }

  /** Slot → prepared person, for batch work over the whole index. */
  atSlot(slot: number): PreparedPerson | undefined {
    return this.people[slot]
  }

  get slotCount(): number {
    return this.people.length
  }

  /** Adds or replaces a person. Returns their slot. */
  add(record: PersonInput | PreparedPerson): number {
    const person = isPrepared(record) ? record : preparePerson(record)
    this.remove(person.id)
    const slot = this.people.length
    this.people.push(person)
    this.slotOf.set(person.id, slot)
    this.termFrequencies.add(person)
    forEachBlockingKey(person, (kind, key) => {
      const h = hashKey(kind, key)
      const postings = this.postings[kind]
      const posting = postings.get(h)
      if (posting === undefined) postings.set(h, slot)
      else if (typeof posting === 'number') {
        if (posting !== slot) postings.set(h, [posting, slot])
      } else if (posting[posting.length - 1] !== slot) posting.push(slot)
    })
    return slot
  }

  remove(id: string): boolean {
    const slot = this.slotOf.get(id)
    if (slot === undefined) return false
    const person = this.people[slot]!
    forEachBlockingKey(person, (kind, key) => {
      const h = hashKey(kind, key)
      const postings = this.postings[kind]
      const posting = postings.get(h)
      if (posting === undefined) return
      if (typeof posting === 'number') {
        if (posting === slot) postings.delete(h)
        return
      }
      const at = posting.indexOf(slot)
      if (at < 0) return
      posting[at] = posting[posting.length - 1]
      posting.pop()
      if (posting.length === 1) postings.set(h, posting[0])
    })
    this.termFrequencies.remove(person)
    this.people[slot] = undefined
    this.slotOf.delete(id)
    return true
  }

  /** People sharing at least one usable blocking key with `record` (never the record itself). */
  candidateSet(record: PersonInput | PreparedPerson, keyCap = this.keyCap): CandidateSet {
    const person = isPrepared(record) ? record : preparePerson(record)
    if (this.stamp.length < this.people.length) {
      const size = Math.max(this.people.length, this.stamp.length * 2)
      this.stamp = new Uint32Array(size)
      this.kinds = new Uint32Array(size)
    }
    const generation = ++this.generation
    if (generation === 0xffffffff) {
      this.stamp.fill(0)
      this.generation = 1
    }
    const slots: number[] = []
    let skippedMask = 0
    const self = this.slotOf.get(person.id)
    const visit = (slot: number, bit: number) => {
      if (slot === self) return
      if (this.stamp[slot] !== this.generation) {
        this.stamp[slot] = this.generation
        this.kinds[slot] = bit
        slots.push(slot)
      } else this.kinds[slot] |= bit
    }
    forEachBlockingKey(person, (kind, key) => {
      const posting = this.postings[kind].get(hashKey(kind, key))
      if (posting === undefined) return
      const bit = 1 << kind
      if (typeof posting === 'number') visit(posting, bit)
      else if (posting.length > keyCap * KEY_CAP_SHARE[kind]) skippedMask |= bit
      else for (const slot of posting) visit(slot, bit)
    })
    if (slots.length > this.maxCandidates) {
      const kinds = this.kinds
      slots.sort((a, b) => bitCount(kinds[b]) - bitCount(kinds[a]))
      slots.length = this.maxCandidates
    }
    const foundBy = slots.map((s) => this.kinds[s])
    return { slots, foundBy, skipped: kindsOf(skippedMask) }
  }

  candidates(record: PersonInput | PreparedPerson): string[] {
    return this.candidateSet(record).slots.map((s) => this.people[s]!.id)
  }

  /** Ranked possible matches for a person, each with its per-field explanation. */
  resolve(record: PersonInput | PreparedPerson, options: ResolveOptions = {}): Match[] {
    const person = isPrepared(record) ? record : preparePerson(record)
    const limit = options.limit ?? 10
    const minProbability = options.minProbability ?? 0.01
    const { slots, foundBy } = this.candidateSet(person)
    const pair = newPairComparison()
    const scored: { slot: number; weight: number; foundBy: number }[] = []
    for (let k = 0; k < slots.length; k++) {
      comparePeople(person, this.people[slots[k]]!, pair)
      const { weight, probability } = this.model.score(pair, this.termFrequencies)
      if (probability >= minProbability) scored.push({ slot: slots[k], weight, foundBy: foundBy[k] })
    }
    scored.sort((a, b) => b.weight - a.weight)
    return scored.slice(0, limit).map(({ slot, weight, foundBy }) => {
      const other = this.people[slot]!
      comparePeople(person, other, pair)
      return {
        id: other.id,
        weight: Math.round(weight * 100) / 100,
        probability: this.model.score(pair, this.termFrequencies).probability,
        explanation: this.model.explain(pair, this.termFrequencies),
        foundBy: kindsOf(foundBy),
      }
    })
  }

  /**
   * Retrains the model on the people held, without labels: u from random pairs, m by EM over the candidate
   * pairs of a random sample of people (all of them when the index is small). Replaces `model`.
   */
  train(options: TrainingOptions & { sampleSize?: number } = {}): TrainingReport {
    const live: PreparedPerson[] = []
    const position = new Int32Array(this.people.length).fill(-1)
    this.people.forEach((p, slot) => {
      if (p) position[slot] = live.push(p) - 1
    })
    const sampleSize = Math.min(options.sampleSize ?? 50_000, live.length)
    const random = randomGenerator(options.seed ?? 11)
    const left: number[] = []
    const right: number[] = []
    const everyone = sampleSize === live.length
    for (let k = 0; k < sampleSize; k++) {
      const i = everyone ? k : Math.floor(random() * live.length)
      for (const slot of this.candidateSet(live[i]).slots) {
        const j = position[slot]
        if (!everyone || j > i) {
          left.push(i)
          right.push(j)
        }
      }
    }
    const { model, report } = trainModel(
      live,
      { left: Int32Array.from(left), right: Int32Array.from(right) },
      { ...options, candidateShare: everyone ? 1 : (2 * sampleSize) / live.length },
    )
    // The accept threshold from the new model's own probabilities over the same candidate pairs (no labels).
    const pair = newPairComparison()
    const probability = Float64Array.from(
      left,
      (i, k) => model.score(comparePeople(live[i], live[right[k]], pair), this.termFrequencies).probability,
    )
    this.model = model.withThreshold(thresholdForPrecision(probability))
    return report
  }

  /** Scores two records directly, with this index's term frequencies (for a review page's side-by-side). */
  compare(
    a: PersonInput | PreparedPerson,
    b: PersonInput | PreparedPerson,
  ): { weight: number; probability: number; explanation: FieldExplanation[] } {
    const pair = comparePeople(
      isPrepared(a) ? a : preparePerson(a),
      isPrepared(b) ? b : preparePerson(b),
      newPairComparison(),
    )
    const { weight, probability } = this.model.score(pair, this.termFrequencies)
    return { weight, probability, explanation: this.model.explain(pair, this.termFrequencies) }
  }
}

function isPrepared(record: PersonInput | PreparedPerson): record is PreparedPerson {
  return Array.isArray((record as PreparedPerson).names) && 'dob' in record
}

function bitCount(n: number): number {
  let count = 0
  for (; n; n &= n - 1) count++
  return count
}

function kindsOf(mask: number): KeyKind[] {
  const out: KeyKind[] = []
  for (let k = 0; k < KEY_KINDS.length; k++) if (mask & (1 << k)) out.push(KEY_KINDS[k].code)
  return out
}
