import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres, type EmbeddedServer } from '#src/platform/db/embedded.ts'
import { freePort } from '#src/shared/free-port.ts'

// The password every embedded cluster had before it was made random: it is in the published source.
const OLD_CONSTANT = 'lantern-embedded'

const running: EmbeddedServer[] = []
const folders: string[] = []
afterAll(async () => {
  for (const server of running) await server.stop().catch(() => undefined)
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
})

async function connects(port: number, password: string): Promise<true | string> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'lantern', password, database: 'postgres' })
  try {
    await client.connect()
    return true
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  } finally {
    await client.end().catch(() => undefined)
  }
}

describe('the embedded PostgreSQL password', () => {
  it('is random per data folder, kept private there, and the published constant opens nothing; an old cluster is moved to it on its next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lantern-pg-password-'))
    folders.push(dataDir)
    const port = await freePort()
    let server = await startEmbeddedPostgres({ dataDir, port, mode: 'owner' })
    running.push(server)
    const file = join(dataDir, 'embedded-pg-password')
    const kept = readFileSync(file, 'utf8').trim()
    expect(kept).toMatch(/^[\w-]{40,}$/)
    expect(statSync(file).mode & 0o077).toBe(0)
    expect(server.url).toContain(`:${encodeURIComponent(kept)}@`)
    expect(await connects(port, kept)).toBe(true)
    // 28P01: password authentication failed.
    expect(await connects(port, OLD_CONSTANT)).toBe('28P01')

    // A cluster made by an earlier Lantern: its role has the constant password and there is no password file.
    const admin = new pg.Client({ connectionString: server.url })
    await admin.connect()
    await admin.query(`ALTER ROLE lantern PASSWORD '${OLD_CONSTANT}'`)
    await admin.end()
    await server.stop()
    rmSync(file)

    server = await startEmbeddedPostgres({ dataDir, port, mode: 'owner' })
    running.push(server)
    const rotated = readFileSync(file, 'utf8').trim()
    expect(rotated).not.toBe(kept)
    expect(await connects(port, rotated)).toBe(true)
    expect(await connects(port, OLD_CONSTANT)).toBe('28P01')
    // A command-line task joining the running cluster uses the same kept password.
    const guest = await startEmbeddedPostgres({ dataDir, port, mode: 'guest' })
    expect(guest.url).toBe(server.url)
    await server.stop()
  }, 120_000)
})
