import pg from 'pg'

/**
 * What the server's connections are doing, sampled every `intervalMs` from pg_stat_activity and pg_locks, tallied:
 * how often a connection was running, waiting (and on what: a lock on which table and what the holder was doing,
 * the WAL flush of a commit, I/O), or idle inside a transaction (the application holding it open, for example
 * while its event loop is busy). With the pool's size, the count of busy connections shows whether requests can
 * have queued for a connection in Node (a wait PostgreSQL does not see). Load-independent evidence of
 * serialisation: a lock wait on a row other writers also update is one whatever the machine's speed.
 */
export type WaitTally = {
  samples: number
  /** Per sample and connection: what it was doing ("running", "Lock: transactionid …", "idle in transaction", …). */
  states: Record<string, number>
  /** Lock waits only, by what was waited for, the waiting statement and the blocking connection's statement. */
  locks: Record<string, number>
  /** How many samples found n connections busy (running, waiting or inside a transaction). */
  busy: Record<number, number>
}

const QUERY = `
  SELECT a.pid, a.state, a.wait_event_type, a.wait_event,
    left(regexp_replace(a.query, '\\s+', ' ', 'g'), 90) AS query,
    (SELECT string_agg(l.locktype || ' ' || coalesce(l.relation::regclass::text, '') || ' ' || l.mode, ', ')
       FROM pg_locks l WHERE l.pid = a.pid AND NOT l.granted) AS waiting_for,
    (SELECT string_agg(coalesce(b.state, '') || ': ' || left(regexp_replace(b.query, '\\s+', ' ', 'g'), 70), ' | ')
       FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))) AS blockers
  FROM pg_stat_activity a
  WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND a.backend_type = 'client backend'`

export function sampleWaits(url: string, intervalMs = 50): { stop: () => Promise<WaitTally> } {
  const client = new pg.Client({ connectionString: url })
  const tally: WaitTally = { samples: 0, states: {}, locks: {}, busy: {} }
  const add = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1)
  let stopped = false
  const loop = (async () => {
    await client.connect()
    while (!stopped) {
      const started = Date.now()
      const { rows } = await client.query<{
        state: string | null
        wait_event_type: string | null
        wait_event: string | null
        query: string
        waiting_for: string | null
        blockers: string | null
      }>(QUERY)
      tally.samples++
      let busy = 0
      for (const r of rows) {
        if (r.state === 'idle') continue
        busy++
        if (r.state === 'idle in transaction') add(tally.states, 'idle in transaction (the application holds it)')
        else if (!r.wait_event_type) add(tally.states, 'running')
        else if (r.wait_event_type === 'Lock') {
          add(tally.states, `Lock: ${r.wait_event}`)
          add(tally.locks, `${r.waiting_for ?? r.wait_event} | waiter: ${r.query} | held by: ${r.blockers ?? '?'}`)
        } else add(tally.states, `${r.wait_event_type}: ${r.wait_event}`)
      }
      add(tally.busy as Record<string, number>, String(busy))
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, intervalMs - (Date.now() - started))))
    }
    await client.end()
  })()
  return {
    stop: async () => {
      stopped = true
      await loop
      return tally
    },
  }
}

/** The tally as lines for a report: states as shares of connection-samples, the commonest lock waits, busy counts. */
export function formatWaits(tally: WaitTally, poolSize: number): string {
  const total = Object.values(tally.states).reduce((a, b) => a + b, 0) || 1
  const lines = [`${tally.samples} samples; busy connection-samples by state:`]
  for (const [state, n] of Object.entries(tally.states).sort((a, b) => b[1] - a[1]))
    lines.push(`  ${((100 * n) / total).toFixed(1).padStart(5)}%  ${n}  ${state}`)
  const locks = Object.entries(tally.locks).sort((a, b) => b[1] - a[1])
  lines.push(locks.length ? 'lock waits (commonest first):' : 'lock waits: none seen')
  for (const [what, n] of locks.slice(0, 12)) lines.push(`  ${n}  ${what}`)
  const full = Object.entries(tally.busy)
    .filter(([n]) => Number(n) >= poolSize)
    .reduce((a, [, c]) => a + c, 0)
  const mean = Object.entries(tally.busy).reduce((a, [n, c]) => a + Number(n) * c, 0) / Math.max(1, tally.samples)
  lines.push(
    `busy connections: mean ${mean.toFixed(1)} of ${poolSize}; all ${poolSize} busy in ${((100 * full) / Math.max(1, tally.samples)).toFixed(0)}% of samples (requests then queue for a connection in Node)`,
  )
  return lines.join('\n')
}
