import { describe, expect, it } from 'vitest'
import { pairKey, pairSteps, wordKeys, type FoundWord } from './name-pairs.ts'

describe('wordKeys', () => {
  it('gives the word and every one-letter deletion for words of four letters or more', () => {
    expect(wordKeys('li')).toEqual(['li'])
    expect(wordKeys('ann')).toEqual(['ann'])
    expect(wordKeys('singh').sort()).toEqual(['ingh', 'sigh', 'sing', 'sinh', 'singh', 'sngh'].sort())
    // A doubled letter gives one key for either deletion.
    expect(wordKeys('anna').sort()).toEqual(['ana', 'ann', 'anna', 'nna'].sort())
  })

  it('lets two words one slip apart share a key', () => {
    const shared = (a: string, b: string) => wordKeys(a).some((k) => wordKeys(b).includes(k))
    expect(shared('nguyen', 'nguyyen')).toBe(true)
    expect(shared('popescu', 'popsecu')).toBe(true)
    expect(shared('popescu', 'ionescu')).toBe(false)
  })
})

describe('pairKey', () => {
  it('is the same whichever order the words come in, lower id in the high half', () => {
    expect(pairKey(3, 7)).toBe(pairKey(7, 3))
    expect(pairKey(1, 2)).toBe(String(2 ** 32 + 2))
  })
})

describe('pairSteps', () => {
  const word = (n: number, id: number, names: number, exact = true): FoundWord => ({ n, id, names, exact })

  it('reads the rarest pair first: "li na singh" starts from "na singh", not the common "li na"', () => {
    // li: 25,000 names, na: 20,000 (almost always with li), singh: 5,000.
    const steps = pairSteps([word(1, 10, 25_000), word(2, 20, 20_000), word(3, 30, 5_000)], 3)
    expect(steps.map((s) => s.positions)).toEqual([
      [2, 3],
      [1, 3],
      [1, 2],
    ])
    expect(steps[0]).toMatchObject({ bound: 5_000, exactKeys: [pairKey(20, 30)], otherKeys: [] })
  })

  it('bounds a pair by its rarer word summed over its spellings, so a correlated pair is never picked by a low estimate', () => {
    // "x" is common, but "li" and "na" (always together) are each common too: min bound, not the product.
    const steps = pairSteps([word(1, 10, 20_000), word(2, 20, 20_000), word(3, 30, 100_000), word(3, 31, 50, false)], 3)
    expect(steps[steps.length - 1].positions).toEqual([2, 3])
    expect(steps[0].bound).toBe(20_000)
    expect(steps[0].positions).toEqual([1, 2])
  })

  it('keeps exact spellings apart from slips, and leaves out positions with no word and pairs of one word with itself', () => {
    const steps = pairSteps(
      [word(1, 10, 100), word(1, 11, 50, false), word(2, 10, 100), word(2, 12, 80), word(4, 13, 5)],
      4,
    )
    const first = steps.find((s) => s.positions[0] === 1 && s.positions[1] === 2)!
    expect(first.exactKeys).toEqual([pairKey(10, 12)])
    expect(first.otherKeys.sort()).toEqual([pairKey(11, 10), pairKey(11, 12)].sort())
    expect(steps.some((s) => s.positions.includes(3))).toBe(false)
    expect(steps[0].positions).toEqual([1, 4])
  })

  it('gives nothing when fewer than two positions found a word', () => {
    expect(pairSteps([word(1, 10, 100), word(1, 11, 5)], 2)).toEqual([])
  })
})
