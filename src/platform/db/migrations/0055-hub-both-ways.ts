import { sql, type Kysely } from 'kysely'

/**
 * The safeguarding hub both ways, and disclosures of the minimum (issue 16, parts 1 and 2).
 *
 * - A meeting is held under an information-sharing agreement: its minutes carry the confidentiality and lawful-basis
 *   statement, and what is shared with an invited agency for the meeting is a disclosure under that agreement.
 * - Live jobs with a child or an open safeguarding need are agenda items (kind 'live-job', by case), and each item
 *   says why it is on the agenda.
 * - Named attendees (partner practitioners by name and role) and apologies, for team members and named people.
 * - A disclosure may be made for an agenda item, or with an action given to an agency; it carries the narratives the
 *   officer chose to send, already redacted, with what was withheld recorded by kind (never the withheld text).
 * - Partner contributions: what an agency knows and did (checks, visits, outcomes), against an item shared with it
 *   or an action it owns, about the person it concerns. Erasing the person, item or action erases them (CASCADE).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE hub_meetings ADD COLUMN agreement_id uuid REFERENCES sharing_agreements (id);

    ALTER TABLE hub_meeting_items ADD COLUMN case_id uuid REFERENCES cases (id) ON DELETE CASCADE;
    ALTER TABLE hub_meeting_items ADD COLUMN reasons text[] NOT NULL DEFAULT '{}';
    DO $$ DECLARE c text; BEGIN
      FOR c IN SELECT conname FROM pg_constraint WHERE conrelid = 'hub_meeting_items'::regclass AND contype = 'c' LOOP
        EXECUTE format('ALTER TABLE hub_meeting_items DROP CONSTRAINT %I', c);
      END LOOP;
    END $$;
    ALTER TABLE hub_meeting_items
      ADD CONSTRAINT hub_meeting_items_kind_check CHECK (kind IN ('new-referral', 'plan-review', 'live-job')),
      ADD CONSTRAINT hub_meeting_items_one_subject_check CHECK (
        (kind = 'new-referral' AND referral_id IS NOT NULL AND plan_id IS NULL AND case_id IS NULL)
        OR (kind = 'plan-review' AND plan_id IS NOT NULL AND referral_id IS NULL AND case_id IS NULL)
        OR (kind = 'live-job' AND case_id IS NOT NULL AND referral_id IS NULL AND plan_id IS NULL));
    CREATE INDEX hub_meeting_items_case_idx ON hub_meeting_items (case_id) WHERE case_id IS NOT NULL;

    ALTER TABLE hub_meeting_attendees ADD COLUMN apologies boolean NOT NULL DEFAULT false;
    CREATE TABLE hub_meeting_named_attendees (
      id uuid PRIMARY KEY,
      meeting_id uuid NOT NULL REFERENCES hub_meetings (id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      role text NOT NULL DEFAULT '' CHECK (length(role) <= 200),
      agency_id uuid REFERENCES agencies (id),
      apologies boolean NOT NULL DEFAULT false,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX hub_meeting_named_attendees_meeting_idx ON hub_meeting_named_attendees (meeting_id);

    ALTER TABLE disclosures ADD COLUMN meeting_item_id uuid REFERENCES hub_meeting_items (id) ON DELETE SET NULL;
    ALTER TABLE disclosures ADD COLUMN action_id uuid REFERENCES safeguarding_actions (id) ON DELETE SET NULL;
    ALTER TABLE disclosures ADD COLUMN narratives jsonb NOT NULL DEFAULT '[]';
    CREATE INDEX disclosures_meeting_item_idx ON disclosures (meeting_item_id) WHERE meeting_item_id IS NOT NULL;
    CREATE INDEX disclosures_action_idx ON disclosures (action_id) WHERE action_id IS NOT NULL;
    CREATE INDEX disclosures_awaiting_idx ON disclosures (created_at) WHERE status = 'awaiting-approval' AND revoked_at IS NULL;

    CREATE TABLE hub_contributions (
      id uuid PRIMARY KEY,
      meeting_item_id uuid REFERENCES hub_meeting_items (id) ON DELETE CASCADE,
      action_id uuid REFERENCES safeguarding_actions (id) ON DELETE CASCADE,
      disclosure_id uuid REFERENCES disclosures (id) ON DELETE SET NULL,
      person_id uuid REFERENCES people (id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies (id),
      kind text NOT NULL CHECK (kind IN ('check', 'visit', 'outcome', 'information')),
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (meeting_item_id IS NOT NULL OR action_id IS NOT NULL)
    );
    CREATE INDEX hub_contributions_person_idx ON hub_contributions (person_id, created_at) WHERE person_id IS NOT NULL;
    CREATE INDEX hub_contributions_item_idx ON hub_contributions (meeting_item_id) WHERE meeting_item_id IS NOT NULL;
    CREATE INDEX hub_contributions_action_idx ON hub_contributions (action_id) WHERE action_id IS NOT NULL;
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE IF EXISTS hub_contributions;
    ALTER TABLE disclosures DROP COLUMN IF EXISTS narratives, DROP COLUMN IF EXISTS action_id, DROP COLUMN IF EXISTS meeting_item_id;
    DROP TABLE IF EXISTS hub_meeting_named_attendees;
    ALTER TABLE hub_meeting_attendees DROP COLUMN IF EXISTS apologies;
    DELETE FROM hub_meeting_items WHERE kind = 'live-job';
    ALTER TABLE hub_meeting_items DROP CONSTRAINT IF EXISTS hub_meeting_items_one_subject_check, DROP CONSTRAINT IF EXISTS hub_meeting_items_kind_check;
    ALTER TABLE hub_meeting_items DROP COLUMN IF EXISTS reasons, DROP COLUMN IF EXISTS case_id;
    ALTER TABLE hub_meeting_items
      ADD CONSTRAINT hub_meeting_items_kind_check CHECK (kind IN ('new-referral', 'plan-review')),
      ADD CONSTRAINT hub_meeting_items_check CHECK ((kind = 'new-referral') = (referral_id IS NOT NULL AND plan_id IS NULL)),
      ADD CONSTRAINT hub_meeting_items_check1 CHECK ((kind = 'plan-review') = (plan_id IS NOT NULL AND referral_id IS NULL));
    ALTER TABLE hub_meetings DROP COLUMN IF EXISTS agreement_id;
  `.execute(db)
}
