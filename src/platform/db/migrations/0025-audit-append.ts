import { sql, type Kysely } from 'kysely'
import { up as createChainHead } from './0022-audit-chain-head.ts'

/**
 * Appending to the audit chain in one round trip (issue 9, load). The chain lock is held from the moment it is
 * taken until the writer commits, and under load every reply the app waits for inside it also waits its turn on
 * the app's event loop. 0022 took the lock, read the last hash and drew the ids in one call, but the rows were
 * still hashed in the app and inserted in a second round trip. Here the app sends each row's hashed text split
 * where its id goes (audit-chain.ts chainTextAround), and the database draws the id, hashes
 * `previous hash + '\n' + text` with its own sha256 (the same bytes, so the same hash as chainHash) and inserts
 * the row, all in the call that takes the lock. Verification is unchanged.
 *
 * VOLATILE, so the last hash is read with a snapshot taken after the lock is held (see 0022).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION audit_append(lock_key bigint, items jsonb) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      previous text;
      item jsonb;
      drawn bigint;
      digest text;
    BEGIN
      PERFORM pg_advisory_xact_lock(lock_key);
      SELECT a.hash INTO previous FROM audit_events a ORDER BY a.id DESC LIMIT 1;
      previous := coalesce(previous, repeat('0', 64));
      FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
        drawn := nextval('audit_events_id_seq');
        digest := encode(sha256(convert_to(previous || E'\n' || (item->>'before') || '"' || drawn::text || '"' || (item->>'after'), 'UTF8')), 'hex');
        INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_token_id, action, category, subject_type, subject_id, ip, request_id, justification, details, prev_hash, hash)
        VALUES (drawn, (item->>'occurred_at')::timestamptz, (item->>'actor_user_id')::uuid, (item->>'actor_token_id')::uuid, item->>'action', item->>'category',
          item->>'subject_type', item->>'subject_id', item->>'ip', item->>'request_id', item->>'justification', item->'details', previous, digest);
        previous := digest;
      END LOOP;
    END;
    $$;
    DROP FUNCTION audit_chain_head(bigint, integer);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS audit_append(bigint, jsonb)`.execute(db)
  // The function this one replaced, exactly as 0022 made it.
  await createChainHead(db)
}
