import { clusterRecords, type ClusterOptions } from './clustering.ts'
import { comparePeople, newPairComparison } from './comparisons.ts'
import type { MatchModel } from './match-model.ts'
import { PersonIndex } from './person-index.ts'
import type { PreparedPerson } from './person-record.ts'
import { thresholdForPrecision, type ThresholdOptions } from './thresholds.ts'
import { trainModel, type TrainingOptions, type TrainingReport } from './training.ts'

export interface BatchOptions extends TrainingOptions {
  /** Use this model instead of training one on the batch. */
  model?: MatchModel
  keyCap?: number
  /** How the accept threshold is set from the batch's own probabilities (thresholds.ts). */
  threshold?: ThresholdOptions
}

export interface BatchResult {
  /** The model, with its accept threshold set when it was trained on this batch. */
  model: MatchModel
  /**
   * Threshold at which the batch's pairs are expected to be right 99 times in 100, by the model's own
   * probabilities over the batch's candidate pairs (no labels read). Set on the model when it was trained on
   * the batch; a model brought from elsewhere keeps its own, and this is what the batch itself would choose.
   */
  threshold: number
  training: TrainingReport | null
  left: Int32Array
  right: Int32Array
  probability: Float64Array
  /** Number of records in the batch. */
  records: number
  /** Most candidates any one record brought forward (blocking keeps this bounded). */
  maxCandidatesPerRecord: number
  /** Scores any two records of the batch, with the batch's model and term frequencies. */
  pairProbability: (i: number, j: number) => number
}

/**
 * Deduplicates one batch (or links two, with `linkSplit`): blocks, trains unsupervised unless given a
 * model, and scores every candidate pair once. For imports and benchmarks; live lookups use PersonIndex.
 */
export function matchBatch(people: readonly PreparedPerson[], options: BatchOptions = {}): BatchResult {
  const index = new PersonIndex({ keyCap: options.keyCap })
  for (const p of people) index.add(p)
  const split = options.linkSplit
  const left: number[] = []
  const right: number[] = []
  let maxCandidatesPerRecord = 0
  for (let i = 0; i < people.length; i++) {
    if (split !== undefined && i >= split) break
    const { slots } = index.candidateSet(people[i], options.keyCap)
    maxCandidatesPerRecord = Math.max(maxCandidatesPerRecord, slots.length)
    for (const j of slots) {
      if (split === undefined ? j > i : j >= split) {
        left.push(i)
        right.push(j)
      }
    }
  }
  const pairs = { left: Int32Array.from(left), right: Int32Array.from(right) }
  let training: TrainingReport | null = null
  let model = options.model
  if (!model) {
    const trained = trainModel(people, pairs, options)
    model = trained.model
    training = trained.report
  }
  index.model = model
  const probability = new Float64Array(left.length)
  const pair = newPairComparison()
  for (let k = 0; k < left.length; k++) {
    comparePeople(people[left[k]], people[right[k]], pair)
    probability[k] = model.score(pair, index.termFrequencies).probability
  }
  const threshold = thresholdForPrecision(probability, options.threshold)
  if (training) model = model.withThreshold(threshold)
  const scorer = model
  const pairProbability = (i: number, j: number) =>
    scorer.score(comparePeople(people[i], people[j], pair), index.termFrequencies).probability
  return {
    model,
    threshold,
    training,
    left: pairs.left,
    right: pairs.right,
    probability,
    records: people.length,
    maxCandidatesPerRecord,
    pairProbability,
  }
}

/**
 * The batch's records grouped into people: pairs at or above the threshold, joined only when the evidence
 * across every pair of two groups agrees (clustering.ts), never by chaining through one weak link. Returns
 * a cluster id per record.
 */
export function groupPeople(batch: BatchResult, options: Omit<ClusterOptions, 'pairProbability'> = {}): Int32Array {
  return clusterRecords(batch.records, batch, { ...options, pairProbability: batch.pairProbability })
}
