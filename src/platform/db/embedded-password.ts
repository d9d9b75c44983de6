import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'

/**
 * The embedded cluster's superuser password. It used to be a constant in the source, so anyone who could reach
 * the loopback port could sign in as superuser and rewrite the audit log. It is now random per data folder,
 * generated once and kept there like the session secret (owner-only file).
 */
export const EMBEDDED_PASSWORD_FILE = 'embedded-pg-password'

// What clusters made before the password was random were given (initdb --pwfile). Only ever tried in order to
// replace it.
const LEGACY_PASSWORD = 'lantern-embedded'

export function embeddedPassword(dataDir: string): string {
  const file = join(dataDir, EMBEDDED_PASSWORD_FILE)
  mkdirSync(dataDir, { recursive: true })
  try {
    // 'wx': a server and a command-line task starting at once must not each write a different password.
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' })
    chmodSync(file, 0o600)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return readFileSync(file, 'utf8').trim()
}

/**
 * Makes the running cluster's role use the kept password. A cluster created by an earlier Lantern still has the
 * constant one: it is changed on its first start after the upgrade. Trying the kept password first (rather than
 * remembering that the change was made) also finishes a change interrupted after the file was written.
 */
export async function adoptEmbeddedPassword(options: { port: number; user: string; password: string }): Promise<void> {
  const attempt = async (password: string) => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: options.port,
      user: options.user,
      password,
      database: 'postgres',
    })
    try {
      await client.connect()
      return client
    } catch (error) {
      await client.end().catch(() => undefined)
      // 28P01: wrong password. Anything else (not running, too many connections) is a real failure.
      if ((error as { code?: string }).code === '28P01') return undefined
      throw error
    }
  }
  const kept = await attempt(options.password)
  if (kept) return void (await kept.end())
  const legacy = await attempt(LEGACY_PASSWORD)
  if (!legacy)
    throw new Error(
      'The embedded PostgreSQL refused the password kept in the data folder. Restore the embedded-pg-password file that belongs to this cluster.',
    )
  try {
    // ALTER ROLE takes no bind parameters; the password is base64url (no quote can occur) and escaped anyway.
    // Not logged, whatever the cluster's log_statement says.
    await legacy.query('BEGIN')
    await legacy.query(`SET LOCAL log_statement = 'none'`)
    await legacy.query(
      `ALTER ROLE ${legacy.escapeIdentifier(options.user)} PASSWORD ${legacy.escapeLiteral(options.password)}`,
    )
    await legacy.query('COMMIT')
  } finally {
    await legacy.end()
  }
}
