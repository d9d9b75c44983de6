/**
 * Waiting on a condition, not on time. A fixed sleep is either too short on a busy machine (the test fails) or
 * longer than needed everywhere else (the suite is slow); this polls until the condition holds and fails with the
 * message, and the condition's last error, only when the timeout passes. The timeouts are generous on purpose:
 * they bound a hang, they are not the expected wait.
 */
export type WaitOptions = {
  /** How long to keep trying, in milliseconds. */
  timeout?: number
  /** How long to pause between tries, in milliseconds. */
  interval?: number
  /** What was being waited for, said when it never came (a function for words known only then, such as a log). */
  message?: string | (() => string)
}

/**
 * Resolves with the condition's first truthy value. A condition that throws counts as "not yet" (a server still
 * starting, a row not yet written); its last error is given in the timeout's message.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const { timeout = 10_000, interval = 20, message = 'condition' } = options
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    try {
      const value = await condition()
      if (value) return value as Exclude<T, false | null | undefined | 0 | ''>
      lastError = undefined
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const cause =
        lastError instanceof Error ? `: ${lastError.message}` : lastError === undefined ? '' : `: ${String(lastError)}`
      throw new Error(
        `Timed out after ${timeout} ms waiting for ${typeof message === 'function' ? message() : message}${cause}`,
        { cause: lastError },
      )
    }
    await pause(interval)
  }
}

/** A pause between tries; not for waiting on an outcome (use waitFor). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
