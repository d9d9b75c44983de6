import { sql, type Kysely } from 'kysely'

/**
 * Awareness events and training inputs, the organisations they reach, and the public "report a concern"
 * service. Referrals gain the organisation and sector they came from, so the impact of an event is read from
 * a direct link rather than guessed from free text.
 * Frozen once released: literal values only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Organisations an event reaches and referrals come from. Looked up by a folded name so that
    -- "Riverton NHS Trust" and "riverton nhs trust " are one organisation.
    CREATE TABLE organisations (
      id uuid PRIMARY KEY,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      name_key text NOT NULL UNIQUE,
      sector text,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    ALTER TABLE referrals
      ADD COLUMN organisation_id uuid REFERENCES organisations (id),
      ADD COLUMN referring_sector text;
    CREATE INDEX referrals_organisation_idx ON referrals (organisation_id, received_at) WHERE organisation_id IS NOT NULL;
    CREATE INDEX referrals_sector_idx ON referrals (referring_sector, received_at) WHERE referring_sector IS NOT NULL;

    -- Sectors and kinds are checked in code, not here: a force adds a sector without a migration.
    CREATE TABLE outreach_events (
      id uuid PRIMARY KEY,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      kind text NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz CHECK (ends_at IS NULL OR ends_at >= starts_at),
      delivery text NOT NULL CHECK (delivery IN ('in-person', 'online')),
      venue text,
      sectors text[] NOT NULL DEFAULT '{}',
      attendee_count integer CHECK (attendee_count IS NULL OR attendee_count BETWEEN 0 AND 100000),
      trainers text NOT NULL DEFAULT '',
      priority_tags text[] NOT NULL DEFAULT '{}',
      notes text NOT NULL DEFAULT '',
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX outreach_events_starts_idx ON outreach_events (starts_at);
    CREATE INDEX outreach_events_sectors_idx ON outreach_events USING gin (sectors);

    CREATE TABLE outreach_event_organisations (
      event_id uuid NOT NULL REFERENCES outreach_events (id) ON DELETE CASCADE,
      organisation_id uuid NOT NULL REFERENCES organisations (id),
      position integer NOT NULL DEFAULT 0,
      PRIMARY KEY (event_id, organisation_id)
    );
    CREATE INDEX outreach_event_organisations_org_idx ON outreach_event_organisations (organisation_id);

    -- Materials are kept in PostgreSQL (see outreach.materials.ts for why).
    CREATE TABLE outreach_materials (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES outreach_events (id) ON DELETE CASCADE,
      filename text NOT NULL,
      content_type text NOT NULL,
      size_bytes integer NOT NULL CHECK (size_bytes > 0),
      sha256 text NOT NULL,
      data bytea NOT NULL,
      uploaded_by uuid REFERENCES users (id),
      uploaded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX outreach_materials_event_idx ON outreach_materials (event_id);

    CREATE TABLE outreach_feedback (
      id uuid PRIMARY KEY,
      event_id uuid NOT NULL REFERENCES outreach_events (id) ON DELETE CASCADE,
      score smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
      comment text,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX outreach_feedback_event_idx ON outreach_feedback (event_id);

    -- A public report in progress: keyed by the hash of a random token held only in the reporter's cookie.
    -- Rows are short-lived (deleted on submit, swept after a few hours), so abandoned reports are not kept.
    CREATE TABLE public_report_drafts (
      token_hash text PRIMARY KEY,
      data jsonb NOT NULL DEFAULT '{}',
      idempotency_key uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX public_report_drafts_updated_idx ON public_report_drafts (updated_at);

    -- One row per accepted public report: a repeated submit with the same key finds the first one.
    CREATE TABLE public_report_submissions (
      idempotency_key uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    UPDATE roles SET permissions = permissions || ARRAY['outreach:view', 'outreach:manage']
      WHERE id IN ('supervisor', 'investigator', 'pcso', 'support') AND NOT 'outreach:view' = ANY(permissions);
    UPDATE roles SET permissions = permissions || ARRAY['outreach:view']
      WHERE id = 'analyst' AND NOT 'outreach:view' = ANY(permissions);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(array_remove(permissions, 'outreach:view'), 'outreach:manage');
    DROP TABLE IF EXISTS public_report_submissions, public_report_drafts, outreach_feedback, outreach_materials,
      outreach_event_organisations, outreach_events CASCADE;
    ALTER TABLE referrals DROP COLUMN IF EXISTS organisation_id, DROP COLUMN IF EXISTS referring_sector;
    DROP TABLE IF EXISTS organisations;
  `.execute(db)
}
