import { sql, type Kysely } from 'kysely'

/**
 * The audit chain's head in one round trip (issue 9, load). Appending to the chain holds its lock until the
 * writer commits, so every round trip made while holding it is time no other audited request can append; under
 * load each one also waits its turn on the app's event loop. Taking the lock, reading the last row's hash and
 * drawing the new rows' ids used to be three round trips inside the lock; this function does them in one.
 *
 * Why a function rather than one SELECT: in READ COMMITTED a statement reads from a snapshot taken when it
 * starts, which is before it waits for the lock, so it could miss the row the previous holder just committed.
 * A VOLATILE function takes a fresh snapshot for each query in it, so the hash is read after the lock is held.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION audit_chain_head(lock_key bigint, n integer) RETURNS TABLE (last_hash text, ids text[])
    LANGUAGE plpgsql VOLATILE AS $$
    BEGIN
      PERFORM pg_advisory_xact_lock(lock_key);
      RETURN QUERY SELECT
        (SELECT a.hash FROM audit_events a ORDER BY a.id DESC LIMIT 1),
        ARRAY(SELECT nextval('audit_events_id_seq')::text FROM generate_series(1, n));
    END;
    $$;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION IF EXISTS audit_chain_head(bigint, integer)`.execute(db)
}
