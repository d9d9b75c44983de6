import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { totpCode } from '#src/platform/auth/totp.ts'
import pg from 'pg'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { ROOT } from '#src/platform/paths.ts'
import { freePort } from '#src/shared/free-port.ts'

export { freePort }

/** A fresh database on the benchmark server (the machine's PostgreSQL unless LANTERN_BENCH_PG_URL says otherwise). */
export async function freshDatabase(name: string): Promise<string> {
  const adminUrl = process.env.LANTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  return adminUrl.replace(/\/[^/]*$/, `/${name}`)
}

/**
 * A copy of the database `from` as `to` (dropped first), on the benchmark server: PostgreSQL copies the files, so
 * a loaded database is back in seconds, exactly as it was. `from` must have no connections open.
 */
export async function cloneDatabase(from: string, to: string): Promise<string> {
  const adminUrl = process.env.LANTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${to} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${to} TEMPLATE ${from}`)
  await admin.end()
  return adminUrl.replace(/\/[^/]*$/, `/${to}`)
}

/** The URL of a database on the benchmark server if it already exists (to reuse a loaded one), else null. */
export async function existingDatabase(name: string): Promise<string | null> {
  const adminUrl = process.env.LANTERN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
  await admin.end()
  return rowCount ? adminUrl.replace(/\/[^/]*$/, `/${name}`) : null
}

/**
 * A database an earlier run loaded completely, migrated to the latest schema, when BENCH_REUSE=1 and
 * `complete` says the load finished; otherwise null, and the bench loads afresh. Loading takes most of a run,
 * and profiling a query needs the data, not a fresh copy of it.
 */
export async function reusableDatabase(name: string, complete: (db: Db) => Promise<boolean>): Promise<string | null> {
  if (process.env.BENCH_REUSE !== '1') return null
  const url = await existingDatabase(name)
  if (!url) return null
  const db = createDb(url, 2)
  try {
    await migrateToLatest(db)
    return (await complete(db)) ? url : null
  } catch (error) {
    console.warn(`Not reusing ${name}: ${String(error)}`)
    return null
  } finally {
    await db.destroy()
  }
}

/**
 * Runs Lantern as its own process, as in production, so the load generator does not share its event loop; from
 * another checkout when `root` names one (a baseline to compare against).
 */
export async function startServer(
  env: Record<string, string>,
  root = ROOT,
): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
  const port = await freePort()
  // BENCH_NODE_FLAGS passes flags such as --cpu-prof to the server process, for profiling a run.
  const flags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'development', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (c) => (output += c))
  child.stderr!.on('data', (c) => (output += c))
  const url = `http://127.0.0.1:${port}`
  // Up to five minutes: on a machine shared with other work, compiling and migrating can take minutes.
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`)
    if (i === 3000) throw new Error(`server did not answer /health within five minutes:\n${output}`)
    try {
      if ((await fetch(`${url}/health`)).ok) break
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) =>
        child.exitCode !== null ? resolve() : (child.once('exit', () => resolve()), child.kill('SIGTERM')),
      ),
  }
}

export async function signIn(url: string, email: string, password: string): Promise<string> {
  const page = await fetch(`${url}/sign-in`)
  const cookie = page.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]
  const response = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, email, password }),
  })
  const session = response.headers.getSetCookie().find((c) => c.startsWith('lantern_session='))
  if (!session) throw new Error(`sign-in failed: ${response.status}`)
  const sessionCookie = session.split(';')[0]
  // The session id is renewed when the second factor is passed: the cookie that answer sets is the one to use.
  return (
    (await secondFactor(url, email, `${cookie}; ${sessionCookie}`, String(response.headers.get('location')))) ??
    sessionCookie
  )
}

// Bench users are inserted without two-factor: the first sign-in sets it up, later ones reuse the key.
const benchMfaSecrets = new Map<string, string>()
const benchMfaSteps = new Map<string, number>()

/** Passes the second factor as a user's phone would, setting it up first if needed; the renewed session cookie. */
async function secondFactor(url: string, email: string, cookie: string, location: string): Promise<string | undefined> {
  if (location !== '/sign-in/two-factor' && location !== '/sign-in/set-up-two-factor') return undefined
  const page = await (await fetch(`${url}${location}`, { headers: { cookie } })).text()
  const token = /name="_csrf" value="([^"]+)"/.exec(page)![1]
  let secret = benchMfaSecrets.get(email)
  if (location === '/sign-in/set-up-two-factor') {
    secret = /id="mfa-secret">([^<]+)</.exec(page)![1].replace(/\s/g, '')
    benchMfaSecrets.set(email, secret)
  }
  if (!secret) throw new Error(`no two-factor key known for ${email}`)
  // A code is accepted once: a second sign-in within the same 30 seconds uses the next step's code.
  const step = Math.max(Math.floor(Date.now() / 30_000), (benchMfaSteps.get(email) ?? 0) + 1)
  benchMfaSteps.set(email, step)
  const response = await fetch(`${url}${location}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: token, code: totpCode(secret, step * 30_000) }),
  })
  if (response.status !== 303 && response.status !== 200)
    throw new Error(`second factor failed for ${email}: ${response.status}`)
  return response.headers
    .getSetCookie()
    .find((c) => c.startsWith('lantern_session='))
    ?.split(';')[0]
}

/** The p-th percentile of the values, to one decimal place. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1)
}

/** Milliseconds for one signed-in GET, body read in full; anything but 200 stops the bench. */
export async function time(url: string, cookie: string): Promise<number> {
  const started = performance.now()
  const response = await fetch(url, { headers: { cookie } })
  await response.arrayBuffer()
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  return performance.now() - started
}

/**
 * The server process's CPU time so far in ms (user + system, from /proc; Linux only, else null). CPU per request
 * is the figure that a busy neighbour on a shared machine disturbs least: it waits, but does not spend, when
 * the machine is loaded.
 */
export function serverCpuMs(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return null
  }
}
