import { sql, type Kysely } from 'kysely'

/**
 * Screening from a live job or a person record, and warrant-day screening (issue 14, section 2). A victim first
 * met on a warrant or in a job is screened through a referral Lantern records for the encounter (source police,
 * linked to the job, the people as potential victims), so the screening, consent, NRM and Duty to Notify steps
 * work unchanged. A screening group is that encounter: one referral (and so one premises, one job), the facts
 * shared by everyone met there entered once (`shared`: the answers as typed, to show again), and each person's
 * own screening (`screenings.group_id`) prefilled from them for the officer to confirm or change per person.
 * `location_id` is the premises recorded from the shared facts, `employer_person_id` the employer recorded as a
 * suspected exploiter. Erasing the referral erases the group (CASCADE); erasing the job or a person leaves it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE screening_groups (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL UNIQUE REFERENCES referrals (id) ON DELETE CASCADE,
      case_id uuid REFERENCES cases (id) ON DELETE SET NULL,
      warrant_day boolean NOT NULL DEFAULT false,
      encountered_on date NOT NULL,
      shared jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(shared) = 'object'),
      shared_saved_at timestamptz,
      location_id uuid REFERENCES locations (id) ON DELETE SET NULL,
      employer_person_id uuid REFERENCES people (id) ON DELETE SET NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX screening_groups_case_idx ON screening_groups (case_id) WHERE case_id IS NOT NULL;
    ALTER TABLE screenings ADD COLUMN group_id uuid REFERENCES screening_groups (id) ON DELETE SET NULL;
    CREATE INDEX screenings_group_idx ON screenings (group_id) WHERE group_id IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE screenings DROP COLUMN IF EXISTS group_id;
    DROP TABLE IF EXISTS screening_groups;
  `.execute(db)
}
