import { sql, type Kysely } from 'kysely'

/**
 * The audit chain sealed after commit instead of under a global lock (issue 19, ADR 0012). An audited request
 * appends its rows with ids from the sequence and no hash: nothing to wait for, so audited reads and writes no
 * longer queue behind each other's commits. A sealer (one at a time per database) later links the committed rows
 * in id order, filling prev_hash and hash. Rows written before this migration were sealed as they were written,
 * so the chain carries on from them unchanged.
 *
 * audit_insert takes the writer's transaction id before it draws any id: the sealer relies on a transaction that
 * holds an id being visible as running (pg_stat_activity.backend_xid) from before that id was drawn until it ends.
 *
 * The append-only trigger allows, besides an erasure's redaction (0016), exactly one more update: sealing, under
 * the transaction-local setting lantern.audit_sealing, which fills prev_hash and hash of a row that has neither
 * and changes nothing else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE audit_events ALTER COLUMN prev_hash DROP NOT NULL, ALTER COLUMN hash DROP NOT NULL;
    ALTER TABLE audit_events ADD CONSTRAINT audit_events_sealed_whole CHECK ((prev_hash IS NULL) = (hash IS NULL));

    CREATE FUNCTION audit_insert(items jsonb) RETURNS void LANGUAGE plpgsql VOLATILE AS $$
    DECLARE
      item jsonb;
    BEGIN
      PERFORM pg_current_xact_id();
      FOR item IN SELECT value FROM jsonb_array_elements(items) LOOP
        INSERT INTO audit_events (id, occurred_at, actor_user_id, actor_token_id, action, category, subject_type, subject_id, ip, request_id, justification, details)
        VALUES (nextval('audit_events_id_seq'), (item->>'occurred_at')::timestamptz, (item->>'actor_user_id')::uuid, (item->>'actor_token_id')::uuid,
          item->>'action', item->>'category', item->>'subject_type', item->>'subject_id', item->>'ip', item->>'request_id', item->>'justification', item->'details');
      END LOOP;
    END;
    $$;

    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('lantern.audit_redaction', true) = 'on'
        AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_token_id, NEW.action, NEW.category, NEW.subject_type,
             NEW.subject_id, NEW.ip, NEW.request_id, NEW.prev_hash, NEW.hash)
          IS NOT DISTINCT FROM (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_token_id, OLD.action, OLD.category,
             OLD.subject_type, OLD.subject_id, OLD.ip, OLD.request_id, OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
      END IF;
      IF TG_OP = 'UPDATE' AND current_setting('lantern.audit_sealing', true) = 'on'
        AND OLD.hash IS NULL AND OLD.prev_hash IS NULL AND NEW.hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
        AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_token_id, NEW.action, NEW.category, NEW.subject_type,
             NEW.subject_id, NEW.ip, NEW.request_id, NEW.justification, NEW.details)
          IS NOT DISTINCT FROM (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_token_id, OLD.action, OLD.category,
             OLD.subject_type, OLD.subject_id, OLD.ip, OLD.request_id, OLD.justification, OLD.details) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('lantern.audit_redaction', true) = 'on'
        AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_token_id, NEW.action, NEW.category, NEW.subject_type,
             NEW.subject_id, NEW.ip, NEW.request_id, NEW.prev_hash, NEW.hash)
          IS NOT DISTINCT FROM (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_token_id, OLD.action, OLD.category,
             OLD.subject_type, OLD.subject_id, OLD.ip, OLD.request_id, OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    DROP FUNCTION IF EXISTS audit_insert(jsonb);
    ALTER TABLE audit_events DROP CONSTRAINT audit_events_sealed_whole;
    ALTER TABLE audit_events ALTER COLUMN prev_hash SET NOT NULL, ALTER COLUMN hash SET NOT NULL;
  `.execute(db)
}
