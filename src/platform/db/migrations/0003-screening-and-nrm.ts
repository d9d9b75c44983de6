import { sql, type Kysely } from 'kysely'

/**
 * Screening of a person in a referral, their consent, the NRM lifecycle and Duty to Notify submissions.
 * NRM status, consent and screening are the person's victim facet: they need their own permissions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = permissions || ARRAY['victim-facet:view', 'victim-facet:edit']
    WHERE id IN ('supervisor', 'investigator');
    UPDATE roles SET permissions = permissions || ARRAY['team:supervise'] WHERE id = 'supervisor';

    CREATE TABLE screenings (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES people (id),
      answers jsonb NOT NULL DEFAULT '{}',
      facts jsonb,
      outcome jsonb,
      status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed')),
      suggested_route text,
      confirmed_route text,
      overridden boolean NOT NULL DEFAULT false,
      override_reason text,
      confirmed_by uuid REFERENCES users (id),
      confirmed_at timestamptz,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK (NOT overridden OR override_reason IS NOT NULL)
    );
    CREATE INDEX screenings_person_idx ON screenings (person_id, created_at);
    CREATE INDEX screenings_referral_idx ON screenings (referral_id);

    CREATE TABLE consents (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id),
      referral_id uuid REFERENCES referrals (id) ON DELETE CASCADE,
      screening_id uuid REFERENCES screenings (id) ON DELETE SET NULL,
      purpose text NOT NULL CHECK (purpose IN ('nrm-referral', 'continue-at-18')),
      decision text NOT NULL CHECK (decision IN ('given', 'refused')),
      recorded_on date NOT NULL,
      explained_by text NOT NULL,
      interpreter_used boolean NOT NULL DEFAULT false,
      interpreter_language text,
      points_explained text[] NOT NULL DEFAULT '{}',
      understanding text,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX consents_person_idx ON consents (person_id, recorded_on);

    CREATE TABLE nrm_referrals (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id),
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      screening_id uuid REFERENCES screenings (id) ON DELETE SET NULL,
      nation text NOT NULL CHECK (nation IN ('England', 'Wales', 'Scotland', 'NI')),
      submitted_on date NOT NULL,
      nrm_reference text,
      first_responder_organisation text NOT NULL,
      competent_authority text CHECK (competent_authority IN ('SCA', 'IECA', 'LA_PILOT')),
      child_at_referral boolean NOT NULL,
      rg_due_on date NOT NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX nrm_referrals_person_idx ON nrm_referrals (person_id);
    CREATE INDEX nrm_referrals_referral_idx ON nrm_referrals (referral_id);
    CREATE INDEX nrm_referrals_rg_due_idx ON nrm_referrals (rg_due_on);

    -- The lifecycle as it happened: decisions are the competent authority's, recorded by the police.
    CREATE TABLE nrm_events (
      id uuid PRIMARY KEY,
      nrm_referral_id uuid NOT NULL REFERENCES nrm_referrals (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('reasonable-grounds', 'conclusive-grounds', 'reconsideration-requested',
        'reconsideration-decided', 'disqualified', 'withdrawn', 'consent-to-continue')),
      occurred_on date NOT NULL,
      outcome text CHECK (outcome IN ('positive', 'negative', 'upheld', 'overturned', 'given', 'refused')),
      decided_by text,
      notes text,
      recorded_by uuid REFERENCES users (id),
      recorded_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX nrm_events_referral_idx ON nrm_events (nrm_referral_id, occurred_on);

    -- What was sent to the Home Office carries no identifier; the link to the person stays inside Lantern.
    CREATE TABLE dtn_submissions (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      person_id uuid REFERENCES people (id),
      screening_id uuid REFERENCES screenings (id) ON DELETE SET NULL,
      submitted_on date NOT NULL,
      reference text,
      nation text NOT NULL CHECK (nation IN ('England', 'Wales')),
      encountered_by text NOT NULL,
      gender text NOT NULL,
      nationality text,
      age_at_exploitation text NOT NULL CHECK (age_at_exploitation IN ('adult', 'child', 'unknown')),
      exploitation_types text[] NOT NULL DEFAULT '{}',
      exploitation_location text NOT NULL CHECK (exploitation_location IN ('uk-only', 'overseas-only', 'both', 'unknown')),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX dtn_submissions_referral_idx ON dtn_submissions (referral_id);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS dtn_submissions, nrm_events, nrm_referrals, consents, screenings;
    UPDATE roles SET permissions = array_remove(array_remove(permissions, 'victim-facet:view'), 'victim-facet:edit');
  `.execute(db)
}
