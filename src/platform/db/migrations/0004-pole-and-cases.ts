import { sql, type Kysely } from 'kysely'

/**
 * The POLE model (people, objects, locations, events) with dated, sourced links between them; live jobs
 * (cases) and operations with tasks, an append-only decision log and a timeline; and County Lines.
 * Immigration status sits in its own table behind its own permission (the firewall).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = permissions || ARRAY['person:view', 'person:edit', 'case:view', 'case:edit', 'search:use']
    WHERE id IN ('supervisor', 'investigator');
    UPDATE roles SET permissions = permissions || ARRAY['person:view', 'case:view', 'search:use'] WHERE id = 'analyst';
    UPDATE roles SET permissions = permissions || ARRAY['person:view', 'search:use'] WHERE id IN ('support', 'pcso');
    UPDATE roles SET permissions = permissions || ARRAY['case:supervise', 'immigration-status:view', 'immigration-status:edit'] WHERE id = 'supervisor';

    -- Names: several per person, in their own script and transliterated, with a folded form for search.
    ALTER TABLE person_names DROP CONSTRAINT IF EXISTS person_names_kind_check;
    ALTER TABLE person_names ADD CONSTRAINT person_names_kind_check
      CHECK (kind IN ('primary', 'alias', 'spelling', 'original-script', 'nickname'));
    ALTER TABLE person_names ADD COLUMN script text;
    ALTER TABLE person_names ADD COLUMN normalised text;
    UPDATE person_names SET normalised = lower(full_name) WHERE normalised IS NULL;
    ALTER TABLE person_names ALTER COLUMN normalised SET NOT NULL;
    -- Trigram search over folded names; searched at a high similarity first and widened only when that finds
    -- too few, so a common name does not make the index hand back tens of thousands of candidates.
    CREATE INDEX person_names_normalised_trgm_idx ON person_names USING gin (normalised gin_trgm_ops);
    CREATE INDEX person_names_normalised_idx ON person_names (normalised text_pattern_ops);

    ALTER TABLE people ADD COLUMN vulnerability text;
    CREATE INDEX people_date_of_birth_idx ON people (date_of_birth) WHERE date_of_birth IS NOT NULL;

    CREATE TABLE person_documents (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('passport', 'national-id', 'driving-licence', 'residence-permit', 'birth-certificate', 'other')),
      number text,
      issuing_country text,
      expires_on date,
      held_by_person boolean,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX person_documents_person_idx ON person_documents (person_id);
    CREATE INDEX person_documents_number_idx ON person_documents (number) WHERE number IS NOT NULL;

    -- The immigration status firewall: never joined into ordinary person queries.
    CREATE TABLE person_immigration_status (
      person_id uuid PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
      status text NOT NULL,
      notes text,
      recorded_by uuid REFERENCES users (id),
      recorded_at timestamptz NOT NULL DEFAULT now()
    );

    -- Objects: phones (E.164), vehicles (VRM), bank accounts (matched by hash, shown masked), online accounts,
    -- email addresses and deal lines.
    CREATE TABLE objects (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('phone', 'vehicle', 'bank-account', 'online-account', 'email', 'deal-line')),
      value text NOT NULL,
      display text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (kind, value)
    );

    ALTER TABLE locations ADD COLUMN cuckooed boolean NOT NULL DEFAULT false;
    ALTER TABLE locations ADD COLUMN postcode_sector text GENERATED ALWAYS AS (CASE WHEN postcode IS NULL THEN NULL ELSE left(postcode, length(postcode) - 2) END) STORED;
    CREATE INDEX locations_postcode_sector_idx ON locations (postcode_sector) WHERE postcode_sector IS NOT NULL;

    -- Links between any two POLE entities, dated and sourced.
    CREATE TABLE entity_links (
      id uuid PRIMARY KEY,
      from_type text NOT NULL CHECK (from_type IN ('person', 'object', 'location')),
      from_id uuid NOT NULL,
      to_type text NOT NULL CHECK (to_type IN ('person', 'object', 'location')),
      to_id uuid NOT NULL,
      relation text NOT NULL,
      valid_from date,
      valid_to date,
      source text NOT NULL,
      case_id uuid,
      referral_id uuid REFERENCES referrals (id) ON DELETE SET NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
    );
    CREATE INDEX entity_links_from_idx ON entity_links (from_type, from_id);
    CREATE INDEX entity_links_to_idx ON entity_links (to_type, to_id);

    CREATE TABLE operations (
      id uuid PRIMARY KEY,
      name text NOT NULL UNIQUE,
      description text,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed')),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE SEQUENCE case_reference_seq;
    CREATE TABLE cases (
      id uuid PRIMARY KEY,
      reference text NOT NULL UNIQUE,
      title text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('investigation', 'county-lines')),
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'suspended', 'closed')),
      summary text,
      officer_in_charge uuid REFERENCES users (id),
      operation_id uuid REFERENCES operations (id),
      restricted boolean NOT NULL DEFAULT false,
      priority_tags text[] NOT NULL DEFAULT '{}',
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      closed_at timestamptz
    );
    CREATE INDEX cases_status_idx ON cases (status, created_at);
    CREATE INDEX cases_oic_idx ON cases (officer_in_charge, status);
    CREATE INDEX cases_operation_idx ON cases (operation_id);
    ALTER TABLE entity_links ADD CONSTRAINT entity_links_case_fk FOREIGN KEY (case_id) REFERENCES cases (id) ON DELETE SET NULL;

    CREATE TABLE case_referrals (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      PRIMARY KEY (case_id, referral_id)
    );
    CREATE INDEX case_referrals_referral_idx ON case_referrals (referral_id);

    -- One person can hold several roles, in the same case or in different ones (DPA 2018 s38).
    CREATE TABLE case_people (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES people (id),
      role text NOT NULL CHECK (role IN ('potential-victim', 'victim', 'suspected-exploiter', 'suspect', 'witness', 'reporter', 'associate')),
      added_by uuid REFERENCES users (id),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, person_id, role)
    );
    CREATE INDEX case_people_person_idx ON case_people (person_id);

    CREATE TABLE case_locations (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      location_id uuid NOT NULL REFERENCES locations (id),
      PRIMARY KEY (case_id, location_id)
    );
    CREATE TABLE case_objects (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      object_id uuid NOT NULL REFERENCES objects (id),
      PRIMARY KEY (case_id, object_id)
    );

    -- Who works a case, and whether they work its victim side (and so may see victims' protected facets).
    CREATE TABLE case_members (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id),
      victim_facet boolean NOT NULL DEFAULT true,
      PRIMARY KEY (case_id, user_id)
    );
    CREATE INDEX case_members_user_idx ON case_members (user_id);

    CREATE TABLE case_tasks (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      title text NOT NULL,
      owner_id uuid REFERENCES users (id),
      due_on date,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
      completed_at timestamptz,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX case_tasks_owner_idx ON case_tasks (owner_id, status, due_on);
    CREATE INDEX case_tasks_case_idx ON case_tasks (case_id);

    -- The decision log: a supervisor's entries, append-only like the audit log.
    CREATE TABLE case_decisions (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      decided_on date NOT NULL,
      decision text NOT NULL,
      rationale text NOT NULL,
      recorded_by uuid NOT NULL REFERENCES users (id),
      recorded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX case_decisions_case_idx ON case_decisions (case_id, recorded_at);
    CREATE FUNCTION case_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the decision log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE TRIGGER case_decisions_no_change BEFORE UPDATE OR DELETE ON case_decisions
      FOR EACH ROW EXECUTE FUNCTION case_decisions_append_only();

    -- Events (the E of POLE): encounters, incidents, premises visits, warrants, arrests, missing episodes.
    CREATE TABLE events (
      id uuid PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('encounter', 'incident', 'premises-visit', 'warrant', 'arrest', 'missing-episode', 'return-home-interview')),
      occurred_at timestamptz NOT NULL,
      ended_at timestamptz,
      location_id uuid REFERENCES locations (id),
      case_id uuid REFERENCES cases (id) ON DELETE CASCADE,
      summary text NOT NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX events_case_idx ON events (case_id, occurred_at);
    CREATE TABLE event_people (
      event_id uuid NOT NULL REFERENCES events (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES people (id),
      role text NOT NULL DEFAULT 'involved',
      PRIMARY KEY (event_id, person_id)
    );
    CREATE INDEX event_people_person_idx ON event_people (person_id);

    -- The case timeline: what happened to the case itself, in order.
    CREATE TABLE case_timeline (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_user_id uuid REFERENCES users (id),
      kind text NOT NULL,
      text text NOT NULL
    );
    CREATE INDEX case_timeline_case_idx ON case_timeline (case_id, occurred_at);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS case_timeline, event_people, events, case_decisions, case_tasks, case_members, case_objects,
      case_locations, case_people, case_referrals, cases, operations, entity_links, objects, person_immigration_status,
      person_documents CASCADE;
    DROP SEQUENCE IF EXISTS case_reference_seq;
    DROP FUNCTION IF EXISTS case_decisions_append_only();
  `.execute(db)
}
