import { sql, type Kysely } from 'kysely'

/**
 * Search keys for names: the first three letters of each folded word (or the whole word when shorter).
 * A search looks up the keys of the words typed and keeps names that share a key for at least two of them
 * (one, for a one-word search), then ranks those few by trigram similarity. A trigger keeps the keys in step
 * with person_names, whatever inserts the name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE person_name_keys (
      key text NOT NULL,
      name_id uuid NOT NULL REFERENCES person_names (id) ON DELETE CASCADE,
      person_id uuid NOT NULL,
      PRIMARY KEY (key, name_id)
    );
    CREATE INDEX person_name_keys_name_idx ON person_name_keys (name_id);

    CREATE FUNCTION person_name_search_keys(normalised text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
      SELECT DISTINCT left(word, 3) FROM unnest(string_to_array(normalised, ' ')) AS word WHERE length(word) >= 2
    $$;

    CREATE FUNCTION person_names_keys_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' THEN
        DELETE FROM person_name_keys WHERE name_id = NEW.id;
      END IF;
      INSERT INTO person_name_keys (key, name_id, person_id)
        SELECT k, NEW.id, NEW.person_id FROM person_name_search_keys(NEW.normalised) AS k
        ON CONFLICT DO NOTHING;
      RETURN NEW;
    END;
    $$;
    CREATE TRIGGER person_names_keys AFTER INSERT OR UPDATE OF normalised ON person_names
      FOR EACH ROW EXECUTE FUNCTION person_names_keys_sync();

    INSERT INTO person_name_keys (key, name_id, person_id)
      SELECT k, pn.id, pn.person_id FROM person_names pn, person_name_search_keys(pn.normalised) AS k
      ON CONFLICT DO NOTHING;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TRIGGER IF EXISTS person_names_keys ON person_names;
    DROP FUNCTION IF EXISTS person_names_keys_sync();
    DROP FUNCTION IF EXISTS person_name_search_keys(text);
    DROP TABLE IF EXISTS person_name_keys;
  `.execute(db)
}
