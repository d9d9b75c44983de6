import { sql, type RawBuilder } from 'kysely'

/**
 * The name a person is shown by: their main name (the lowest position). One definition for every query
 * that lists people, so a change to the rule (say, a preferred name) is made once. A record merged into
 * another person is shown by its survivor's name (person_root, migration 0010): lists read as one person.
 */
export function displayName(personIdColumn: string): RawBuilder<string | null> {
  // Almost no one is merged: look the record up once and walk the merge chain only when it has been.
  return sql<string | null>`(SELECT dn.full_name FROM person_names dn
    WHERE dn.person_id = (SELECT CASE WHEN dn_p.merged_into IS NULL THEN dn_p.id ELSE person_root(dn_p.id) END FROM people dn_p WHERE dn_p.id = ${sql.ref(personIdColumn)})
    ORDER BY dn.position LIMIT 1)`
}
