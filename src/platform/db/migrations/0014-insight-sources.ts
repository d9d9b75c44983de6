import { sql, type Kysely } from 'kysely'

/**
 * Figures across sources, figures for partners and the anonymised export (issue 8). No tables: the pages read
 * referrals and people directly (the referrals' received_at index and referral_subjects' key serve them).
 * The victim-level export gets its own permission so a force can keep it to the few people who release data
 * outside the team; partners see figures through the portal permission they already hold. `insight:view` itself comes from 0013 (granted only if missing, in case of re-ordering).
 * Frozen once released: literal values only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = permissions || ARRAY['insight:anonymised-export']
    WHERE id IN ('supervisor', 'analyst') AND NOT 'insight:anonymised-export' = ANY (permissions);
    UPDATE roles SET permissions = permissions || ARRAY['insight:view']
    WHERE id IN ('supervisor', 'investigator', 'analyst', 'support') AND NOT 'insight:view' = ANY (permissions);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(permissions, 'insight:anonymised-export');
  `.execute(db)
}
