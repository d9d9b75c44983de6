import { sql, type Kysely } from 'kysely'

/**
 * How many names use each vocabulary word, so a search of three or more words can start from its rarest
 * pair of words ("na singh", a few hundred names) rather than a common one ("li na", tens of thousands), and
 * stop reading there (ADR 0005). Kept by statement triggers on the postings themselves, so every way a
 * posting comes or goes counts: a name written or renamed (0005's triggers), a name deleted (the postings
 * cascade), a person erased. Rows are locked in word order, so two writers sharing common words wait for
 * each other rather than deadlock.
 *
 * People whose record has been merged into another are few; the partial index lets a search tell them from
 * everyone else by a probe of that small index instead of a read of each candidate's row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE name_words ADD COLUMN names integer NOT NULL DEFAULT 0;
    UPDATE name_words w SET names = c.n FROM (SELECT word_id, count(*)::int AS n FROM person_name_words GROUP BY word_id) c WHERE c.word_id = w.id;

    CREATE FUNCTION count_name_words_added() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM 1 FROM name_words w WHERE w.id IN (SELECT word_id FROM added) ORDER BY w.id FOR NO KEY UPDATE;
      UPDATE name_words w SET names = w.names + c.n FROM (SELECT word_id, count(*)::int AS n FROM added GROUP BY word_id) c WHERE c.word_id = w.id;
      RETURN NULL;
    END
    $fn$;
    CREATE FUNCTION count_name_words_removed() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
      PERFORM 1 FROM name_words w WHERE w.id IN (SELECT word_id FROM removed) ORDER BY w.id FOR NO KEY UPDATE;
      UPDATE name_words w SET names = greatest(w.names - c.n, 0) FROM (SELECT word_id, count(*)::int AS n FROM removed GROUP BY word_id) c WHERE c.word_id = w.id;
      RETURN NULL;
    END
    $fn$;
    CREATE TRIGGER person_name_words_count_insert AFTER INSERT ON person_name_words
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION count_name_words_added();
    CREATE TRIGGER person_name_words_count_delete AFTER DELETE ON person_name_words
      REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION count_name_words_removed();

    CREATE INDEX people_merged_idx ON people (id) WHERE merged_into IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX people_merged_idx;
    DROP TRIGGER person_name_words_count_delete ON person_name_words;
    DROP TRIGGER person_name_words_count_insert ON person_name_words;
    DROP FUNCTION count_name_words_removed(), count_name_words_added();
    ALTER TABLE name_words DROP COLUMN names;
  `.execute(db)
}
