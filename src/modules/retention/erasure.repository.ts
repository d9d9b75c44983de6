import { sql } from 'kysely'
import type { Trx } from '#src/platform/db/database.ts'

/** What replaces a person's details in free text and raw rows that outlive them. */
export const ERASED = '[erased]'

/**
 * Tables the generic free-text scrub leaves alone: the audit log (redacted separately, keeping its chain),
 * structural person tables handled row by row, other people's and staff identity tables (a staff member or
 * another person sharing the erased person's name must keep theirs), shared places and objects (still linked to
 * someone else), and the system's own bookkeeping.
 */
const SCRUB_EXCLUDED = new Set([
  'audit_events',
  'person_names',
  'name_words',
  'name_word_keys',
  'people',
  'objects',
  'locations',
  'users',
  'roles',
  'agencies',
  'agency_contacts',
  // The directory of support services: about services, not people (a victim's support rows are deleted with them).
  'support_services',
  'organisations',
  'sharing_agreements',
  'api_tokens',
  'mfa_recovery_codes',
  'priority_tags',
  'app_meta',
  'retention_schedules',
  'erasures',
  'kysely_migration',
  'kysely_migration_lock',
])

const escapeRegex = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&')

/**
 * A PostgreSQL regular expression (ARE) matching any of the values as a whole word, case-insensitively with the
 * 'gi' flags: names with any run of spaces between their words, phone numbers with or without separators.
 */
export function identifyingPattern(values: { names: string[]; numbers: string[]; others: string[] }): string | null {
  const parts = new Set<string>()
  for (const name of values.names) {
    const words = name.trim().split(/\s+/).filter(Boolean)
    if (words.join(' ').length >= 3) parts.add(words.map(escapeRegex).join('\\s+'))
  }
  for (const number of values.numbers) {
    const digits = number.replace(/\D/g, '')
    if (digits.length < 6) continue
    const spaced = (d: string) => d.split('').join('[\\s().-]*')
    parts.add((number.trim().startsWith('+') ? '\\+?' : '') + spaced(digits))
    // Phones are stored in international form; free text has them as typed, usually the national form.
    if (number.trim().startsWith('+44')) parts.add(spaced(`0${digits.slice(2)}`))
  }
  for (const other of values.others) if (other.trim().length >= 4) parts.add(escapeRegex(other.trim()))
  if (parts.size === 0) return null
  // Longest first, so "Ana Maria Popescu" is replaced whole rather than leaving "Maria" after "Ana".
  const alternatives = [...parts].sort((a, b) => b.length - a.length)
  // Not after a backslash either: in a JSON column’s text that is an escape (a newline), not a word boundary.
  return `(?<![[:alnum:]\\\\])(?:${alternatives.join('|')})(?![[:alnum:]])`
}

/** Everyone erased along with a person: the record and every record merged into its survivor (one human). */
export async function identityOf(trx: Trx, personId: string): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`SELECT person_identity(person_root(${personId}::uuid)) AS id`.execute(trx)
  const ids = rows.map((r) => r.id)
  const existing = await trx.selectFrom('people').select('id').where('id', 'in', ids).execute()
  return existing.map((r) => r.id)
}

/** The strings that identify these people and will not survive them: names, and the numbers of what goes with them. */
export async function identifyingValues(trx: Trx, ids: string[]) {
  const names = await trx
    .selectFrom('person_names')
    .select(['full_name', 'normalised'])
    .where('person_id', 'in', ids)
    .execute()
  const documents = await trx
    .selectFrom('person_documents')
    .select('number')
    .where('person_id', 'in', ids)
    .where('number', 'is not', null)
    .execute()
  // Objects only this identity is linked to: they go with it. A phone another person also uses stays theirs.
  const { rows: objects } = await sql<{ id: string; kind: string; value: string }>`
    SELECT DISTINCT o.id, o.kind, o.value FROM entity_links l JOIN objects o ON o.id = l.to_id
    WHERE l.from_type = 'person' AND l.from_id = ANY(${ids}::uuid[]) AND l.to_type = 'object'
      AND NOT EXISTS (SELECT 1 FROM entity_links x WHERE x.to_type = 'object' AND x.to_id = o.id AND NOT (x.from_type = 'person' AND x.from_id = ANY(${ids}::uuid[])))
      AND NOT EXISTS (SELECT 1 FROM entity_links x WHERE x.from_type = 'object' AND x.from_id = o.id)
      AND NOT EXISTS (SELECT 1 FROM case_objects c WHERE c.object_id = o.id)`.execute(trx)
  return {
    names: [...new Set(names.flatMap((n) => [n.full_name, n.normalised]))],
    numbers: objects.filter((o) => o.kind === 'phone').map((o) => o.value),
    others: [...documents.map((d) => d.number!), ...objects.filter((o) => o.kind !== 'phone').map((o) => o.value)],
    objectIds: objects.map((o) => o.id),
  }
}

/**
 * Removes every row about these people and every copy of them: names and the name-word index (and words no
 * one else uses any more), documents, immigration status, links and the places and objects only they were
 * linked to, roles on referrals, live jobs and events, screenings, consent, NRM and Duty to Notify records,
 * safeguarding plans (with their hub agenda items), support contacts and referrals out, how they were exploited (victim context), disclosures, match decisions and merges, safeguarding
 * prompts (and mentions in other people's prompts), and the raw rows of imports that created them.
 */
export async function deletePeople(trx: Trx, ids: string[], objectIds: string[]): Promise<void> {
  const list = sql`${ids}::uuid[]`
  const { rows: words } = await sql<{
    word_id: number
  }>`SELECT DISTINCT word_id FROM person_name_words WHERE person_id = ANY(${list})`.execute(trx)
  const wordIds = words.map((r) => r.word_id)

  // Safeguarding plans, with hub agenda items about them (their decisions cascade) and their actions.
  await sql`
    WITH plans AS (SELECT id FROM safeguarding_plans WHERE person_id = ANY(${list})),
    items AS (SELECT id FROM hub_meeting_items WHERE plan_id IN (SELECT id FROM plans))
    DELETE FROM safeguarding_actions WHERE plan_id IN (SELECT id FROM plans) OR meeting_item_id IN (SELECT id FROM items)`.execute(
    trx,
  )
  await sql`DELETE FROM hub_meeting_items WHERE plan_id IN (SELECT id FROM safeguarding_plans WHERE person_id = ANY(${list}))`.execute(
    trx,
  )
  await sql`DELETE FROM safeguarding_plans WHERE person_id = ANY(${list})`.execute(trx)
  // How they were exploited (their journey and perpetrators go with it); as a perpetrator in another victim's
  // account they are unlinked, and the free-text scrub below takes their name out of its description.
  await sql`DELETE FROM victim_context_situations WHERE person_id = ANY(${list})`.execute(trx)
  await sql`UPDATE victim_context_perpetrators SET person_id = NULL WHERE person_id = ANY(${list})`.execute(trx)

  // Their support: contacts logged and referrals out (with their history, by cascade). The directory stays.
  await sql`DELETE FROM support_contacts WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM support_referrals WHERE person_id = ANY(${list})`.execute(trx)

  // Prompts about them go (cascade on person_id); prompts about others stop counting them.
  await sql`
    UPDATE safeguarding_prompts SET
      other_person_ids = ARRAY(SELECT x FROM unnest(other_person_ids) x WHERE x <> ALL(${list})),
      other_count = greatest(other_count - cardinality(ARRAY(SELECT x FROM unnest(other_person_ids) x WHERE x = ANY(${list}))), 0)
    WHERE other_person_ids && ${list}`.execute(trx)
  await sql`DELETE FROM safeguarding_prompts WHERE person_id = ANY(${list})`.execute(trx)

  // Places linked only to them go with their links; shared places and ones a referral, job or event names stay.
  const { rows: places } = await sql<{ id: string }>`
    SELECT DISTINCT to_id AS id FROM entity_links WHERE from_type = 'person' AND from_id = ANY(${list}) AND to_type = 'location'`.execute(
    trx,
  )
  await sql`DELETE FROM entity_links WHERE (from_type = 'person' AND from_id = ANY(${list})) OR (to_type = 'person' AND to_id = ANY(${list}))`.execute(
    trx,
  )
  if (objectIds.length) await sql`DELETE FROM objects WHERE id = ANY(${objectIds}::uuid[])`.execute(trx)
  if (places.length) {
    await sql`
      DELETE FROM locations l WHERE l.id = ANY(${places.map((p) => p.id)}::uuid[]) AND NOT l.shared_place
        AND NOT EXISTS (SELECT 1 FROM entity_links x WHERE (x.to_type = 'location' AND x.to_id = l.id) OR (x.from_type = 'location' AND x.from_id = l.id))
        AND NOT EXISTS (SELECT 1 FROM referral_locations r WHERE r.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM case_locations c WHERE c.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM business_premises b WHERE b.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM locations m WHERE m.merged_into = l.id)`.execute(trx)
  }

  await sql`DELETE FROM referral_subjects WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM case_people WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM event_people WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM consents WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM dtn_submissions WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM nrm_referrals WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM screenings WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM disclosures WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM person_merges WHERE survivor_id = ANY(${list}) OR merged_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM match_decisions WHERE person_id = ANY(${list}) OR other_id = ANY(${list})`.execute(trx)

  // Imports: the row outcome stays (so a re-import still recognises the row) but not what the row said.
  await sql`
    UPDATE import_jobs j SET rows = jsonb_set(j.rows, ARRAY[(r.row_number - 2)::text],
        coalesce((SELECT jsonb_agg(to_jsonb(''::text)) FROM jsonb_array_elements(j.rows -> (r.row_number - 2))), '[]'::jsonb))
    FROM import_rows r
    WHERE r.job_id = j.id AND (r.person_id = ANY(${list}) OR r.candidate_person_id = ANY(${list})) AND jsonb_typeof(j.rows -> (r.row_number - 2)) = 'array'`.execute(
    trx,
  )
  await sql`
    UPDATE import_rows SET
      person_id = CASE WHEN person_id = ANY(${list}) THEN NULL ELSE person_id END,
      candidate_person_id = CASE WHEN candidate_person_id = ANY(${list}) THEN NULL ELSE candidate_person_id END,
      data = NULL, explanation = NULL, message = ${ERASED}
    WHERE person_id = ANY(${list}) OR candidate_person_id = ANY(${list})`.execute(trx)

  await sql`UPDATE people SET merged_into = NULL WHERE id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM person_names WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM person_documents WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM person_immigration_status WHERE person_id = ANY(${list})`.execute(trx)
  await sql`DELETE FROM people WHERE id = ANY(${list})`.execute(trx)

  // The name-word vocabulary: words no one else's name uses any more (their one-slip keys cascade).
  if (wordIds.length) {
    await sql`DELETE FROM name_words w WHERE w.id = ANY(${wordIds}::int[]) AND NOT EXISTS (SELECT 1 FROM person_name_words p WHERE p.word_id = w.id)`.execute(
      trx,
    )
  }
}

type TextColumn = { table: string; column: string; kind: 'text' | 'jsonb' | 'text[]' }

/** Every free-text, JSON and text-array column outside the excluded tables: new tables are covered without a change here. */
async function scrubbableColumns(trx: Trx): Promise<TextColumn[]> {
  const { rows } = await sql<{ table_name: string; column_name: string; data_type: string; udt_name: string }>`
    SELECT c.table_name, c.column_name, c.data_type, c.udt_name
    FROM information_schema.columns c JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.is_generated = 'NEVER'
      AND (c.data_type IN ('text', 'character varying', 'jsonb', 'json') OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
    ORDER BY c.table_name, c.column_name`.execute(trx)
  return rows
    .filter((r) => !SCRUB_EXCLUDED.has(r.table_name))
    .map((r) => ({
      table: r.table_name,
      column: r.column_name,
      kind: r.data_type === 'ARRAY' ? 'text[]' : r.data_type.startsWith('json') ? 'jsonb' : 'text',
    }))
}

/**
 * Replaces the identifying strings wherever they were copied into free text that outlives the person: a
 * referral's summary, a decision's rationale, a case timeline entry, a draft, a raw import row. One UPDATE per
 * column, each a sequential scan: erasure is rare and this is the only way to be sure. Returns the columns changed.
 */
export async function scrubFreeText(trx: Trx, pattern: string): Promise<string[]> {
  const changed: string[] = []
  for (const { table, column, kind } of await scrubbableColumns(trx)) {
    const t = sql.table(table)
    const c = sql.ref(column)
    const result =
      kind === 'text'
        ? await sql`UPDATE ${t} SET ${c} = regexp_replace(${c}, ${pattern}, ${ERASED}, 'gi') WHERE ${c} ~* ${pattern}`.execute(
            trx,
          )
        : kind === 'jsonb'
          ? await sql`UPDATE ${t} SET ${c} = regexp_replace(${c}::text, ${pattern}, ${ERASED}, 'gi')::jsonb WHERE ${c}::text ~* ${pattern}`.execute(
              trx,
            )
          : await sql`UPDATE ${t} SET ${c} = ARRAY(SELECT regexp_replace(x, ${pattern}, ${ERASED}, 'gi') FROM unnest(${c}) WITH ORDINALITY u(x, n) ORDER BY n)
              WHERE array_to_string(${c}, ' ') ~* ${pattern}`.execute(trx)
    if (Number(result.numAffectedRows ?? 0) > 0) changed.push(`${table}.${column}`)
  }
  return changed
}

/** Opens the erasure exceptions (decision log) for the rest of this transaction only. */
export async function allowErasure(trx: Trx): Promise<void> {
  await sql`SELECT set_config('lantern.erasure', 'on', true)`.execute(trx)
}

export async function recordErasure(
  trx: Trx,
  erasure: { id: string; recordType: string; recordId: string; erasedBy: string | null },
): Promise<void> {
  await trx
    .insertInto('erasures')
    .values({
      id: erasure.id,
      record_type: erasure.recordType,
      record_id: erasure.recordId,
      erased_by: erasure.erasedBy,
    })
    .execute()
}

/** Deletes a live job and everything hanging off it (tasks, decisions, events, timeline); the people stay. */
export async function deleteCase(trx: Trx, caseId: string): Promise<void> {
  await sql`DELETE FROM cases WHERE id = ${caseId}`.execute(trx)
}

/**
 * Deletes a referral and what only it holds (its screenings, consent, NRM and Duty to Notify records, events),
 * and answers the people who were on it, for the caller to erase those nothing else holds.
 */
export async function deleteReferral(trx: Trx, referralId: string): Promise<{ subjects: string[]; places: string[] }> {
  const subjects = (
    await trx.selectFrom('referral_subjects').select('person_id').where('referral_id', '=', referralId).execute()
  ).map((r) => r.person_id)
  const places = (
    await trx.selectFrom('referral_locations').select('location_id').where('referral_id', '=', referralId).execute()
  ).map((r) => r.location_id)
  await sql`UPDATE safeguarding_actions SET meeting_item_id = NULL WHERE meeting_item_id IN (SELECT id FROM hub_meeting_items WHERE referral_id = ${referralId})`.execute(
    trx,
  )
  await sql`DELETE FROM hub_meeting_items WHERE referral_id = ${referralId}`.execute(trx)
  await sql`UPDATE import_rows SET referral_id = NULL, data = NULL, message = ${ERASED} WHERE referral_id = ${referralId}`.execute(
    trx,
  )
  await sql`DELETE FROM referrals WHERE id = ${referralId}`.execute(trx)
  if (places.length) {
    await sql`
      DELETE FROM locations l WHERE l.id = ANY(${places}::uuid[]) AND NOT l.shared_place
        AND NOT EXISTS (SELECT 1 FROM entity_links x WHERE (x.to_type = 'location' AND x.to_id = l.id) OR (x.from_type = 'location' AND x.from_id = l.id))
        AND NOT EXISTS (SELECT 1 FROM referral_locations r WHERE r.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM case_locations c WHERE c.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM events e WHERE e.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM business_premises b WHERE b.location_id = l.id)
        AND NOT EXISTS (SELECT 1 FROM locations m WHERE m.merged_into = l.id)`.execute(trx)
  }
  return { subjects, places }
}

/** People nothing else holds: on no referral, live job, event, NRM record, safeguarding plan or support record. */
export async function unheldPeople(trx: Trx, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const { rows } = await sql<{ id: string }>`
    SELECT p.id FROM people p WHERE p.id = ANY(${ids}::uuid[]) AND p.merged_into IS NULL
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN referral_subjects s ON s.person_id = i)
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN case_people c ON c.person_id = i)
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN event_people e ON e.person_id = i)
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN nrm_referrals n ON n.person_id = i)
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN safeguarding_plans s ON s.person_id = i)
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN support_contacts s ON s.person_id = i)
      AND NOT EXISTS (SELECT 1 FROM person_identity(p.id) i JOIN support_referrals s ON s.person_id = i)`.execute(trx)
  return rows.map((r) => r.id)
}

export async function deleteDisclosure(trx: Trx, id: string): Promise<void> {
  await sql`DELETE FROM disclosures WHERE id = ${id}`.execute(trx)
}

/** An intelligence link and the prompts it raised. */
export async function deleteLink(trx: Trx, id: string): Promise<void> {
  // The person's match record loses a phone or place: the matcher re-reads people whose updated_at moved.
  await sql`UPDATE people SET updated_at = now() WHERE id IN (SELECT from_id FROM entity_links WHERE id = ${id} AND from_type = 'person')`.execute(
    trx,
  )
  await sql`DELETE FROM safeguarding_prompts WHERE link_id = ${id}`.execute(trx)
  await sql`DELETE FROM entity_links WHERE id = ${id}`.execute(trx)
}

/** The same replacement as the scrub, for a text about to be written (an erasure's own reason). */
export async function scrubValue(trx: Trx, value: string, pattern: string | null): Promise<string> {
  if (pattern === null) return value
  const { rows } = await sql<{
    v: string
  }>`SELECT regexp_replace(${value}::text, ${pattern}, ${ERASED}, 'gi') AS v`.execute(trx)
  return rows[0].v
}
