import pg from 'pg'
import type { Config } from '#src/platform/config/config.ts'
import { createDb, type Db } from './database.ts'
import { startEmbeddedPostgres } from './embedded.ts'

export type OpenDatabase = {
  db: Db
  embedded: boolean
  /** True when the embedded cluster was created just now, so it is certainly empty. */
  fresh: boolean
  /** What starting the embedded cluster made or changed outside the data folder, for the start output. */
  changes?: string[]
  close: () => Promise<void>
}

const EMBEDDED_DATABASE = 'lantern'

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`)
  } finally {
    await client.end()
  }
}

/** The PostgreSQL server in DATABASE_URL, or the embedded one in the data folder. */
export async function openDatabase(
  config: Config,
  mode: 'owner' | 'guest',
  log?: (message: string) => void,
): Promise<OpenDatabase> {
  if (config.databaseUrl) {
    const db = createDb(config.databaseUrl, config.databasePoolSize)
    return { db, embedded: false, fresh: false, changes: [], close: () => db.destroy() }
  }
  const server = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, mode, log })
  try {
    await ensureDatabase(server.url, EMBEDDED_DATABASE)
  } catch (error) {
    await server.stop()
    throw error
  }
  const db = createDb(server.url.replace(/\/postgres$/, `/${EMBEDDED_DATABASE}`), config.databasePoolSize)
  return {
    db,
    embedded: true,
    fresh: server.created,
    changes: server.changes,
    close: async () => {
      await db.destroy()
      await server.stop()
    },
  }
}
