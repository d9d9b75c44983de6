import { sql, type Kysely } from 'kysely'

/**
 * Crime and occurrence references (issue 14, section 2): the force crime number, the CAD or incident log, the
 * Modern Slavery Helpline's reference and the intelligence report's reference, many to a referral, a live job or
 * an NRM referral (exactly one of them). `value` is the reference as written; `normalised` is the same reference
 * reduced to its letters and digits, upper case (a leading "CAD" or "LOG" word dropped), which is what search
 * matches, so "CAD 1234 05/12" finds "cad1234/05-12". A live job opened from a referral, and an NRM referral
 * recorded for it, carry copies of the referral's references; `copied_from` names the row a copy came from, so a
 * page can say where it came from. Erasing the referral, the job or the NRM referral erases its references
 * (ON DELETE CASCADE). References are about an occurrence, not a person: the audit log records each by id only.
 * Lengths are the service's to check (60 characters): erasure's scrub of free text may lengthen a value that
 * quoted a name, and must not be refused for it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE occurrence_references (
      id uuid PRIMARY KEY,
      referral_id uuid REFERENCES referrals (id) ON DELETE CASCADE,
      case_id uuid REFERENCES cases (id) ON DELETE CASCADE,
      nrm_referral_id uuid REFERENCES nrm_referrals (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('crime', 'cad', 'helpline', 'intelligence', 'other')),
      value text NOT NULL CHECK (value <> ''),
      normalised text NOT NULL CHECK (normalised <> ''),
      copied_from uuid REFERENCES occurrence_references (id) ON DELETE SET NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (num_nonnulls(referral_id, case_id, nrm_referral_id) = 1)
    );
    CREATE UNIQUE INDEX occurrence_references_referral_idx ON occurrence_references (referral_id, kind, normalised) WHERE referral_id IS NOT NULL;
    CREATE UNIQUE INDEX occurrence_references_case_idx ON occurrence_references (case_id, kind, normalised) WHERE case_id IS NOT NULL;
    CREATE UNIQUE INDEX occurrence_references_nrm_idx ON occurrence_references (nrm_referral_id, kind, normalised) WHERE nrm_referral_id IS NOT NULL;
    CREATE INDEX occurrence_references_normalised_idx ON occurrence_references (normalised);
    CREATE INDEX occurrence_references_copied_from_idx ON occurrence_references (copied_from);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS occurrence_references`.execute(db)
}
