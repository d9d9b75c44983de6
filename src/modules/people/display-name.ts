import { sql, type RawBuilder } from 'kysely'

/**
 * The name a person is shown by: their main name (the lowest position). One definition for every query
 * that lists people, so a change to the rule (say, a preferred name) is made once.
 */
export function displayName(personIdColumn: string): RawBuilder<string | null> {
  return sql<string | null>`(SELECT dn.full_name FROM person_names dn WHERE dn.person_id = ${sql.ref(personIdColumn)} ORDER BY dn.position LIMIT 1)`
}
