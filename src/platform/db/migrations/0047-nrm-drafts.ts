import { sql, type Kysely } from 'kysely'

/**
 * NRM referral drafts (issue 14, section 1): the first responder's answers to the Home Office NRM / Duty to
 * Notify form for one person in one referral, kept until the form is submitted, so the form is filled once in
 * Lantern and copied across. `data` holds the answers keyed by the draft's own keys (see
 * src/modules/nrm/nrm.form.ts) and the sections marked complete; `version` goes up by one on every save, so two
 * officers editing the same draft cannot overwrite each other unseen. Erasing the person or the referral erases
 * the draft (ON DELETE CASCADE); the audit log records each save by the keys changed, never the answers.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE nrm_drafts (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      data jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(data) = 'object'),
      version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (referral_id, person_id)
    );
    CREATE INDEX nrm_drafts_person_idx ON nrm_drafts (person_id);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS nrm_drafts`.execute(db)
}
