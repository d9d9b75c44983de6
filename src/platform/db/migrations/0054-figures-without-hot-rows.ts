import { sql, type Kysely } from 'kysely'
import { cells } from './0013-insight.ts'

/**
 * Figures without a hot row (issue 19). Every save used to update rows every other save updates too: the one-row
 * data versions (0020, 0021), the dashboard's summary cell of the month (0013: "referrals this month" is one row)
 * and the use counts of common name words (0018: every "Mohammed" added). Each writer waited for the previous
 * one's commit on those rows. Now each writer only inserts its own delta rows, which no one else touches, and
 * figures_fold(), run by one background job at a time (a second or so after the change), adds them into the
 * shared rows and deletes them, in one transaction, so the sum never changes under a reader:
 *  - a data version is the version row plus the number of change rows not yet folded: it still changes in the
 *    same transaction as the figures it versions, so caches keyed by it are never stale;
 *  - the dashboard reads insight_summary_current, the summary plus its pending deltas;
 *  - name-word use counts guide the search's plans only and need not be exact per transaction: they are read
 *    as folded (at most about a second behind).
 * A rebuild (TRUNCATE of the summary) clears the pending deltas with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE insight_version_changes (kind text NOT NULL CHECK (kind IN ('facts', 'live')));
    CREATE TABLE insight_summary_deltas (
      scope text NOT NULL,
      dimension text NOT NULL,
      month date NOT NULL,
      key text NOT NULL,
      n bigint NOT NULL,
      days bigint NOT NULL DEFAULT 0
    );
    CREATE TABLE name_word_count_deltas (word_id integer NOT NULL, n integer NOT NULL);

    CREATE VIEW insight_summary_current AS
      SELECT scope, dimension, month, key, n, days FROM insight_summary
      UNION ALL SELECT scope, dimension, month, key, n, days FROM insight_summary_deltas;

    CREATE OR REPLACE FUNCTION insight_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO insight_version_changes (kind) VALUES ('facts');
      RETURN NULL;
    END;
    $$;
    CREATE OR REPLACE FUNCTION insight_live_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_live_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        INSERT INTO insight_version_changes (kind) VALUES ('live');
        PERFORM set_config('lantern.insight_live_bumped', txid_current()::text, true);
      END IF;
      RETURN NULL;
    END;
    $$;

    CREATE OR REPLACE FUNCTION insight_summary_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      INSERT INTO insight_summary_deltas (scope, dimension, month, key, n, days)
      SELECT c.scope, c.dimension, c.month, c.key, count(*)::bigint, coalesce(sum(c.days), 0)::bigint
      FROM (${sql.raw(cells('added_rows'))}) AS c GROUP BY 1, 2, 3, 4;
      RETURN NULL;
    END;
    $$;
    CREATE OR REPLACE FUNCTION insight_summary_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      INSERT INTO insight_summary_deltas (scope, dimension, month, key, n, days)
      SELECT c.scope, c.dimension, c.month, c.key, (-count(*))::bigint, (-coalesce(sum(c.days), 0))::bigint
      FROM (${sql.raw(cells('removed_rows'))}) AS c GROUP BY 1, 2, 3, 4;
      RETURN NULL;
    END;
    $$;

    CREATE FUNCTION insight_summary_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      TRUNCATE insight_summary_deltas;
      RETURN NULL;
    END;
    $$;
    CREATE TRIGGER insight_summary_truncate BEFORE TRUNCATE ON insight_summary
      FOR EACH STATEMENT EXECUTE FUNCTION insight_summary_truncated();

    CREATE OR REPLACE FUNCTION count_name_words_added() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO name_word_count_deltas (word_id, n) SELECT word_id, count(*)::int FROM added GROUP BY word_id;
      RETURN NULL;
    END
    $fn$;
    CREATE OR REPLACE FUNCTION count_name_words_removed() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO name_word_count_deltas (word_id, n) SELECT word_id, -count(*)::int FROM removed GROUP BY word_id;
      RETURN NULL;
    END
    $fn$;

    -- Folds every delta committed so far into the shared rows, in one transaction. Deltas committed meanwhile are
    -- not seen by the DELETE and wait for the next fold. The caller runs one fold at a time (an advisory lock).
    CREATE FUNCTION figures_fold() RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      facts bigint;
      live bigint;
    BEGIN
      WITH d AS (DELETE FROM insight_version_changes RETURNING kind)
      SELECT count(*) FILTER (WHERE kind = 'facts'), count(*) FILTER (WHERE kind = 'live') INTO facts, live FROM d;
      IF facts > 0 THEN UPDATE insight_version SET version = version + facts WHERE id; END IF;
      IF live > 0 THEN UPDATE insight_live_version SET version = version + live WHERE id; END IF;

      WITH d AS (DELETE FROM insight_summary_deltas RETURNING *)
      INSERT INTO insight_summary AS t (scope, dimension, month, key, n, days)
      SELECT scope, dimension, month, key, sum(n), sum(days) FROM d GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (scope, dimension, month, key) DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days;

      WITH d AS (DELETE FROM name_word_count_deltas RETURNING word_id, n)
      UPDATE name_words w SET names = greatest(w.names + c.n, 0)
      FROM (SELECT word_id, sum(n)::int AS n FROM d GROUP BY word_id) c WHERE c.word_id = w.id AND c.n <> 0;
    END;
    $$;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`SELECT figures_fold()`.execute(db)
  await sql`
    DROP FUNCTION figures_fold();
    DROP TRIGGER insight_summary_truncate ON insight_summary;
    DROP FUNCTION insight_summary_truncated();
    CREATE OR REPLACE FUNCTION count_name_words_added() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM 1 FROM name_words w WHERE w.id IN (SELECT word_id FROM added) ORDER BY w.id FOR NO KEY UPDATE;
      UPDATE name_words w SET names = w.names + c.n FROM (SELECT word_id, count(*)::int AS n FROM added GROUP BY word_id) c WHERE c.word_id = w.id;
      RETURN NULL;
    END
    $fn$;
    CREATE OR REPLACE FUNCTION count_name_words_removed() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM 1 FROM name_words w WHERE w.id IN (SELECT word_id FROM removed) ORDER BY w.id FOR NO KEY UPDATE;
      UPDATE name_words w SET names = greatest(w.names - c.n, 0) FROM (SELECT word_id, count(*)::int AS n FROM removed GROUP BY word_id) c WHERE c.word_id = w.id;
      RETURN NULL;
    END
    $fn$;
    CREATE OR REPLACE FUNCTION insight_summary_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      INSERT INTO insight_summary AS t (scope, dimension, month, key, n, days)
      SELECT c.scope, c.dimension, c.month, c.key, count(*)::bigint, coalesce(sum(c.days), 0)::bigint
      FROM (${sql.raw(cells('added_rows'))}) AS c GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (scope, dimension, month, key) DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days;
      RETURN NULL;
    END;
    $$;
    CREATE OR REPLACE FUNCTION insight_summary_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_bulk', true) = 'on' THEN RETURN NULL; END IF;
      INSERT INTO insight_summary AS t (scope, dimension, month, key, n, days)
      SELECT c.scope, c.dimension, c.month, c.key, (-count(*))::bigint, (-coalesce(sum(c.days), 0))::bigint
      FROM (${sql.raw(cells('removed_rows'))}) AS c GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
      ON CONFLICT (scope, dimension, month, key) DO UPDATE SET n = t.n + excluded.n, days = t.days + excluded.days;
      RETURN NULL;
    END;
    $$;
    CREATE OR REPLACE FUNCTION insight_live_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.insight_live_bumped', true) IS DISTINCT FROM txid_current()::text THEN
        UPDATE insight_live_version SET version = version + 1 WHERE id;
        PERFORM set_config('lantern.insight_live_bumped', txid_current()::text, true);
      END IF;
      RETURN NULL;
    END;
    $$;
    CREATE OR REPLACE FUNCTION insight_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE insight_version SET version = version + 1 WHERE id;
      RETURN NULL;
    END;
    $$;
    DROP VIEW insight_summary_current;
    DROP TABLE name_word_count_deltas, insight_summary_deltas, insight_version_changes;
  `.execute(db)
}
