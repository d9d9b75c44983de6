import { sql, type Kysely } from 'kysely'

/**
 * Places and businesses as shared records (issue 16, sections 3 and 4).
 *
 * - A place recorded twice can be merged into the other, reversibly, as people are (ADR 0006): only
 *   `locations.merged_into` changes, and `record_merges` says who, when and why (and who undid it).
 * - A place carries an estimate of the people there not yet identified ("about 8 men sleeping on site").
 * - A business (an employer, a car wash, a nail bar, a textile factory) is one record with its premises and its
 *   links to referrals, live jobs and people, found by name; it merges like a place.
 * - One safeguarding prompt per shared identifier: the people linked after it was raised are added to it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE locations ADD COLUMN merged_into uuid REFERENCES locations (id);
    ALTER TABLE locations ADD CONSTRAINT locations_not_merged_into_itself CHECK (merged_into IS NULL OR merged_into <> id);
    CREATE INDEX locations_merged_into_idx ON locations (merged_into) WHERE merged_into IS NOT NULL;
    ALTER TABLE locations ADD COLUMN unknown_others integer CHECK (unknown_others BETWEEN 1 AND 10000);
    ALTER TABLE locations ADD COLUMN unknown_others_note text CHECK (length(unknown_others_note) <= 500);
    ALTER TABLE locations ADD COLUMN unknown_others_on date;
    CREATE INDEX locations_postcode_key_idx ON locations (upper(regexp_replace(postcode, '[^A-Za-z0-9]', '', 'g'))) WHERE postcode IS NOT NULL;

    CREATE TABLE businesses (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      -- Lower case, punctuation and spacing folded: what a search by name matches.
      normalised text NOT NULL,
      kind text NOT NULL,
      notes text CHECK (length(notes) <= 1000),
      merged_into uuid REFERENCES businesses (id),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (merged_into IS NULL OR merged_into <> id)
    );
    CREATE INDEX businesses_normalised_trgm_idx ON businesses USING gin (normalised gin_trgm_ops);

    CREATE TABLE business_premises (
      business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
      location_id uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
      added_by uuid REFERENCES users (id),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (business_id, location_id)
    );
    CREATE INDEX business_premises_location_idx ON business_premises (location_id);

    -- A business named in a referral, worked in a live job, or employing (controlling) a person.
    CREATE TABLE business_links (
      id uuid PRIMARY KEY,
      business_id uuid NOT NULL REFERENCES businesses (id) ON DELETE CASCADE,
      referral_id uuid REFERENCES referrals (id) ON DELETE CASCADE,
      case_id uuid REFERENCES cases (id) ON DELETE CASCADE,
      person_id uuid REFERENCES people (id) ON DELETE CASCADE,
      relation text NOT NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(referral_id, case_id, person_id) >= 1)
    );
    CREATE INDEX business_links_business_idx ON business_links (business_id);
    CREATE INDEX business_links_referral_idx ON business_links (referral_id) WHERE referral_id IS NOT NULL;
    CREATE INDEX business_links_case_idx ON business_links (case_id) WHERE case_id IS NOT NULL;
    CREATE INDEX business_links_person_idx ON business_links (person_id) WHERE person_id IS NOT NULL;

    -- Merges of places and businesses created twice: reversible, with provenance (ADR 0006).
    CREATE TABLE record_merges (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('location', 'business')),
      survivor_id uuid NOT NULL,
      merged_id uuid NOT NULL,
      reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
      merged_by uuid REFERENCES users (id),
      merged_at timestamptz NOT NULL DEFAULT now(),
      unmerged_by uuid REFERENCES users (id),
      unmerged_at timestamptz,
      unmerge_reason text CHECK (length(unmerge_reason) <= 1000)
    );
    CREATE INDEX record_merges_merged_idx ON record_merges (kind, merged_id);
    CREATE INDEX record_merges_survivor_idx ON record_merges (kind, survivor_id);

    ALTER TABLE safeguarding_prompts ADD COLUMN added_person_ids uuid[] NOT NULL DEFAULT '{}';
    CREATE INDEX safeguarding_prompts_open_key_idx ON safeguarding_prompts (identifier_key) WHERE status = 'open';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS safeguarding_prompts_open_key_idx;
    ALTER TABLE safeguarding_prompts DROP COLUMN IF EXISTS added_person_ids;
    DROP TABLE IF EXISTS record_merges, business_links, business_premises, businesses;
    DROP INDEX IF EXISTS locations_postcode_key_idx;
    ALTER TABLE locations DROP COLUMN IF EXISTS unknown_others_on, DROP COLUMN IF EXISTS unknown_others_note,
      DROP COLUMN IF EXISTS unknown_others, DROP CONSTRAINT IF EXISTS locations_not_merged_into_itself,
      DROP COLUMN IF EXISTS merged_into;
  `.execute(db)
}
