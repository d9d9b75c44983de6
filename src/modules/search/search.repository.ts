import { sql, type RawBuilder } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'
import { pairSteps, wordKeys, type FoundWord, type PairStep } from './name-pairs.ts'

export type PersonHit = {
  person_id: string
  name: string
  matched_name: string
  score: number
  date_of_birth: string | null
  approximate_age: number | null
  nationalities: string[]
}

/** Most names ranked for one search: enough that every name holding all the words typed is among them. */
const CANDIDATES = 500
/**
 * Most names read for the rarest pair of words typed, when three or more words are typed. Beyond
 * CANDIDATES of them, those holding the most of the words typed are kept; beyond this, the pair is as
 * common as a single common word and the first names in the index are taken.
 */
const RAREST_PAIR_READ = 2000

/**
 * People by name, across spellings and scripts. Names are folded to Latin letters when stored and split into
 * words (see migration 0005): each word typed is looked up in the small vocabulary of name words, by itself, by
 * one slip (deletion keys), by sound (Double Metaphone, consonant skeleton), or failing those by trigram
 * similarity among the name words (never among all names); a name is a candidate when two of the words typed
 * found two of its words, in any order, through pair keys. With three or more words typed, the rarest pair is
 * read first (word counts, migration 0018), so a common pair ("li na") is never read whole; names holding every
 * word typed hold that pair too. Candidates are ranked by trigram similarity of the whole folded name. Only
 * when none of the words is a known name does a trigram search over every name run, to catch what words
 * cannot (a name written as one word, "wangfang" for "Wang Fang"). Single letters (initials) count in ranking,
 * not finding.
 */
export async function searchPeopleByName(
  db: Queryable,
  folded: string,
  options: { dateOfBirth: string | null; birthYear: number | null; limit: number },
): Promise<PersonHit[]> {
  const dob = options.dateOfBirth
    ? sql`AND p.date_of_birth = ${options.dateOfBirth}::date`
    : options.birthYear
      ? sql`AND extract(year FROM p.date_of_birth) = ${options.birthYear}`
      : sql``
  const words = [...new Set(folded.split(' ').filter((w) => w.length >= 2))].slice(0, 6)
  if (words.length === 0) return searchPeopleByTrigram(db, folded, dob, options.limit)
  // The one-slip keys are made here and looked up by equality (the keys index, a probe each), with each
  // word's sound and skeleton computed once per word typed, never per vocabulary row.
  const keys = words.flatMap((word, i) => wordKeys(word).map((key) => ({ key, n: i + 1 })))
  const { rows: found } = await sql<FoundWord>`
    SELECT DISTINCT m.n::int AS n, w.id, w.names, w.word = ANY(${words}::text[]) AS exact
    FROM (
      SELECT t.n, k.word_id AS id FROM unnest(${keys.map((k) => k.key)}::text[], ${keys.map((k) => k.n)}::int[]) AS t(key, n)
        JOIN name_word_keys k ON k.key = t.key
      UNION
      SELECT typed.n, v.id FROM unnest(${words}::text[]) WITH ORDINALITY AS typed(word, n)
      JOIN LATERAL (
        SELECT w.id FROM name_words w
        WHERE length(typed.word) >= 3
          AND ((w.sound = dmetaphone(typed.word) AND left(w.word, 1) = left(typed.word, 1) AND abs(length(w.word) - length(typed.word)) <= 2)
            OR (w.skeleton = name_skeleton(typed.word) AND length(w.skeleton) >= 2))
      ) v ON true
    ) m JOIN name_words w ON w.id = m.id`.execute(db)
  const unmatched = words
    .map((word, i) => ({ word, n: i + 1 }))
    .filter((w) => w.word.length >= 4 && !found.some((f) => f.n === w.n))
  if (unmatched.length > 0) {
    await sql`SELECT set_config('pg_trgm.similarity_threshold', '0.4', true)`.execute(db)
    const { rows: near } = await sql<FoundWord>`
      SELECT typed.n::int AS n, v.id, v.names, false AS exact
      FROM unnest(${unmatched.map((w) => w.word)}::text[], ${unmatched.map((w) => w.n)}::int[]) AS typed(word, n)
      JOIN LATERAL (SELECT w.id, w.names FROM name_words w WHERE w.word % typed.word ORDER BY similarity(w.word, typed.word) DESC LIMIT 5) v ON true`.execute(
      db,
    )
    found.push(...near)
  }
  const known = new Set(found.map((f) => f.n))
  // None of the words is a known name (a name never seen, or written as one word, like "wangfang" for
  // "Wang Fang"): only trigram similarity over whole names can find it.
  if (known.size === 0) return searchPeopleByTrigram(db, folded, dob, options.limit)
  // A bounded list of name ids, fetched before ranking so the planner ranks a known handful by primary key
  // instead of guessing and scanning every name.
  const candidates = known.size >= 2 ? await namesByPairs(db, found, words.length) : await namesByWord(db, found)
  if (candidates.length === 0) return []
  return rankNames(
    db,
    folded,
    candidates,
    options.dateOfBirth !== null || options.birthYear !== null ? dob : null,
    options.limit,
  )
}

/** One known word: its postings, the exact spelling first (the Append's first branch, so LIMIT stops early). */
async function namesByWord(db: Queryable, found: FoundWord[]): Promise<string[]> {
  const { rows } = await sql<{ name_id: string }>`
    SELECT name_id FROM (
      SELECT pw.name_id FROM person_name_words pw WHERE pw.word_id = ANY(${found.filter((f) => f.exact).map((f) => f.id)}::int[])
      UNION ALL
      SELECT pw.name_id FROM person_name_words pw WHERE pw.word_id = ANY(${found.filter((f) => !f.exact).map((f) => f.id)}::int[])
    ) x LIMIT ${CANDIDATES}`.execute(db)
  return [...new Set(rows.map((r) => r.name_id))]
}

/** The names of one pair step, the exact spellings' pair first, at most `limit`. */
async function pairNames(db: Queryable, step: PairStep, limit: number): Promise<string[]> {
  const { rows } = await sql<{ name_id: string }>`
    SELECT name_id FROM (
      SELECT pp.name_id FROM person_name_word_pairs pp WHERE pp.pair = ANY(${step.exactKeys}::bigint[])
      UNION ALL
      SELECT pp.name_id FROM person_name_word_pairs pp WHERE pp.pair = ANY(${step.otherKeys}::bigint[])
    ) x LIMIT ${limit}`.execute(db)
  return rows.map((r) => r.name_id)
}

/**
 * Two or more known words. Two: the names of their pair. Three or more: the names of the rarest pair (every
 * name holding all the words typed is one of them), those holding most of the words typed first when there
 * are too many; then, while there is room, names of the next rarest pairs (names holding some of the words).
 */
async function namesByPairs(db: Queryable, found: FoundWord[], wordCount: number): Promise<string[]> {
  const steps = pairSteps(found, wordCount)
  if (steps.length === 0) return []
  if (steps.length === 1) return [...new Set(await pairNames(db, steps[0], CANDIDATES))]
  const rarest = [...new Set(await pairNames(db, steps[0], RAREST_PAIR_READ))]
  if (rarest.length > CANDIDATES) {
    // Too many: keep those holding most of the other words typed, each checked by a probe of the postings'
    // primary key (word, name), not by reading every posting of those (common) words.
    const others = found.filter((f) => !steps[0].positions.includes(f.n))
    const { rows } = await sql<{ name_id: string }>`
      SELECT x.name_id FROM unnest(${rarest}::uuid[]) WITH ORDINALITY AS x(name_id, o)
      ORDER BY (
        SELECT count(DISTINCT f.n) FROM unnest(${others.map((f) => f.id)}::int[], ${others.map((f) => f.n)}::int[]) AS f(id, n)
        WHERE EXISTS (SELECT 1 FROM person_name_words pw WHERE pw.word_id = f.id AND pw.name_id = x.name_id)
      ) DESC, x.o
      LIMIT ${CANDIDATES}`.execute(db)
    return rows.map((r) => r.name_id)
  }
  const names = new Set(rarest)
  for (const step of steps.slice(1)) {
    if (names.size >= CANDIDATES) break
    for (const name of await pairNames(db, step, CANDIDATES)) {
      if (names.size >= CANDIDATES) break
      names.add(name)
    }
  }
  return [...names]
}

/**
 * Candidates ranked by trigram similarity of the whole folded name, one row per person (their best name),
 * merged records read as their survivor. Which of several equal scores make the page is settled by the name
 * that matched (then the id), which is already in hand: settling it by display name meant looking up the
 * person and their display name for every tied row, and common names tie by the hundred (318 rows for "Li Na
 * Singh" at national scale, most of them pages not in the buffer cache). The page shown is then ordered by
 * score and display name. A candidate is told to be merged by the small partial index of merged records
 * (migration 0018).
 */
async function rankNames(
  db: Queryable,
  folded: string,
  nameIds: string[],
  dob: ReturnType<typeof sql> | null,
  limit: number,
): Promise<PersonHit[]> {
  const hasDob = dob !== null
  const { rows } = await sql<PersonHit>`
    WITH scored AS (
      SELECT pn.person_id AS record_id, pn.full_name, similarity(pn.normalised, ${folded}) AS score
      FROM person_names pn WHERE pn.id = ANY(${nameIds}::uuid[])
      ORDER BY score DESC LIMIT ${CANDIDATES}
    ),
    best AS (
      SELECT DISTINCT ON (person_id) person_id, full_name, score
      FROM (
        SELECT coalesce((SELECT person_root(m.id) FROM people m WHERE m.id = s.record_id AND m.merged_into IS NOT NULL), s.record_id) AS person_id, s.full_name, s.score
        FROM scored s
      ) r
      ORDER BY person_id, score DESC
    ),
    shown AS (
      SELECT b.person_id, b.full_name, b.score FROM best b
      ${hasDob ? sql`WHERE EXISTS (SELECT 1 FROM people p WHERE p.id = b.person_id ${dob})` : sql``}
      ORDER BY b.score DESC, b.full_name, b.person_id LIMIT ${limit}
    )
    SELECT s.person_id, ${displayName('s.person_id')} AS name,
      s.full_name AS matched_name, round(s.score::numeric, 2)::float AS score, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.nationalities
    FROM shown s JOIN people p ON p.id = s.person_id
    ORDER BY s.score DESC, name
    LIMIT ${limit}`.execute(db)
  return rows
}

async function searchPeopleByTrigram(
  db: Queryable,
  folded: string,
  dob: ReturnType<typeof sql>,
  limit: number,
): Promise<PersonHit[]> {
  await sql`SELECT set_config('pg_trgm.similarity_threshold', '0.4', true)`.execute(db)
  const { rows } = await sql<PersonHit>`
    WITH matches AS (
      SELECT CASE WHEN pe.merged_into IS NULL THEN pe.id ELSE person_root(pe.id) END AS person_id, pn.full_name, similarity(pn.normalised, ${folded}) AS score
      FROM person_names pn JOIN people pe ON pe.id = pn.person_id WHERE pn.normalised % ${folded}
      ORDER BY score DESC LIMIT 500
    ),
    best AS (
      SELECT DISTINCT ON (person_id) person_id, full_name, score FROM matches ORDER BY person_id, score DESC
    )
    SELECT b.person_id, ${displayName('b.person_id')} AS name,
      b.full_name AS matched_name, round(b.score::numeric, 2)::float AS score, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.nationalities
    FROM best b JOIN people p ON p.id = b.person_id
    WHERE true ${dob}
    ORDER BY b.score DESC, name
    LIMIT ${limit}`.execute(db)
  return rows
}

export async function searchPeopleByDateOfBirth(
  db: Queryable,
  dateOfBirth: string,
  limit: number,
): Promise<PersonHit[]> {
  const { rows } = await sql<PersonHit>`
    SELECT p.id AS person_id, ${displayName('p.id')} AS name,
      '' AS matched_name, 1::float AS score, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.nationalities
    FROM people p WHERE p.date_of_birth = ${dateOfBirth}::date AND p.merged_into IS NULL ORDER BY name LIMIT ${limit}`.execute(
    db,
  )
  return rows
}

export type ObjectHit = {
  object_id: string
  kind: string
  display: string
  people: { id: string; name: string; relation: string }[]
}

/**
 * What the access policy lets this user see, as SQL over a column: a record (`record`, given its kind's column)
 * and a link or thing recorded in a live job (`inCase`, given the case id column).
 */
export type Visibility = {
  record: (kind: 'person' | 'location' | 'object', column: string) => RawBuilder<boolean>
  inCase: (column: string) => RawBuilder<boolean>
}

/** An exact phone, vehicle or deal line, with the people linked to it where the link is visible. */
export async function searchObjects(
  db: Queryable,
  kinds: string[],
  value: string,
  visible: Visibility,
): Promise<ObjectHit[]> {
  const { rows } = await sql<ObjectHit>`
    SELECT o.id AS object_id, o.kind, o.display,
      coalesce((SELECT json_agg(json_build_object('id', person_root(l.from_id), 'relation', l.relation,
        'name', ${displayName('l.from_id')}))
        FROM entity_links l WHERE l.to_type = 'object' AND l.to_id = o.id AND l.from_type = 'person'
          AND (l.case_id IS NULL OR ${visible.inCase('l.case_id')}) AND ${visible.record('person', 'l.from_id')}), '[]') AS people
    FROM objects o WHERE o.kind = ANY(${kinds}) AND o.value = ${value} AND ${visible.record('object', 'o.id')} LIMIT 20`.execute(
    db,
  )
  return rows
}

export type PlaceHit = {
  location_id: string
  text: string
  postcode: string | null
  cuckooed: boolean
  referrals: { id: string; reference: string }[]
}

/** Places by full postcode, or by sector ("LS11 5") when only that is given. */
export async function searchPostcode(
  db: Queryable,
  postcode: string,
  sector: boolean,
  limit: number,
  visible: Visibility,
): Promise<PlaceHit[]> {
  const where = sector ? sql`l.postcode_sector = ${postcode}` : sql`l.postcode = ${postcode}`
  const { rows } = await sql<PlaceHit>`
    SELECT l.id AS location_id, concat_ws(', ', l.address_line_1, l.town, l.postcode, l.description) AS text, l.postcode, l.cuckooed,
      coalesce((SELECT json_agg(json_build_object('id', r.id, 'reference', r.reference)) FROM referral_locations rl JOIN referrals r ON r.id = rl.referral_id WHERE rl.location_id = l.id), '[]') AS referrals
    FROM locations l WHERE ${where} AND ${visible.record('location', 'l.id')} ORDER BY l.postcode, l.address_line_1 LIMIT ${limit}`.execute(
    db,
  )
  return rows
}

export type ReferenceHit = {
  kind: 'referral' | 'case'
  id: string
  reference: string
  /** For a hit by a crime or occurrence reference: which, in words. */ matched?: string
}

/** A referral or live job by its reference; a restricted job the user may not see is not found. */
export async function searchReference(db: Queryable, reference: string, visible: Visibility): Promise<ReferenceHit[]> {
  const { rows } = await sql<ReferenceHit>`
    SELECT 'referral' AS kind, id, reference FROM referrals WHERE reference = ${reference}
    UNION ALL
    SELECT 'case', c.id, c.reference FROM cases c WHERE c.reference = ${reference} AND ${visible.inCase('c.id')}`.execute(
    db,
  )
  return rows
}
