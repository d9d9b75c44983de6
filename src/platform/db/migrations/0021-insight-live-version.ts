import { sql, type Kysely } from 'kysely'

/**
 * A second data version for the dashboard's figures that are not referral facts: live jobs and their tasks
 * (as they stand today) and awareness events. It changes in the same transaction as any change to cases,
 * case_tasks or outreach_events, so every app instance can cache those figures too and never show stale ones.
 *
 * Why a deferred trigger: the referral figures' version (0020) is locked by a BEFORE statement trigger. If this
 * one were too, a transaction writing a case then a referral and another writing a referral then a case would
 * take the two in opposite orders and could deadlock. Taken at commit, after every statement, this lock is
 * always the last anyone takes. A transaction-local setting makes only its first changed row do the update.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE insight_live_version (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      version bigint NOT NULL
    );
    INSERT INTO insight_live_version (id, version) VALUES (true, 1);

    CREATE FUNCTION insight_live_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_live_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE insight_live_version SET version = version + 1 WHERE id;
        PERFORM set_config('lantern.insight_live_bumped', txid_current()::text, true);
      END IF;
      RETURN NULL;
    END;
    $$;

    CREATE CONSTRAINT TRIGGER cases_live_version AFTER INSERT OR UPDATE OR DELETE ON cases
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION insight_live_version_bump();
    CREATE CONSTRAINT TRIGGER case_tasks_live_version AFTER INSERT OR UPDATE OR DELETE ON case_tasks
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION insight_live_version_bump();
    CREATE CONSTRAINT TRIGGER outreach_events_live_version AFTER INSERT OR UPDATE OR DELETE ON outreach_events
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION insight_live_version_bump();
    -- Constraint triggers cannot fire on TRUNCATE (tests and restores): a plain statement trigger does.
    CREATE TRIGGER cases_live_version_truncate AFTER TRUNCATE ON cases FOR EACH STATEMENT EXECUTE FUNCTION insight_live_version_bump();
    CREATE TRIGGER case_tasks_live_version_truncate AFTER TRUNCATE ON case_tasks FOR EACH STATEMENT EXECUTE FUNCTION insight_live_version_bump();
    CREATE TRIGGER outreach_events_live_version_truncate AFTER TRUNCATE ON outreach_events FOR EACH STATEMENT EXECUTE FUNCTION insight_live_version_bump();
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS cases_live_version ON cases;
    DROP TRIGGER IF EXISTS case_tasks_live_version ON case_tasks;
    DROP TRIGGER IF EXISTS outreach_events_live_version ON outreach_events;
    DROP TRIGGER IF EXISTS cases_live_version_truncate ON cases;
    DROP TRIGGER IF EXISTS case_tasks_live_version_truncate ON case_tasks;
    DROP TRIGGER IF EXISTS outreach_events_live_version_truncate ON outreach_events;
    DROP FUNCTION IF EXISTS insight_live_version_bump();
    DROP TABLE IF EXISTS insight_live_version;
  `.execute(db)
}
