import { sql, type Kysely } from 'kysely'

/**
 * API tokens are personal (issue 13). An administrator could mint a token for another user on their page and
 * was shown it, so they could read case data as, say, a supervisor, with the reads audited as the supervisor's.
 *
 * - api_tokens.created_by: who made the token. The user themselves (from their account pages), or NULL for a
 *   token made at the command line (`npx lantern token create`, an operator's deliberate local action with no
 *   signed-in user). A token is accepted only when it is its own user's or the command line's, so a token an
 *   administrator made for someone else before this change stops working, and the DPO's reports can say who
 *   made a token that was used.
 *
 * Existing tokens take their maker from their `api-token.created` audit row, written in the same transaction
 * as the token (0001 onwards), so every token has one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE api_tokens ADD COLUMN created_by uuid REFERENCES users (id) ON DELETE CASCADE;
    UPDATE api_tokens t SET created_by = a.actor_user_id
      FROM audit_events a
      WHERE a.action = 'api-token.created' AND a.subject_type = 'api-token' AND a.subject_id = t.id::text;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_tokens DROP COLUMN created_by`.execute(db)
}
