import { sql, type Kysely } from 'kysely'

/**
 * Need-to-know sharing with partners. An information-sharing agreement names its parties, purposes, lawful
 * basis and the fields it allows, with a review date and an end date after which it cannot be used. A
 * disclosure shares the minimum fields of one person's record with one agency under one agreement, for one
 * purpose, until it expires or is revoked; the victim facet and immigration status are shared only when a
 * supervisor approves with a recorded lawful basis. Partner users see live disclosures to their agency and
 * nothing else.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sharing_agreements (
      id uuid PRIMARY KEY,
      title text NOT NULL,
      purposes text NOT NULL,
      lawful_basis text NOT NULL CHECK (lawful_basis IN ('dpa-2018-part-3', 'uk-gdpr-safeguarding')),
      allowed_fields text[] NOT NULL,
      starts_on date NOT NULL,
      review_on date NOT NULL,
      ends_on date NOT NULL,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (ends_on >= starts_on)
    );
    CREATE TABLE sharing_agreement_parties (
      agreement_id uuid NOT NULL REFERENCES sharing_agreements (id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies (id),
      PRIMARY KEY (agreement_id, agency_id)
    );
    CREATE INDEX sharing_agreement_parties_agency_idx ON sharing_agreement_parties (agency_id);

    CREATE TABLE disclosures (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      agency_id uuid NOT NULL REFERENCES agencies (id),
      agreement_id uuid NOT NULL REFERENCES sharing_agreements (id),
      purpose text NOT NULL,
      fields text[] NOT NULL CHECK (cardinality(fields) > 0),
      expires_at timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('live', 'awaiting-approval', 'refused')),
      protected_basis text,
      approved_by uuid REFERENCES users (id),
      approved_at timestamptz,
      revoked_at timestamptz,
      revoked_by uuid REFERENCES users (id),
      revoke_reason text,
      created_by uuid REFERENCES users (id),
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX disclosures_agency_live_idx ON disclosures (agency_id, expires_at) WHERE status = 'live' AND revoked_at IS NULL;
    CREATE INDEX disclosures_person_idx ON disclosures (person_id, created_at);

    UPDATE roles SET permissions = permissions || ARRAY['disclosure:make'] WHERE id IN ('supervisor', 'investigator', 'support');
    UPDATE roles SET permissions = permissions || ARRAY['disclosure:approve', 'agreement:manage'] WHERE id = 'supervisor';
    UPDATE roles SET permissions = permissions || ARRAY['agreement:manage'] WHERE id = 'admin';
    UPDATE roles SET permissions = permissions || ARRAY['partner-portal:use'] WHERE id = 'partner';
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(array_remove(array_remove(array_remove(permissions, 'disclosure:make'), 'disclosure:approve'), 'agreement:manage'), 'partner-portal:use');
    DROP TABLE disclosures, sharing_agreement_parties, sharing_agreements;
  `.execute(db)
}
