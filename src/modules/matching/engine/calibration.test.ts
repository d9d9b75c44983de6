import { describe, expect, it } from 'vitest'
import { matchBatch } from './batch.ts'
import { reliability } from './evaluation.ts'
import { preparePerson } from './person-record.ts'
import { SyntheticPeople } from './synthetic-people.ts'
import { randomGenerator } from './training.ts'

describe('calibration on records the model never saw', () => {
  it('trains without labels on one part of a set, and the probabilities it shows on the held-back part mean what they say', () => {
    const generator = new SyntheticPeople({ seed: 3, duplicateRate: 0.3 })
    const records = Array.from({ length: 4000 }, () => generator.next())
    const random = randomGenerator(5)
    const training = records.filter(() => random() < 0.5)
    const kept = new Set(training.map((r) => r.id))
    const heldBack = records.filter((r) => !kept.has(r.id))

    const { model } = matchBatch(training.map(preparePerson), { maxRandomPairs: 100_000 })
    // The parameters are learnt from the records held, not the hand-set starting values.
    expect(model.parameters.notes).toMatch(/^unsupervised/)

    const scored = matchBatch(heldBack.map(preparePerson), { model })
    const same = (k: number) => heldBack[scored.left[k]].identity === heldBack[scored.right[k]].identity
    const table = reliability(scored.probability, same)
    expect(table.expectedCalibrationError).toBeLessThan(0.02)
    // Of pairs shown at 0.9 or more, about nine in ten or more are the same person; of those shown under 0.1,
    // hardly any are.
    const high = table.bands.filter((b) => b.from >= 0.9)
    const highPairs = high.reduce((sum, b) => sum + b.pairs, 0)
    expect(highPairs).toBeGreaterThan(100)
    expect(high.reduce((sum, b) => sum + b.observed * b.pairs, 0) / highPairs).toBeGreaterThanOrEqual(0.9)
    const low = table.bands.find((b) => b.from === 0)!
    expect(low.observed).toBeLessThan(0.1)

    // The accept threshold is set on the training part from the model's own probabilities, and carried to
    // the held-back part: there the pairs it accepts are right at least 98 times in 100.
    expect(model.threshold).toBeGreaterThanOrEqual(0.5)
    let accepted = 0
    let right = 0
    for (let k = 0; k < scored.left.length; k++) {
      if (scored.probability[k] < model.threshold) continue
      accepted++
      if (same(k)) right++
    }
    expect(accepted).toBeGreaterThan(100)
    expect(right / accepted).toBeGreaterThanOrEqual(0.98)
  })

  it('keeps m learnt on one set and re-estimates u and λ on another with a different share of duplicates', () => {
    const many = new SyntheticPeople({ seed: 41, duplicateRate: 0.4 })
    const few = new SyntheticPeople({ seed: 43, duplicateRate: 0.05 })
    const source = Array.from({ length: 2000 }, () => many.next()).map(preparePerson)
    const target = Array.from({ length: 2000 }, () => few.next())
    const sizes = new Map<number, number>()
    for (const r of target) sizes.set(r.identity, (sizes.get(r.identity) ?? 0) + 1)
    let truePairs = 0
    for (const n of sizes.values()) truePairs += (n * (n - 1)) / 2

    const { model } = matchBatch(source, { maxRandomPairs: 50_000 })
    const adapted = matchBatch(target.map(preparePerson), { fixedM: model.parameters, maxRandomPairs: 50_000 })
    expect(adapted.model.parameters.comparisons[0].levels[0].m).toBe(model.parameters.comparisons[0].levels[0].m)
    expect(adapted.model.parameters.lambda).toBeLessThan(model.parameters.lambda / 2)
    expect(adapted.training!.expectedMatches).toBeGreaterThan(truePairs * 0.7)
    expect(adapted.training!.expectedMatches).toBeLessThan(truePairs * 1.3)
  })

  it('computes the reliability table and its expected calibration error', () => {
    const p = [0.05, 0.05, 0.95, 0.95, 0.95, 0.95]
    const truth = [false, false, true, true, true, false]
    const table = reliability(p, (k) => truth[k])
    expect(table.bands.map((b) => [b.from, b.pairs])).toEqual([
      [0, 2],
      [0.95, 4],
    ])
    expect(table.bands[1].observed).toBe(0.75)
    // |0.1 - 0| + |3.8 - 3| over six pairs.
    expect(table.expectedCalibrationError).toBeCloseTo((0.1 + 0.8) / 6)
  })
})
