/**
 * The threshold at which pairs are accepted, set from the model's own probabilities over the candidate pairs
 * of the records it holds, never from labels: a team prefers a missed suggestion to a wrong one, so the
 * threshold is the lowest at which the pairs it accepts are expected to be right at least `target` of the
 * time. Where the probabilities are calibrated, the mean probability of the accepted pairs is their expected
 * precision; on a set with many near-namesakes (a large town, a few common surnames) the threshold rises by
 * itself, where a fixed 0.5 would let precision fall with the size of the set.
 */
export interface ThresholdOptions {
  /** Expected precision the accepted pairs must reach (default 0.99: a margin over the 0.98 the team asks for). */
  readonly target?: number
  /** Never accept below this probability, whatever the estimate (default 0.5: at least even odds). */
  readonly floor?: number
  /** Never require more than this (default 0.99), so a model that is sure of few pairs still accepts them. */
  readonly ceiling?: number
}

export const DEFAULT_PRECISION_TARGET = 0.99

export function thresholdForPrecision(probability: ArrayLike<number>, options: ThresholdOptions = {}): number {
  const target = options.target ?? DEFAULT_PRECISION_TARGET
  const floor = options.floor ?? 0.5
  const ceiling = options.ceiling ?? 0.99
  const accepted: number[] = []
  for (let k = 0; k < probability.length; k++) if (probability[k] >= floor) accepted.push(probability[k])
  if (accepted.length === 0) return floor
  accepted.sort((a, b) => b - a)
  // Walk down from the surest pair: the expected precision of the top k is their mean probability, which only
  // falls as k grows. Keep the largest k whose mean still reaches the target (pairs tied at one probability
  // go together, since a threshold cannot split them).
  let sum = 0
  let kept = 0
  for (let k = 0; k < accepted.length; k++) {
    sum += accepted[k]
    const last = k === accepted.length - 1 || accepted[k + 1] < accepted[k]
    if (last && sum / (k + 1) >= target) kept = k + 1
  }
  // Every pair at even odds or better reaches the target together: the floor is the threshold.
  if (kept === accepted.length) return floor
  if (kept === 0) return ceiling
  return Math.max(floor, Math.min(ceiling, accepted[kept - 1]))
}

/** Expected precision of the pairs at or above `threshold`, by the model's own probabilities (no labels). */
export function expectedPrecision(probability: ArrayLike<number>, threshold: number): number {
  let sum = 0
  let n = 0
  for (let k = 0; k < probability.length; k++) {
    if (probability[k] < threshold) continue
    sum += probability[k]
    n++
  }
  return n === 0 ? 1 : sum / n
}
