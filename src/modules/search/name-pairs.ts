/**
 * The word-pair side of name search (ADR 0005), kept free of SQL so it can be tested by itself: which keys a
 * typed word is looked up by, and in which order the pairs of typed words are read, rarest first.
 */

/** A vocabulary word found for the typed word at position `n` (1-based), with how many names use it. */
export type FoundWord = { n: number; id: number; names: number; exact: boolean }

/** One pair of typed positions and the pair keys their spellings make, the exact spellings' keys apart. */
export type PairStep = {
  positions: [number, number]
  bound: number
  estimate: number
  exactKeys: string[]
  otherKeys: string[]
}

/**
 * The keys a word is found by with one slip, as migration 0005's name_word_keys computes them: the word and,
 * for words of four letters or more, every form with one letter left out. Folded names are ASCII, so a
 * JavaScript character is a PostgreSQL character here.
 */
export function wordKeys(word: string): string[] {
  const keys = new Set([word])
  if (word.length >= 4) for (let i = 0; i < word.length; i++) keys.add(word.slice(0, i) + word.slice(i + 1))
  return [...keys]
}

/** Two vocabulary word ids as one pair key, as name_word_pair (migration 0005) computes it. */
export function pairKey(a: number, b: number): string {
  const [lo, hi] = a < b ? [a, b] : [b, a]
  return ((BigInt(lo) << 32n) | BigInt(hi)).toString()
}

/**
 * Every pair of typed positions that both found a word, rarest first. A pair's names are at most the names
 * of its rarer word (`bound`, the sum over that word's spellings), so reading the pair with the smallest bound
 * first reads the fewest postings whatever the words have to do with each other ("li" and "na" almost always
 * come together, which an independence estimate would miss); ties go to the smaller product of the two counts.
 * Names holding every typed word hold every pair, so they are all among the first pair's names.
 */
export function pairSteps(found: readonly FoundWord[], wordCount: number): PairStep[] {
  const at = (n: number) => found.filter((f) => f.n === n)
  const names = (words: FoundWord[]) => words.reduce((sum, w) => sum + w.names, 0)
  const steps: PairStep[] = []
  for (let i = 1; i <= wordCount; i++) {
    for (let j = i + 1; j <= wordCount; j++) {
      const left = at(i)
      const right = at(j)
      if (left.length === 0 || right.length === 0) continue
      const exactKeys = new Set<string>()
      const otherKeys = new Set<string>()
      for (const a of left) {
        for (const b of right) {
          if (a.id === b.id) continue
          ;(a.exact && b.exact ? exactKeys : otherKeys).add(pairKey(a.id, b.id))
        }
      }
      for (const key of exactKeys) otherKeys.delete(key)
      if (exactKeys.size + otherKeys.size === 0) continue
      steps.push({
        positions: [i, j],
        bound: Math.min(names(left), names(right)),
        estimate: names(left) * names(right),
        exactKeys: [...exactKeys],
        otherKeys: [...otherKeys],
      })
    }
  }
  return steps.sort(
    (a, b) =>
      a.bound - b.bound ||
      a.estimate - b.estimate ||
      a.positions[0] - b.positions[0] ||
      a.positions[1] - b.positions[1],
  )
}
