import { sql, type Kysely } from 'kysely'

/**
 * Safeguarding plans and the multi-agency safeguarding hub.
 * A plan belongs to one person and is part of their victim facet (who may see it is decided by the victim-facet
 * policy, not by these tables). Actions are owned by exactly one team member or one partner agency, so a partner
 * user's reach is a single indexed column (owner_agency_id). Hub meetings keep their agenda as rows, built when
 * the meeting is created, so the agenda a meeting worked from does not change under it.
 * Frozen once released: literal values only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE SEQUENCE safeguarding_plan_reference_seq;
    CREATE SEQUENCE hub_meeting_reference_seq;

    CREATE TABLE safeguarding_plans (
      id uuid PRIMARY KEY,
      -- Minutes and partner pages name people only by this reference.
      reference text NOT NULL UNIQUE,
      person_id uuid NOT NULL UNIQUE REFERENCES people (id),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE safeguarding_risks (
      id uuid PRIMARY KEY,
      plan_id uuid NOT NULL REFERENCES safeguarding_plans (id) ON DELETE CASCADE,
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 500),
      rating text NOT NULL CHECK (rating IN ('red', 'amber', 'green')),
      rationale text NOT NULL CHECK (length(rationale) BETWEEN 1 AND 2000),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX safeguarding_risks_plan_idx ON safeguarding_risks (plan_id);

    -- Kinds are checked in code so a force can add one without a migration.
    CREATE TABLE safeguarding_needs (
      id uuid PRIMARY KEY,
      plan_id uuid NOT NULL REFERENCES safeguarding_plans (id) ON DELETE CASCADE,
      kind text NOT NULL,
      detail text NOT NULL DEFAULT '' CHECK (length(detail) <= 1000),
      status text NOT NULL CHECK (status IN ('unmet', 'met', 'not-needed')),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX safeguarding_needs_plan_idx ON safeguarding_needs (plan_id);

    CREATE TABLE safeguarding_reviews (
      id uuid PRIMARY KEY,
      plan_id uuid NOT NULL REFERENCES safeguarding_plans (id) ON DELETE CASCADE,
      due_on date NOT NULL,
      held_on date,
      notes text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX safeguarding_reviews_plan_idx ON safeguarding_reviews (plan_id);
    -- The hub agenda asks "which plans are due for review?" across every plan.
    CREATE INDEX safeguarding_reviews_due_idx ON safeguarding_reviews (due_on) WHERE held_on IS NULL;

    CREATE TABLE hub_meetings (
      id uuid PRIMARY KEY,
      reference text NOT NULL UNIQUE,
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      held_on date NOT NULL,
      referral_days integer NOT NULL CHECK (referral_days BETWEEN 1 AND 365),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX hub_meetings_held_idx ON hub_meetings (held_on DESC);

    CREATE TABLE hub_meeting_items (
      id uuid PRIMARY KEY,
      meeting_id uuid NOT NULL REFERENCES hub_meetings (id) ON DELETE CASCADE,
      kind text NOT NULL CHECK (kind IN ('new-referral', 'plan-review')),
      referral_id uuid REFERENCES referrals (id),
      plan_id uuid REFERENCES safeguarding_plans (id),
      position integer NOT NULL,
      CHECK ((kind = 'new-referral') = (referral_id IS NOT NULL AND plan_id IS NULL)),
      CHECK ((kind = 'plan-review') = (plan_id IS NOT NULL AND referral_id IS NULL))
    );
    CREATE INDEX hub_meeting_items_meeting_idx ON hub_meeting_items (meeting_id, position);

    CREATE TABLE hub_meeting_attendees (
      meeting_id uuid NOT NULL REFERENCES hub_meetings (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id),
      PRIMARY KEY (meeting_id, user_id)
    );

    CREATE TABLE hub_meeting_agencies (
      meeting_id uuid NOT NULL REFERENCES hub_meetings (id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies (id),
      PRIMARY KEY (meeting_id, agency_id)
    );
    CREATE INDEX hub_meeting_agencies_agency_idx ON hub_meeting_agencies (agency_id);

    CREATE TABLE hub_meeting_decisions (
      id uuid PRIMARY KEY,
      meeting_id uuid NOT NULL REFERENCES hub_meetings (id) ON DELETE CASCADE,
      item_id uuid REFERENCES hub_meeting_items (id) ON DELETE CASCADE,
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX hub_meeting_decisions_meeting_idx ON hub_meeting_decisions (meeting_id);

    -- An action sits in a plan, or stands alone from a hub meeting; it always has exactly one owner.
    CREATE TABLE safeguarding_actions (
      id uuid PRIMARY KEY,
      plan_id uuid REFERENCES safeguarding_plans (id) ON DELETE CASCADE,
      meeting_id uuid REFERENCES hub_meetings (id),
      meeting_item_id uuid REFERENCES hub_meeting_items (id),
      text text NOT NULL CHECK (length(text) BETWEEN 1 AND 500),
      owner_user_id uuid REFERENCES users (id),
      owner_agency_id uuid REFERENCES agencies (id),
      due_on date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
      closed_at timestamptz,
      closed_by uuid REFERENCES users (id),
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((owner_user_id IS NULL) <> (owner_agency_id IS NULL)),
      CHECK (plan_id IS NOT NULL OR meeting_id IS NOT NULL),
      CHECK ((status = 'open') = (closed_at IS NULL))
    );
    CREATE INDEX safeguarding_actions_plan_idx ON safeguarding_actions (plan_id);
    CREATE INDEX safeguarding_actions_meeting_idx ON safeguarding_actions (meeting_id) WHERE meeting_id IS NOT NULL;
    -- "My work" (overdue actions a user owns) and the partner list (actions an agency owns).
    CREATE INDEX safeguarding_actions_owner_user_idx ON safeguarding_actions (owner_user_id, due_on) WHERE status = 'open' AND owner_user_id IS NOT NULL;
    CREATE INDEX safeguarding_actions_owner_agency_idx ON safeguarding_actions (owner_agency_id, due_on) WHERE owner_agency_id IS NOT NULL;

    -- Progress notes on an action, from the team or from the partner agency that owns it.
    CREATE TABLE safeguarding_action_updates (
      id uuid PRIMARY KEY,
      action_id uuid NOT NULL REFERENCES safeguarding_actions (id) ON DELETE CASCADE,
      note text NOT NULL CHECK (length(note) BETWEEN 1 AND 2000),
      status text CHECK (status IN ('open', 'done', 'cancelled')),
      by_user_id uuid REFERENCES users (id),
      -- The author's agency when a partner wrote it: partners see only their own agency's notes.
      by_agency_id uuid REFERENCES agencies (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX safeguarding_action_updates_action_idx ON safeguarding_action_updates (action_id, created_at);

    UPDATE roles SET permissions = permissions || ARRAY['safeguarding-action:update-own'] WHERE id = 'partner';
    UPDATE roles SET permissions = permissions || ARRAY['safeguarding-meeting:manage'] WHERE id IN ('supervisor', 'investigator', 'support');
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(array_remove(permissions, 'safeguarding-action:update-own'), 'safeguarding-meeting:manage');
    DROP TABLE safeguarding_action_updates;
    DROP TABLE safeguarding_actions;
    DROP TABLE hub_meeting_decisions;
    DROP TABLE hub_meeting_agencies;
    DROP TABLE hub_meeting_attendees;
    DROP TABLE hub_meeting_items;
    DROP TABLE hub_meetings;
    DROP TABLE safeguarding_reviews;
    DROP TABLE safeguarding_needs;
    DROP TABLE safeguarding_risks;
    DROP TABLE safeguarding_plans;
    DROP SEQUENCE hub_meeting_reference_seq;
    DROP SEQUENCE safeguarding_plan_reference_seq;
  `.execute(db)
}
