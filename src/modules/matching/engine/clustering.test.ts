import { describe, expect, it } from 'vitest'
import { groupPeople, matchBatch } from './batch.ts'
import { clusterRecords, type ClusterEdges } from './clustering.ts'
import { clusterMetrics, connectedComponents } from './evaluation.ts'
import { preparePerson } from './person-record.ts'
import { SyntheticPeople } from './synthetic-people.ts'

function edges(list: [number, number, number][]): ClusterEdges {
  return {
    left: Int32Array.from(list, (e) => e[0]),
    right: Int32Array.from(list, (e) => e[1]),
    probability: Float64Array.from(list, (e) => e[2]),
  }
}

/** Probabilities of every pair, looked up in a table; pairs not in it are strangers. */
function table(list: [number, number, number][], otherwise = 0.001) {
  const byPair = new Map(list.map(([a, b, p]) => [`${Math.min(a, b)}|${Math.max(a, b)}`, p]))
  return (i: number, j: number) => byPair.get(`${Math.min(i, j)}|${Math.max(i, j)}`) ?? otherwise
}

const groups = (clusterOf: Int32Array) => {
  const out = new Map<number, number[]>()
  clusterOf.forEach((c, i) => out.set(c, [...(out.get(c) ?? []), i]))
  return [...out.values()].sort((a, b) => a[0] - b[0])
}

describe('grouping accepted pairs into people', () => {
  it('does not make one person of a chain of weak links', () => {
    // A–B and B–C pass the threshold, A and C are clearly two people: connected components chain them.
    const list: [number, number, number][] = [
      [0, 1, 0.7],
      [1, 2, 0.7],
      [0, 2, 0.0001],
    ]
    const chained = connectedComponents(3, edges(list).left, edges(list).right, (k) => list[k][2] >= 0.5)
    expect(new Set(chained).size).toBe(1)
    expect(groups(clusterRecords(3, edges(list)))).toEqual([[0, 1], [2]])
  })

  it('does not grow a long chain into one person when the ends are strangers', () => {
    // Six records, each strongly like the next, nothing like the ones further along (a family, a shared address).
    const list: [number, number, number][] = [0, 1, 2, 3, 4].map((i) => [i, i + 1, 0.95])
    const result = clusterRecords(6, edges(list), { pairProbability: table(list) })
    for (const group of groups(result)) expect(group.length).toBeLessThanOrEqual(2)
  })

  it('scores pairs blocking did not bring forward before joining two groups', () => {
    const list: [number, number, number][] = [
      [0, 1, 0.99],
      [1, 2, 0.9],
    ]
    const asked: string[] = []
    const result = clusterRecords(3, edges(list), {
      pairProbability: (i, j) => {
        asked.push(`${i}|${j}`)
        return 0.00001
      },
    })
    expect(asked).toEqual(['0|2'])
    expect(groups(result)).toEqual([[0, 1], [2]])
  })

  it('keeps a true person together when one record is weakly linked to some of the others', () => {
    // Four records of one person; record 3 has a typo that makes it weak against record 1 only.
    const list: [number, number, number][] = [
      [0, 1, 0.999],
      [0, 2, 0.999],
      [1, 2, 0.999],
      [0, 3, 0.99],
      [2, 3, 0.99],
      [1, 3, 0.2],
    ]
    expect(groups(clusterRecords(4, edges(list)))).toEqual([[0, 1, 2, 3]])
  })

  it('a reviewed merge still groups its records, whatever the scores say', () => {
    const list: [number, number, number][] = [[0, 1, 0.00001]]
    const result = clusterRecords(3, edges(list), { merged: [[0, 1]], pairProbability: table(list) })
    expect(groups(result)).toEqual([[0, 1], [2]])
  })

  it('a reviewed merge joins a group the model builds around it', () => {
    // 0 and 1 were merged by a reviewer; 2 is strongly like both.
    const list: [number, number, number][] = [
      [0, 2, 0.99],
      [1, 2, 0.99],
      [0, 1, 0.01],
    ]
    expect(groups(clusterRecords(3, edges(list), { merged: [[0, 1]] }))).toEqual([[0, 1, 2]])
  })

  it('never puts together records a reviewer said are different people', () => {
    const list: [number, number, number][] = [
      [0, 1, 0.999],
      [1, 2, 0.999],
      [0, 2, 0.999],
    ]
    const result = clusterRecords(3, edges(list), { rejected: [[0, 2]] })
    expect(result[0]).not.toBe(result[2])
  })

  it('keeps pairs below the threshold apart', () => {
    expect(groups(clusterRecords(2, edges([[0, 1, 0.4]])))).toEqual([[0], [1]])
    expect(groups(clusterRecords(2, edges([[0, 1, 0.4]]), { threshold: 0.3 }))).toEqual([[0, 1]])
  })
})

describe('cluster metrics', () => {
  it('gives B-cubed precision and recall and the share of clusters holding two people', () => {
    // Truth: {0,1,2} one person, {3,4} another. Prediction: {0,1}, {2,3,4}.
    const truth = ['a', 'a', 'a', 'b', 'b']
    const m = clusterMetrics([0, 0, 2, 2, 2], truth)
    // Precision per record: 1, 1, 1/3, 2/3, 2/3; recall: 2/3, 2/3, 1/3, 1, 1.
    expect(m.bcubedPrecision).toBeCloseTo((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)
    expect(m.bcubedRecall).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5)
    expect(m.clusters).toBe(2)
    expect(m.mixedClusters).toBe(1)
    expect(m.mixedShare).toBe(0.5)
    // Pairs: predicted 1 + 3 = 4, correct 1 + 1 = 2, true 3 + 1 = 4.
    expect(m.pairPrecision).toBe(0.5)
    expect(m.pairRecall).toBe(0.5)
  })

  it('counts only pairs across the two sides in a linkage', () => {
    // Side 0: records 0, 1; side 1: records 2, 3. Truth a = {0, 2}, b = {1, 3}; prediction puts all four together.
    const m = clusterMetrics([0, 0, 0, 0], ['a', 'b', 'a', 'b'], 2)
    expect(m.pairPrecision).toBe(0.5)
    expect(m.pairRecall).toBe(1)
  })
})

describe('grouping a batch of records into people', () => {
  it('keeps cluster precision at 0.95 or more on referrals with common names and shared addresses, and never below connected components', () => {
    const generator = new SyntheticPeople({ seed: 77, duplicateRate: 0.3, sharedAddressRate: 0.1 })
    const records = Array.from({ length: 3000 }, () => generator.next())
    const truth = records.map((r) => String(r.identity))
    const batch = matchBatch(records.map(preparePerson), { maxRandomPairs: 50_000 })
    const grouped = clusterMetrics(groupPeople(batch), truth)
    const chained = clusterMetrics(
      connectedComponents(records.length, batch.left, batch.right, (k) => batch.probability[k] >= 0.5),
      truth,
    )
    expect(grouped.bcubedPrecision).toBeGreaterThanOrEqual(0.95)
    expect(grouped.bcubedPrecision).toBeGreaterThanOrEqual(chained.bcubedPrecision)
    expect(grouped.mixedClusters).toBeLessThanOrEqual(chained.mixedClusters)
    expect(grouped.bcubedRecall).toBeGreaterThan(0.9)
  })
})
