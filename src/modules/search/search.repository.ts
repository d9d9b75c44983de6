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
 * People by name, across spellings and scripts: names are folded to Latin letters when stored, so trigram
 * similarity on the folded form finds "Nguyen Thao" for "Nguyễn Thảo". A strict similarity first keeps the
 * index's candidate set small; only when that finds too few does the search widen to catch typos. A date of
 * birth, when given, narrows the result.
 */
export async function searchPeopleByName(db: Queryable, folded: string, options: { dateOfBirth: string | null; birthYear: number | null; limit: number }): Promise<PersonHit[]> {
  const dob = options.dateOfBirth ? sql`AND p.date_of_birth = ${options.dateOfBirth}::date` : options.birthYear ? sql`AND extract(year FROM p.date_of_birth) = ${options.birthYear}` : sql``
  let hits: PersonHit[] = []
  for (const threshold of [0.6, 0.4]) {
    await sql`SELECT set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`.execute(db)
    const { rows } = await sql<PersonHit>`
      WITH matches AS (
        SELECT pn.person_id, pn.full_name, similarity(pn.normalised, ${folded}) AS score
        FROM person_names pn WHERE pn.normalised % ${folded}
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
      LIMIT ${options.limit}`.execute(db)
    hits = rows
    if (hits.length >= 5) break
  }
  return hits
}

export async function searchPeopleByDateOfBirth(db: Queryable, dateOfBirth: string, limit: number): Promise<PersonHit[]> {
  const { rows } = await sql<PersonHit>`
    SELECT p.id AS person_id, ${displayName('p.id')} AS name,
      '' AS matched_name, 1::float AS score, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.nationalities
    FROM people p WHERE p.date_of_birth = ${dateOfBirth}::date ORDER BY name LIMIT ${limit}`.execute(db)
  return rows
}

export type ObjectHit = { object_id: string; kind: string; display: string; people: { id: string; name: string; relation: string }[] }

/** An exact phone, vehicle or deal line, with the people linked to it. */
export async function searchObjects(db: Queryable, kinds: string[], value: string): Promise<ObjectHit[]> {
  const { rows } = await sql<ObjectHit>`
    SELECT o.id AS object_id, o.kind, o.display,
      coalesce((SELECT json_agg(json_build_object('id', l.from_id, 'relation', l.relation,
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
