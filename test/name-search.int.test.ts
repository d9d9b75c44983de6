import { foldFigures } from '#src/platform/db/figures-fold.ts'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { searchPeopleByName } from '#src/modules/search/search.repository.ts'
import { displayName } from '#src/modules/people/display-name.ts'
import { normaliseName } from '#src/shared/names.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'

let ctx: TestContext

/** People with the given names (the first is the main name), inserted as the bench does: the triggers index them. */
async function addPeople(names: string[][]): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO people (id, gender, nationalities, languages, updated_at)
    SELECT gen_random_uuid(), 'unknown', '{}', '{}', now() FROM generate_series(1, ${names.length}) RETURNING id`.execute(
    ctx.db,
  )
  const flat = names.flatMap((list, i) => list.map((name, position) => ({ person: rows[i].id, name, position })))
  await sql`
    INSERT INTO person_names (id, person_id, kind, full_name, normalised, script, position)
    SELECT gen_random_uuid(), t.person, CASE WHEN t.position = 0 THEN 'primary' ELSE 'alias' END, t.name, t.folded, 'Latn', t.position
    FROM unnest(${flat.map((f) => f.person)}::uuid[], ${flat.map((f) => f.name)}::text[], ${flat.map((f) => normaliseName(f.name))}::text[], ${flat.map((f) => f.position)}::int[])
      AS t(person, name, folded, position)`.execute(ctx.db)
  return rows.map((r) => r.id)
}

/**
 * Name search as it was before the rarest pair was read first (ADR 0005 as first written): every pair of the
 * words typed at once, names holding the most pairs first, 500 of them, ranked the same way. Exact spellings
 * only, which is all this set needs.
 */
async function searchBefore(query: string) {
  const folded = normaliseName(query)
  const words = [...new Set(folded.split(' ').filter((w) => w.length >= 2))]
  const { rows: ids } = await sql<{ id: number }>`SELECT id FROM name_words WHERE word = ANY(${words}::text[])`.execute(
    ctx.db,
  )
  const keys: string[] = []
  for (let i = 0; i < ids.length; i++)
    for (let j = i + 1; j < ids.length; j++)
      keys.push(((BigInt(Math.min(ids[i].id, ids[j].id)) << 32n) | BigInt(Math.max(ids[i].id, ids[j].id))).toString())
  const { rows: candidates } = await sql<{ name_id: string }>`
    SELECT pp.name_id FROM person_name_word_pairs pp WHERE pp.pair = ANY(${keys}::bigint[]) GROUP BY pp.name_id ORDER BY count(*) DESC LIMIT 500`.execute(
    ctx.db,
  )
  const { rows } = await sql<{ person_id: string; name: string; matched_name: string; score: number }>`
    WITH scored AS (
      SELECT CASE WHEN pe.merged_into IS NULL THEN pe.id ELSE person_root(pe.id) END AS person_id, pn.full_name, similarity(pn.normalised, ${folded}) AS score
      FROM person_names pn JOIN people pe ON pe.id = pn.person_id WHERE pn.id = ANY(${candidates.map((c) => c.name_id)}::uuid[])
      ORDER BY score DESC LIMIT 500
    ),
    best AS (SELECT DISTINCT ON (person_id) person_id, full_name, score FROM scored ORDER BY person_id, score DESC)
    SELECT b.person_id, ${displayName('b.person_id')} AS name, b.full_name AS matched_name, round(b.score::numeric, 2)::float AS score
    FROM best b ORDER BY b.score DESC, name LIMIT 50`.execute(ctx.db)
  return rows
}

const search = (query: string) =>
  ctx.db
    .transaction()
    .execute((trx) => searchPeopleByName(trx, normaliseName(query), { dateOfBirth: null, birthYear: null, limit: 50 }))
// Rows of equal score and name, and a person's names of equal score, come in no set order (before or after).
const shape = (rows: { person_id: string; name: string | null; score: number }[]) =>
  rows
    .map((r) => `${r.score.toFixed(2)} ${r.name} ${r.person_id}`)
    .sort((a, b) => Number(b.slice(0, 4)) - Number(a.slice(0, 4)) || a.localeCompare(b))
// The use counts as the background fold leaves them (migration 0054), folded now rather than waited for.
const count = async (word: string) => {
  await foldFigures(ctx.db)
  return (
    (await sql<{ names: number }>`SELECT names FROM name_words WHERE word = ${word}`.execute(ctx.db)).rows[0]?.names ??
    null
  )
}

const FAMILIES = [
  'Wang',
  'Zhang',
  'Chen',
  'Liu',
  'Yang',
  'Huang',
  'Zhao',
  'Wu',
  'Zhou',
  'Xu',
  'Sun',
  'Ma',
  'Zhu',
  'Hu',
  'Guo',
  'He',
  'Lin',
  'Gao',
  'Luo',
  'Zheng',
]

beforeAll(async () => {
  ctx = await createTestContext()
  // 600 "Li Na …" (a common pair, more than the 500 ranked), the three-word name a few times in both orders,
  // and people sharing only two of its words.
  await addPeople(Array.from({ length: 600 }, (_, i) => [`Li Na ${FAMILIES[i % FAMILIES.length]}`]))
  await addPeople([
    ['Li Na Singh'],
    ['Li Na Singh', 'SINGH Li Na'],
    ['Na Li Singh'],
    ['Li Na Singh Kaur'],
    ['Na Singh'],
    ['Li Singh'],
    ['Li Singh'],
    ['Harpreet Singh'],
  ])
  // A small set where every candidate fits, so before and after must agree row for row.
  await addPeople([
    ['Ana Maria Popescu'],
    ['Ana Popescu'],
    ['Maria Popescu'],
    ['Ana Maria Ionescu'],
    ['Maria Ana Popescu'],
    ['Popescu Ana'],
    ['Ana Maria'],
  ])
}, 120_000)
afterAll(() => ctx.close())

describe('name search reads the rarest pair of words first', () => {
  it('counts the names using each word, through inserts, renames and deletes', async () => {
    expect(await count('li')).toBe(600 + 7)
    expect(await count('na')).toBe(600 + 6)
    expect(await count('singh')).toBe(8 + 1)
    const [person] = await addPeople([['Priya Singh']])
    expect(await count('singh')).toBe(10)
    expect(await count('priya')).toBe(1)
    await sql`UPDATE person_names SET full_name = 'Priya Sharma', normalised = 'priya sharma' WHERE person_id = ${person}`.execute(
      ctx.db,
    )
    expect(await count('singh')).toBe(9)
    expect(await count('sharma')).toBe(1)
    await sql`DELETE FROM person_names WHERE person_id = ${person}`.execute(ctx.db)
    expect(await count('sharma')).toBe(0)
    expect(await count('priya')).toBe(0)
    expect(await count('singh')).toBe(9)
  })

  it('finds every name holding all three words first, as before, without reading the common pair whole', async () => {
    const after = await search('Li Na Singh')
    const before = await searchBefore('Li Na Singh')
    const full = <T extends { score: number }>(rows: T[]) => rows.filter((r) => r.score >= 0.9)
    expect(full(after).length).toBeGreaterThanOrEqual(3)
    expect(shape(full(after))).toEqual(shape(full(before)))
    expect(after.slice(0, 3).map((r) => r.name)).toEqual(['Li Na Singh', 'Li Na Singh', 'Na Li Singh'])
    expect(after.map((r) => r.name)).toEqual(expect.arrayContaining(['Li Na Singh Kaur', 'Na Singh', 'Li Singh']))
    // The rest are ranked by score, as before, however many "Li Na" there are.
    expect(after.map((r) => r.score)).toEqual([...after.map((r) => r.score)].sort((a, b) => b - a))
    expect(after.length).toBe(before.length)
  })

  it('gives the same results, row for row, when every candidate fits', async () => {
    for (const query of [
      'Ana Maria Popescu',
      'Popescu Ana',
      'Maria Ana',
      'Singh Li',
      'Harpreet Singh',
      'Ana Maria Popescu Ionescu',
    ]) {
      expect(shape(await search(query)), query).toEqual(shape(await searchBefore(query)))
    }
  })
})
