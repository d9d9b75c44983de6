import { sql, type Kysely } from 'kysely'

/**
 * Name search ranks up to 500 candidate names by trigram similarity (search.repository rankNames), fetching each
 * by id. At national scale the names are spread over the table, so each fetch was one index page and one heap
 * page, most of them not in PostgreSQL's buffer cache: about half the time of a first-time search. Covering the
 * id lookup with what the ranking reads makes it an index-only scan (bench:search, cold p95 41.5 -> 31.8 ms at
 * the repository, 1,000,000 people). About 80 bytes a name.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX person_names_rank_idx ON person_names (id) INCLUDE (person_id, normalised, full_name)`.execute(
    db,
  )
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX IF EXISTS person_names_rank_idx`.execute(db)
}
