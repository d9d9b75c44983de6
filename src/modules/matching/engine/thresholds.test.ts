import { describe, expect, it } from 'vitest'
import { expectedPrecision, thresholdForPrecision } from './thresholds.ts'

describe('accept threshold from the model’s own probabilities', () => {
  it('stays at even odds when every pair above it is expected to be right 99 times in 100', () => {
    expect(thresholdForPrecision([0.999, 0.998, 0.9999, 0.995, 0.01, 0.2])).toBe(0.5)
  })

  it('rises until the pairs accepted are expected to be right 99 times in 100', () => {
    // 90 sure pairs and 20 doubtful ones at 0.6: accepting all would be expected to be 92% right.
    const probability = [
      ...Array<number>(90).fill(0.999),
      ...Array<number>(20).fill(0.6),
      ...Array<number>(5).fill(0.95),
    ]
    expect(expectedPrecision(probability, 0.5)).toBeLessThan(0.99)
    const threshold = thresholdForPrecision(probability)
    expect(threshold).toBeGreaterThan(0.6)
    expect(expectedPrecision(probability, threshold)).toBeGreaterThanOrEqual(0.99)
  })

  it('never goes below the floor nor above the ceiling', () => {
    expect(thresholdForPrecision([])).toBe(0.5)
    expect(thresholdForPrecision([0.7, 0.6], { target: 0.99 })).toBe(0.99)
    expect(thresholdForPrecision([0.9, 0.3], { floor: 0.8, target: 0.5 })).toBe(0.8)
  })
})
