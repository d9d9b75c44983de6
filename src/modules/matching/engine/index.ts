/** The person matcher's public API: pure, in-process, no database. */
export {
  PersonIndex,
  type Match,
  type PersonIndexOptions,
  type ResolveOptions,
  type CandidateSet,
} from './person-index.ts'
export { preparePerson, type PersonInput, type PreparedPerson } from './person-record.ts'
export {
  MatchModel,
  defaultParameters,
  probabilityFromWeight,
  weightFromProbability,
  type FieldExplanation,
  type MatchModelParameters,
  type PairScore,
} from './match-model.ts'
export {
  COMPARISONS,
  FIELD,
  comparePeople,
  newPairComparison,
  type Agreement,
  type ComparisonSpec,
  type LevelSpec,
  type PairComparison,
} from './comparisons.ts'
export {
  trainModel,
  estimateU,
  randomGenerator,
  type PairList,
  type TrainingOptions,
  type TrainingReport,
} from './training.ts'
export { groupPeople, matchBatch, type BatchOptions, type BatchResult } from './batch.ts'
export { KEY_KINDS, forEachBlockingKey, type KeyKind } from './blocking.ts'
export { TermFrequencies } from './term-frequencies.ts'
export {
  clusterMetrics,
  connectedComponents,
  countTruePairs,
  metrics,
  reliability,
  RELIABILITY_BANDS,
  type ClusterMetrics,
  type PairMetrics,
  type ReliabilityBand,
} from './evaluation.ts'
export {
  thresholdForPrecision,
  expectedPrecision,
  DEFAULT_PRECISION_TARGET,
  type ThresholdOptions,
} from './thresholds.ts'
export { clusterRecords, type ClusterEdges, type ClusterOptions } from './clustering.ts'
export { prepareName, asciiWords, type PreparedName, type NameParts } from './person-names.ts'
export { parseBirthDate, type BirthDate, type BirthDateInput } from './birth-dates.ts'
export {
  preparePhone,
  preparePostcode,
  prepareEmail,
  type PreparedPhone,
  type PreparedPostcode,
} from './contact-points.ts'
export { prepareAddress, type PreparedAddress } from './addresses.ts'
export { phoneticKey } from './phonetic.ts'
export { jaroWinkler, jaro, withinOneEdit, tokenSimilarity } from './similarity.ts'
