import { sql, type Kysely } from 'kysely'

/**
 * A word index over people's folded names, so a name search at national scale is a few btree lookups instead
 * of a trigram scan over every name: fuzzy matching runs on the small vocabulary of distinct name words
 * (spelling slips by deletion keys, sound-alikes by Double Metaphone and a consonant skeleton that also
 * meets Arabic-script transliterations such as "mhmd" for "Mohamed"), and people are then found by exact
 * postings for the words that matched. The index is kept by statement triggers on person_names, so every
 * way a name is written (pages, API, imports, demo, benchmarks) keeps it true, and postings go with the name.
 */
// The consonants of a word with doubles collapsed: "mohamed", "muhammad" and the Arabic-script "mhmd" all give
// "md"; "abdullah" and "bdllh" give "bdl". Vowels and h/w/y are what transliterations disagree about most.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION name_skeleton(word text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT regexp_replace(regexp_replace(word, '[aeiouyhw]', '', 'g'), '(.)\\1+', '\\1', 'g')
    $fn$;

    -- The keys a word is found by with one slip: the word itself and, for words of four letters or more, every
    -- form with one letter left out. Two words one insertion, deletion or substitution apart share a key.
    CREATE FUNCTION name_word_keys(word text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT word
      UNION
      SELECT left(word, i - 1) || substr(word, i + 1) FROM generate_series(1, length(word)) i WHERE length(word) >= 4
    $fn$;

    CREATE TABLE name_words (
      id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      word text NOT NULL UNIQUE,
      sound text NOT NULL,
      skeleton text NOT NULL
    );
    CREATE INDEX name_words_sound_idx ON name_words (sound);
    CREATE INDEX name_words_skeleton_idx ON name_words (skeleton);
    -- Words typed with more than one slip ("golewicz" for "gołowicz"): trigram similarity over the vocabulary,
    -- which stays small (distinct name words), never over every name.
    CREATE INDEX name_words_word_trgm_idx ON name_words USING gin (word gin_trgm_ops);

    CREATE TABLE name_word_keys (
      key text NOT NULL,
      word_id integer NOT NULL REFERENCES name_words (id) ON DELETE CASCADE,
      PRIMARY KEY (key, word_id)
    );
    CREATE INDEX name_word_keys_word_idx ON name_word_keys (word_id);

    CREATE TABLE person_name_words (
      word_id integer NOT NULL REFERENCES name_words (id),
      name_id uuid NOT NULL REFERENCES person_names (id) ON DELETE CASCADE,
      person_id uuid NOT NULL,
      PRIMARY KEY (word_id, name_id) INCLUDE (person_id)
    );
    CREATE INDEX person_name_words_name_idx ON person_name_words (name_id);

    -- Every pair of a name's words, as one key: a search for two words ("andrei popescu") looks up the few
    -- pairs their spellings make instead of intersecting two long lists (a common given name has tens of
    -- thousands of holders at national scale; the pair has hundreds).
    CREATE TABLE person_name_word_pairs (
      pair bigint NOT NULL,
      name_id uuid NOT NULL REFERENCES person_names (id) ON DELETE CASCADE,
      person_id uuid NOT NULL,
      PRIMARY KEY (pair, name_id) INCLUDE (person_id)
    );
    CREATE INDEX person_name_word_pairs_name_idx ON person_name_word_pairs (name_id);

    CREATE FUNCTION name_word_pair(a integer, b integer) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
      SELECT (least(a, b)::bigint << 32) | greatest(a, b)::bigint
    $fn$;

    CREATE FUNCTION index_person_name_words() RETURNS trigger LANGUAGE plpgsql AS $fn$
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

    CREATE TRIGGER person_names_words_insert AFTER INSERT ON person_names
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION index_person_name_words();
    CREATE TRIGGER person_names_words_update AFTER UPDATE ON person_names
      REFERENCING NEW TABLE AS changed_rows FOR EACH STATEMENT EXECUTE FUNCTION index_person_name_words();

    -- Names already held.
    UPDATE person_names SET normalised = normalised;

    -- Events at a place, across live jobs (GET /api/v1/events?locationId=…).
    CREATE INDEX events_location_idx ON events (location_id, occurred_at) WHERE location_id IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX events_location_idx;
    DROP TRIGGER person_names_words_update ON person_names;
    DROP TRIGGER person_names_words_insert ON person_names;
    DROP FUNCTION index_person_name_words();
    DROP TABLE person_name_word_pairs, person_name_words, name_word_keys, name_words;
    DROP FUNCTION name_word_pair(integer, integer), name_word_keys(text), name_skeleton(text);
  `.execute(db)
}
