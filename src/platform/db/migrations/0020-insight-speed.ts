import { sql, type Kysely } from 'kysely'

/**
 * Faster team dashboard (issue 8). A one-row data version that changes in the same transaction as every
 * change to the insight facts (and so to insight_summary), so every app instance can cache figures in memory
 * keyed by it and still never show stale ones. The version is taken by a BEFORE statement trigger, so a
 * writer locks it before any summary cell: one lock order for everyone, no new deadlock.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE insight_version (
      id boolean PRIMARY KEY DEFAULT true CHECK (id),
      version bigint NOT NULL
    );
    INSERT INTO insight_version (id, version) VALUES (true, 1);

    CREATE FUNCTION insight_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE insight_version SET version = version + 1 WHERE id;
      RETURN NULL;
    END;
    $$;
    -- Bulk loads (lantern.insight_bulk) bump it too: they end in a rebuild that replaces every figure.
    CREATE TRIGGER insight_facts_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON insight_referral_facts
      FOR EACH STATEMENT EXECUTE FUNCTION insight_version_bump();

    -- Open and overdue tasks for the live jobs figures from an index alone, grouped by case before the
    -- (much smaller) join to the cases that are not closed.
    CREATE INDEX case_tasks_open_case_idx ON case_tasks (case_id, due_on) WHERE status = 'open';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS insight_facts_version ON insight_referral_facts;
    DROP FUNCTION IF EXISTS insight_version_bump();
    DROP TABLE IF EXISTS insight_version;
    DROP INDEX IF EXISTS case_tasks_open_case_idx;
  `.execute(db)
}
