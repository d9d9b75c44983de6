import { comparePeople, newPairComparison } from './comparisons.ts'
import type { MatchModel } from './match-model.ts'
import { PersonIndex } from './person-index.ts'
import type { PreparedPerson } from './person-record.ts'
import { trainModel, type TrainingOptions, type TrainingReport } from './training.ts'

export interface BatchOptions extends TrainingOptions {
  /** Use this model instead of training one on the batch. */
  model?: MatchModel
  keyCap?: number
}

export interface BatchResult {
  model: MatchModel
  training: TrainingReport | null
  left: Int32Array
  right: Int32Array
  probability: Float64Array
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
  for (let i = 0; i < people.length; i++) {
    if (split !== undefined && i >= split) break
    for (const j of index.candidateSet(people[i], options.keyCap).slots) {
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
  return { model, training, left: pairs.left, right: pairs.right, probability }
}
