import { sql, type Kysely } from 'kysely'

/**
 * Person matching: review decisions and non-destructive merges. A merge only sets `people.merged_into` on the
 * merged record and records the merge; no row of either person is rewritten or moved, so an unmerge (clearing
 * `merged_into`) restores both records exactly. Reads treat a survivor as the union of its identity through
 * `person_identity` (the survivor and everything merged into it, transitively) and find a merged record's
 * survivor through `person_root`. Rejected pairs are remembered so they are not offered again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE people ADD COLUMN merged_into uuid REFERENCES people (id);
    CREATE INDEX people_merged_into_idx ON people (merged_into) WHERE merged_into IS NOT NULL;
    -- The matcher keeps its in-memory index in step with "changed since" queries on these.
    CREATE INDEX people_updated_at_idx ON people (updated_at);
    CREATE INDEX entity_links_person_created_idx ON entity_links (created_at) WHERE from_type = 'person';

    CREATE TABLE match_decisions (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id),
      other_id uuid NOT NULL REFERENCES people (id),
      pair_low uuid GENERATED ALWAYS AS (least(person_id, other_id)) STORED,
      pair_high uuid GENERATED ALWAYS AS (greatest(person_id, other_id)) STORED,
      decision text NOT NULL CHECK (decision IN ('merge', 'reject')),
      note text NOT NULL,
      probability double precision NOT NULL,
      weight double precision NOT NULL,
      explanation jsonb NOT NULL,
      model_version text NOT NULL,
      decided_by uuid REFERENCES users (id),
      decided_at timestamptz NOT NULL DEFAULT now(),
      CHECK (person_id <> other_id)
    );
    CREATE UNIQUE INDEX match_decisions_rejected_pair_idx ON match_decisions (pair_low, pair_high) WHERE decision = 'reject';
    CREATE INDEX match_decisions_person_idx ON match_decisions (person_id);
    CREATE INDEX match_decisions_other_idx ON match_decisions (other_id);

    CREATE TABLE person_merges (
      id uuid PRIMARY KEY,
      decision_id uuid NOT NULL REFERENCES match_decisions (id),
      survivor_id uuid NOT NULL REFERENCES people (id),
      merged_id uuid NOT NULL REFERENCES people (id),
      merged_by uuid REFERENCES users (id),
      merged_at timestamptz NOT NULL DEFAULT now(),
      unmerged_by uuid REFERENCES users (id),
      unmerged_at timestamptz,
      unmerge_reason text,
      CHECK (survivor_id <> merged_id),
      CHECK ((unmerged_at IS NULL) = (unmerge_reason IS NULL))
    );
    CREATE UNIQUE INDEX person_merges_active_idx ON person_merges (merged_id) WHERE unmerged_at IS NULL;
    CREATE INDEX person_merges_survivor_idx ON person_merges (survivor_id, merged_at);
    CREATE INDEX person_merges_changed_idx ON person_merges (greatest(merged_at, unmerged_at));

    -- The record a person now reads as: follow merged_into to the end (depth-capped against a corrupt cycle).
    CREATE FUNCTION person_root(p uuid) RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
      WITH RECURSIVE chain (id, next, depth) AS (
        SELECT id, merged_into, 0 FROM people WHERE id = p
        UNION ALL
        SELECT pe.id, pe.merged_into, c.depth + 1 FROM chain c JOIN people pe ON pe.id = c.next WHERE c.depth < 64
      )
      SELECT coalesce((SELECT id FROM chain ORDER BY depth DESC LIMIT 1), p)
    $fn$;
    -- A person and every record merged into them, transitively: what a survivor's page reads as one person.
    CREATE FUNCTION person_identity(p uuid) RETURNS SETOF uuid LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
      WITH RECURSIVE members (id, depth) AS (
        SELECT p, 0
        UNION ALL
        SELECT pe.id, m.depth + 1 FROM members m JOIN people pe ON pe.merged_into = m.id WHERE m.depth < 64
      )
      SELECT id FROM members
    $fn$;

    UPDATE roles SET permissions = permissions || ARRAY['match:review'] WHERE id IN ('analyst', 'supervisor', 'investigator');
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(permissions, 'match:review');
    DROP FUNCTION person_identity(uuid);
    DROP FUNCTION person_root(uuid);
    DROP TABLE person_merges, match_decisions;
    DROP INDEX entity_links_person_created_idx;
    DROP INDEX people_updated_at_idx;
    ALTER TABLE people DROP COLUMN merged_into;
  `.execute(db)
}
