import { sql, type Kysely } from 'kysely'

/**
 * Operations: the metrics endpoint's permission, and an operator role that has it and nothing else, so the
 * Prometheus scraper's token can read request rates and pool sizes but no case data. Administrators have it
 * too, to check a deployment by hand.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    INSERT INTO roles (id, name, description, permissions) VALUES
      ('operator', 'Operator (service monitoring)', 'Reads the service''s metrics (requests, latency, database pool, import queue) with an API token. Sees no case data.',
        ARRAY['metrics:view'])
    ON CONFLICT (id) DO NOTHING;
    UPDATE roles SET permissions = permissions || ARRAY['metrics:view'] WHERE id = 'admin' AND NOT 'metrics:view' = ANY(permissions);
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    UPDATE roles SET permissions = array_remove(permissions, 'metrics:view');
    DELETE FROM roles WHERE id = 'operator' AND NOT EXISTS (SELECT 1 FROM users WHERE role_id = 'operator');
  `.execute(db)
}
