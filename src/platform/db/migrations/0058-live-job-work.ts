import { sql, type Kysely } from 'kysely'

/**
 * Live-job work (issue 16, section 5): the officer in charge records investigative decisions and a supervisor
 * countersigns them (a countersignature is its own row: the decision log stays append-only); the custody, bail,
 * released under investigation and CPS stage dates of a job; its exhibit and handset log; and the intelligence
 * reports it relies on, by reference only (the reports themselves stay in the force's intelligence system).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE case_decision_countersignatures (
      decision_id uuid PRIMARY KEY REFERENCES case_decisions (id) ON DELETE CASCADE,
      countersigned_by uuid NOT NULL REFERENCES users (id),
      countersigned_at timestamptz NOT NULL DEFAULT now(),
      comment text CHECK (length(comment) <= 2000)
    );

    CREATE TABLE case_stage_dates (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      person_id uuid REFERENCES people (id) ON DELETE SET NULL,
      kind text NOT NULL,
      occurred_on date NOT NULL,
      due_on date,
      note text CHECK (length(note) <= 1000),
      recorded_by uuid REFERENCES users (id),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CHECK (due_on IS NULL OR due_on >= occurred_on)
    );
    CREATE INDEX case_stage_dates_case_idx ON case_stage_dates (case_id, occurred_on);

    CREATE TABLE case_exhibits (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('exhibit', 'handset')),
      reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 50),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 1000),
      seized_on date,
      seized_from uuid REFERENCES people (id) ON DELETE SET NULL,
      object_id uuid REFERENCES objects (id) ON DELETE SET NULL,
      storage text CHECK (length(storage) <= 200),
      status text NOT NULL DEFAULT 'held',
      recorded_by uuid REFERENCES users (id),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (case_id, reference)
    );

    CREATE TABLE case_intelligence_reports (
      id uuid PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      reference text NOT NULL CHECK (length(reference) BETWEEN 1 AND 50),
      note text CHECK (length(note) <= 500),
      recorded_by uuid REFERENCES users (id),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (case_id, reference)
    );
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS case_intelligence_reports, case_exhibits, case_stage_dates, case_decision_countersignatures;
  `.execute(db)
}
