import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { readerBounds, suppressTable, toPartnerTable, WITHHELD_TEXT, type SuppressedTable } from './suppression.ts'

/**
 * An independent check of what a reader can work out: enumerate every whole-number table consistent with
 * what was published (shown values fixed, hidden values within the bounds their labels give away) and
 * collect the values each hidden entry takes. A hidden entry is protected when it takes at least two values.
 * This does not share code with the graph argument in suppression.ts.
 */
function feasibleValues(t: SuppressedTable, publishedGrandTotal = false): Map<string, Set<number>> {
  const r = t.rows.length
  const c = t.columns.length
  const threshold = t.threshold
  const bound = (v: { status: string; value: number }) => readerBounds(v.status as never, v.value, threshold)
  const hiddenEntries: string[] = []
  t.cells.forEach((row, i) =>
    row.forEach((v, j) =>
      v.status === 'primary' || v.status === 'secondary' ? hiddenEntries.push(`c${i},${j}`) : null,
    ),
  )
  t.rowTotals.forEach((v, i) =>
    v.status === 'primary' || v.status === 'secondary' ? hiddenEntries.push(`r${i}`) : null,
  )
  t.columnTotals.forEach((v, j) =>
    v.status === 'primary' || v.status === 'secondary' ? hiddenEntries.push(`k${j}`) : null,
  )
  if (t.grandTotal.status === 'primary' || t.grandTotal.status === 'secondary') hiddenEntries.push('g')
  const seen = new Map<string, Set<number>>(hiddenEntries.map((k) => [k, new Set<number>()]))
  const done = () => [...seen.values()].every((s) => s.size >= 2)
  // A cap on a hidden value's search range only makes the check stricter (fewer alternatives found).
  const maxTrue = Math.max(t.grandTotal.value, threshold)
  const cap = (v: { status: string; value: number }) => Math.min(bound(v).hi, v.value + 2 * threshold + maxTrue)
  const grid: number[][] = Array.from({ length: r }, () => new Array<number>(c).fill(0))
  const ok = (v: { status: string; value: number }, x: number) => {
    if (v.status === 'shown' || v.status === 'zero') return x === v.value
    const b = bound(v)
    return x >= b.lo && x <= b.hi
  }
  const colSum = (j: number, upTo: number) => {
    let s = 0
    for (let i = 0; i < upTo; i++) s += grid[i][j]
    return s
  }
  const record = () => {
    const rowTotals = grid.map((row) => row.reduce((a, b) => a + b, 0))
    const colTotals = Array.from({ length: c }, (_, j) => colSum(j, r))
    const g = rowTotals.reduce((a, b) => a + b, 0)
    if (!rowTotals.every((x, i) => ok(t.rowTotals[i], x))) return
    if (!colTotals.every((x, j) => ok(t.columnTotals[j], x))) return
    if (!ok(t.grandTotal, g)) return
    if (publishedGrandTotal && g !== t.grandTotal.value) return
    grid.forEach((row, i) => row.forEach((x, j) => seen.get(`c${i},${j}`)?.add(x)))
    rowTotals.forEach((x, i) => seen.get(`r${i}`)?.add(x))
    colTotals.forEach((x, j) => seen.get(`k${j}`)?.add(x))
    seen.get('g')?.add(g)
  }
  const walk = (i: number, j: number): void => {
    if (done()) return
    if (i === r) return record()
    const [ni, nj] = j + 1 === c ? [i + 1, 0] : [i, j + 1]
    const v = t.cells[i][j]
    const options: number[] = []
    if (v.status === 'shown' || v.status === 'zero') options.push(v.value)
    else for (let x = bound(v).lo; x <= cap(v); x++) options.push(x)
    for (const x of options) {
      grid[i][j] = x
      // Prune on shown column totals (only ever grow) and on the last cell of a row with a shown total.
      const ct = t.columnTotals[j]
      const partial = colSum(j, i + 1)
      if (
        (ct.status === 'shown' || ct.status === 'zero') &&
        (partial > ct.value || (i === r - 1 && partial !== ct.value))
      )
        continue
      if (ct.status === 'primary' && partial > threshold - 1) continue
      if (j === c - 1) {
        const rowSum = grid[i].reduce((a, b) => a + b, 0)
        if (!ok(t.rowTotals[i], rowSum)) continue
      }
      walk(ni, nj)
      if (done()) return
    }
  }
  walk(0, 0)
  return seen
}

/**
 * Each property checks hundreds of tables by enumerating what a reader could work out: a few seconds of CPU, but on
 * a shared two-core machine under load it can wait far longer for the CPU than the unit default allows.
 */
const property = { timeout: 180_000 }

const smallTable = fc
  .record({ r: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 3 }) })
  .chain(({ r, c }) =>
    fc.array(
      fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 5, max: 12 })), {
        minLength: c,
        maxLength: c,
      }),
      { minLength: r, maxLength: r },
    ),
  )

const labelled = (cells: number[][]) => ({
  rows: cells.map((_, i) => `row ${i + 1}`),
  columns: (cells[0] ?? []).map((_, j) => `col ${j + 1}`),
  cells,
})

describe('suppressTable', () => {
  it('hides small counts and enough others that none can be recovered from the totals', () => {
    const t = suppressTable(
      labelled([
        [12, 3, 9],
        [10, 8, 7],
        [6, 11, 14],
      ]),
    )
    expect(t.cells[0][1].text).toBe('fewer than 5')
    // Row 1 and column 2 each need a second hidden value, or 3 = row total − 12 − 9.
    const hiddenInRow0 = [...t.cells[0], t.rowTotals[0]].filter((v) => v.status !== 'shown').length
    const hiddenInCol1 = [...t.cells.map((row) => row[1]), t.columnTotals[1]].filter((v) => v.status !== 'shown').length
    expect(hiddenInRow0).toBeGreaterThanOrEqual(2)
    expect(hiddenInCol1).toBeGreaterThanOrEqual(2)
    expect(t.safe).toBe(true)
    // The smallest complementary cells are chosen: 7 and 8 / 9 rather than 10, 11, 12, 14.
    const secondary = t.cells
      .flat()
      .filter((v) => v.status === 'secondary')
      .map((v) => v.value)
    expect(Math.max(...secondary)).toBeLessThanOrEqual(9)
    expect(t.grandTotal.status).toBe('shown')
  })

  it('shows zeros and never hides them', () => {
    const t = suppressTable(
      labelled([
        [0, 20],
        [0, 30],
      ]),
    )
    expect(t.cells[0][0]).toMatchObject({ status: 'zero', text: '0' })
    expect(t.primaryCount + t.secondaryCount).toBe(0)
  })

  it('hides a total when the other cells in its row are zero', () => {
    const t = suppressTable(
      labelled([
        [3, 0, 0],
        [8, 9, 10],
      ]),
    )
    expect(t.cells[0][0].status).toBe('primary')
    expect(t.rowTotals[0].status).toBe('primary')
    expect(t.safe).toBe(true)
  })

  it('refuses a threshold below 3 and malformed tables', () => {
    expect(() => suppressTable(labelled([[1]]), { threshold: 2 })).toThrow(RangeError)
    expect(() => suppressTable({ rows: ['a'], columns: ['x', 'y'], cells: [[1]] })).toThrow(RangeError)
    expect(() => suppressTable(labelled([[-1]]))).toThrow(RangeError)
  })

  it('lets only labels and texts out in the partner view', () => {
    const t = toPartnerTable(
      suppressTable(
        labelled([
          [12, 3],
          [10, 8],
        ]),
      ),
    )
    expect(JSON.stringify(t)).not.toMatch(/"3"/)
    expect(t.cells.flat()).toContain(WITHHELD_TEXT)
    expect(t.anySuppressed).toBe(true)
  })

  it('property: no hidden value can be worked out from what is published, for random tables', property, () => {
    fc.assert(
      fc.property(smallTable, fc.constantFrom(3, 5), (cells, threshold) => {
        const t = suppressTable(labelled(cells), { threshold })
        const all = [...t.cells.flat(), ...t.rowTotals, ...t.columnTotals, t.grandTotal]
        if (!t.safe) {
          // Only when even hiding every non-zero value cannot help (e.g. a total of "fewer than 3" split into
          // two non-zero groups, each then exactly 1): the caller publishes nothing of the table.
          for (const v of all) if (v.value > 0) expect(v.status === 'primary' || v.status === 'secondary').toBe(true)
          return
        }
        const seen = feasibleValues(t)
        for (const [entry, values] of seen) {
          expect(values.size, `hidden entry ${entry} of ${JSON.stringify(cells)} is determined`).toBeGreaterThanOrEqual(
            2,
          )
        }
        // Every small non-zero value is hidden.
        for (const v of all) {
          if (v.value > 0 && v.value < threshold) expect(v.status).toBe('primary')
        }
      }),
      { numRuns: 300 },
    )
  })

  it('property: with the grand total already public, a table is either protected or reported unsafe', property, () => {
    fc.assert(
      fc.property(smallTable, (cells) => {
        const t = suppressTable(labelled(cells), { publishedGrandTotal: true })
        if (t.grandTotal.status !== 'shown' || !t.safe) return
        const seen = feasibleValues(t, true)
        for (const [entry, values] of seen)
          expect(values.size, `hidden entry ${entry} of ${JSON.stringify(cells)}`).toBeGreaterThanOrEqual(2)
      }),
      { numRuns: 200 },
    )
  })
})
