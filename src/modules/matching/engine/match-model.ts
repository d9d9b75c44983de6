import { COMPARISONS, FIELD, MISSING, type Agreement, type PairComparison } from './comparisons.ts'
import type { TermFrequencies } from './term-frequencies.ts'

/** Fellegi–Sunter parameters, as JSON: what training produces and what the product stores and versions. */
export interface MatchModelParameters {
  readonly version: 1
  /** Prior that two records picked at random are the same person. */
  readonly lambda: number
  readonly comparisons: readonly {
    readonly field: string
    readonly levels: readonly { readonly code: string; readonly m: number; readonly u: number }[]
  }[]
  /**
   * m of the date-of-birth levels among matches whose given and family names both agree exactly, where that
   * differs from the rest: in a file where a copy carries one slip, a copy with both names right has its slip
   * in the date far more often than one with a name misspelt. Fields are otherwise taken as independent
   * (naive Bayes), which cannot say "a slip in the names or in the date, seldom both". Each value is the
   * share of matches with both names right and the date at that level, over the product of the two names'
   * exact-level m (so that, multiplied back by them, the pair's m is that share). Among two different people
   * the date does not depend on whether their names agree, so u is the date's own. Absent: the date's m
   * applies to every pair.
   */
  readonly dateWhenNamesAgree?: readonly { readonly code: string; readonly m: number }[]
  /** Floor for a term-frequency u, so a value seen once cannot carry unlimited weight. */
  readonly tfMinimumU: number
  /**
   * Lowest probability at which a pair is taken to be one person, set at training from the model's own
   * probabilities over the records held (thresholds.ts), so that the pairs accepted are expected to be right
   * 99 times in 100. Absent on hand-set models: 0.5.
   */
  readonly acceptThreshold?: number
  readonly trainedAt?: string
  readonly notes?: string
}

export interface FieldExplanation {
  readonly field: string
  /** Level code, stable across versions ("exact", "swapped", "sounds-alike"). */
  readonly level: string
  readonly label: string
  /** Bits of evidence this field added (positive) or took away (negative). */
  readonly weight: number
  readonly agreement: Agreement
}

export interface PairScore {
  readonly weight: number
  readonly probability: number
}

const log2 = Math.log2
const TF_PSEUDO_PEOPLE = 1000
/**
 * The prior a term frequency is smoothed with counts at least this many occurrences at the level's average
 * frequency. Where most values are rare (a full date of birth: 1 in 16,000 pairs share one), 1,000 pseudo-people
 * hold a tenth of one occurrence, and the two records compared, which hold the value by construction, made
 * any date seen only in them look three times as common as the average date: an exact date counted for
 * less than a day one digit out. Where values are common (names), the 1,000 pseudo-people are already more.
 */
const TF_PSEUDO_OCCURRENCES = 2

export function probabilityFromWeight(weight: number): number {
  return 1 / (1 + 2 ** -weight)
}

export function weightFromProbability(p: number): number {
  return log2(p / (1 - p))
}

export function defaultParameters(): MatchModelParameters {
  return {
    version: 1,
    lambda: 0.0001,
    tfMinimumU: 0.00001,
    comparisons: COMPARISONS.map((c) => ({
      field: c.field,
      levels: c.levels.map((l) => ({ code: l.code, m: l.m, u: l.u })),
    })),
    notes: 'Hand-set starting values; train on the people held before relying on probabilities.',
  }
}

/** Scores compared pairs and explains them. Immutable: retraining makes a new model. */
export class MatchModel {
  readonly parameters: MatchModelParameters
  private readonly weights: Float64Array[]
  private readonly ms: Float64Array[]
  private readonly us: Float64Array[]
  private readonly tfLevel: Int8Array
  private readonly prior: number
  /** m and weights of the date levels when both names agree exactly (null: the date's own apply). */
  private readonly dateNamesM: Float64Array | null
  private readonly dateNamesWeights: Float64Array | null

  constructor(parameters: MatchModelParameters = defaultParameters()) {
    if (parameters.comparisons.length !== COMPARISONS.length)
      throw new Error('model does not match the comparisons this engine makes')
    this.parameters = parameters
    this.prior = log2(parameters.lambda / (1 - parameters.lambda))
    this.weights = parameters.comparisons.map((c, i) => {
      if (c.field !== COMPARISONS[i].field || c.levels.length !== COMPARISONS[i].levels.length)
        throw new Error(`model comparison ${c.field} does not match the engine`)
      return Float64Array.from(c.levels, (l) => log2(l.m / l.u))
    })
    this.ms = parameters.comparisons.map((c) => Float64Array.from(c.levels, (l) => l.m))
    this.us = parameters.comparisons.map((c) => Float64Array.from(c.levels, (l) => l.u))
    this.tfLevel = Int8Array.from(COMPARISONS, (c) => c.levels.findIndex((l) => l.tf))
    const dateNames = parameters.dateWhenNamesAgree
    if (dateNames && dateNames.length !== COMPARISONS[FIELD.dateOfBirth].levels.length)
      throw new Error('model date-of-birth levels when names agree do not match the engine')
    this.dateNamesM = dateNames ? Float64Array.from(dateNames, (l) => l.m) : null
    this.dateNamesWeights = dateNames
      ? Float64Array.from(dateNames, (l, i) => log2(l.m / this.us[FIELD.dateOfBirth][i]))
      : null
  }

  static fromJSON(json: string | MatchModelParameters): MatchModel {
    return new MatchModel(typeof json === 'string' ? (JSON.parse(json) as MatchModelParameters) : json)
  }

  toJSON(): MatchModelParameters {
    return this.parameters
  }

  /** The threshold to accept a pair at (see `acceptThreshold`). */
  get threshold(): number {
    return this.parameters.acceptThreshold ?? 0.5
  }

  /** The same model with the accept threshold set (the parameters are otherwise unchanged). */
  withThreshold(acceptThreshold: number): MatchModel {
    return new MatchModel({ ...this.parameters, acceptThreshold })
  }

  get priorWeight(): number {
    return this.prior
  }

  private fieldWeight(c: number, level: number, pair: PairComparison, tf: TermFrequencies | null): number {
    if (level === MISSING) return 0
    const conditional =
      c === FIELD.dateOfBirth &&
      this.dateNamesM !== null &&
      pair.levels[FIELD.givenName] === 0 &&
      pair.levels[FIELD.familyName] === 0
    const m = conditional ? this.dateNamesM![level] : this.ms[c][level]
    if (tf !== null && level === this.tfLevel[c]) {
      const value = pair.tfValues[c]
      // Names written the other way round ("Owen Lily", "Lily Owen"): each value is compared in the other
      // field from the one it was written in on one side, and how common it is as either name is what counts.
      // Counted in one field only, a common family name written as a given name looks rare there, and two
      // strangers sharing two common names in swapped order were scored above any straight pair.
      const count = !value
        ? 0
        : pair.swapped && (c === FIELD.givenName || c === FIELD.familyName)
          ? tf.count(FIELD.givenName, value) + tf.count(FIELD.familyName, value)
          : tf.count(c, value)
      if (count > 0) {
        // Smoothed towards the level's u, so a small index (or a value seen once) does not swing the weight.
        // The count includes the person's own other records (λ·(N−1) of them on average), which say nothing
        // about how common the value is among other people.
        const others = Math.max(1, count - this.parameters.lambda * (tf.size - 1))
        const levelU = this.us[c][level]
        const pseudo = Math.max(TF_PSEUDO_PEOPLE, TF_PSEUDO_OCCURRENCES / levelU)
        const u = (others + pseudo * levelU) / (tf.size + pseudo)
        return log2(m / Math.max(u, this.parameters.tfMinimumU))
      }
    }
    return conditional ? this.dateNamesWeights![level] : this.weights[c][level]
  }

  score(pair: PairComparison, tf: TermFrequencies | null = null): PairScore {
    let weight = this.prior
    const levels = pair.levels
    for (let c = 0; c < levels.length; c++) weight += this.fieldWeight(c, levels[c], pair, tf)
    return { weight, probability: probabilityFromWeight(weight) }
  }

  explain(pair: PairComparison, tf: TermFrequencies | null = null): FieldExplanation[] {
    const out: FieldExplanation[] = []
    for (let c = 0; c < COMPARISONS.length; c++) {
      const spec = COMPARISONS[c]
      const level = pair.levels[c]
      if (level === MISSING) {
        out.push({
          field: spec.field,
          level: 'missing',
          label: `${spec.title}: not known on both records`,
          weight: 0,
          agreement: 'missing',
        })
        continue
      }
      const l = spec.levels[level]
      const swapped = pair.swapped && (c === 0 || c === 1) ? ' (names written in the other order)' : ''
      out.push({
        field: spec.field,
        level: l.code,
        label: `${spec.title}: ${l.label}${swapped}`,
        weight: round(this.fieldWeight(c, level, pair, tf)),
        agreement: l.agreement,
      })
    }
    return out
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100
}
