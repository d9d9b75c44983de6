import { sql, type Kysely } from 'kysely'

/**
 * The person pages' plans (issue 19). person_identity(p) is a person and the records merged into them: almost
 * always one row, rarely a handful. Declared without an estimate it counts as 1,000 rows, so every
 * `person_id IN (SELECT person_identity(…))` was planned as a hash join over the whole of referral_subjects,
 * person_names or case_people instead of an index lookup: 5–20 ms a query at 10,000 referrals, four such queries
 * on the person page, and growing with the data. An estimate of one row gives index lookups. Only the planner's
 * guess changes; what the function returns does not. Frozen once released: literal values only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER FUNCTION person_identity(uuid) ROWS 1`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER FUNCTION person_identity(uuid) ROWS 1000`.execute(db)
}
