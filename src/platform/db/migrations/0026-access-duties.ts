import { sql, type Kysely } from 'kysely'

/**
 * Victim-side access granted by duty (ADR 0009). An ISA (support worker) is assigned to a victim by a supervisor
 * and then sees and works that victim's safeguarding plan and support; the assignment is ended, never deleted,
 * so the DPO can see who held access when. A live job's team records who added each member. Working a
 * safeguarding plan gets its own permission, held by police officers and ISAs alike, so an ISA can work a plan
 * without being able to record screening or NRM steps.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE person_support_workers (
      id uuid PRIMARY KEY,
      person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users (id),
      assigned_by uuid REFERENCES users (id),
      assigned_at timestamptz NOT NULL DEFAULT now(),
      ended_at timestamptz,
      ended_by uuid REFERENCES users (id),
      end_reason text
    );
    CREATE UNIQUE INDEX person_support_workers_current_idx ON person_support_workers (person_id, user_id) WHERE ended_at IS NULL;
    CREATE INDEX person_support_workers_user_idx ON person_support_workers (user_id) WHERE ended_at IS NULL;

    ALTER TABLE case_members ADD COLUMN added_by uuid REFERENCES users (id), ADD COLUMN added_at timestamptz NOT NULL DEFAULT now();

    UPDATE roles SET permissions = permissions || ARRAY['safeguarding-plan:edit']
      WHERE id IN ('supervisor', 'investigator', 'support') AND NOT ('safeguarding-plan:edit' = ANY (permissions));
    UPDATE roles SET permissions = permissions || ARRAY['victim-facet:view']
      WHERE id = 'support' AND NOT ('victim-facet:view' = ANY (permissions));
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(permissions, 'safeguarding-plan:edit');
    UPDATE roles SET permissions = array_remove(permissions, 'victim-facet:view') WHERE id = 'support';
    ALTER TABLE case_members DROP COLUMN added_by, DROP COLUMN added_at;
    DROP TABLE person_support_workers;
  `.execute(db)
}
