import { sql, type Kysely } from 'kysely'

/**
 * The ISA's support work (issue 15, section 2). A directory of the services an ISA refers and signposts victims
 * to (not personal data: a force keeps its own list, so nothing is seeded here); the contact log of support
 * actually given; and referrals out to those services with their answer, follow-up date and outcome. Contacts and
 * referrals out belong to a person's victim side, so they go when the person is erased (CASCADE, and the erasure
 * deletes them explicitly too). A referral out keeps the history of its status changes for the DPO and the ISA.
 * Changing the directory gets its own permission: ISAs and supervisors keep it up to date.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE support_services (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      category text NOT NULL,
      offers text NOT NULL,
      offers_cy text,
      phone text,
      email text,
      website text,
      area text,
      takes_adults boolean NOT NULL DEFAULT true,
      takes_children boolean NOT NULL DEFAULT false,
      women_only boolean NOT NULL DEFAULT false,
      languages text[] NOT NULL DEFAULT '{}',
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX support_services_name_idx ON support_services (lower(name));

    CREATE TABLE support_contacts (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      contacted_on date NOT NULL,
      kind text NOT NULL,
      safe_to_contact text NOT NULL,
      what_done text NOT NULL,
      needs_raised text,
      entitlements text[] NOT NULL DEFAULT '{}',
      next_step text,
      next_step_on date,
      recorded_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX support_contacts_person_idx ON support_contacts (person_id, contacted_on DESC);

    CREATE TABLE support_referrals (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      service_id uuid NOT NULL REFERENCES support_services (id),
      made_on date NOT NULL,
      provision text,
      reason text NOT NULL,
      status text NOT NULL DEFAULT 'awaiting',
      follow_up_on date NOT NULL,
      outcome text,
      made_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX support_referrals_person_idx ON support_referrals (person_id, made_on DESC);
    CREATE INDEX support_referrals_awaiting_idx ON support_referrals (follow_up_on) WHERE status = 'awaiting';

    CREATE TABLE support_referral_updates (
      id uuid PRIMARY KEY,
      referral_id uuid NOT NULL REFERENCES support_referrals (id) ON DELETE CASCADE,
      status text,
      note text NOT NULL,
      by_user_id uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX support_referral_updates_referral_idx ON support_referral_updates (referral_id, created_at);

    UPDATE roles SET permissions = permissions || ARRAY['support-service:manage']
      WHERE id IN ('supervisor', 'support') AND NOT ('support-service:manage' = ANY (permissions));
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(permissions, 'support-service:manage');
    DROP TABLE IF EXISTS support_referral_updates;
    DROP TABLE IF EXISTS support_referrals;
    DROP TABLE IF EXISTS support_contacts;
    DROP TABLE IF EXISTS support_services;
  `.execute(db)
}
