import { sql, type Kysely } from 'kysely'

/**
 * Retention review and erasure (DPA 2018 s39; the police information and records management Code of Practice).
 * Review schedules are data: the defaults below follow the review groups commonly described for MoPI, which
 * the research could not confirm (DOMAIN.md 11.3), so each schedule carries a "confirmed by" that stays empty
 * until the force's records manager signs it off. Review outcomes and legal holds are kept per record; the
 * queue works out what is due from each record's own dates, so no job has to create review items.
 *
 * Erasure needs two narrow exceptions to the append-only tables, each opened only by a transaction-local
 * setting the erasure service sets: the decision log may lose a deleted live job's entries, and an audit row
 * may have personal data in its free-text justification (or a search's query hash) replaced, all other columns
 * untouched. The audit chain stays verifiable because the erasure appends a chained row that vouches for the
 * redacted rows' new hashes (ADR 0007).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE retention_schedules (
      record_type text PRIMARY KEY,
      label text NOT NULL,
      review_group text NOT NULL CHECK (review_group IN ('group-1', 'group-2', 'group-3', 'non-crime')),
      first_review_months integer NOT NULL CHECK (first_review_months BETWEEN 1 AND 1200),
      review_every_months integer NOT NULL CHECK (review_every_months BETWEEN 1 AND 1200),
      -- Group 1: kept until the subject is deemed this old, whatever a review says.
      keep_until_age integer CHECK (keep_until_age BETWEEN 1 AND 150),
      basis text NOT NULL,
      position integer NOT NULL,
      confirmed_by uuid REFERENCES users (id),
      confirmed_at timestamptz,
      updated_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    INSERT INTO retention_schedules (record_type, label, review_group, first_review_months, review_every_months, keep_until_age, basis, position) VALUES
      ('live-job-public-protection', 'Live job about sexual exploitation (public protection)', 'group-1', 120, 120, 100,
        'MoPI group 1 (certain public protection matters): kept until the subject is deemed 100 years old, reviewed every 10 years.', 1),
      ('live-job', 'Closed live job', 'group-2', 120, 120, NULL,
        'MoPI group 2 (other sexual, violent or serious offences; modern slavery offences carry life): reviewed after a 10-year clear period.', 2),
      ('nrm-victim', 'NRM referral and victim record', 'group-2', 120, 120, NULL,
        'Treated as group 2 with the offence it evidences: reviewed after 10 years.', 3),
      ('intelligence', 'Intelligence link recorded outside a referral or live job', 'group-3', 72, 72, NULL,
        'MoPI group 3 (all other matters): reviewed after a 6-year clear period.', 4),
      ('referral-not-proceeded', 'Referral not proceeded with', 'non-crime', 72, 72, NULL,
        'Non-crime record: reviewed after 6 years, the minimum the original MoPI guidance expected before disposal.', 5),
      ('public-report', 'Public report not proceeded with', 'non-crime', 72, 72, NULL,
        'Non-crime record: reviewed after 6 years.', 6),
      ('partner-disclosure', 'Disclosure to a partner agency', 'non-crime', 72, 72, NULL,
        'Record of sharing (evidence for s62 and the agreement): reviewed 6 years after it ended.', 7),
      ('person', 'Person on no referral, live job or NRM record', 'group-3', 72, 72, NULL,
        'Nominal record with nothing else holding it: group 3, reviewed 6 years after it last changed.', 8);

    CREATE TABLE retention_reviews (
      record_type text NOT NULL REFERENCES retention_schedules (record_type),
      record_id uuid NOT NULL,
      next_review_on date,
      legal_hold boolean NOT NULL DEFAULT false,
      hold_reason text,
      hold_by uuid REFERENCES users (id),
      hold_at timestamptz,
      last_decision text CHECK (last_decision IN ('retain', 'hold', 'release')),
      last_reason text,
      reviewed_by uuid REFERENCES users (id),
      reviewed_at timestamptz,
      PRIMARY KEY (record_type, record_id),
      CHECK (NOT legal_hold OR hold_reason IS NOT NULL)
    );
    CREATE INDEX retention_reviews_due_idx ON retention_reviews (next_review_on);
    CREATE INDEX retention_reviews_hold_idx ON retention_reviews (record_id) WHERE legal_hold;

    -- The fact of each erasure, by id only: lets other processes (the matcher's in-memory index) see that a
    -- person went, and lets a DPO show that a record was erased and when without keeping anything about it.
    CREATE TABLE erasures (
      id uuid PRIMARY KEY,
      record_type text NOT NULL,
      record_id uuid NOT NULL,
      erased_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      erased_by uuid REFERENCES users (id)
    );
    CREATE INDEX erasures_record_idx ON erasures (record_type, record_id);
    CREATE INDEX erasures_at_idx ON erasures (erased_at);

    CREATE INDEX referrals_closed_idx ON referrals (closed_at) WHERE status = 'closed';
    CREATE INDEX cases_closed_idx ON cases (closed_at) WHERE status = 'closed';

    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('lantern.audit_redaction', true) = 'on'
        AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_token_id, NEW.action, NEW.category, NEW.subject_type,
             NEW.subject_id, NEW.ip, NEW.request_id, NEW.prev_hash, NEW.hash)
          IS NOT DISTINCT FROM (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_token_id, OLD.action, OLD.category,
             OLD.subject_type, OLD.subject_id, OLD.ip, OLD.request_id, OLD.prev_hash, OLD.hash) THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;

    CREATE OR REPLACE FUNCTION case_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('lantern.erasure', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END IF;
      RAISE EXCEPTION 'the decision log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$;

    UPDATE roles SET permissions = permissions || ARRAY['retention:review']
      WHERE id IN ('supervisor', 'auditor') AND NOT ('retention:review' = ANY (permissions));
    UPDATE roles SET permissions = permissions || ARRAY['subject-access:export']
      WHERE id = 'auditor' AND NOT ('subject-access:export' = ANY (permissions));
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(array_remove(permissions, 'retention:review'), 'subject-access:export');
    CREATE OR REPLACE FUNCTION case_decisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the decision log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
    END;
    $$;
    DROP INDEX cases_closed_idx;
    DROP INDEX referrals_closed_idx;
    DROP TABLE erasures, retention_reviews, retention_schedules;
  `.execute(db)
}
