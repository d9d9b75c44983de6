import { sql, type Kysely } from 'kysely'

/**
 * The partner directory: the agencies the team works with, their contacts, and whether each is a first
 * responder (may refer into the NRM) or a Duty to Notify authority (DOMAIN.md 3.3, 3.6 and 12). The list is
 * data a force edits; the rows below are a starting point, and facts DOMAIN.md marks unconfirmed (how the
 * GLAA's first-responder status passed to the Fair Work Agency) are left for the force to set, with a note.
 * Partner users belong to one agency; live jobs record which agencies are involved (County Lines jobs bring
 * in the force's child criminal and sexual exploitation team).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE agencies (
      id uuid PRIMARY KEY,
      name text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('childrens-services', 'adult-social-care', 'victim-care', 'child-guardianship', 'labour-enforcement',
        'immigration', 'border', 'national-crime', 'helpline', 'health', 'housing', 'police-team', 'ngo', 'other')),
      first_responder boolean NOT NULL DEFAULT false,
      duty_to_notify boolean NOT NULL DEFAULT false,
      phone text,
      email text,
      notes text,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE UNIQUE INDEX agencies_name_idx ON agencies (lower(name));

    CREATE TABLE agency_contacts (
      id uuid PRIMARY KEY,
      agency_id uuid NOT NULL REFERENCES agencies (id) ON DELETE CASCADE,
      name text NOT NULL,
      job_title text,
      phone text,
      email text,
      active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX agency_contacts_agency_idx ON agency_contacts (agency_id);

    ALTER TABLE users ADD COLUMN agency_id uuid REFERENCES agencies (id);

    CREATE TABLE case_agencies (
      case_id uuid NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies (id),
      contact_id uuid REFERENCES agency_contacts (id),
      involvement text NOT NULL,
      added_by uuid REFERENCES users (id),
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (case_id, agency_id)
    );
    CREATE INDEX case_agencies_agency_idx ON case_agencies (agency_id);

    INSERT INTO agencies (id, name, kind, first_responder, duty_to_notify, phone, notes) VALUES
      (gen_random_uuid(), 'Local authority children’s services', 'childrens-services', true, true, NULL, 'Child safeguarding lead; age assessments; child NRM referrals'),
      (gen_random_uuid(), 'Local authority adult social care', 'adult-social-care', true, true, NULL, 'Adult safeguarding'),
      (gen_random_uuid(), 'Local authority housing', 'housing', true, true, NULL, NULL),
      (gen_random_uuid(), 'Salvation Army (Modern Slavery Victim Care Contract)', 'victim-care', true, false, '0800 808 3733', 'Adult victim support in England and Wales: accommodation, support worker, Reach-In'),
      (gen_random_uuid(), 'Independent Child Trafficking Guardians (Barnardo’s)', 'child-guardianship', true, false, NULL, 'Guardians for trafficked children in participating areas'),
      (gen_random_uuid(), 'Fair Work Agency (formerly GLAA)', 'labour-enforcement', false, false, NULL, 'Took over GLAA and HMRC minimum wage enforcement in April 2026. Whether first-responder and Duty to Notify status transferred is not confirmed: set these flags when the force has checked.'),
      (gen_random_uuid(), 'HMRC National Minimum Wage (now Fair Work Agency)', 'labour-enforcement', false, false, NULL, 'Underpayment without forced-labour indicators'),
      (gen_random_uuid(), 'Home Office Immigration Enforcement', 'immigration', true, true, NULL, 'Duty to Notify by policy. Immigration status is never shared without a supervisor’s approved disclosure.'),
      (gen_random_uuid(), 'Border Force', 'border', true, true, NULL, 'Duty to Notify by policy'),
      (gen_random_uuid(), 'National Crime Agency', 'national-crime', true, true, NULL, NULL),
      (gen_random_uuid(), 'Modern Slavery & Exploitation Helpline (Unseen)', 'helpline', true, false, '08000 121 700', 'Open 24 hours, every day'),
      (gen_random_uuid(), 'NHS safeguarding team', 'health', false, false, NULL, NULL),
      (gen_random_uuid(), 'Child criminal and sexual exploitation team (CCE/CSE)', 'police-team', true, true, NULL, 'The force’s own team for children exploited criminally or sexually; involve it in County Lines live jobs'),
      (gen_random_uuid(), 'Medaille Trust', 'ngo', true, false, NULL, NULL),
      (gen_random_uuid(), 'Kalayaan', 'ngo', true, false, NULL, 'Migrant domestic workers');

    UPDATE roles SET permissions = permissions || ARRAY['partner:view'] WHERE id IN ('supervisor', 'investigator', 'analyst', 'support', 'pcso');
    UPDATE roles SET permissions = permissions || ARRAY['partner:manage'] WHERE id IN ('supervisor', 'admin');
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(array_remove(permissions, 'partner:view'), 'partner:manage');
    DROP TABLE case_agencies;
    ALTER TABLE users DROP COLUMN agency_id;
    DROP TABLE agency_contacts;
    DROP TABLE agencies;
  `.execute(db)
}
