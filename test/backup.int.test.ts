import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import { sql } from 'kysely'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { runCli } from '#src/cli/main.ts'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { BackupError, backupDatabase, restoreDatabase } from '#src/platform/db/backup.ts'
import { verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { sealAuditChain } from '#src/platform/audit/audit-sealer.ts'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { testConfig } from './support/test-app.ts'

/** A database cloned from the migrated template, without the web app: backups are below it. */
let ctx: { db: Db; adminUrl: string; config: ReturnType<typeof testConfig> }
const dir = mkdtempSync(join(tmpdir(), 'lantern-backup-'))
const file = join(dir, 'lantern.backup')
const made: string[] = []

/** An empty database (not from the migrated template): the restore has to build the schema itself. */
async function emptyDatabase(): Promise<{ db: Db; url: string }> {
  const name = `lantern_t_${inject('templateDatabase').split('_')[2]}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: ctx.adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  made.push(name)
  const url = ctx.adminUrl.replace(/\/[^/]*$/, `/${name}`)
  return { db: createDb(url, 2), url }
}

/** Every table's row count and a digest of its rows' contents, for comparing two databases exactly. */
async function fingerprint(db: Db): Promise<Record<string, { rows: number; digest: string }>> {
  const { rows: tables } = await sql<{ name: string }>`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1`.execute(db)
  const out: Record<string, { rows: number; digest: string }> = {}
  for (const { name } of tables) {
    // The migrator stamps when it ran each migration: compare its names only.
    const value = name === 'kysely_migration' ? sql`t.name` : sql`t::text`
    const { rows } = await sql<{ n: string; digest: string }>`
      SELECT count(*)::text AS n, md5(coalesce(string_agg(${value}, '|' ORDER BY ${value}), '')) AS digest FROM ${sql.id(name)} t`.execute(
      db,
    )
    out[name] = { rows: Number(rows[0].n), digest: rows[0].digest }
  }
  return out
}

beforeAll(async () => {
  const adminUrl = inject('adminUrl')
  const name = `lantern_t_${inject('templateDatabase').split('_')[2]}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${inject('templateDatabase')}`)
  await admin.end()
  made.push(name)
  const url = adminUrl.replace(/\/[^/]*$/, `/${name}`)
  ctx = { db: createDb(url, 4), adminUrl, config: testConfig({ DATABASE_URL: url }) }
  // The demo writes through the services, with their audit rows: referrals, people, cases, plans, matches, links.
  await loadDemo(ctx.db, { dataDir: ctx.config.dataDir, referrals: 40, passwordHashCost: 10 })
  // Sealed, as the running server's sealer does within a second (ADR 0012).
  await sealAuditChain(ctx.db)
})

afterAll(async () => {
  await ctx.db.destroy()
  const admin = new pg.Client({ connectionString: ctx.adminUrl })
  await admin.connect()
  for (const name of made) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.end()
  rmSync(dir, { recursive: true, force: true })
})

describe('backup and restore', () => {
  it('restores a backup into a fresh database with every table and row, and the audit chain verifies', async () => {
    const summary = await backupDatabase(ctx.db, file)
    expect(summary.rows).toBeGreaterThan(500)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const before = await fingerprint(ctx.db)
    expect(before.referrals.rows).toBeGreaterThanOrEqual(40)
    expect(before.audit_events.rows).toBeGreaterThan(40)

    const target = await emptyDatabase()
    try {
      const restored = await restoreDatabase(target.db, file)
      expect(restored.rows).toBe(summary.rows)
      const after = await fingerprint(target.db)
      // Every table, its row count and its contents (generated columns recomputed) are as they were.
      expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort())
      for (const table of Object.keys(before)) expect({ table, ...after[table] }).toEqual({ table, ...before[table] })
      expect(await verifyAuditChain(target.db)).toEqual({ ok: true, checked: before.audit_events.rows, unsealed: 0 })
      // The sequences carry on past what was restored: a new referral and audit row do not collide.
      const next = await sql<{
        ref: string
        audit: string
      }>`SELECT nextval('referral_reference_seq')::text AS ref, nextval('audit_events_id_seq')::text AS audit`.execute(
        target.db,
      )
      const maxAudit = await sql<{ id: string }>`SELECT max(id)::text AS id FROM audit_events`.execute(target.db)
      expect(BigInt(next.rows[0].audit)).toBeGreaterThan(BigInt(maxAudit.rows[0].id))
    } finally {
      await target.db.destroy()
    }
  })

  it('refuses a database that holds data unless --force, which replaces everything in it', async () => {
    const target = await emptyDatabase()
    try {
      await restoreDatabase(target.db, file)
      await sql`INSERT INTO priority_tags (id, label) VALUES ('added-later', 'Added after the backup')`.execute(
        target.db,
      )
      await expect(restoreDatabase(target.db, file)).rejects.toThrow(/already holds data .* pass --force/)
      expect(
        (await target.db.selectFrom('priority_tags').select('id').where('id', '=', 'added-later').execute()).length,
      ).toBe(1)
      await restoreDatabase(target.db, file, { force: true })
      expect(
        await target.db.selectFrom('priority_tags').select('id').where('id', '=', 'added-later').execute(),
      ).toEqual([])
      expect(await fingerprint(target.db)).toEqual(await fingerprint(ctx.db))
    } finally {
      await target.db.destroy()
    }
  })

  it('refuses a cut-short, damaged or foreign file and leaves the database empty', async () => {
    const whole = gunzipSync(readFileSync(file)).toString('utf8')
    const cut = join(dir, 'cut.backup')
    writeFileSync(cut, gzipSync(whole.slice(0, Math.floor(whole.length * 0.7))))
    const truncatedGzip = join(dir, 'truncated-gzip.backup')
    const raw = readFileSync(file)
    writeFileSync(truncatedGzip, raw.subarray(0, Math.floor(raw.length / 2)))
    const foreign = join(dir, 'foreign.backup')
    writeFileSync(foreign, gzipSync('{"hello":"world"}\n'))
    const target = await emptyDatabase()
    try {
      await expect(restoreDatabase(target.db, cut)).rejects.toThrow(BackupError)
      await expect(restoreDatabase(target.db, truncatedGzip)).rejects.toThrow(BackupError)
      await expect(restoreDatabase(target.db, foreign)).rejects.toThrow(/not a Lantern backup/)
      expect(
        Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM users`.execute(target.db)).rows[0].n),
      ).toBe(0)
      expect(
        Number((await sql<{ n: string }>`SELECT count(*)::text AS n FROM audit_events`.execute(target.db)).rows[0].n),
      ).toBe(0)
    } finally {
      await target.db.destroy()
    }
  })

  it('runs as npx lantern backup and restore', async () => {
    const cliFile = join(dir, 'cli.backup')
    const io = () => {
      const out: string[] = []
      const err: string[] = []
      return {
        out,
        err,
        io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTty: false, ask: async () => '' },
      }
    }
    const source = async () => ({ db: ctx.db, embedded: false, fresh: false, close: async () => undefined })
    const backup = io()
    expect(await runCli(['backup', cliFile], backup.io, ctx.config, source)).toBe(0)
    expect(backup.out.join('\n')).toMatch(/Backed up \d+ rows in \d+ tables/)
    const target = await emptyDatabase()
    try {
      const into = async () => ({ db: target.db, embedded: false, fresh: false, close: async () => undefined })
      const restore = io()
      expect(await runCli(['restore', cliFile], restore.io, ctx.config, into)).toBe(0)
      expect(restore.out.join('\n')).toMatch(/Restored \d+ rows/)
      const again = io()
      expect(await runCli(['restore', cliFile], again.io, ctx.config, into)).toBe(1)
      expect(again.err.join('\n')).toContain('pass --force')
      const verify = io()
      expect(await runCli(['audit', 'verify'], verify.io, ctx.config, into)).toBe(0)
      expect(verify.out.join('\n')).toMatch(/Audit chain intact/)
    } finally {
      await target.db.destroy()
    }
  })
})
