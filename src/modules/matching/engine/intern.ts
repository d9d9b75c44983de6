// Names repeat enormously (a million people share a few hundred thousand names); one copy of each string
// keeps a national index inside its memory budget.
const pool = new Map<string, string>()

/**
 * One shared copy of an immutable value object (a postcode, a date of birth, an address) per key. The pool is
 * dropped when it grows past its bound; values already handed out stay valid, they are just no longer shared.
 */
export function shared<T>(pool: Map<string, T>, key: string, make: () => T): T {
  const hit = pool.get(key)
  if (hit !== undefined) return hit
  const value = make()
  if (pool.size > 2_000_000) pool.clear()
  pool.set(key, value)
  return value
}

export const EMPTY: readonly never[] = Object.freeze([])

export function intern(s: string): string {
  if (s.length > 40) return s
  const hit = pool.get(s)
  if (hit !== undefined) return hit
  pool.set(s, s)
  return s
}
