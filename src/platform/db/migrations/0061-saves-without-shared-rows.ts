import { sql, type Kysely } from 'kysely'

/**
 * Saves that never wait on the figures' fold (issue 19, ADR 0014). Sampling pg_locks under `bench:load` showed the
 * one lock wait left on the save path: adding a name ran `INSERT INTO name_words … ON CONFLICT (word) DO NOTHING`
 * for every word of the name, and a unique check that meets a row another transaction has updated waits for that
 * transaction to end. The fold (migration 0054) updates the use counts of the common words ("mohammed") every
 * second, so every save adding such a name waited for the fold's commit, and the fold's transaction spanned
 * several round trips to a busy application.
 *  - Words already in the vocabulary are now left out of that insert (a plain read, which waits for no one); only
 *    a word not seen before goes through the unique check, and so waits only for another writer adding that same
 *    new word.
 *  - The fold is one statement (figures_fold_if_free: the advisory lock, then the fold), so its row locks last as
 *    long as the database's work and never across a round trip to the application.
 * Frozen once released: literal values only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE OR REPLACE FUNCTION index_person_name_words() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        DELETE FROM person_name_words w USING changed_rows c WHERE w.name_id = c.id;
        DELETE FROM person_name_word_pairs w USING changed_rows c WHERE w.name_id = c.id;
      END IF;
      WITH added AS (
        INSERT INTO name_words (word, sound, skeleton)
        SELECT DISTINCT w, dmetaphone(w), name_skeleton(w)
        FROM changed_rows c, regexp_split_to_table(c.normalised, ' ') w
        WHERE length(w) >= 2 AND NOT EXISTS (SELECT 1 FROM name_words v WHERE v.word = w)
        ON CONFLICT (word) DO NOTHING
        RETURNING id, word
      )
      INSERT INTO name_word_keys (key, word_id) SELECT k, a.id FROM added a, name_word_keys(a.word) k ON CONFLICT DO NOTHING;
      INSERT INTO person_name_words (word_id, name_id, person_id)
      SELECT DISTINCT v.id, c.id, c.person_id
      FROM changed_rows c, regexp_split_to_table(c.normalised, ' ') w JOIN name_words v ON v.word = w
      WHERE length(w) >= 2
      ON CONFLICT DO NOTHING;
      INSERT INTO person_name_word_pairs (pair, name_id, person_id)
      SELECT DISTINCT name_word_pair(a.word_id, b.word_id), a.name_id, a.person_id
      FROM person_name_words a JOIN person_name_words b ON b.name_id = a.name_id AND b.word_id > a.word_id
      WHERE a.name_id IN (SELECT id FROM changed_rows)
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $fn$;

    -- One fold at a time per database (the lock is held to the end of the statement's own transaction).
    CREATE FUNCTION figures_fold_if_free() RETURNS boolean LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT pg_try_advisory_xact_lock(7741054) THEN RETURN false; END IF;
      PERFORM figures_fold();
      RETURN true;
    END;
    $$;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION figures_fold_if_free();
    CREATE OR REPLACE FUNCTION index_person_name_words() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        DELETE FROM person_name_words w USING changed_rows c WHERE w.name_id = c.id;
        DELETE FROM person_name_word_pairs w USING changed_rows c WHERE w.name_id = c.id;
      END IF;
      WITH added AS (
        INSERT INTO name_words (word, sound, skeleton)
        SELECT DISTINCT w, dmetaphone(w), name_skeleton(w)
        FROM changed_rows c, regexp_split_to_table(c.normalised, ' ') w WHERE length(w) >= 2
        ON CONFLICT (word) DO NOTHING
        RETURNING id, word
      )
      INSERT INTO name_word_keys (key, word_id) SELECT k, a.id FROM added a, name_word_keys(a.word) k ON CONFLICT DO NOTHING;
      INSERT INTO person_name_words (word_id, name_id, person_id)
      SELECT DISTINCT v.id, c.id, c.person_id
      FROM changed_rows c, regexp_split_to_table(c.normalised, ' ') w JOIN name_words v ON v.word = w
      WHERE length(w) >= 2
      ON CONFLICT DO NOTHING;
      INSERT INTO person_name_word_pairs (pair, name_id, person_id)
      SELECT DISTINCT name_word_pair(a.word_id, b.word_id), a.name_id, a.person_id
      FROM person_name_words a JOIN person_name_words b ON b.name_id = a.name_id AND b.word_id > a.word_id
      WHERE a.name_id IN (SELECT id FROM changed_rows)
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $fn$;
  `.execute(db)
}
