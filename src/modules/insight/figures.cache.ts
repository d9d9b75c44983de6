/**
 * A small least-recently-used cache of the dashboard's figures in process memory. Entries are keyed by the
 * database's insight data version (migration 0020) as well as the filters, so a change anywhere, by any app
 * instance, makes every older entry unreachable; they then age out of the bound.
 */
export function createFiguresCache<T>(limit = 200) {
  const entries = new Map<string, Promise<T>>()
  const stats = { hits: 0, misses: 0 }

  return {
    stats,
    /** The value for the key, computing it once even when several requests ask for it at the same time. */
    get(key: string, compute: () => Promise<T>): Promise<T> {
      const found = entries.get(key)
      if (found) {
        stats.hits++
        // Re-inserting moves the key to the newest end of the Map's order.
        entries.delete(key)
        entries.set(key, found)
        return found
      }
      stats.misses++
      const value = compute()
      entries.set(key, value)
      // A failed computation is not remembered: the next request tries again.
      value.catch(() => {
        if (entries.get(key) === value) entries.delete(key)
      })
      while (entries.size > limit) entries.delete(entries.keys().next().value as string)
      return value
    },
    get size() {
      return entries.size
    },
  }
}
