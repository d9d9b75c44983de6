import { sql, type Kysely } from 'kysely'

/**
 * Structured victim and perpetrator context (issue 15, section 1), modelled on the Human Trafficking Case Data
 * Standard: one row per person per exploitation situation (usually the referral that named them as a victim),
 * with how they were recruited, what made them vulnerable, how they were controlled and where they were exploited,
 * the journey as dated events at places, and the roles the perpetrators played. Every field may be empty (not asked)
 * or hold 'unknown' (asked, not known), so the analysis can tell the two apart.
 *
 * The words are closed lists held in code (victim-context.vocabulary.ts); the columns are text arrays, so a list can
 * grow without a migration and a value from an older list still reads. Erasing the person erases their context
 * (CASCADE); erasing the referral keeps the person's account of what happened to them and unlinks it (SET NULL).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE victim_context_situations (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      referral_id uuid REFERENCES referrals (id) ON DELETE SET NULL,
      recruitment_methods text[] NOT NULL DEFAULT '{}',
      recruitment_place text NOT NULL DEFAULT '',
      recruitment_country text,
      recruitment_platforms text[] NOT NULL DEFAULT '{}',
      recruitment_detail text NOT NULL DEFAULT '',
      vulnerabilities text[] NOT NULL DEFAULT '{}',
      vulnerability_detail text NOT NULL DEFAULT '',
      control_methods text[] NOT NULL DEFAULT '{}',
      control_detail text NOT NULL DEFAULT '',
      labour_sectors text[] NOT NULL DEFAULT '{}',
      sexual_types text[] NOT NULL DEFAULT '{}',
      criminal_types text[] NOT NULL DEFAULT '{}',
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_by uuid REFERENCES users (id),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX victim_context_situations_person_idx ON victim_context_situations (person_id);
    -- One situation per person per referral; situations outside any referral are free.
    CREATE UNIQUE INDEX victim_context_situations_referral_idx ON victim_context_situations (referral_id, person_id) WHERE referral_id IS NOT NULL;

    CREATE TABLE victim_context_journey (
      id uuid PRIMARY KEY,
      situation_id uuid NOT NULL REFERENCES victim_context_situations (id) ON DELETE CASCADE,
      stage text NOT NULL,
      occurred_on date,
      place text NOT NULL DEFAULT '',
      country text,
      notes text NOT NULL DEFAULT '',
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX victim_context_journey_situation_idx ON victim_context_journey (situation_id, occurred_on);

    CREATE TABLE victim_context_perpetrators (
      id uuid PRIMARY KEY,
      situation_id uuid NOT NULL REFERENCES victim_context_situations (id) ON DELETE CASCADE,
      person_id uuid REFERENCES people (id) ON DELETE SET NULL,
      description text NOT NULL DEFAULT '',
      roles text[] NOT NULL DEFAULT '{}',
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX victim_context_perpetrators_situation_idx ON victim_context_perpetrators (situation_id);
    CREATE INDEX victim_context_perpetrators_person_idx ON victim_context_perpetrators (person_id) WHERE person_id IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS victim_context_perpetrators;
    DROP TABLE IF EXISTS victim_context_journey;
    DROP TABLE IF EXISTS victim_context_situations;
  `.execute(db)
}
