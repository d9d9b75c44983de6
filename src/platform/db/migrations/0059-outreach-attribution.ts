import { sql, type Kysely } from 'kysely'

/**
 * Outreach attribution (issue 15, section 3): operations get a short code (LAUD, TACIT), and each awareness event a
 * reference code of its own (LAUD-7KQ3) for the short link and QR code printed on its posters and materials. A public
 * report that arrives through that link records the event, and the reporter may say how they heard about reporting
 * and what kind of place they are worried about: counts the team reads against its outreach, nothing personal.
 * The event's code is filled in for events recorded before this migration from its id, so every event has one.
 * Frozen once released: literal values only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE operations ADD COLUMN code text UNIQUE CHECK (code ~ '^[A-Z0-9]{2,12}$');
    -- "Operation Laud" and "Op Laud" are LAUD: the first operation to take a code keeps it.
    UPDATE operations o SET code = d.code
    FROM (
      SELECT id, code, row_number() OVER (PARTITION BY code ORDER BY created_at, id) AS n
      FROM (
        SELECT id, created_at,
          left(upper(regexp_replace(regexp_replace(name, '^[[:space:]]*(operation|op)[.]?[[:space:]]+', '', 'i'), '[^A-Za-z0-9]', '', 'g')), 12) AS code
        FROM operations
      ) derived
      WHERE length(code) >= 2
    ) d
    WHERE o.id = d.id AND d.n = 1;

    ALTER TABLE outreach_events
      ADD COLUMN operation_id uuid REFERENCES operations (id),
      ADD COLUMN ref_code text;
    UPDATE outreach_events SET ref_code = 'EV-' || upper(substr(md5(id::text), 1, 6)) WHERE ref_code IS NULL;
    ALTER TABLE outreach_events
      ALTER COLUMN ref_code SET NOT NULL,
      ADD CONSTRAINT outreach_events_ref_code_key UNIQUE (ref_code),
      ADD CONSTRAINT outreach_events_ref_code_check CHECK (ref_code ~ '^[A-Z0-9]{2,12}-[A-Z0-9]{4,8}$');
    CREATE INDEX outreach_events_operation_idx ON outreach_events (operation_id, starts_at) WHERE operation_id IS NOT NULL;

    -- What the reporter said and the link they came through: checked in code, like sectors.
    ALTER TABLE public_report_submissions
      ADD COLUMN outreach_event_id uuid REFERENCES outreach_events (id) ON DELETE SET NULL,
      ADD COLUMN heard_via text,
      ADD COLUMN place_kind text;
    CREATE INDEX public_report_submissions_event_idx ON public_report_submissions (outreach_event_id)
      WHERE outreach_event_id IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE public_report_submissions
      DROP COLUMN IF EXISTS outreach_event_id, DROP COLUMN IF EXISTS heard_via, DROP COLUMN IF EXISTS place_kind;
    ALTER TABLE outreach_events DROP COLUMN IF EXISTS operation_id, DROP COLUMN IF EXISTS ref_code;
    ALTER TABLE operations DROP COLUMN IF EXISTS code;
  `.execute(db)
}
