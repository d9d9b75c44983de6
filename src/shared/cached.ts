/**
 * Keeps a slowly changing list (strategic priorities, the officers one can assign to) for a few seconds, so
 * that every page does not ask the database for it again. Only for display: rules always read afresh.
 */
export function cached<T>(load: () => Promise<T>, ttlMs: number): (() => Promise<T>) & { invalidate: () => void } {
  let value: Promise<T> | undefined
  let loadedAt = 0
  const get = () => {
    if (!value || Date.now() - loadedAt > ttlMs) {
      loadedAt = Date.now()
      value = load().catch((error: unknown) => {
        value = undefined
        throw error
      })
    }
    return value
  }
  return Object.assign(get, { invalidate: () => (value = undefined) })
}
