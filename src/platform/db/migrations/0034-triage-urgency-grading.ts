import { sql, type Kysely } from 'kysely'

/**
 * Risk-led triage (issue 14, section 3).
 *
 * The urgency flag is derived from a referral's facts in one function (referrals/referral.urgency.ts) when the
 * referral is recorded, and stored with its reasons (codes the pages put into words) and with the indicators the
 * recorder or public reporter gave, so it can be derived again from the same facts. The triage queue sorts by
 * urgency then age: the partial index serves its default view (open work), the full one any other filter.
 *
 * Existing referrals are flagged here from their people's ages (a potential victim under 18 by date of birth,
 * or by approximate age, or with an age disputed), the facts that are structured; anything said only in words
 * is picked up when the referral's urgency is next derived (when it is graded).
 *
 * A THRIVE grading (threat, harm, risk, investigation, vulnerability, engagement) is a row per grading made:
 * a regrading adds a row, and the referral page shows the latest, so nothing an officer recorded is overwritten.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE referrals
      ADD COLUMN urgent boolean NOT NULL DEFAULT false,
      ADD COLUMN urgency_reasons text[] NOT NULL DEFAULT '{}',
      ADD COLUMN urgency_indicators text[] NOT NULL DEFAULT '{}';

    UPDATE referrals r SET urgency_reasons = facts.reasons, urgent = true
    FROM (
      SELECT s.referral_id,
        array_remove(ARRAY[
          CASE WHEN bool_or(p.date_of_birth IS NOT NULL AND age(r2.received_at::date, p.date_of_birth) < interval '18 years') THEN 'child' END,
          CASE WHEN bool_or(
            (p.date_of_birth IS NOT NULL AND p.age_disputed AND age(r2.received_at::date, p.date_of_birth) >= interval '18 years' AND age(r2.received_at::date, p.date_of_birth) < interval '21 years')
            OR (p.date_of_birth IS NULL AND p.approximate_age < 18)
            OR (p.date_of_birth IS NULL AND p.age_disputed AND (p.approximate_age IS NULL OR p.approximate_age < 21))
          ) THEN 'possibly-child' END
        ], NULL) AS reasons
      FROM referral_subjects s
      JOIN people p ON p.id = s.person_id
      JOIN referrals r2 ON r2.id = s.referral_id
      WHERE s.role IN ('potential-victim', 'victim')
      GROUP BY s.referral_id
    ) facts
    WHERE r.id = facts.referral_id AND cardinality(facts.reasons) > 0;

    CREATE INDEX referrals_queue_open_idx ON referrals (urgent DESC, received_at, id) WHERE status NOT IN ('closed', 'opened-as-case');
    CREATE INDEX referrals_queue_idx ON referrals (urgent DESC, received_at, id);

    CREATE TABLE referral_gradings (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      graded_at timestamptz NOT NULL DEFAULT now(),
      graded_by uuid REFERENCES users (id),
      threat text NOT NULL CHECK (threat IN ('high', 'medium', 'low')),
      threat_rationale text NOT NULL CHECK (length(threat_rationale) BETWEEN 1 AND 1000),
      harm text NOT NULL CHECK (harm IN ('high', 'medium', 'low')),
      harm_rationale text NOT NULL CHECK (length(harm_rationale) BETWEEN 1 AND 1000),
      risk text NOT NULL CHECK (risk IN ('high', 'medium', 'low')),
      risk_rationale text NOT NULL CHECK (length(risk_rationale) BETWEEN 1 AND 1000),
      investigation text NOT NULL CHECK (investigation IN ('high', 'medium', 'low')),
      investigation_rationale text NOT NULL CHECK (length(investigation_rationale) BETWEEN 1 AND 1000),
      vulnerability text NOT NULL CHECK (vulnerability IN ('high', 'medium', 'low')),
      vulnerability_rationale text NOT NULL CHECK (length(vulnerability_rationale) BETWEEN 1 AND 1000),
      engagement text NOT NULL CHECK (engagement IN ('high', 'medium', 'low')),
      engagement_rationale text NOT NULL CHECK (length(engagement_rationale) BETWEEN 1 AND 1000)
    );
    CREATE INDEX referral_gradings_referral_idx ON referral_gradings (referral_id, graded_at DESC);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS referral_gradings;
    DROP INDEX IF EXISTS referrals_queue_open_idx;
    DROP INDEX IF EXISTS referrals_queue_idx;
    ALTER TABLE referrals DROP COLUMN IF EXISTS urgent, DROP COLUMN IF EXISTS urgency_reasons, DROP COLUMN IF EXISTS urgency_indicators;
  `.execute(db)
}
