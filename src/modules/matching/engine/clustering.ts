import { weightFromProbability } from './match-model.ts'

/**
 * Turning accepted pairs into people without chaining through weak links.
 *
 * Connected components make one person of A, B and C when A–B and B–C are accepted, even when A and C are
 * plainly two different people: one weak link between two groups joins them whole. Here two groups join only
 * when the evidence across *every* pair of their members says so: the sum of the match weights (log-odds,
 * each clamped so that one overwhelming pair cannot outvote the rest) between the groups must be positive
 * after taking off the threshold's weight — greedy correlation clustering (additive edge contraction) in
 * log-odds, the objective that maximises the agreement between the clusters and the pairwise probabilities.
 * Equivalently: the average weight of the pairs across the two groups must clear the threshold.
 *
 * Reviewed decisions are not the model's to overturn: records a reviewer merged start in one group whatever
 * the scores say, and records a reviewer said are different people never share a group.
 */
export interface ClusterEdges {
  readonly left: Int32Array
  readonly right: Int32Array
  readonly probability: Float64Array
}

export interface ClusterOptions {
  /** Lowest probability at which a pair is accepted as one person (default 0.5). */
  readonly threshold?: number
  /**
   * The probability that records i and j are the same person, for pairs blocking did not bring forward (the
   * clustering checks every pair across two groups before joining them). Without it, a pair not among the
   * edges counts as having no evidence either way at the threshold (it neither helps nor stops a join).
   */
  readonly pairProbability?: (i: number, j: number) => number
  /** Pairs a reviewer merged: always one person (a reviewed merge stays a human decision). */
  readonly merged?: readonly (readonly [number, number])[]
  /** Pairs a reviewer said are different people: never in one group. */
  readonly rejected?: readonly (readonly [number, number])[]
  /** Bound on the weight of any one pair, in bits (default 10: about 1,000 to 1 either way). */
  readonly maxWeight?: number
}

const key = (a: number, b: number) => (a < b ? a * 4_294_967_296 + b : b * 4_294_967_296 + a)

/** A cluster id (the lowest record number in it) for every record 0..n-1. */
export function clusterRecords(n: number, edges: ClusterEdges, options: ClusterOptions = {}): Int32Array {
  const threshold = options.threshold ?? 0.5
  const cap = options.maxWeight ?? 10
  const thresholdWeight = weightFromProbability(Math.min(1 - 1e-12, Math.max(1e-12, threshold)))
  const known = new Map<number, number>()
  for (let k = 0; k < edges.left.length; k++) known.set(key(edges.left[k], edges.right[k]), edges.probability[k])
  const rejected = new Set((options.rejected ?? []).map(([a, b]) => key(a, b)))

  const parent = Int32Array.from({ length: n }, (_, i) => i)
  const members: number[][] = Array.from({ length: n }, (_, i) => [i])
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]]
      x = parent[x]
    }
    return x
  }
  const join = (a: number, b: number) => {
    const [big, small] = members[a].length >= members[b].length ? [a, b] : [b, a]
    parent[small] = big
    for (const m of members[small]) members[big].push(m)
    members[small] = []
  }
  for (const [a, b] of options.merged ?? []) {
    const ra = find(a)
    const rb = find(b)
    if (ra !== rb) join(ra, rb)
  }

  // The evidence, in bits above the threshold, that i and j are one person.
  const excess = (i: number, j: number): number => {
    const k = key(i, j)
    let p = known.get(k)
    if (p === undefined) {
      p = options.pairProbability ? options.pairProbability(i, j) : threshold
      known.set(k, p)
    }
    const w = p >= 1 ? cap : p <= 0 ? -cap : weightFromProbability(p)
    return Math.max(-cap, Math.min(cap, w)) - thresholdWeight
  }
  const linkage = (a: number, b: number): number => {
    let sum = 0
    for (const i of members[a]) {
      for (const j of members[b]) {
        if (rejected.has(key(i, j))) return -Infinity
        sum += excess(i, j)
      }
    }
    return sum
  }

  // Strongest links first, so each group forms around its surest pairs before weaker ones are weighed.
  const order: number[] = []
  for (let k = 0; k < edges.left.length; k++) if (edges.probability[k] >= threshold) order.push(k)
  order.sort((x, y) => edges.probability[y] - edges.probability[x] || x - y)
  for (const k of order) {
    const a = find(edges.left[k])
    const b = find(edges.right[k])
    if (a === b) continue
    // Strictly positive: a contradiction as strong as the support leaves the groups apart. A lone pair at
    // exactly the threshold is still accepted, as a pairwise decision would be.
    const evidence = linkage(a, b)
    if (evidence > 0 || (evidence === 0 && members[a].length === 1 && members[b].length === 1)) join(a, b)
  }

  const out = new Int32Array(n)
  for (let r = 0; r < n; r++) {
    if (members[r].length === 0) continue
    let lowest = members[r][0]
    for (const m of members[r]) if (m < lowest) lowest = m
    for (const m of members[r]) out[m] = lowest
  }
  return out
}
