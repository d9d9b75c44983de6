import { COMPARISONS, termValues } from './comparisons.ts'
import type { PreparedPerson } from './person-record.ts'

/**
 * How often each exact value occurs, per comparison, kept up to date as people are added and removed, so
 * agreeing on "Nguyen" or on a hostel's address counts for less than agreeing on a rare value.
 */
export class TermFrequencies {
  private readonly counts: Map<string, number>[] = COMPARISONS.map(() => new Map())
  private people = 0

  get size(): number {
    return this.people
  }

  add(p: PreparedPerson): void {
    this.people++
    const values = termValues(p)
    for (let c = 0; c < values.length; c++)
      for (const v of values[c]) this.counts[c].set(v, (this.counts[c].get(v) ?? 0) + 1)
  }

  remove(p: PreparedPerson): void {
    this.people--
    const values = termValues(p)
    for (let c = 0; c < values.length; c++) {
      for (const v of values[c]) {
        const n = (this.counts[c].get(v) ?? 0) - 1
        if (n > 0) this.counts[c].set(v, n)
        else this.counts[c].delete(v)
      }
    }
  }

  count(c: number, value: string): number {
    return this.counts[c].get(value) ?? 0
  }

  /** Share of people holding `value` in comparison `c`, or 0 when unknown. */
  frequency(c: number, value: string): number {
    const n = this.counts[c].get(value)
    return n && this.people > 0 ? n / this.people : 0
  }
}
