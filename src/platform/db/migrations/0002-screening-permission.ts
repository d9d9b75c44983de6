import { sql, type Kysely } from 'kysely'

/** Screening decision support for the officers who screen referrals. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_append(permissions, 'screening:assess')
    WHERE id IN ('supervisor', 'investigator') AND NOT 'screening:assess' = ANY(permissions)
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`UPDATE roles SET permissions = array_remove(permissions, 'screening:assess')`.execute(db)
}
