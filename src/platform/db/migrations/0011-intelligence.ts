import { sql, type Kysely } from 'kysely'

/**
 * Intelligence: shared-identifier safeguarding prompts, known shared places, and the address key that lets
 * two typings of the same address count as one identifier (each `linkPlace` records a new `locations` row, so
 * without a key two people at "12 Mill Lane, LS11 5AB" would never be seen to share it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = permissions || ARRAY['intelligence:view', 'safeguarding-prompt:review', 'shared-place:manage']
    WHERE id IN ('supervisor', 'investigator', 'analyst');

    -- Staff mark police stations, NRM support providers, hostels and solicitors' offices: many unconnected
    -- people pass through them, so they raise no prompts and carry no weight in link analysis.
    ALTER TABLE locations ADD COLUMN shared_place boolean NOT NULL DEFAULT false;
    ALTER TABLE locations ADD COLUMN shared_place_kind text
      CHECK (shared_place_kind IN ('police-station', 'nrm-support-provider', 'hostel', 'solicitor', 'other'));
    ALTER TABLE locations ADD CONSTRAINT locations_shared_place_kind_only_when_shared CHECK (shared_place OR shared_place_kind IS NULL);
    -- Same first line and postcode, ignoring case, spaces and punctuation: one address.
    ALTER TABLE locations ADD COLUMN address_key text GENERATED ALWAYS AS (
      CASE WHEN address_line_1 IS NOT NULL AND postcode IS NOT NULL
        THEN upper(regexp_replace(postcode, '[^A-Za-z0-9]', '', 'g')) || '|' || lower(regexp_replace(address_line_1, '[^[:alnum:]]', '', 'g'))
      END) STORED;
    CREATE INDEX locations_address_key_idx ON locations (address_key) WHERE address_key IS NOT NULL;

    CREATE TABLE safeguarding_prompts (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      link_id uuid REFERENCES entity_links (id) ON DELETE SET NULL,
      -- 'o:<object id>' or 'a:<address key>' (or 'l:<location id>' for a place with no address key).
      identifier_key text NOT NULL,
      identifier_type text NOT NULL CHECK (identifier_type IN ('object', 'location')),
      identifier_id uuid NOT NULL,
      identifier_kind text NOT NULL,
      case_id uuid REFERENCES cases (id) ON DELETE SET NULL,
      -- A snapshot at the time the prompt was raised; pages show the people linked now.
      other_person_ids uuid[] NOT NULL,
      other_count integer NOT NULL CHECK (other_count > 0),
      unsafeguarded_count integer NOT NULL CHECK (unsafeguarded_count >= 0),
      specificity double precision NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
      outcome text CHECK (outcome IN ('safeguarded', 'not-relevant', 'escalated')),
      outcome_note text CHECK (length(outcome_note) <= 2000),
      outcome_by uuid REFERENCES users (id),
      outcome_at timestamptz,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((status = 'open') = (outcome IS NULL)),
      CHECK (outcome IS NULL OR (outcome_at IS NOT NULL))
    );
    CREATE INDEX safeguarding_prompts_queue_idx ON safeguarding_prompts (status, specificity DESC, created_at DESC);
    CREATE INDEX safeguarding_prompts_person_idx ON safeguarding_prompts (person_id);
    -- One open prompt per person and identifier: linking the same phone twice does not ask twice.
    CREATE UNIQUE INDEX safeguarding_prompts_open_idx ON safeguarding_prompts (person_id, identifier_key) WHERE status = 'open';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS safeguarding_prompts;
    ALTER TABLE locations DROP COLUMN IF EXISTS address_key, DROP COLUMN IF EXISTS shared_place_kind, DROP COLUMN IF EXISTS shared_place;
    UPDATE roles SET permissions = array_remove(array_remove(array_remove(permissions, 'intelligence:view'), 'safeguarding-prompt:review'), 'shared-place:manage');
  `.execute(db)
}
