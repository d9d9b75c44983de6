/** Pairwise precision, recall and F1 against known clusters; pairs lost by blocking count as misses. */
export interface PairMetrics {
  precision: number
  recall: number
  f1: number
  truePairs: number
  predictedPairs: number
  truePositives: number
}

export function pairKey(a: number, b: number): number {
  return a < b ? a * 4_194_304 + b : b * 4_194_304 + a
}

export function metrics(truePositives: number, predictedPairs: number, truePairs: number): PairMetrics {
  const precision = predictedPairs === 0 ? 1 : truePositives / predictedPairs
  const recall = truePairs === 0 ? 1 : truePositives / truePairs
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { precision, recall, f1, truePairs, predictedPairs, truePositives }
}

/** Number of unordered pairs inside each cluster (dedupe), or across the two sides (linkage). */
export function countTruePairs(clusters: readonly string[], linkSplit?: number): number {
  const left = new Map<string, number>()
  const right = new Map<string, number>()
  clusters.forEach((c, i) => {
    const side = linkSplit !== undefined && i >= linkSplit ? right : left
    side.set(c, (side.get(c) ?? 0) + 1)
  })
  let total = 0
  if (linkSplit === undefined) for (const n of left.values()) total += (n * (n - 1)) / 2
  else for (const [c, n] of left) total += n * (right.get(c) ?? 0)
  return total
}

/** Connected components over accepted pairs (union-find); returns a component id per record. */
export function connectedComponents(
  n: number,
  left: Int32Array,
  right: Int32Array,
  accept: (k: number) => boolean,
): Int32Array {
  const parent = Int32Array.from({ length: n }, (_, i) => i)
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]]
      x = parent[x]
    }
    return x
  }
  for (let k = 0; k < left.length; k++) {
    if (!accept(k)) continue
    const a = find(left[k])
    const b = find(right[k])
    if (a !== b) parent[a] = b
  }
  return Int32Array.from({ length: n }, (_, i) => find(i))
}

/** How well records were grouped into people, against the true people. */
export interface ClusterMetrics {
  /** B-cubed: per record, the share of its cluster that is truly the same person, averaged over records. */
  bcubedPrecision: number
  /** B-cubed: per record, the share of its true person found in its cluster, averaged over records. */
  bcubedRecall: number
  bcubedF1: number
  /** Pairwise precision and recall of the pairs inside clusters (linkage: pairs across the two sides only). */
  pairPrecision: number
  pairRecall: number
  pairF1: number
  /** Clusters of two or more records. */
  clusters: number
  /** Of those, how many hold records of two or more true people. */
  mixedClusters: number
  mixedShare: number
}

/** Cluster-level metrics of a grouping (`clusterOf[i]`) against the true people (`truth[i]`). */
export function clusterMetrics(
  clusterOf: ArrayLike<number>,
  truth: readonly string[],
  linkSplit?: number,
): ClusterMetrics {
  const n = truth.length
  const clusterSize = new Map<number, number>()
  const truthSize = new Map<string, number>()
  const both = new Map<string, number>()
  const sides = new Map<string, [number, number]>()
  const truthSides = new Map<string, [number, number]>()
  const peopleIn = new Map<number, Set<string>>()
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i]
    const t = truth[i]
    const side = linkSplit !== undefined && i >= linkSplit ? 1 : 0
    clusterSize.set(c, (clusterSize.get(c) ?? 0) + 1)
    truthSize.set(t, (truthSize.get(t) ?? 0) + 1)
    const ct = `${c}\u0000${t}`
    both.set(ct, (both.get(ct) ?? 0) + 1)
    const s = sides.get(ct) ?? [0, 0]
    s[side]++
    sides.set(ct, s)
    const ts = truthSides.get(t) ?? [0, 0]
    ts[side]++
    truthSides.set(t, ts)
    let set = peopleIn.get(c)
    if (!set) peopleIn.set(c, (set = new Set()))
    set.add(t)
  }
  let precision = 0
  let recall = 0
  for (let i = 0; i < n; i++) {
    const shared = both.get(`${clusterOf[i]}\u0000${truth[i]}`)!
    precision += shared / clusterSize.get(clusterOf[i])!
    recall += shared / truthSize.get(truth[i])!
  }
  const pairs = (k: number) => (k * (k - 1)) / 2
  let predicted = 0
  let correct = 0
  let truePairs = 0
  if (linkSplit === undefined) {
    for (const size of clusterSize.values()) predicted += pairs(size)
    for (const size of both.values()) correct += pairs(size)
    for (const size of truthSize.values()) truePairs += pairs(size)
  } else {
    const clusterSides = new Map<number, [number, number]>()
    for (let i = 0; i < n; i++) {
      const s = clusterSides.get(clusterOf[i]) ?? [0, 0]
      s[i >= linkSplit ? 1 : 0]++
      clusterSides.set(clusterOf[i], s)
    }
    for (const [l, r] of clusterSides.values()) predicted += l * r
    for (const [l, r] of sides.values()) correct += l * r
    for (const [l, r] of truthSides.values()) truePairs += l * r
  }
  let clusters = 0
  let mixed = 0
  for (const [c, size] of clusterSize) {
    if (size < 2) continue
    clusters++
    if (peopleIn.get(c)!.size > 1) mixed++
  }
  const bp = n === 0 ? 1 : precision / n
  const br = n === 0 ? 1 : recall / n
  const pair = metrics(correct, predicted, truePairs)
  return {
    bcubedPrecision: bp,
    bcubedRecall: br,
    bcubedF1: bp + br === 0 ? 0 : (2 * bp * br) / (bp + br),
    pairPrecision: pair.precision,
    pairRecall: pair.recall,
    pairF1: pair.f1,
    clusters,
    mixedClusters: mixed,
    mixedShare: clusters === 0 ? 0 : mixed / clusters,
  }
}

/** One probability band of a reliability table. */
export interface ReliabilityBand {
  from: number
  to: number
  pairs: number
  /** Mean probability shown for the band's pairs. */
  predicted: number
  /** Share of the band's pairs that are truly one person. */
  observed: number
}

export const RELIABILITY_BANDS = [0, 0.1, 0.5, 0.8, 0.9, 0.95, 0.99, 1] as const

/**
 * Whether the probabilities mean what they say: pairs grouped by the probability shown, each band's mean
 * probability beside the share that is truly the same person, and the expected calibration error (the gap
 * weighted by each band's pairs).
 */
export function reliability(
  probability: ArrayLike<number>,
  isTrue: (k: number) => boolean,
  bands: readonly number[] = RELIABILITY_BANDS,
): { bands: ReliabilityBand[]; expectedCalibrationError: number } {
  const rows = bands.slice(0, -1).map((from, b) => ({ from, to: bands[b + 1], pairs: 0, predicted: 0, observed: 0 }))
  for (let k = 0; k < probability.length; k++) {
    const p = probability[k]
    let b = rows.length - 1
    while (b > 0 && p < rows[b].from) b--
    rows[b].pairs++
    rows[b].predicted += p
    if (isTrue(k)) rows[b].observed++
  }
  let gap = 0
  for (const row of rows) gap += Math.abs(row.predicted - row.observed)
  for (const row of rows) {
    if (row.pairs === 0) continue
    row.predicted /= row.pairs
    row.observed /= row.pairs
  }
  return {
    bands: rows.filter((r) => r.pairs > 0),
    expectedCalibrationError: probability.length === 0 ? 0 : gap / probability.length,
  }
}
