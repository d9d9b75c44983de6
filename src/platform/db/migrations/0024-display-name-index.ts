import { sql, type Kysely } from 'kysely'

/**
 * A person's display name (people/display-name.ts: their name at the lowest position) is looked up for every
 * row of every list of people. With the index on person_id alone, each lookup read the person's name rows
 * from the table to sort by position and return the name; ordered by position and carrying the name, the index
 * answers it by itself. It still serves every other lookup by person_id, so it replaces that index.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX person_names_display_idx ON person_names (person_id, position) INCLUDE (full_name);
    DROP INDEX person_names_person_id_idx;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE INDEX person_names_person_id_idx ON person_names (person_id);
    DROP INDEX IF EXISTS person_names_display_idx;
  `.execute(db)
}
