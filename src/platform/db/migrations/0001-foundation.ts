import { sql, type Kysely } from 'kysely'

/**
 * The platform (roles, users, sessions, tokens, the audit chain) and the referral intake.
 * Migrations are frozen once released: they hold literal values, never imports from the code they precede.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;

    CREATE TABLE app_meta (
      key text PRIMARY KEY,
      value jsonb NOT NULL
    );

    CREATE TABLE roles (
      id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{1,40}$'),
      name text NOT NULL,
      description text NOT NULL DEFAULT '',
      permissions text[] NOT NULL DEFAULT '{}'
    );

    INSERT INTO roles (id, name, description, permissions) VALUES
      ('admin', 'Administrator', 'Manages users, roles and settings. Sees no case data by default.',
        ARRAY['user:manage', 'settings:manage', 'audit:view']),
      ('supervisor', 'Supervisor (DI or DS)', 'Triage, allocation and supervision of referrals and live jobs; sets strategic priorities.',
        ARRAY['referral:view', 'referral:create', 'referral:update', 'referral:assign', 'settings:manage']),
      ('investigator', 'Investigator (DC)', 'Records, screens and investigates referrals.',
        ARRAY['referral:view', 'referral:create', 'referral:update', 'referral:assign']),
      ('pcso', 'PCSO', 'Community and awareness work; records concerns.',
        ARRAY['referral:view', 'referral:create']),
      ('support', 'Support officer (ISA)', 'Intake, data quality and partner liaison.',
        ARRAY['referral:view', 'referral:create', 'referral:update']),
      ('analyst', 'Analyst', 'Search, matching, link analysis and statistics.',
        ARRAY['referral:view']),
      ('partner', 'Partner agency user', 'Sees only what has been disclosed to their agency.',
        ARRAY[]::text[]),
      ('auditor', 'Auditor or data protection officer', 'Reads the audit log.',
        ARRAY['audit:view']);

    CREATE TABLE users (
      id uuid PRIMARY KEY,
      email text NOT NULL,
      display_name text NOT NULL,
      role_id text NOT NULL REFERENCES roles (id),
      password_hash text NOT NULL,
      failed_sign_in_count integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      disabled_at timestamptz,
      last_sign_in_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX users_email_key ON users (lower(email));

    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      absolute_expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      ip text,
      user_agent text,
      data jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX sessions_user_id_idx ON sessions (user_id);
    CREATE INDEX sessions_expires_at_idx ON sessions (expires_at);

    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      name text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      revoked_at timestamptz,
      last_used_at timestamptz
    );
    CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

    -- The audit log (DPA 2018 s62). Rows form a hash chain; the app can only append.
    CREATE TABLE audit_events (
      id bigint PRIMARY KEY,
      occurred_at timestamptz NOT NULL,
      actor_user_id uuid,
      actor_token_id uuid,
      action text NOT NULL,
      category text NOT NULL CHECK (category IN
        ('collection', 'alteration', 'consultation', 'disclosure', 'combination', 'erasure', 'security')),
      subject_type text,
      subject_id text,
      ip text,
      request_id text,
      justification text,
      details jsonb NOT NULL DEFAULT '{}',
      prev_hash text NOT NULL,
      hash text NOT NULL
    );
    CREATE SEQUENCE audit_events_id_seq OWNED BY audit_events.id;
    CREATE INDEX audit_events_subject_idx ON audit_events (subject_type, subject_id, occurred_at);
    CREATE INDEX audit_events_actor_idx ON audit_events (actor_user_id, occurred_at);
    CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at);

    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();

    CREATE TABLE priority_tags (
      id text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{1,60}$'),
      label text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      sort_order integer NOT NULL DEFAULT 0
    );
    INSERT INTO priority_tags (id, label, sort_order) VALUES
      ('sexual-exploitation', 'Sexual exploitation', 1),
      ('travelling-community', 'Exploitation within the travelling community', 2),
      ('textile-industry', 'Textile industry', 3);

    CREATE TABLE people (
      id uuid PRIMARY KEY,
      date_of_birth date,
      approximate_age integer CHECK (approximate_age BETWEEN 0 AND 120),
      age_disputed boolean NOT NULL DEFAULT false,
      gender text NOT NULL DEFAULT 'not-known',
      nationalities text[] NOT NULL DEFAULT '{}',
      languages text[] NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE person_names (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('primary', 'alias')),
      full_name text NOT NULL,
      position integer NOT NULL DEFAULT 0
    );
    CREATE INDEX person_names_person_id_idx ON person_names (person_id);

    CREATE TABLE locations (
      id uuid PRIMARY KEY,
      address_line_1 text,
      address_line_2 text,
      town text,
      postcode text,
      description text,
      premises_type text NOT NULL DEFAULT 'other',
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (coalesce(address_line_1, postcode, description) IS NOT NULL)
    );
    CREATE INDEX locations_postcode_idx ON locations (postcode) WHERE postcode IS NOT NULL;

    CREATE SEQUENCE referral_reference_seq;

    CREATE TABLE referrals (
      id uuid PRIMARY KEY,
      reference text NOT NULL UNIQUE,
      received_at timestamptz NOT NULL,
      source text NOT NULL CHECK (source IN
        ('nrm-first-responder', 'helpline', 'police', 'partner-agency', 'public-concern', 'self-referral')),
      referring_organisation text,
      referrer_name text,
      referrer_contact text,
      summary text NOT NULL,
      exploitation_types text[] NOT NULL DEFAULT '{}' CHECK (exploitation_types <@ ARRAY
        ['labour', 'sexual', 'criminal', 'domestic-servitude', 'organ-harvesting', 'not-specified']),
      county_lines boolean NOT NULL DEFAULT false,
      priority_tags text[] NOT NULL DEFAULT '{}',
      status text NOT NULL CHECK (status IN ('new', 'in-triage', 'screening', 'opened-as-case', 'closed')),
      closure_reason text CHECK (closure_reason IN
        ('no-further-action', 'duplicate', 'passed-to-another-agency', 'not-modern-slavery')),
      assigned_to uuid REFERENCES users (id),
      triaged_at timestamptz,
      closed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      created_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CHECK ((status = 'closed') = (closure_reason IS NOT NULL))
    );
    -- The triage queue: oldest first within a status, and the open untriaged set for service levels.
    CREATE INDEX referrals_status_received_idx ON referrals (status, received_at);
    CREATE INDEX referrals_received_idx ON referrals (received_at);
    CREATE INDEX referrals_assigned_idx ON referrals (assigned_to, status, received_at);
    CREATE INDEX referrals_source_idx ON referrals (source, received_at);
    CREATE INDEX referrals_untriaged_idx ON referrals (received_at) WHERE triaged_at IS NULL;
    CREATE INDEX referrals_exploitation_types_idx ON referrals USING gin (exploitation_types);
    CREATE INDEX referrals_priority_tags_idx ON referrals USING gin (priority_tags);

    CREATE TABLE referral_subjects (
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES people (id),
      role text NOT NULL CHECK (role IN ('potential-victim', 'suspected-exploiter', 'witness', 'reporter', 'other')),
      position integer NOT NULL DEFAULT 0,
      PRIMARY KEY (referral_id, person_id)
    );
    CREATE INDEX referral_subjects_person_idx ON referral_subjects (person_id);

    CREATE TABLE referral_locations (
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      location_id uuid NOT NULL REFERENCES locations (id),
      position integer NOT NULL DEFAULT 0,
      PRIMARY KEY (referral_id, location_id)
    );
    CREATE INDEX referral_locations_location_idx ON referral_locations (location_id);

    CREATE TABLE referral_events (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      occurred_at timestamptz NOT NULL,
      actor_user_id uuid REFERENCES users (id),
      kind text NOT NULL,
      from_status text,
      to_status text,
      reason text,
      details jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX referral_events_referral_idx ON referral_events (referral_id, occurred_at);

    CREATE TABLE referral_drafts (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      data jsonb NOT NULL DEFAULT '{}',
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX referral_drafts_user_idx ON referral_drafts (user_id, updated_at);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS referral_drafts, referral_events, referral_locations, referral_subjects, referrals,
      locations, person_names, people, priority_tags, audit_events, api_tokens, sessions, users, roles, app_meta CASCADE;
    DROP SEQUENCE IF EXISTS referral_reference_seq;
    DROP FUNCTION IF EXISTS audit_events_append_only();
  `.execute(db)
}
