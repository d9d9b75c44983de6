import { describe, expect, it } from 'vitest'
import { candidateModels, estimateHiddenTotal, fitPoissonGlm, logGamma, type OverlapTable } from './mse.ts'

/** A small seeded generator, so a failing run can be repeated exactly. */
function mulberry32(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Each of `size` people is seen by list k with probability p[k], independently: the assumptions MSE makes. */
function simulate(size: number, p: number[], random: () => number): OverlapTable {
  const counts = new Map<number, number>()
  for (let person = 0; person < size; person++) {
    let mask = 0
    p.forEach((pk, k) => {
      if (random() < pk) mask |= 1 << k
    })
    if (mask) counts.set(mask, (counts.get(mask) ?? 0) + 1)
  }
  return { lists: p.map((_, k) => `List ${k + 1}`), counts }
}

describe('Poisson GLM by IRLS', () => {
  it('fits a log-linear model exactly where the answer is known', () => {
    // log μ = 1 + 0.5 x: counts equal to their means are fitted exactly.
    const x = [
      [1, 0],
      [1, 1],
      [1, 2],
      [1, 3],
    ]
    const y = x.map(([, v]) => Math.exp(1 + 0.5 * v))
    const fit = fitPoissonGlm(x, y)
    expect(fit.converged).toBe(true)
    expect(fit.beta[0]).toBeCloseTo(1, 8)
    expect(fit.beta[1]).toBeCloseTo(0.5, 8)
    expect(fit.deviance).toBeCloseTo(0, 8)
  })

  it('has a log-gamma that matches factorials', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(6)).toBeCloseTo(Math.log(120), 10)
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8)
  })
})

describe('estimateHiddenTotal', () => {
  it('reproduces the Lincoln–Petersen estimate with two lists', () => {
    // n1 = 60 (10 also on list 2), n2 = 50: N = 60 × 50 / 10 = 300.
    const result = estimateHiddenTotal({
      lists: ['A', 'B'],
      counts: new Map([
        [1, 50],
        [2, 40],
        [3, 10],
      ]),
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    expect(result.chosenByAic.total).toBeCloseTo(300, 6)
    expect(result.chosenByAic.interval!.lower).toBeLessThan(300)
    expect(result.chosenByAic.interval!.upper!).toBeGreaterThan(300)
    expect(result.cautions.join(' ')).toMatch(/only two sources/)
  })

  it('enumerates independence and two-way models', () => {
    expect(candidateModels(3).map((m) => m.interactions.length)).toEqual([0, 1, 2, 3, 2, 1, 2, 1])
    expect(candidateModels(2)).toHaveLength(1)
  })

  it('declines to estimate from too little, with a reason', () => {
    const one = estimateHiddenTotal({ lists: ['A', 'B', 'C'], counts: new Map([[1, 40]]) })
    expect(one).toMatchObject({ ok: false })
    const few = estimateHiddenTotal({
      lists: ['A', 'B'],
      counts: new Map([
        [1, 5],
        [2, 4],
        [3, 2],
      ]),
    })
    expect(few.ok).toBe(false)
    if (!few.ok) expect(few.problem).toMatch(/at least 20/)
    const apart = estimateHiddenTotal({
      lists: ['A', 'B'],
      counts: new Map([
        [1, 50],
        [2, 40],
      ]),
    })
    expect(apart.ok).toBe(false)
    if (!apart.ok) expect(apart.problem).toMatch(/more than one source/)
  })

  it('leaves out a list with nobody in it', () => {
    const result = estimateHiddenTotal({
      lists: ['A', 'B', 'Empty'],
      counts: new Map([
        [1, 50],
        [2, 40],
        [3, 10],
      ]),
    })
    expect(result.ok).toBe(true)
    if (result.ok) expect(result.droppedLists).toEqual(['Empty'])
  })

  it('covers the true total in most of 200 simulated populations with independent lists', () => {
    const random = mulberry32(20261129)
    const truth = 600
    const runs = 200
    let coveredIndependence = 0
    let coveredChosen = 0
    let estimated = 0
    for (let run = 0; run < runs; run++) {
      const table = simulate(truth, [0.2, 0.25, 0.15], random)
      const result = estimateHiddenTotal(table)
      if (!result.ok) continue
      estimated++
      const independence = result.fits.find((f) => f.interactions.length === 0)!
      const i = independence.interval!
      if (i.lower <= truth && (i.upper === null || i.upper >= truth)) coveredIndependence++
      const c = result.chosenByAic.interval!
      if (c.lower <= truth && (c.upper === null || c.upper >= truth)) coveredChosen++
    }
    const coverage = coveredIndependence / runs
    const chosenCoverage = coveredChosen / runs
    console.info(
      `MSE coverage over ${runs} simulations (N = ${truth}, three independent lists): independence model ${(coverage * 100).toFixed(1)}%, AIC-chosen model ${(chosenCoverage * 100).toFixed(1)}%`,
    )
    expect(estimated).toBe(runs)
    // Nominal 95%; allow for Monte Carlo error on 200 runs (sd ≈ 1.5 points).
    expect(coverage).toBeGreaterThanOrEqual(0.9)
    // Choosing a model from the same data costs some coverage, but it should still cover most of the time.
    expect(chosenCoverage).toBeGreaterThanOrEqual(0.75)
  })

  it('is roughly unbiased on larger independent populations', () => {
    const random = mulberry32(7)
    const totals: number[] = []
    for (let run = 0; run < 40; run++) {
      const result = estimateHiddenTotal(simulate(2000, [0.3, 0.2, 0.25, 0.1], random))
      if (result.ok) totals.push(result.fits.find((f) => f.interactions.length === 0)!.total!)
    }
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length
    expect(Math.abs(mean - 2000) / 2000).toBeLessThan(0.05)
  })
})
