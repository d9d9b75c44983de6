/**
 * Small-cell suppression for two-way count tables published to partners.
 *
 * The table is read together with its row totals, column totals and grand total (the "augmented" table).
 * Rules, decided once here so every partner-facing figure follows them:
 *
 * - Primary suppression: any count from 1 to threshold − 1, totals included, is shown as "fewer than N".
 * - Zeros are shown as 0 and never suppressed. A zero says no one is in that group, which is not a
 *   disclosure about a person, and hiding zeros would make most sparse tables unreadable. Because zeros are
 *   always shown, a reader knows every hidden count is at least 1; the check below assumes that reader.
 * - Secondary (complementary) suppression: further counts are withheld until no hidden count can be worked
 *   out from what is shown. Withheld counts are labelled differently from "fewer than N" (they are not
 *   small), so the reader is assumed to know a primary cell lies in [1, N − 1] and a withheld one in [N, ∞).
 *
 * "Cannot be worked out" is checked exactly, not by the usual rule of thumb "two hidden cells in every row
 * and column" (which a pattern like two hidden blocks joined by one cell defeats). The augmented table is a
 * circulation: source → row i (row total), row i → column j (cell), column j → sink (column total),
 * sink → source (grand total); every row, column and total equation is conservation at one node. A hidden
 * value can change while everything shown stays the same exactly when a directed cycle of hidden values
 * passes through it in the residual graph (increase where the value is below its upper bound, decrease where
 * it is above its lower bound) — the conformal decomposition of a feasible direction into cycles. The
 * constraint matrix is totally unimodular, so a change over the reals means a change over whole numbers.
 * Complementary cells are chosen greedily: the candidate that protects the most exposed hidden values,
 * smallest count first, cells before totals before the grand total.
 */

export type CellStatus = 'shown' | 'zero' | 'primary' | 'secondary'

export type PublishedValue = {
  /** The true count; never send this to a partner when `status` is primary or secondary. */
  value: number
  status: CellStatus
  /** What a partner reads: the count, "fewer than 5", or the withheld marker. */
  text: string
}

export type CountTable = {
  rows: readonly string[]
  columns: readonly string[]
  /** cells[row][column], non-negative whole numbers. */
  cells: readonly (readonly number[])[]
}

export type SuppressedTable = {
  rows: readonly string[]
  columns: readonly string[]
  cells: PublishedValue[][]
  rowTotals: PublishedValue[]
  columnTotals: PublishedValue[]
  grandTotal: PublishedValue
  threshold: number
  primaryCount: number
  secondaryCount: number
  /**
   * False when no pattern of withheld values protects every small count (possible only when the grand total
   * must stay shown and the table is tiny): the caller must then not publish the table's body at all.
   */
  safe: boolean
}

export const WITHHELD_TEXT = '[w]'
export const DEFAULT_THRESHOLD = 5

export function fewerThanText(threshold: number): string {
  return `fewer than ${threshold}`
}

/** A value as the reader can bound it from its label alone. */
export function readerBounds(status: CellStatus, value: number, threshold: number): { lo: number; hi: number } {
  if (status === 'primary') return { lo: 1, hi: threshold - 1 }
  if (status === 'secondary') return { lo: threshold, hi: Number.POSITIVE_INFINITY }
  return { lo: value, hi: value }
}

// ── The augmented table as a graph ─────────────────────────────────────────────────────────────────────────
// Nodes: 0 = source, 1 = sink, 2..2+r-1 rows, 2+r..2+r+c-1 columns. Edge index: cells r*c (row-major), then
// row totals r, column totals c, grand total 1.
type Edge = { from: number; to: number }

function edgesOf(r: number, c: number): Edge[] {
  const edges: Edge[] = []
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) edges.push({ from: 2 + i, to: 2 + r + j })
  for (let i = 0; i < r; i++) edges.push({ from: 0, to: 2 + i })
  for (let j = 0; j < c; j++) edges.push({ from: 2 + r + j, to: 1 })
  edges.push({ from: 1, to: 0 })
  return edges
}

function flatten(table: CountTable): number[] {
  const r = table.rows.length
  const c = table.columns.length
  const values: number[] = []
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) values.push(table.cells[i][j])
  for (let i = 0; i < r; i++) values.push(table.cells[i].reduce((a, b) => a + b, 0))
  for (let j = 0; j < c; j++) values.push(table.cells.reduce((a, row) => a + row[j], 0))
  values.push(table.cells.reduce((a, row) => a + row.reduce((x, y) => x + y, 0), 0))
  return values
}

/**
 * Which hidden values a reader could work out exactly. `hidden[e]` marks hidden edges; `lo`/`hi` are the
 * reader's bounds for each hidden value; `values` the truth.
 */
export function determinedHidden(
  r: number,
  c: number,
  values: readonly number[],
  hidden: readonly boolean[],
  lo: readonly number[],
  hi: readonly number[],
): number[] {
  const edges = edgesOf(r, c)
  const nodes = 2 + r + c
  // Residual arcs over hidden edges: forward if the value can rise, backward if it can fall.
  const arcs: { to: number; edge: number }[][] = Array.from({ length: nodes }, () => [])
  for (let e = 0; e < edges.length; e++) {
    if (!hidden[e]) continue
    if (values[e] < hi[e]) arcs[edges[e].from].push({ to: edges[e].to, edge: e })
    if (values[e] > lo[e]) arcs[edges[e].to].push({ to: edges[e].from, edge: e })
  }
  const reaches = (start: number, goal: number, without: number): boolean => {
    const seen = new Uint8Array(nodes)
    const stack = [start]
    seen[start] = 1
    while (stack.length) {
      const node = stack.pop()!
      if (node === goal) return true
      for (const arc of arcs[node]) {
        if (arc.edge === without || seen[arc.to]) continue
        seen[arc.to] = 1
        stack.push(arc.to)
      }
    }
    return false
  }
  const determined: number[] = []
  for (let e = 0; e < edges.length; e++) {
    if (!hidden[e]) continue
    const { from, to } = edges[e]
    const canRise = values[e] < hi[e] && reaches(to, from, e)
    const canFall = !canRise && values[e] > lo[e] && reaches(from, to, e)
    if (!canRise && !canFall) determined.push(e)
  }
  return determined
}

/**
 * Applies primary and secondary suppression to a two-way table with its totals. Pure and deterministic.
 * `threshold` must be at least 3: with 2, "fewer than 2" next to shown zeros would mean exactly 1.
 */
export function suppressTable(
  table: CountTable,
  options: { threshold?: number; publishedGrandTotal?: boolean } = {},
): SuppressedTable {
  const threshold = options.threshold ?? DEFAULT_THRESHOLD
  if (!Number.isInteger(threshold) || threshold < 3)
    throw new RangeError('The suppression threshold must be a whole number of at least 3')
  const r = table.rows.length
  const c = table.columns.length
  if (table.cells.length !== r || table.cells.some((row) => row.length !== c))
    throw new RangeError('The table’s cells do not match its rows and columns')
  for (const row of table.cells)
    for (const v of row)
      if (!Number.isInteger(v) || v < 0) throw new RangeError('Counts must be non-negative whole numbers')

  const values = flatten(table)
  const n = values.length
  const status: CellStatus[] = values.map((v) => (v === 0 ? 'zero' : v < threshold ? 'primary' : 'shown'))
  const hidden = status.map((s) => s === 'primary')
  const bounds = () => {
    const lo: number[] = []
    const hi: number[] = []
    for (let e = 0; e < n; e++) {
      const b = readerBounds(status[e], values[e], threshold)
      lo.push(b.lo)
      hi.push(b.hi)
    }
    return { lo, hi }
  }
  // Cells cost least to withhold, then totals, then the grand total (the one figure most readers want).
  const kindRank = (e: number) => (e < r * c ? 0 : e === n - 1 ? 2 : 1)
  const rowOf = (e: number) => (e < r * c ? Math.floor(e / c) : e < r * c + r ? e - r * c : -1)
  const colOf = (e: number) => (e < r * c ? e % c : e < r * c + r ? -1 : e < n - 1 ? e - r * c - r : -1)

  let { lo, hi } = bounds()
  let exposed = determinedHidden(r, c, values, hidden, lo, hi)
  while (exposed.length > 0) {
    // Candidates: shown non-zero values in a row or column touched by an exposed value, or any total.
    const rowsTouched = new Set<number>()
    const colsTouched = new Set<number>()
    for (const e of exposed) {
      rowsTouched.add(rowOf(e))
      colsTouched.add(colOf(e))
    }
    const open: number[] = []
    for (let e = 0; e < n; e++) {
      if (hidden[e] || status[e] !== 'shown') continue
      // The grand total may already be public (another table on the same page has the same total).
      if (e === n - 1 && options.publishedGrandTotal) continue
      open.push(e)
    }
    if (open.length === 0) break
    const touching = open.filter((e) => e >= r * c || rowsTouched.has(rowOf(e)) || colsTouched.has(colOf(e)))
    const candidates = touching.length ? touching : open
    let best = -1
    let bestScore = -1
    for (const e of candidates) {
      hidden[e] = true
      status[e] = 'secondary'
      ;({ lo, hi } = bounds())
      const remaining = determinedHidden(r, c, values, hidden, lo, hi).length
      hidden[e] = false
      status[e] = 'shown'
      const protectedCount = exposed.length - remaining
      const better =
        protectedCount > bestScore ||
        (protectedCount === bestScore &&
          (kindRank(e) < kindRank(best) || (kindRank(e) === kindRank(best) && values[e] < values[best])))
      if (better) {
        best = e
        bestScore = protectedCount
      }
    }
    if (bestScore <= 0) {
      // No single value protects anything on its own (two are needed together): withhold the smallest
      // candidate in the first exposed value's row or column and look again.
      const first = exposed[0]
      const near = candidates.filter(
        (e) => (rowOf(first) >= 0 && rowOf(e) === rowOf(first)) || (colOf(first) >= 0 && colOf(e) === colOf(first)),
      )
      const pool = near.length ? near : candidates
      best = pool.reduce((a, b) =>
        kindRank(b) < kindRank(a) || (kindRank(b) === kindRank(a) && values[b] < values[a]) ? b : a,
      )
    }
    hidden[best] = true
    status[best] = 'secondary'
    ;({ lo, hi } = bounds())
    exposed = determinedHidden(r, c, values, hidden, lo, hi)
  }

  const published = values.map((value, e): PublishedValue => ({
    value,
    status: status[e],
    text:
      status[e] === 'primary' ? fewerThanText(threshold) : status[e] === 'secondary' ? WITHHELD_TEXT : String(value),
  }))
  const cells: PublishedValue[][] = []
  for (let i = 0; i < r; i++) cells.push(published.slice(i * c, i * c + c))
  return {
    rows: table.rows,
    columns: table.columns,
    cells,
    rowTotals: published.slice(r * c, r * c + r),
    columnTotals: published.slice(r * c + r, r * c + r + c),
    grandTotal: published[n - 1],
    threshold,
    primaryCount: status.filter((s) => s === 'primary').length,
    secondaryCount: status.filter((s) => s === 'secondary').length,
    safe: exposed.length === 0,
  }
}

/** What may leave the building: labels and the text of each value, never a hidden count. */
export type PartnerTable = {
  rows: readonly string[]
  columns: readonly string[]
  cells: string[][]
  rowTotals: string[]
  columnTotals: string[]
  grandTotal: string
  threshold: number
  anySuppressed: boolean
}

export function toPartnerTable(t: SuppressedTable): PartnerTable {
  return {
    rows: t.rows,
    columns: t.columns,
    cells: t.cells.map((row) => row.map((v) => v.text)),
    rowTotals: t.rowTotals.map((v) => v.text),
    columnTotals: t.columnTotals.map((v) => v.text),
    grandTotal: t.grandTotal.text,
    threshold: t.threshold,
    anySuppressed: t.primaryCount + t.secondaryCount > 0,
  }
}
