import { sql, type Kysely } from 'kysely'

/**
 * Idempotency keys for POST /api/v1/referrals (issue 13). A client that sends a referral and loses the reply
 * retries with the same `Idempotency-Key`; the key, per token user, names the referral the first request made,
 * so the retry is answered with that referral instead of making a second one.
 *
 * The row is inserted before the referral, in the same transaction: a concurrent request with the same key
 * waits on the primary key until the first commits (then finds its referral) or rolls back (then makes its
 * own). Only a hash of the request body is kept, to tell a retry from a different request reusing the key, and
 * the referral id; never the body or the answer, so no personal data is copied here. A key is kept 24 hours.
 * Erasing a referral erases its keys (ON DELETE CASCADE).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_idempotency_keys (
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
      request_hash text NOT NULL,
      referral_id uuid REFERENCES referrals (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (user_id, key)
    );
    CREATE INDEX api_idempotency_keys_created_at_idx ON api_idempotency_keys (created_at);
    CREATE INDEX api_idempotency_keys_referral_id_idx ON api_idempotency_keys (referral_id);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS api_idempotency_keys`.execute(db)
}
