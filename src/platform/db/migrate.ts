import { Migrator, sql, type Migration, type MigrationProvider } from 'kysely'
import type { Db, Queryable } from './database.ts'
import * as m0001 from './migrations/0001-foundation.ts'
import * as m0002 from './migrations/0002-screening-permission.ts'
import * as m0003 from './migrations/0003-screening-and-nrm.ts'
import * as m0004 from './migrations/0004-pole-and-cases.ts'
import * as m0005 from './migrations/0005-name-tokens.ts'
import * as m0006 from './migrations/0006-partners.ts'
import * as m0007 from './migrations/0007-safeguarding.ts'
import * as m0008 from './migrations/0008-outreach.ts'
import * as m0009 from './migrations/0009-disclosures.ts'
import * as m0010 from './migrations/0010-person-matching.ts'
import * as m0011 from './migrations/0011-intelligence.ts'
import * as m0012 from './migrations/0012-imports.ts'
import * as m0013 from './migrations/0013-insight.ts'
import * as m0014 from './migrations/0014-insight-sources.ts'
import * as m0015 from './migrations/0015-security.ts'
import * as m0016 from './migrations/0016-retention.ts'
import * as m0018 from './migrations/0018-name-search.ts'
import * as m0019 from './migrations/0019-operations.ts'
import * as m0020 from './migrations/0020-insight-speed.ts'
import * as m0021 from './migrations/0021-insight-live-version.ts'
import * as m0022 from './migrations/0022-audit-chain-head.ts'
import * as m0023 from './migrations/0023-name-rank-index.ts'
import * as m0024 from './migrations/0024-display-name-index.ts'
import * as m0025 from './migrations/0025-audit-append.ts'
import * as m0026 from './migrations/0026-access-duties.ts'
import * as m0030 from './migrations/0030-personal-api-tokens.ts'
import * as m0033 from './migrations/0033-api-idempotency-keys.ts'
import * as m0034 from './migrations/0034-triage-urgency-grading.ts'
import * as m0047 from './migrations/0047-nrm-drafts.ts'
import * as m0048 from './migrations/0048-event-time-known.ts'
import * as m0049 from './migrations/0049-occurrence-references.ts'
import * as m0050 from './migrations/0050-screening-groups.ts'
import * as m0051 from './migrations/0051-support-work.ts'
import * as m0052 from './migrations/0052-victim-context.ts'
import * as m0053 from './migrations/0053-audit-sealer.ts'
import * as m0054 from './migrations/0054-figures-without-hot-rows.ts'
import * as m0055 from './migrations/0055-hub-both-ways.ts'
import * as m0057 from './migrations/0057-shared-places-and-businesses.ts'
import * as m0058 from './migrations/0058-live-job-work.ts'
import * as m0059 from './migrations/0059-outreach-attribution.ts'
import * as m0060 from './migrations/0060-person-identity-estimate.ts'
import * as m0061 from './migrations/0061-saves-without-shared-rows.ts'
import * as m0063 from './migrations/0063-merged-places-in-link-analysis.ts'

// Listed in code rather than read from a folder, so the set of migrations is explicit and type-checked.
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-screening-permission': m0002,
  '0003-screening-and-nrm': m0003,
  '0004-pole-and-cases': m0004,
  '0005-name-tokens': m0005,
  '0006-partners': m0006,
  '0007-safeguarding': m0007,
  '0008-outreach': m0008,
  '0009-disclosures': m0009,
  '0010-person-matching': m0010,
  '0011-intelligence': m0011,
  '0012-imports': m0012,
  '0013-insight': m0013,
  '0014-insight-sources': m0014,
  '0015-security': m0015,
  '0016-retention': m0016,
  '0018-name-search': m0018,
  '0019-operations': m0019,
  '0020-insight-speed': m0020,
  '0021-insight-live-version': m0021,
  '0022-audit-chain-head': m0022,
  '0023-name-rank-index': m0023,
  '0024-display-name-index': m0024,
  '0025-audit-append': m0025,
  '0026-access-duties': m0026,
  '0030-personal-api-tokens': m0030,
  '0033-api-idempotency-keys': m0033,
  '0034-triage-urgency-grading': m0034,
  '0047-nrm-drafts': m0047,
  '0048-event-time-known': m0048,
  '0049-occurrence-references': m0049,
  '0050-screening-groups': m0050,
  '0051-support-work': m0051,
  '0052-victim-context': m0052,
  '0053-audit-sealer': m0053,
  '0054-figures-without-hot-rows': m0054,
  '0055-hub-both-ways': m0055,
  '0057-shared-places-and-businesses': m0057,
  '0058-live-job-work': m0058,
  '0059-outreach-attribution': m0059,
  '0060-person-identity-estimate': m0060,
  '0061-saves-without-shared-rows': m0061,
  '0063-merged-places-in-link-analysis': m0063,
}

const provider: MigrationProvider = { getMigrations: async () => migrations }

export type MigrationOutcome = { applied: string[] }

/** Brings the schema up to date. Safe to run from several instances at once: Kysely takes a lock. */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({ db, provider })
  const { error, results } = await migrator.migrateToLatest()
  if (error) throw error instanceof Error ? error : new Error(String(error))
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) }
}

/** Every migration this version of Lantern knows, in order (a backup from a newer version names more). */
export function knownMigrations(): string[] {
  return Object.keys(migrations).sort()
}

/** The migrations applied to a database, in order; none for a database Lantern has never migrated. */
export async function appliedMigrations(db: Queryable): Promise<string[]> {
  const exists = await sql<{
    present: boolean
  }>`SELECT to_regclass('public.kysely_migration') IS NOT NULL AS present`.execute(db)
  if (!exists.rows[0].present) return []
  const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(db)
  return rows.map((r) => r.name)
}

/** Brings the schema to exactly `name` (up or down): a restore loads a backup into the schema it was made from. */
export async function migrateTo(db: Db, name: string): Promise<void> {
  const { error } = await new Migrator({ db, provider }).migrateTo(name)
  if (error) throw error instanceof Error ? error : new Error(String(error))
}
