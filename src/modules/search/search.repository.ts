import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/display-name.ts'

export type PersonHit = {
  person_id: string
  name: string
  matched_name: string
  score: number
  date_of_birth: string | null
  approximate_age: number | null
  nationalities: string[]
}

/**
 * People by name, across spellings and scripts. Names are folded to Latin letters when stored and split into
 * words (see migration 0005): each word typed is looked up in the small vocabulary of name words, by itself, by
 * one slip (deletion keys), by sound (Double Metaphone, consonant skeleton), or failing those by trigram
 * similarity among the name words (never among all names); a name is a candidate when every
 * word typed (at least two of them, when several are typed) found one of its words, in any order, through
 * pair keys. Candidates are ranked by trigram similarity of the whole folded name. Only when too few of the
 * words are known names at all does a trigram search over every name run, to catch what words cannot (a name
 * written as one word, "wangfang" for "Wang Fang"). Single letters (initials) count in ranking, not finding.
 */
export async function searchPeopleByName(db: Queryable, folded: string, options: { dateOfBirth: string | null; birthYear: number | null; limit: number }): Promise<PersonHit[]> {
  const dob = options.dateOfBirth ? sql`AND p.date_of_birth = ${options.dateOfBirth}::date` : options.birthYear ? sql`AND extract(year FROM p.date_of_birth) = ${options.birthYear}` : sql``
  const words = [...new Set(folded.split(' ').filter((w) => w.length >= 2))].slice(0, 6)
  if (words.length > 0) {
    // Two steps, so the planner sees the actual word ids (a handful) and walks the postings index for each,
    // rather than guessing from a set-returning function and scanning every posting.
    const { rows: found } = await sql<{ n: number; id: number }>`
      SELECT DISTINCT typed.n::int AS n, v.id
      FROM unnest(${words}::text[]) WITH ORDINALITY AS typed(word, n)
      JOIN LATERAL (
        SELECT k.word_id AS id FROM name_word_keys k WHERE k.key IN (SELECT name_word_keys(typed.word))
        UNION
        SELECT w.id FROM name_words w
        WHERE length(typed.word) >= 3
          AND ((w.sound = dmetaphone(typed.word) AND left(w.word, 1) = left(typed.word, 1) AND abs(length(w.word) - length(typed.word)) <= 2)
            OR (w.skeleton = name_skeleton(typed.word) AND length(w.skeleton) >= 2))
      ) v ON true`.execute(db)
    const unmatched = words.map((word, i) => ({ word, n: i + 1 })).filter((w) => w.word.length >= 4 && !found.some((f) => f.n === w.n))
    if (unmatched.length > 0) {
      await sql`SELECT set_config('pg_trgm.similarity_threshold', '0.4', true)`.execute(db)
      const { rows: near } = await sql<{ n: number; id: number }>`
        SELECT typed.n::int AS n, v.id
        FROM unnest(${unmatched.map((w) => w.word)}::text[], ${unmatched.map((w) => w.n)}::int[]) AS typed(word, n)
        JOIN LATERAL (SELECT w.id FROM name_words w WHERE w.word % typed.word ORDER BY similarity(w.word, typed.word) DESC LIMIT 5) v ON true`.execute(db)
      found.push(...near)
    }
    const known = new Set(found.map((f) => f.n))
    // None of the words is a known name (a name never seen, or written as one word, like "wangfang" for
    // "Wang Fang"): only trigram similarity over whole names can find it.
    if (known.size === 0) return searchPeopleByTrigram(db, folded, dob, options.limit)
    // Two or more known words: the pairs of spellings of any two of them, names matching most pairs first.
    // One known word: its postings, the exact spelling first (the Append's first branch, so LIMIT stops early).
    // Either way a bounded list of name ids, fetched before ranking so the planner ranks a known handful by
    // primary key instead of guessing and scanning every name.
    const { rows: exact } = await sql<{ id: number }>`SELECT id FROM name_words WHERE word = ANY(${words}::text[])`.execute(db)
    const exactSet = new Set(exact.map((e) => e.id))
    const { rows: candidates } =
      known.size >= 2
        ? await sql<{ name_id: string }>`
            SELECT pp.name_id FROM person_name_word_pairs pp
            WHERE pp.pair = ANY(${pairKeys(found, words.length)}::bigint[])
            GROUP BY pp.name_id ORDER BY count(*) DESC LIMIT 500`.execute(db)
        : await sql<{ name_id: string }>`
            SELECT name_id FROM (
              SELECT pw.name_id FROM person_name_words pw WHERE pw.word_id = ANY(${found.filter((f) => exactSet.has(f.id)).map((f) => f.id)}::int[])
              UNION ALL
              SELECT pw.name_id FROM person_name_words pw WHERE pw.word_id = ANY(${found.filter((f) => !exactSet.has(f.id)).map((f) => f.id)}::int[])
            ) x LIMIT 500`.execute(db)
    if (candidates.length === 0) return []
    const { rows } = await sql<PersonHit>`
      WITH scored AS (
        SELECT CASE WHEN pe.merged_into IS NULL THEN pe.id ELSE person_root(pe.id) END AS person_id, pn.full_name, similarity(pn.normalised, ${folded}) AS score
        FROM person_names pn JOIN people pe ON pe.id = pn.person_id WHERE pn.id = ANY(${candidates.map((c) => c.name_id)}::uuid[])
        ORDER BY score DESC LIMIT 500
      ),
      best AS (
        SELECT DISTINCT ON (person_id) person_id, full_name, score FROM scored ORDER BY person_id, score DESC
      )
      SELECT b.person_id, ${displayName('b.person_id')} AS name,
        b.full_name AS matched_name, round(b.score::numeric, 2)::float AS score, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.nationalities
      FROM best b JOIN people p ON p.id = b.person_id
      WHERE true ${dob}
      ORDER BY b.score DESC, name
      LIMIT ${options.limit}`.execute(db)
    return rows
  }
  return searchPeopleByTrigram(db, folded, dob, options.limit)
}

/** The pair keys (as name_word_pair computes them) for every two words typed, across their spellings. */
function pairKeys(found: { n: number; id: number }[], wordCount: number): string[] {
  const keys = new Set<string>()
  for (let i = 1; i <= wordCount; i++) {
    for (let j = i + 1; j <= wordCount; j++) {
      for (const a of found.filter((f) => f.n === i)) {
        for (const b of found.filter((f) => f.n === j)) {
          if (a.id === b.id) continue
          const [lo, hi] = a.id < b.id ? [a.id, b.id] : [b.id, a.id]
          keys.add(((BigInt(lo) << 32n) | BigInt(hi)).toString())
        }
      }
    }
  }
  return [...keys]
}

async function searchPeopleByTrigram(db: Queryable, folded: string, dob: ReturnType<typeof sql>, limit: number): Promise<PersonHit[]> {
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

export async function searchPeopleByDateOfBirth(db: Queryable, dateOfBirth: string, limit: number): Promise<PersonHit[]> {
  const { rows } = await sql<PersonHit>`
    SELECT p.id AS person_id, ${displayName('p.id')} AS name,
      '' AS matched_name, 1::float AS score, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.nationalities
    FROM people p WHERE p.date_of_birth = ${dateOfBirth}::date AND p.merged_into IS NULL ORDER BY name LIMIT ${limit}`.execute(db)
  return rows
}

export type ObjectHit = { object_id: string; kind: string; display: string; people: { id: string; name: string; relation: string }[] }

/** An exact phone, vehicle or deal line, with the people linked to it. */
export async function searchObjects(db: Queryable, kinds: string[], value: string): Promise<ObjectHit[]> {
  const { rows } = await sql<ObjectHit>`
    SELECT o.id AS object_id, o.kind, o.display,
      coalesce((SELECT json_agg(json_build_object('id', person_root(l.from_id), 'relation', l.relation,
        'name', ${displayName('l.from_id')}))
        FROM entity_links l WHERE l.to_type = 'object' AND l.to_id = o.id AND l.from_type = 'person'), '[]') AS people
    FROM objects o WHERE o.kind = ANY(${kinds}) AND o.value = ${value} LIMIT 20`.execute(db)
  return rows
}

export type PlaceHit = { location_id: string; text: string; postcode: string | null; cuckooed: boolean; referrals: { id: string; reference: string }[] }

/** Places by full postcode, or by sector ("LS11 5") when only that is given. */
export async function searchPostcode(db: Queryable, postcode: string, sector: boolean, limit: number): Promise<PlaceHit[]> {
  const where = sector ? sql`l.postcode_sector = ${postcode}` : sql`l.postcode = ${postcode}`
  const { rows } = await sql<PlaceHit>`
    SELECT l.id AS location_id, concat_ws(', ', l.address_line_1, l.town, l.postcode, l.description) AS text, l.postcode, l.cuckooed,
      coalesce((SELECT json_agg(json_build_object('id', r.id, 'reference', r.reference)) FROM referral_locations rl JOIN referrals r ON r.id = rl.referral_id WHERE rl.location_id = l.id), '[]') AS referrals
    FROM locations l WHERE ${where} ORDER BY l.postcode, l.address_line_1 LIMIT ${limit}`.execute(db)
  return rows
}

export type ReferenceHit = { kind: 'referral' | 'case'; id: string; reference: string; restricted: boolean; member: boolean }

export async function searchReference(db: Queryable, reference: string, userId: string): Promise<ReferenceHit[]> {
  const { rows } = await sql<ReferenceHit>`
    SELECT 'referral' AS kind, id, reference, false AS restricted, true AS member FROM referrals WHERE reference = ${reference}
    UNION ALL
    SELECT 'case', c.id, c.reference, c.restricted,
      c.officer_in_charge = ${userId} OR EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = c.id AND m.user_id = ${userId})
    FROM cases c WHERE c.reference = ${reference}`.execute(db)
  return rows
}
