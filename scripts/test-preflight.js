// What `npm test` needs from the machine, checked before it spends minutes on anything else: a Chromium for the
// browser tests and the PostgreSQL server for the server target. Whatever can be fixed here is (as root, Debian's
// chromium is installed, saying so); whatever cannot is said at once, in one line that names the fix (ADR 0008).
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import pg from 'pg'

/** Browsers tried in order when CHROMIUM_PATH is not set: Debian's chromium, then Google Chrome. */
export const BROWSERS = ['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome']

const NO_BROWSER =
  'Browser tests need Chromium and none was found: install it (sudo apt-get install chromium), or set CHROMIUM_PATH to a Chromium or Chrome executable.'

/**
 * Which browser the tests use, or that Debian's chromium is to be installed (root with apt), or the one-line
 * error. Pure, so each case is tested without changing the machine.
 * @param {{ chromiumPath?: string, exists: (path: string) => boolean, root: boolean, apt: boolean }} facts
 * @returns {{ path: string } | { install: true } | { error: string }}
 */
export function chooseBrowser({ chromiumPath, exists, root, apt }) {
  if (chromiumPath) {
    return exists(chromiumPath)
      ? { path: chromiumPath }
      : {
          error: `CHROMIUM_PATH is ${chromiumPath}, which does not exist: point it at a Chromium or Chrome executable, or unset it.`,
        }
  }
  const found = BROWSERS.find((path) => exists(path))
  if (found) return { path: found }
  if (root && apt) return { install: true }
  return { error: NO_BROWSER }
}

/** The browser for this run: found, or installed from Debian's packages as root. Throws the one-line error. */
export function ensureBrowser(env = process.env) {
  const choice = chooseBrowser({
    chromiumPath: env.CHROMIUM_PATH || undefined,
    exists: existsSync,
    root: process.getuid?.() === 0,
    apt: spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0,
  })
  if ('error' in choice) throw new Error(choice.error)
  if ('path' in choice) return choice.path
  console.log(
    "▶ No browser found: installing Debian's chromium for the browser tests (apt-get install chromium, once; about a minute)",
  )
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } }
  spawnSync('apt-get', ['update', '-qq'], quiet)
  const installed = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], quiet)
  if (installed.status !== 0 || !existsSync(BROWSERS[0]))
    throw new Error(`Installing chromium with apt-get failed (see above): ${NO_BROWSER}`)
  return BROWSERS[0]
}

/** Throws the one-line error when the server target's PostgreSQL does not answer. */
export async function ensurePostgresServer(env = process.env) {
  const url = env.LANTERN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
  } catch (error) {
    const where = env.LANTERN_TEST_PG_URL ? 'LANTERN_TEST_PG_URL' : '127.0.0.1:5432'
    throw new Error(
      `No PostgreSQL server answered at ${where} for the server-target tests (${error instanceof Error ? error.message : error}): start one (PostgreSQL 15 or later, e.g. pg_ctlcluster 15 main start), or set LANTERN_TEST_PG_URL.`,
    )
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * Which of the two a run needs, from Vitest's arguments: every project unless some are named with --project.
 * @param {string[]} args
 */
export function needs(args) {
  const projects = args.flatMap((arg, i) =>
    arg.startsWith('--project=')
      ? [arg.slice('--project='.length)]
      : arg === '--project' && args[i + 1]
        ? [args[i + 1]]
        : [],
  )
  const all = projects.length === 0
  return {
    browser: all || projects.includes('e2e'),
    server: all || projects.includes('pg-server') || projects.includes('e2e'),
  }
}
