import { sql, type Kysely } from 'kysely'

/**
 * Merged places read as one in link analysis (issue 16): a place recorded twice and merged (0057) is one identifier
 * for "others who may be targeted", safeguarding prompts and the link chart, whichever copy a person was linked
 * to, even when the two were typed as different addresses; undoing the merge separates them again. The same
 * shape as person_root and person_identity (0010): links stay on the copy, readers map it to its survivor.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The place a place was merged into, transitively (itself when it was not merged).
    CREATE FUNCTION location_root(p uuid) RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
      WITH RECURSIVE chain (id, next, depth) AS (
        SELECT id, merged_into, 0 FROM locations WHERE id = p
        UNION ALL
        SELECT l.id, l.merged_into, c.depth + 1 FROM chain c JOIN locations l ON l.id = c.next WHERE c.depth < 64
      )
      SELECT coalesce((SELECT id FROM chain ORDER BY depth DESC LIMIT 1), p)
    $fn$;
    -- A place and every place merged into it, transitively: what reads as one place.
    CREATE FUNCTION location_family(p uuid) RETURNS SETOF uuid LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
      WITH RECURSIVE members (id, depth) AS (
        SELECT p, 0
        UNION ALL
        SELECT l.id, m.depth + 1 FROM members m JOIN locations l ON l.merged_into = m.id WHERE m.depth < 64
      )
      SELECT id FROM members
    $fn$;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP FUNCTION IF EXISTS location_family(uuid);
    DROP FUNCTION IF EXISTS location_root(uuid);
  `.execute(db)
}
