import { sql, type Kysely } from 'kysely'

/**
 * Bulk import of referrals and people from a helpline or partner export (CSV or XLSX). The parsed rows are kept
 * on the job, not the file: the worker reads them after a restart, and nothing but cells ever reaches the
 * database. Each row's outcome is one import_rows row, whose fingerprint (a hash of the source and the
 * normalised row) is unique among rows that did something, so importing the same file again creates nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = permissions || ARRAY['import:run']
    WHERE id IN ('supervisor', 'investigator', 'support') AND NOT ('import:run' = ANY (permissions));

    -- The column mapping a user chose, remembered per source and per set of headers: next month's export
    -- from the same helpline maps itself; a changed layout asks again.
    CREATE TABLE import_mappings (
      source_key text NOT NULL,
      header_key text NOT NULL,
      mapping jsonb NOT NULL,
      updated_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source_key, header_key)
    );

    CREATE TABLE import_jobs (
      id uuid PRIMARY KEY,
      source text NOT NULL CHECK (length(source) BETWEEN 1 AND 100),
      referral_source text NOT NULL,
      filename text NOT NULL,
      file_kind text NOT NULL CHECK (file_kind IN ('csv', 'xlsx')),
      headers text[] NOT NULL,
      rows jsonb NOT NULL,
      mapping jsonb,
      status text NOT NULL DEFAULT 'mapping' CHECK (status IN ('mapping', 'queued', 'running', 'completed')),
      total_rows integer NOT NULL CHECK (total_rows >= 0),
      -- The next row (0-based) the worker will read: a batch moves it forward in the batch's own transaction.
      next_row integer NOT NULL DEFAULT 0,
      created_count integer NOT NULL DEFAULT 0,
      review_count integer NOT NULL DEFAULT 0,
      failed_count integer NOT NULL DEFAULT 0,
      already_count integer NOT NULL DEFAULT 0,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz
    );
    CREATE INDEX import_jobs_pending_idx ON import_jobs (created_at) WHERE status IN ('queued', 'running');

    CREATE TABLE import_rows (
      id uuid PRIMARY KEY,
      job_id uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
      row_number integer NOT NULL,
      fingerprint text NOT NULL,
      status text NOT NULL CHECK (status IN ('imported', 'review', 'same-person', 'new-person', 'failed', 'already-imported')),
      message text,
      referral_id uuid REFERENCES referrals (id),
      person_id uuid REFERENCES people (id),
      -- A likely duplicate: the existing person, the probability and the engine's per-field explanation.
      candidate_person_id uuid REFERENCES people (id),
      probability double precision,
      explanation jsonb,
      -- The validated row, kept only while it waits for a reviewer, so the decision can create the referral.
      data jsonb,
      decided_by uuid REFERENCES users (id),
      decided_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (job_id, row_number)
    );
    CREATE UNIQUE INDEX import_rows_fingerprint_idx ON import_rows (fingerprint) WHERE status NOT IN ('failed', 'already-imported');
    CREATE INDEX import_rows_job_status_idx ON import_rows (job_id, status, row_number);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS import_rows;
    DROP TABLE IF EXISTS import_jobs;
    DROP TABLE IF EXISTS import_mappings;
    UPDATE roles SET permissions = array_remove(permissions, 'import:run');
  `.execute(db)
}
