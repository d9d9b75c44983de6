import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '#src/shared/free-port.ts'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { createDb } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { startEmbeddedPostgres, type EmbeddedServer } from '#src/platform/db/embedded.ts'

export { freePort }

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string
    templateDatabase: string
  }
}

/**
 * Once per test run and target: a template database with the real migrations applied. Each test file then
 * clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds, so every suite starts from a clean schema.
 */
export default async function setup(project: TestProject) {
  const target = process.env.LANTERN_TEST_TARGET ?? project.config.env?.LANTERN_TEST_TARGET ?? 'server'
  let embedded: EmbeddedServer | undefined
  let dataDir: string | undefined
  let adminUrl: string
  if (target === 'embedded') {
    dataDir = mkdtempSync(join(tmpdir(), 'lantern-test-pg-'))
    embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), mode: 'owner' })
    adminUrl = embedded.url
  } else {
    adminUrl = process.env.LANTERN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  }
  const templateDatabase = `lantern_tpl_${process.pid}_${project.name.replace(/\W/g, '_')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${templateDatabase}`)
  await admin.query(`CREATE DATABASE ${templateDatabase}`)
  await admin.end()
  const db = createDb(adminUrl.replace(/\/[^/]*$/, `/${templateDatabase}`), 2)
  await migrateToLatest(db)
  await db.destroy()
  project.provide('adminUrl', adminUrl)
  project.provide('templateDatabase', templateDatabase)

  return async () => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname = $2`,
      [`lantern_t_${process.pid}_%`, templateDatabase],
    )
    for (const row of rows) await client.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`)
    await client.end()
    if (embedded) await embedded.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }
}
