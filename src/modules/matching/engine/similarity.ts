import { distance } from 'fastest-levenshtein'

// Reused across calls: a lookup scores hundreds of candidates and allocating per pair would dominate.
let flagsA = new Uint8Array(64)
let flagsB = new Uint8Array(64)

/** Jaro similarity in [0, 1]. */
export function jaro(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  if (flagsA.length < la) flagsA = new Uint8Array(la * 2)
  if (flagsB.length < lb) flagsB = new Uint8Array(lb * 2)
  flagsA.fill(0, 0, la)
  flagsB.fill(0, 0, lb)
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window)
    const hi = Math.min(lb - 1, i + window)
    const c = a.charCodeAt(i)
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1
        flagsB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue
    while (flagsB[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const m = matches
  return (m / la + m / lb + (m - transpositions / 2) / m) / 3
}

/** Jaro-Winkler with the usual prefix scale 0.1 over at most four characters. */
export function jaroWinkler(a: string, b: string): number {
  const j = jaro(a, b)
  if (j === 0 || j === 1) return j
  const limit = Math.min(4, a.length, b.length)
  let prefix = 0
  while (prefix < limit && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return j + prefix * 0.1 * (1 - j)
}

export const levenshtein: (a: string, b: string) => number = distance

/**
 * True when the strings differ by at most one substitution, insertion, deletion or swap of neighbours
 * (Damerau-Levenshtein ≤ 1) — the commonest keying slip, cheaper to test directly than to compute.
 */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true
  const la = a.length
  const lb = b.length
  if (Math.abs(la - lb) > 1) return false
  let i = 0
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++
  // Compared in place, without slicing: this runs for every candidate's date and postcode.
  if (la === lb) {
    if (sameFrom(a, i + 1, b, i + 1)) return true
    return (
      a.charCodeAt(i) === b.charCodeAt(i + 1) && a.charCodeAt(i + 1) === b.charCodeAt(i) && sameFrom(a, i + 2, b, i + 2)
    )
  }
  return la > lb ? sameFrom(a, i + 1, b, i) : sameFrom(a, i, b, i + 1)
}

function sameFrom(a: string, i: number, b: string, j: number): boolean {
  if (a.length - i !== b.length - j) return false
  for (; i < a.length; i++, j++) if (a.charCodeAt(i) !== b.charCodeAt(j)) return false
  return true
}

/**
 * Jaro-Winkler, or 0 when the lengths alone rule out reaching `floor` (Jaro is at most
 * (short/long + 2) / 3): most candidates of a lookup have unrelated names, and this skips their scoring.
 */
export function jaroWinklerAtLeast(a: string, b: string, floor: number): number {
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  const bound = (Math.min(la, lb) / Math.max(la, lb) + 2) / 3
  if (bound + 0.4 * (1 - bound) < floor) return 0
  return jaroWinkler(a, b)
}

/**
 * Monge-Elkan over word tokens, symmetrised: each token's best Jaro-Winkler partner, averaged. Order-free, so
 * "xiao ming wang" and "wang xiaoming" still line up token by token.
 */
export function tokenSimilarity(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0
  return (mongeElkan(a, b) + mongeElkan(b, a)) / 2
}

function mongeElkan(a: readonly string[], b: readonly string[]): number {
  let total = 0
  for (const x of a) {
    let best = 0
    for (const y of b) {
      const s = jaroWinkler(x, y)
      if (s > best) best = s
    }
    total += best
  }
  return total / a.length
}
