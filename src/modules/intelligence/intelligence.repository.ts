import { sql, type RawBuilder } from 'kysely'
import type { Queryable, SafeguardingPromptsTable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { caseVisible } from '#src/modules/people/index.ts'
import { displayName } from '#src/modules/people/index.ts'

/**
 * An identifier is what two people can share: an object ('o:<id>'; objects are already unique by kind and
 * value), an address ('a:<address key>', so two typings of one address are one identifier) or a place with no
 * address key ('l:<location id>', a description such as "car wash behind the retail park").
 */
export type IdentifierKey = string

/**
 * SQL: the place a link's place reads as, merged places being one (0063): almost no place is merged, so the
 * chain is walked only for one that was.
 */
const ROOT_PLACE = (place: RawBuilder<unknown>) =>
  sql`(SELECT CASE WHEN rp.merged_into IS NULL THEN rp.id ELSE location_root(rp.id) END FROM locations rp WHERE rp.id = ${place})`

/** Above this many links an identifier is too widely shared to follow: each path through it would score under 0.005. */
export const HUB_LINKS = 200

const IDENTIFIER_KEY = (link: string, loc: string) =>
  sql.raw(
    `CASE WHEN ${link}.to_type = 'object' THEN 'o:' || ${link}.to_id ELSE coalesce('a:' || ${loc}.address_key, 'l:' || coalesce(${loc}.id, ${link}.to_id)) END`,
  )

/** A link's dates overlap the window (an open end is "still true"; an undated link counts from when it was recorded). */
function inWindow(link: string, from: string | null, to: string | null): RawBuilder<boolean> {
  return sql<boolean>`((${from}::date IS NULL OR coalesce(${sql.raw(link)}.valid_to, 'infinity'::date) >= ${from}::date)
    AND (${to}::date IS NULL OR coalesce(${sql.raw(link)}.valid_from, ${sql.raw(link)}.created_at::date) <= ${to}::date))`
}

/**
 * Records merged into another (migration 0010) read as their survivor: links stay on the merged record, so
 * people are mapped to person_root and a person's own links are those of their whole person_identity.
 */
const safeguarded = (root: string) =>
  sql<boolean>`(EXISTS (SELECT 1 FROM safeguarding_plans sp WHERE sp.person_id IN (SELECT person_identity(${sql.raw(root)})))
    OR EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.person_id IN (SELECT person_identity(${sql.raw(root)}))))`

/** A link recorded in a restricted live job the viewer does not work is invisible to them. */
function visible(link: string, hiddenCases: string[]): RawBuilder<boolean> {
  return sql<boolean>`(${sql.raw(link)}.case_id IS NULL OR NOT (${sql.raw(link)}.case_id = ANY(${hiddenCases}::uuid[])))`
}

/** The live jobs this user may not see, by the access policy (restricted jobs they do not work; none for a supervisor). */
export async function hiddenCaseIds(db: Queryable, user: CurrentUser): Promise<string[]> {
  const { rows } = await sql<{
    id: string
  }>`SELECT c.id FROM cases c WHERE c.restricted AND NOT ${caseVisible(sql.ref('c.id'), user)}`.execute(db)
  return rows.map((r) => r.id)
}

export type LinkIdentifier = {
  key: IdentifierKey
  type: 'object' | 'location'
  id: string
  kind: string
  shared: boolean
}

/** What identifier a newly written link points at, and whether it is a known shared place. */
export async function identifierOf(
  db: Queryable,
  toType: 'object' | 'location',
  toId: string,
  relation: string,
): Promise<LinkIdentifier | undefined> {
  if (toType === 'object') {
    const row = await db.selectFrom('objects').select(['id', 'kind']).where('id', '=', toId).executeTakeFirst()
    return row && { key: `o:${row.id}`, type: 'object', id: row.id, kind: row.kind, shared: false }
  }
  const { rows } = await sql<{ key: string; shared: boolean }>`
    SELECT coalesce('a:' || loc.address_key, 'l:' || loc.id) AS key,
      loc.shared_place OR (loc.address_key IS NOT NULL AND EXISTS (SELECT 1 FROM locations o WHERE o.address_key = loc.address_key AND o.shared_place)) AS shared
    FROM locations loc WHERE loc.id = ${ROOT_PLACE(sql`${toId}::uuid`)}`.execute(db)
  const row = rows[0]
  return (
    row && {
      key: row.key,
      type: 'location',
      id: toId,
      kind: relation === 'works-at' ? 'employer' : 'address',
      shared: row.shared,
    }
  )
}

/** The entities (object or location rows) that make up an identifier, as a derived table (t, eid). */
function entitiesOf(key: IdentifierKey): RawBuilder<unknown> {
  const value = key.slice(2)
  if (key.startsWith('o:')) return sql`(SELECT 'object'::text AS t, ${value}::uuid AS eid)`
  // An address is every place at it not merged into another, with the places merged into them.
  if (key.startsWith('a:'))
    return sql`(SELECT 'location'::text AS t, f.id AS eid FROM locations r CROSS JOIN LATERAL location_family(r.id) AS f (id) WHERE r.address_key = ${value} AND r.merged_into IS NULL)`
  return sql`(SELECT 'location'::text AS t, f.id AS eid FROM location_family(${value}::uuid) AS f (id))`
}

export type OtherOnIdentifier = { person_id: string; safeguarded: boolean; suspect: boolean }

/**
 * SQL: true when a person (a root id) is known only as a suspect: a suspected exploiter or suspect in a referral,
 * a live job or someone's account of their exploitation, and a victim nowhere. Such a person is never "at risk"
 * in a prompt or in "others who may be targeted"; they appear as the link. Someone who is both (a child
 * criminally exploited and arrested) stays among those at risk. `hiddenCases`: roles in jobs the viewer may not
 * see do not count (their roles there would tell of the job).
 */
export function suspectOnly(root: string, hiddenCases: string[] = []): RawBuilder<boolean> {
  const r = sql.raw(root)
  const shown = (col: string) => sql`NOT (${sql.raw(col)} = ANY(${hiddenCases}::uuid[]))`
  return sql<boolean>`((EXISTS (SELECT 1 FROM case_people cp WHERE cp.person_id IN (SELECT person_identity(${r})) AND cp.role IN ('suspected-exploiter', 'suspect') AND ${shown('cp.case_id')})
      OR EXISTS (SELECT 1 FROM referral_subjects rs WHERE rs.person_id IN (SELECT person_identity(${r})) AND rs.role = 'suspected-exploiter')
      OR EXISTS (SELECT 1 FROM victim_context_perpetrators vp WHERE vp.person_id IN (SELECT person_identity(${r}))))
    AND NOT EXISTS (SELECT 1 FROM case_people cv WHERE cv.person_id IN (SELECT person_identity(${r})) AND cv.role IN ('potential-victim', 'victim') AND ${shown('cv.case_id')})
    AND NOT EXISTS (SELECT 1 FROM referral_subjects rv WHERE rv.person_id IN (SELECT person_identity(${r})) AND rv.role = 'potential-victim'))`
}

/** Which of these people are known only as suspects (see `suspectOnly`), as the viewer may know it. */
export async function suspectsAmong(db: Queryable, ids: string[], hiddenCases: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const { rows } = await sql<{ id: string }>`
    SELECT x.id::text AS id FROM unnest(${[...new Set(ids)]}::uuid[]) AS x(id) WHERE ${suspectOnly('x.id', hiddenCases)}`.execute(
    db,
  )
  return new Set(rows.map((r) => r.id))
}

/** Whether a person is a victim anywhere (a referral's potential victim, a job's victim): the other role in the chart. */
export async function victimsAmong(db: Queryable, ids: string[], hiddenCases: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const { rows } = await sql<{ id: string }>`
    SELECT x.id::text AS id FROM unnest(${[...new Set(ids)]}::uuid[]) AS x(id)
    WHERE EXISTS (SELECT 1 FROM case_people cv WHERE cv.person_id IN (SELECT person_identity(x.id)) AND cv.role IN ('potential-victim', 'victim') AND NOT (cv.case_id = ANY(${hiddenCases}::uuid[])))
      OR EXISTS (SELECT 1 FROM referral_subjects rv WHERE rv.person_id IN (SELECT person_identity(x.id)) AND rv.role = 'potential-victim')`.execute(
    db,
  )
  return new Set(rows.map((r) => r.id))
}

/** The other people linked to an identifier now (every link, whatever its case), and whether each has been safeguarded. */
export async function othersOnIdentifier(
  db: Queryable,
  key: IdentifierKey,
  personId: string,
): Promise<OtherOnIdentifier[]> {
  const { rows } = await sql<OtherOnIdentifier>`
    WITH o AS (
      SELECT DISTINCT person_root(m.from_id) AS person_id
      FROM ${entitiesOf(key)} e JOIN entity_links m ON m.to_type = e.t AND m.to_id = e.eid AND m.from_type = 'person'
      LIMIT 1001
    )
    SELECT o.person_id, ${safeguarded('o.person_id')} AS safeguarded, ${suspectOnly('o.person_id')} AS suspect
    FROM o WHERE o.person_id <> person_root(${personId}::uuid)
    ORDER BY 1`.execute(db)
  return rows
}

/** A new prompt: the table's columns less those its outcome and the database fill in. */
export type PromptInsert = Omit<
  SafeguardingPromptsTable,
  'status' | 'outcome' | 'outcome_note' | 'outcome_by' | 'outcome_at' | 'created_at' | 'link_id' | 'added_person_ids'
> & { link_id: string }

/** Holds the identifier for the rest of the transaction, so two links made at once raise one prompt between them. */
export async function lockIdentifier(db: Queryable, key: IdentifierKey): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${'prompt:' + key}, 0))`.execute(db)
}

/**
 * The open prompt on an identifier, if any: one prompt per shared identifier, whoever was linked first. A link made
 * inside a restricted live job joins only a prompt of that job, and a link outside joins none raised inside one, so
 * a prompt is seen by exactly those who could see it before.
 */
export async function openPromptOn(
  db: Queryable,
  key: IdentifierKey,
  caseId: string | null,
): Promise<{ id: string; person_id: string; added_person_ids: string[] } | undefined> {
  const { rows } = await sql<{ id: string; person_id: string; added_person_ids: string[] }>`
    SELECT p.id, p.person_id, p.added_person_ids FROM safeguarding_prompts p
    WHERE p.identifier_key = ${key} AND p.status = 'open'
      AND (p.case_id IS NOT DISTINCT FROM ${caseId}::uuid
        OR (NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = p.case_id AND c.restricted)
          AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = ${caseId}::uuid AND c.restricted)))
    ORDER BY p.created_at, p.id LIMIT 1`.execute(db)
  return rows[0]
}

/** A person linked to an identifier whose prompt is already open: added to it, not given a prompt of their own. */
export async function addPersonToPrompt(db: Queryable, id: string, personId: string): Promise<void> {
  // The counts stay as they were when the prompt was raised; pages count the people linked now, as each viewer may see them.
  await sql`
    UPDATE safeguarding_prompts SET added_person_ids = array_append(added_person_ids, ${personId}::uuid)
    WHERE id = ${id} AND status = 'open'`.execute(db)
}

/** Inserts a prompt unless one is already open for this person and identifier; answers whether it did. */
export async function insertPrompt(db: Queryable, row: PromptInsert): Promise<boolean> {
  const result = await sql`
    INSERT INTO safeguarding_prompts (id, person_id, link_id, identifier_key, identifier_type, identifier_id, identifier_kind, case_id,
      other_person_ids, other_count, unsafeguarded_count, specificity, created_by)
    VALUES (${row.id}, ${row.person_id}, ${row.link_id}, ${row.identifier_key}, ${row.identifier_type}, ${row.identifier_id}, ${row.identifier_kind}, ${row.case_id},
      ${row.other_person_ids}::uuid[], ${row.other_count}, ${row.unsafeguarded_count}, ${row.specificity}, ${row.created_by})
    ON CONFLICT (person_id, identifier_key) WHERE status = 'open' DO NOTHING`.execute(db)
  return (result.numAffectedRows ?? 0n) > 0n
}

export type PromptRow = Pick<
  Row<'safeguarding_prompts'>,
  | 'id'
  | 'person_id'
  | 'identifier_key'
  | 'identifier_id'
  | 'identifier_kind'
  | 'case_id'
  | 'other_count'
  | 'specificity'
  | 'status'
  | 'outcome'
  | 'outcome_note'
  | 'outcome_at'
  | 'created_at'
> & {
  person_name: string | null
  identifier_type: 'object' | 'location'
  identifier_display: string | null
  case_reference: string | null
  outcome_by_name: string | null
  unknown_others: number | null
  unknown_others_note: string | null
}

const PROMPT_COLUMNS = sql`p.id, p.person_id, ${displayName('p.person_id')} AS person_name, p.identifier_key, p.identifier_type, p.identifier_id, p.identifier_kind,
  CASE WHEN p.identifier_type = 'object' THEN (SELECT o.display FROM objects o WHERE o.id = p.identifier_id)
    ELSE (SELECT concat_ws(', ', l.address_line_1, l.town, l.postcode, l.description) FROM locations l WHERE l.id = p.identifier_id) END AS identifier_display,
  (SELECT ul.unknown_others FROM locations ul WHERE p.identifier_type = 'location' AND ul.unknown_others IS NOT NULL
    AND (ul.id = p.identifier_id OR ul.merged_into = p.identifier_id OR (p.identifier_key LIKE 'a:%' AND ul.address_key = substr(p.identifier_key, 3)))
    ORDER BY ul.unknown_others_on DESC NULLS LAST LIMIT 1) AS unknown_others,
  (SELECT ul.unknown_others_note FROM locations ul WHERE p.identifier_type = 'location' AND ul.unknown_others IS NOT NULL
    AND (ul.id = p.identifier_id OR ul.merged_into = p.identifier_id OR (p.identifier_key LIKE 'a:%' AND ul.address_key = substr(p.identifier_key, 3)))
    ORDER BY ul.unknown_others_on DESC NULLS LAST LIMIT 1) AS unknown_others_note,
  p.case_id, c.reference AS case_reference, p.other_count, p.specificity, p.status, p.outcome, p.outcome_note, u.display_name AS outcome_by_name, p.outcome_at, p.created_at`

/** The review queue: most specific first (a phone shared by two before a hostel shared by forty), then newest. Counted to 1,000. */
export async function listPrompts(
  db: Queryable,
  options: { status: 'open' | 'closed' | 'all'; hiddenCases: string[]; limit: number; offset: number },
): Promise<{ rows: PromptRow[]; total: number }> {
  const where = sql`(${options.status} = 'all' OR p.status = ${options.status}) AND ${visible('p', options.hiddenCases)}`
  const [{ rows }, count] = await Promise.all([
    sql<PromptRow>`
      SELECT ${PROMPT_COLUMNS} FROM safeguarding_prompts p LEFT JOIN cases c ON c.id = p.case_id LEFT JOIN users u ON u.id = p.outcome_by
      WHERE ${where}
      ORDER BY p.status = 'open' DESC, p.specificity DESC, p.created_at DESC, p.id
      LIMIT ${options.limit} OFFSET ${options.offset}`.execute(db),
    sql<{
      n: number
    }>`SELECT count(*)::int AS n FROM (SELECT 1 FROM safeguarding_prompts p WHERE ${where} LIMIT 1000) x`.execute(db),
  ])
  return { rows, total: count.rows[0].n }
}

export async function findPrompt(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<PromptRow | undefined> {
  if (options.forUpdate) await sql`SELECT 1 FROM safeguarding_prompts WHERE id = ${id} FOR UPDATE`.execute(db)
  const { rows } = await sql<PromptRow>`
    SELECT ${PROMPT_COLUMNS} FROM safeguarding_prompts p LEFT JOIN cases c ON c.id = p.case_id LEFT JOIN users u ON u.id = p.outcome_by
    WHERE p.id = ${id}`.execute(db)
  return rows[0]
}

export type PromptPersonRow = {
  prompt_id: string
  person_id: string
  name: string | null
  safeguarded: boolean
  visible: boolean
}

/** For each prompt, the other people on its identifier now, whether each is safeguarded, and whether any of their links is visible to the viewer. */
export async function promptPeople(
  db: Queryable,
  prompts: { id: string; person_id: string; identifier_key: string; identifier_type: string; identifier_id: string }[],
  hiddenCases: string[],
): Promise<PromptPersonRow[]> {
  if (prompts.length === 0) return []
  const values = sql.join(
    prompts.map((p) => sql`(${p.id}::uuid, ${p.person_id}::uuid, ${p.identifier_key}, ${p.identifier_id}::uuid)`),
  )
  const { rows } = await sql<PromptPersonRow>`
    WITH pr (id, person_id, ikey, iid) AS (VALUES ${values}),
    ents AS (
      SELECT pr.id, pr.person_id, 'object'::text AS t, pr.iid AS eid FROM pr WHERE pr.ikey LIKE 'o:%'
      -- The place it was raised on as it reads now (merged places are one, 0063), and every place at the address.
      UNION SELECT pr.id, pr.person_id, 'location', f.id FROM pr CROSS JOIN LATERAL location_family(location_root(pr.iid)) AS f (id) WHERE pr.ikey NOT LIKE 'o:%'
      UNION SELECT pr.id, pr.person_id, 'location', f.id FROM pr JOIN locations loc ON loc.address_key = substr(pr.ikey, 3) AND loc.merged_into IS NULL
        CROSS JOIN LATERAL location_family(loc.id) AS f (id) WHERE pr.ikey LIKE 'a:%'
    ),
    members AS (
      SELECT e.id AS prompt_id, person_root(m.from_id) AS person_id, bool_or(${visible('m', hiddenCases)}) AS visible
      FROM ents e JOIN entity_links m ON m.to_type = e.t AND m.to_id = e.eid AND m.from_type = 'person'
      WHERE person_root(m.from_id) <> person_root(e.person_id)
      GROUP BY e.id, person_root(m.from_id)
    )
    SELECT mb.prompt_id, mb.person_id, ${displayName('mb.person_id')} AS name, mb.visible, ${safeguarded('mb.person_id')} AS safeguarded
    FROM members mb ORDER BY name NULLS LAST, mb.person_id`.execute(db)
  return rows
}

export async function closePrompt(
  db: Queryable,
  id: string,
  change: { outcome: string; note: string | null; by: string | null },
): Promise<void> {
  await db
    .updateTable('safeguarding_prompts')
    .set({
      status: 'closed',
      outcome: change.outcome,
      outcome_note: change.note,
      outcome_by: change.by,
      outcome_at: new Date(),
    })
    .where('id', '=', id)
    .where('status', '=', 'open')
    .execute()
}

export type PathRow = {
  target: string
  total: number
  ikey1: string
  via: string | null
  ikey2: string | null
  score: number
}

/**
 * One step out from a set of identifiers (`source`: ikey, to_type, to_id, address_key): every row that shares an
 * address key, the identifiers that are neither flagged shared places nor hubs of more than HUB_LINKS people,
 * the people on them (usable when in the window and visible), and each identifier's specificity weight.
 * Steps one and two are the same expansion; only their names differ.
 */
function expansionStep(
  step: 1 | 2,
  source: 's' | 's2f',
  options: { from: string | null; to: string | null; hiddenCases: string[] },
): RawBuilder<unknown> {
  const { from, to, hiddenCases } = options
  const hub = HUB_LINKS
  const [e, k, m, w, src] = [`e${step}`, `k${step}`, `m${step}`, `w${step}`, source].map((name) => sql.raw(name))
  return sql`
    ${e} AS MATERIALIZED (
      SELECT ikey, to_type AS t, to_id AS eid FROM ${src}
      UNION SELECT r.ikey, 'location', f.id FROM (
        SELECT ${src}.ikey, ${src}.root_id AS rid FROM ${src} WHERE ${src}.root_id IS NOT NULL
        UNION SELECT ${src}.ikey, o.id FROM ${src} JOIN locations o ON o.address_key = ${src}.address_key AND o.merged_into IS NULL WHERE ${src}.address_key IS NOT NULL
      ) r CROSS JOIN LATERAL location_family(r.rid) AS f (id)
    ),
    ${k} AS MATERIALIZED (
      SELECT k.ikey FROM (
        SELECT ${e}.ikey, bool_or(coalesce(loc.shared_place, false)) AS shared FROM ${e} LEFT JOIN locations loc ON ${e}.t = 'location' AND loc.id = ${e}.eid GROUP BY ${e}.ikey
      ) k
      WHERE NOT k.shared AND (SELECT count(*) FROM (SELECT 1 FROM ${e} x JOIN entity_links m ON m.to_type = x.t AND m.to_id = x.eid AND m.from_type = 'person' WHERE x.ikey = k.ikey LIMIT ${hub + 1}) c) <= ${hub}
    ),
    ${m} AS MATERIALIZED (
      SELECT ${e}.ikey, person_root(m.from_id) AS person_id, ${inWindow('m', from, to)} AND ${visible('m', hiddenCases)} AS usable, ${visible('m', hiddenCases)} AS seen
      FROM ${k} JOIN ${e} ON ${e}.ikey = ${k}.ikey JOIN entity_links m ON m.to_type = ${e}.t AND m.to_id = ${e}.eid AND m.from_type = 'person'
    ),
    -- An identifier's weight counts only the people the user may see on it: a link recorded inside a restricted job
    -- the user does not work must change no score they see, or the score would tell them the job exists.
    ${w} AS (SELECT ikey, 1.0 / (count(DISTINCT person_id) FILTER (WHERE seen) - 1) AS w FROM ${m} GROUP BY ikey HAVING count(DISTINCT person_id) FILTER (WHERE seen) > 1)`
}

/**
 * Everyone within two steps of a person through shared identifiers (person → identifier → person → identifier
 * → person), each with the paths that justify them. Score: a weighted sum over paths. An identifier on which n
 * people are linked has weight 1/(n − 1) (the chance that a step from one of them lands on a given other);
 * a one-step path scores its identifier's weight, a two-step path half the product of its two weights. That is
 * personalised PageRank truncated at two steps with a damping of one half, without the per-person
 * normalisation (a person with many identifiers is not made less interesting by having them). Known shared
 * places carry no weight and are not followed; identifiers with more than HUB_LINKS links are not followed.
 * One statement, so the whole expansion is one round trip.
 */
export async function twoStepPaths(
  db: Queryable,
  seed: string,
  options: { from: string | null; to: string | null; hiddenCases: string[]; limit: number },
): Promise<PathRow[]> {
  const { from, to, hiddenCases } = options
  const { rows } = await sql<PathRow>`
    WITH me AS MATERIALIZED (SELECT person_identity(person_root(${seed}::uuid)) AS id),
    s AS MATERIALIZED (
      SELECT DISTINCT ${IDENTIFIER_KEY('l', 'loc')} AS ikey, l.to_type, l.to_id, loc.address_key, loc.id AS root_id
      FROM entity_links l LEFT JOIN locations loc ON l.to_type = 'location' AND loc.id = ${ROOT_PLACE(sql.ref('l.to_id') as unknown as RawBuilder<unknown>)}
      WHERE l.from_type = 'person' AND l.from_id IN (SELECT id FROM me) AND l.to_type IN ('object', 'location') AND ${inWindow('l', from, to)} AND ${visible('l', hiddenCases)}
    ),
    ${expansionStep(1, 's', options)},
    p1 AS MATERIALIZED (SELECT DISTINCT m1.ikey, m1.person_id, w1.w FROM m1 JOIN w1 ON w1.ikey = m1.ikey WHERE m1.usable AND m1.person_id NOT IN (SELECT id FROM me)),
    s2 AS MATERIALIZED (
      SELECT DISTINCT p.person_id AS via, ${IDENTIFIER_KEY('l', 'loc')} AS ikey, l.to_type, l.to_id, loc.address_key, loc.id AS root_id
      FROM (SELECT DISTINCT person_id FROM p1) p CROSS JOIN LATERAL person_identity(p.person_id) AS member (id)
      JOIN entity_links l ON l.from_type = 'person' AND l.from_id = member.id AND l.to_type IN ('object', 'location')
      LEFT JOIN locations loc ON l.to_type = 'location' AND loc.id = ${ROOT_PLACE(sql.ref('l.to_id') as unknown as RawBuilder<unknown>)}
      WHERE ${inWindow('l', from, to)} AND ${visible('l', hiddenCases)}
    ),
    s2f AS MATERIALIZED (SELECT * FROM s2 WHERE NOT EXISTS (SELECT 1 FROM s WHERE s.ikey = s2.ikey)),
    ${expansionStep(2, 's2f', options)},
    paths AS (
      SELECT person_id AS target, ikey AS ikey1, NULL::uuid AS via, NULL::text AS ikey2, w AS score FROM p1
      UNION ALL
      SELECT t.person_id, p1.ikey, p1.person_id, t.ikey, 0.5 * p1.w * w2.w
      FROM p1
      JOIN (SELECT DISTINCT via, ikey FROM s2f) hop ON hop.via = p1.person_id
      JOIN (SELECT DISTINCT ikey, person_id FROM m2 WHERE usable) t ON t.ikey = hop.ikey
      JOIN w2 ON w2.ikey = t.ikey
      WHERE t.person_id NOT IN (SELECT id FROM me) AND t.person_id <> p1.person_id
    ),
    ranked AS (SELECT target, sum(score) AS total FROM paths GROUP BY target ORDER BY total DESC, target LIMIT ${options.limit})
    SELECT r.target, r.total::float8 AS total, p.ikey1, p.via, p.ikey2, p.score::float8 AS score
    FROM ranked r JOIN paths p ON p.target = r.target
    ORDER BY r.total DESC, r.target, p.score DESC, p.ikey1, p.ikey2 NULLS FIRST`.execute(db)
  return rows
}

export type IdentifierRow = {
  ikey: string
  type: 'object' | 'location'
  id: string
  kind: string
  display: string
  people: number
}

/** What each identifier is, for display: kind (a place is an employer when anyone works there), text and how many people the user may see are on it. */
export async function describeIdentifiers(
  db: Queryable,
  keys: IdentifierKey[],
  hiddenCases: string[],
): Promise<Map<string, IdentifierRow>> {
  if (keys.length === 0) return new Map()
  const { rows } = await sql<IdentifierRow>`
    WITH k AS (SELECT DISTINCT unnest(${keys}::text[]) AS ikey),
    ents AS (
      SELECT k.ikey, 'object'::text AS t, substr(k.ikey, 3)::uuid AS eid FROM k WHERE k.ikey LIKE 'o:%'
      UNION ALL SELECT k.ikey, 'location', f.id FROM k JOIN locations loc ON loc.address_key = substr(k.ikey, 3) AND loc.merged_into IS NULL
        CROSS JOIN LATERAL location_family(loc.id) AS f (id) WHERE k.ikey LIKE 'a:%'
      UNION ALL SELECT k.ikey, 'location', f.id FROM k CROSS JOIN LATERAL location_family(substr(k.ikey, 3)::uuid) AS f (id) WHERE k.ikey LIKE 'l:%'
    ),
    -- Shown as the place the others were merged into.
    rep AS (SELECT DISTINCT ON (ikey) ikey, t, eid FROM ents WHERE t = 'object' OR (SELECT merged_into FROM locations WHERE id = eid) IS NULL ORDER BY ikey, eid)
    SELECT rep.ikey, rep.t AS type, rep.eid AS id,
      CASE WHEN rep.t = 'object' THEN (SELECT o.kind FROM objects o WHERE o.id = rep.eid)
        WHEN EXISTS (SELECT 1 FROM ents e JOIN entity_links l ON l.to_type = 'location' AND l.to_id = e.eid WHERE e.ikey = rep.ikey AND l.relation = 'works-at') THEN 'employer'
        ELSE 'address' END AS kind,
      CASE WHEN rep.t = 'object' THEN (SELECT o.display FROM objects o WHERE o.id = rep.eid)
        ELSE (SELECT concat_ws(', ', l.address_line_1, l.town, l.postcode, l.description) FROM locations l WHERE l.id = rep.eid) END AS display,
      (SELECT count(DISTINCT person_root(l.from_id))::int FROM ents e JOIN entity_links l ON l.to_type = e.t AND l.to_id = e.eid AND l.from_type = 'person' WHERE e.ikey = rep.ikey AND ${visible('l', hiddenCases)}) AS people
    FROM rep`.execute(db)
  return new Map(rows.map((r) => [r.ikey, r]))
}

export async function personNames(db: Queryable, ids: string[]): Promise<Map<string, string | null>> {
  if (ids.length === 0) return new Map()
  const { rows } = await sql<{
    id: string
    name: string | null
  }>`SELECT p.id, ${displayName('p.id')} AS name FROM people p WHERE p.id = ANY(${ids}::uuid[])`.execute(db)
  return new Map(rows.map((r) => [r.id, r.name]))
}

export async function personExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.selectFrom('people').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

/** The links (person → identifier) among a set of people, for the link chart's edges. */
export async function identifierLinks(
  db: Queryable,
  people: string[],
  options: { from: string | null; to: string | null; hiddenCases: string[] },
): Promise<{ person_id: string; ikey: string; relation: string }[]> {
  if (people.length === 0) return []
  const { rows } = await sql<{ person_id: string; ikey: string; relation: string }>`
    SELECT DISTINCT person_root(l.from_id) AS person_id, ${IDENTIFIER_KEY('l', 'loc')} AS ikey, l.relation
    FROM entity_links l LEFT JOIN locations loc ON l.to_type = 'location' AND loc.id = ${ROOT_PLACE(sql.ref('l.to_id') as unknown as RawBuilder<unknown>)}
    WHERE l.from_type = 'person' AND l.from_id IN (SELECT person_identity(p) FROM unnest(${people}::uuid[]) p) AND l.to_type IN ('object', 'location')
      AND ${inWindow('l', options.from, options.to)} AND ${visible('l', options.hiddenCases)}
    ORDER BY 1, 2`.execute(db)
  return rows
}

export async function findPlace(db: Queryable, id: string) {
  return db
    .selectFrom('locations')
    .select(['id', 'shared_place', 'shared_place_kind'])
    .where('id', '=', id)
    .executeTakeFirst()
}
