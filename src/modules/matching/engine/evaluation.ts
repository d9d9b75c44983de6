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
export function connectedComponents(n: number, left: Int32Array, right: Int32Array, accept: (k: number) => boolean): Int32Array {
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
