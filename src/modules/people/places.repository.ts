import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { normaliseName } from '#src/shared/names.ts'
import { caseVisible, cuckooedVisible, recordVisible } from './access-policy.ts'
import { displayName } from './display-name.ts'
import type { LocationInput } from './person.schema.ts'

/**
 * Places and businesses as shared records: one place however many referrals and jobs record it, found by its
 * postcode and first line; one business however often it is named, found by name. The SQL owner of both.
 */

/** Someone who works no restricted job and supervises none: what is visible to them is visible to everyone. */
export const OUTSIDER: CurrentUser = {
  id: '00000000-0000-0000-0000-000000000000',
  email: '',
  displayName: '',
  roleId: '',
  roleName: '',
  permissions: new Set(),
}

const PLACE_TEXT = (l: string) =>
  sql.raw(`concat_ws(', ', ${l}.address_line_1, ${l}.address_line_2, ${l}.town, ${l}.postcode, ${l}.description)`)
const POSTCODE_KEY = (v: unknown) => sql`upper(regexp_replace(${v}, '[^A-Za-z0-9]', '', 'g'))`

export type PlaceMatch = { id: string; text: string; exact: boolean; referrals: number; cases: number }

/**
 * Places already recorded at the postcode, the same address (first line and postcode, ignoring case, spaces and
 * punctuation) first: what recording a place offers instead of a copy. Only places the user may see, never one
 * merged into another. Nothing without a postcode: an address is found by its postcode.
 */
export async function matchingPlaces(
  db: Queryable,
  place: { addressLine1: string | null; postcode: string | null },
  user: CurrentUser | null,
  limit = 10,
): Promise<PlaceMatch[]> {
  if (!place.postcode?.trim()) return []
  const line = (place.addressLine1 ?? '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
  const { rows } = await sql<PlaceMatch>`
    WITH k AS (SELECT ${POSTCODE_KEY(place.postcode)} AS pc, ${line}::text AS l1)
    SELECT l.id, ${PLACE_TEXT('l')} AS text,
      (k.l1 <> '' AND l.address_key = k.pc || '|' || k.l1) AS exact,
      (SELECT count(*) FROM referral_locations rl WHERE rl.location_id = l.id)::int AS referrals,
      (SELECT count(*) FROM case_locations cl WHERE cl.location_id = l.id AND ${caseVisible(sql.ref('cl.case_id'), user ?? OUTSIDER)})::int AS cases
    FROM locations l CROSS JOIN k
    WHERE ${POSTCODE_KEY(sql.ref('l.postcode'))} = k.pc AND l.postcode IS NOT NULL AND l.merged_into IS NULL
      AND ${recordVisible('location', sql.ref('l.id'), user ?? OUTSIDER)}
    ORDER BY exact DESC, l.address_line_1 = ${place.addressLine1} DESC, l.created_at, l.id
    LIMIT ${limit}`.execute(db)
  return rows
}

/**
 * The place this address already is (same first line and postcode, visible to the user; to everyone when no
 * user is given), or a new one: "12 Mill Road, NN2 6AB" from five referrals is one place with five links.
 */
export async function placeFor(
  db: Queryable,
  location: LocationInput,
  user: CurrentUser | null,
  create: (db: Queryable, location: LocationInput) => Promise<string>,
): Promise<{ id: string; reused: boolean }> {
  if (location.addressLine1 && location.postcode) {
    // The same choice as the first exact row of matchingPlaces, read by the address key's index alone: a save
    // runs this inside its transaction, and a common postcode has hundreds of places (issue 19).
    const line = location.addressLine1.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
    const { rows } = line
      ? await sql<{ id: string }>`
          SELECT l.id FROM locations l
          WHERE l.address_key = ${POSTCODE_KEY(location.postcode)} || '|' || ${line}::text
            AND l.merged_into IS NULL AND ${recordVisible('location', sql.ref('l.id'), user ?? OUTSIDER)}
          ORDER BY l.address_line_1 = ${location.addressLine1} DESC, l.created_at, l.id
          LIMIT 1`.execute(db)
      : { rows: [] }
    if (rows[0]) return { id: rows[0].id, reused: true }
  }
  return { id: await create(db, location), reused: false }
}

/**
 * The place a recorder said an address is ("Is this the same place? Yes"), as it reads now: the place it was
 * merged into, if it was. Only a place visible to everyone (outside restricted jobs), as referral intake offers
 * them; undefined otherwise, so a hidden place's address cannot be pulled into a referral by its id.
 */
export async function offeredPlace(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await sql<{ id: string }>`
    SELECT coalesce(l.merged_into, l.id) AS id FROM locations l
    WHERE l.id = ${id}::uuid AND ${recordVisible('location', sql.ref('l.id'), OUTSIDER)}`.execute(db)
  return rows[0]?.id
}

export async function isMergedPlace(db: Queryable, id: string): Promise<string | null> {
  const row = await db.selectFrom('locations').select('merged_into').where('id', '=', id).executeTakeFirst()
  return row?.merged_into ?? null
}

/** A place as its page shows it, with everything that records it (referrals, visible jobs, businesses, merges). */
export async function placeRecord(db: Queryable, id: string, user: CurrentUser) {
  const place = await db
    .selectFrom('locations')
    .select([
      'id',
      'address_line_1',
      'postcode',
      'premises_type',
      'cuckooed',
      'shared_place',
      'shared_place_kind',
      'merged_into',
      'unknown_others',
      'unknown_others_note',
      'unknown_others_on',
    ])
    .select(sql<string>`${PLACE_TEXT('locations')}`.as('display'))
    .where('id', '=', id)
    .executeTakeFirst()
  if (!place) return undefined
  const ids = sql`(SELECT ${id}::uuid UNION SELECT m.id FROM locations m WHERE m.merged_into = ${id}::uuid)`
  const cuckooedShown = place.cuckooed
    ? (await sql<{ shown: boolean }>`SELECT ${cuckooedVisible(sql`${id}::uuid`, user)} AS shown`.execute(db)).rows[0]!
        .shown
    : false
  const [referrals, cases, businesses, merged, survivor] = await Promise.all([
    sql<{ id: string; reference: string }>`
      SELECT DISTINCT r.id, r.reference FROM referral_locations rl JOIN referrals r ON r.id = rl.referral_id
      WHERE rl.location_id IN ${ids} ORDER BY r.reference`.execute(db),
    sql<{ id: string; reference: string; title: string }>`
      SELECT DISTINCT c.id, c.reference, c.title FROM case_locations cl JOIN cases c ON c.id = cl.case_id
      WHERE cl.location_id IN ${ids} AND ${caseVisible(sql.ref('c.id'), user)} ORDER BY c.reference`.execute(db),
    sql<{ id: string; name: string; kind: string }>`
      SELECT DISTINCT b.id, b.name, b.kind FROM business_premises bp JOIN businesses b ON b.id = coalesce(
        (SELECT s.merged_into FROM businesses s WHERE s.id = bp.business_id), bp.business_id)
      WHERE bp.location_id IN ${ids} AND ${businessVisible(sql.ref('b.id'), user)} ORDER BY b.name`.execute(db),
    sql<{ id: string; text: string }>`
      SELECT m.id, ${PLACE_TEXT('m')} AS text FROM locations m WHERE m.merged_into = ${id}::uuid ORDER BY m.created_at`.execute(
      db,
    ),
    place.merged_into
      ? sql<{
          id: string
          text: string
        }>`SELECT s.id, ${PLACE_TEXT('s')} AS text FROM locations s WHERE s.id = ${place.merged_into}::uuid`.execute(db)
      : Promise.resolve({ rows: [] as { id: string; text: string }[] }),
  ])
  return {
    place: { ...place, cuckooed: cuckooedShown },
    referrals: referrals.rows,
    cases: cases.rows,
    businesses: businesses.rows,
    merged: merged.rows,
    survivor: survivor.rows[0] ?? null,
  }
}

export async function setUnknownOthers(
  db: Queryable,
  id: string,
  estimate: { count: number | null; note: string | null; on: string | null },
): Promise<void> {
  await db
    .updateTable('locations')
    .set({
      unknown_others: estimate.count,
      unknown_others_note: estimate.count === null ? null : estimate.note,
      unknown_others_on: estimate.count === null ? null : estimate.on,
    })
    .where('id', '=', id)
    .execute()
}

export type JobUnknownOthers = { count: number; places: number }

/**
 * The estimate of people not yet identified across each live job's places: the sum of the estimates recorded on
 * them ("about 8 men sleeping on site" at one, 3 at another: about 11 at 2 places). A place merged into another
 * reads as the one it was merged into, so a job that recorded both copies counts it once. Jobs with none are left
 * out. The caller has already decided the jobs are ones the user may see; the places are the job's own.
 */
export async function unknownOthersOfJobs(
  db: Queryable,
  caseIds: readonly string[],
): Promise<Map<string, JobUnknownOthers>> {
  if (caseIds.length === 0) return new Map()
  const { rows } = await sql<{ case_id: string; count: number; places: number }>`
    SELECT j.case_id, sum(l.unknown_others)::int AS count, count(*)::int AS places
    FROM (SELECT DISTINCT cl.case_id, location_root(cl.location_id) AS id FROM case_locations cl
          WHERE cl.case_id = ANY(${[...new Set(caseIds)]}::uuid[])) j
    JOIN locations l ON l.id = j.id
    WHERE l.unknown_others > 0
    GROUP BY j.case_id`.execute(db)
  return new Map(rows.map((r) => [r.case_id, { count: r.count, places: r.places }]))
}

/**
 * The same total from a job's places as its page already reads them (each with the place it reads as, and that
 * place's estimate), so the page needs no query of its own: a place merged into another counts once.
 */
export function unknownOthersOfPlaces(
  places: readonly { root_id: string; root_unknown_others: number | null }[],
): JobUnknownOthers | null {
  const estimates = new Map(places.map((p) => [p.root_id, p.root_unknown_others ?? 0]))
  const counted = [...estimates.values()].filter((n) => n > 0)
  return counted.length > 0 ? { count: counted.reduce((a, b) => a + b, 0), places: counted.length } : null
}

/** "About 8 people not yet identified at 2 places": the job's estimate in the words its page and prompts use. */
export function unknownOthersText(estimate: JobUnknownOthers): string {
  return `About ${estimate.count} ${estimate.count === 1 ? 'person' : 'people'} not yet identified at ${estimate.places} ${estimate.places === 1 ? 'place' : 'places'}`
}

/** Merges a place recorded twice into the other: only `merged_into` changes, so unmerging restores it exactly. */
export async function mergeRecord(
  db: Queryable,
  kind: 'location' | 'business',
  change: { survivorId: string; mergedId: string; reason: string; by: string | null },
): Promise<string> {
  const table = kind === 'location' ? 'locations' : 'businesses'
  await db
    .updateTable(table)
    .set({ merged_into: change.survivorId })
    .where('id', '=', change.mergedId)
    .where('merged_into', 'is', null)
    .executeTakeFirstOrThrow()
  const id = uuidv7()
  await db
    .insertInto('record_merges')
    .values({
      id,
      kind,
      survivor_id: change.survivorId,
      merged_id: change.mergedId,
      reason: change.reason,
      merged_by: change.by,
    })
    .execute()
  return id
}

/** Undoes a merge; false when the record is no longer merged into that survivor. */
export async function unmergeRecord(
  db: Queryable,
  kind: 'location' | 'business',
  change: { survivorId: string; mergedId: string; reason: string; by: string | null },
): Promise<boolean> {
  const table = kind === 'location' ? 'locations' : 'businesses'
  const cleared = await db
    .updateTable(table)
    .set({ merged_into: null })
    .where('id', '=', change.mergedId)
    .where('merged_into', '=', change.survivorId)
    .executeTakeFirst()
  if (cleared.numUpdatedRows === 0n) return false
  await db
    .updateTable('record_merges')
    .set({ unmerged_by: change.by, unmerged_at: new Date(), unmerge_reason: change.reason })
    .where('kind', '=', kind)
    .where('merged_id', '=', change.mergedId)
    .where('survivor_id', '=', change.survivorId)
    .where('unmerged_at', 'is', null)
    .execute()
  return true
}

// Businesses ------------------------------------------------------------------------------------------------

/**
 * SQL: a business is hidden only when everything that records it is inside restricted live jobs the user does
 * not work (ADR 0009): named in a referral, a visible job, or against a visible person, it is visible.
 */
export function businessVisible(id: ReturnType<typeof sql.ref>, user: CurrentUser) {
  return sql<boolean>`NOT (
    EXISTS (SELECT 1 FROM business_links hb WHERE hb.business_id = ${id} AND hb.case_id IS NOT NULL AND NOT ${caseVisible(sql.ref('hb.case_id'), user)})
    AND NOT EXISTS (SELECT 1 FROM business_links vb WHERE vb.business_id = ${id} AND (vb.case_id IS NULL OR ${caseVisible(sql.ref('vb.case_id'), user)})))`
}

export async function isBusinessVisible(db: Queryable, id: string, user: CurrentUser): Promise<boolean> {
  const { rows } = await sql<{
    visible: boolean
  }>`SELECT ${businessVisible(sql`${id}::uuid` as never, user)} AS visible`.execute(db)
  return rows[0]?.visible ?? false
}

export const normaliseBusinessName = (name: string): string => normaliseName(name)

export async function insertBusiness(
  db: Queryable,
  row: { name: string; kind: string; notes: string | null; createdBy: string | null },
): Promise<string> {
  const id = uuidv7()
  await db
    .insertInto('businesses')
    .values({
      id,
      name: row.name,
      normalised: normaliseBusinessName(row.name),
      kind: row.kind,
      notes: row.notes,
      created_by: row.createdBy,
    })
    .execute()
  return id
}

export type BusinessMatch = {
  id: string
  name: string
  kind: string
  premises: string | null
  referrals: number
  cases: number
}

/**
 * Businesses by name: every word typed must start a word of the name ("Sparkle" finds "Sparkle hand car wash",
 * "car wash" finds it too), then close spellings by trigram. Visible and unmerged only; newest last.
 */
export async function findBusinesses(
  db: Queryable,
  query: string,
  user: CurrentUser,
  limit = 25,
): Promise<BusinessMatch[]> {
  const words = normaliseBusinessName(query).split(' ').filter(Boolean)
  const q = words.join(' ')
  const prefix = words.length
    ? sql.join(
        words.map((w) => sql`(' ' || b.normalised) LIKE ${`% ${w.replace(/[%_\\]/g, '')}%`}`),
        sql` AND `,
      )
    : sql`true`
  const { rows } = await sql<BusinessMatch>`
    SELECT b.id, b.name, b.kind,
      (SELECT string_agg(DISTINCT ${PLACE_TEXT('l')}, '; ') FROM business_premises bp JOIN locations l ON l.id = bp.location_id
        WHERE bp.business_id = b.id AND ${recordVisible('location', sql.ref('l.id'), user)}) AS premises,
      (SELECT count(DISTINCT referral_id) FROM business_links x WHERE x.business_id IN (SELECT b.id UNION SELECT m.id FROM businesses m WHERE m.merged_into = b.id))::int AS referrals,
      (SELECT count(DISTINCT case_id) FROM business_links x WHERE x.business_id IN (SELECT b.id UNION SELECT m.id FROM businesses m WHERE m.merged_into = b.id)
        AND x.case_id IS NOT NULL AND ${caseVisible(sql.ref('x.case_id'), user)})::int AS cases
    FROM businesses b
    WHERE b.merged_into IS NULL AND ${businessVisible(sql.ref('b.id'), user)}
      AND (${q} = '' OR (${prefix}) OR similarity(b.normalised, ${q}) > 0.4)
    ORDER BY (${q} <> '' AND (${prefix})) DESC, similarity(b.normalised, ${q}) DESC, b.name, b.id
    LIMIT ${limit}`.execute(db)
  return rows
}

export async function findBusiness(db: Queryable, id: string) {
  return db
    .selectFrom('businesses')
    .select(['id', 'name', 'kind', 'notes', 'merged_into', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** A business with its premises, the referrals and visible jobs it is named in, the people it employs, and merges. */
export async function businessRecord(db: Queryable, id: string, user: CurrentUser) {
  const business = await findBusiness(db, id)
  if (!business) return undefined
  const ids = sql`(SELECT ${id}::uuid UNION SELECT m.id FROM businesses m WHERE m.merged_into = ${id}::uuid)`
  const [premises, referrals, cases, people, merged, survivor] = await Promise.all([
    sql<{ id: string; text: string; unknown_others: number | null }>`
      SELECT DISTINCT l.id, ${PLACE_TEXT('l')} AS text, l.unknown_others FROM business_premises bp JOIN locations l ON l.id = bp.location_id
      WHERE bp.business_id IN ${ids} AND ${recordVisible('location', sql.ref('l.id'), user)} ORDER BY text`.execute(db),
    sql<{ id: string; reference: string; relation: string }>`
      SELECT DISTINCT r.id, r.reference, x.relation FROM business_links x JOIN referrals r ON r.id = x.referral_id
      WHERE x.business_id IN ${ids} ORDER BY r.reference`.execute(db),
    sql<{ id: string; reference: string; title: string; relation: string }>`
      SELECT DISTINCT c.id, c.reference, c.title, x.relation FROM business_links x JOIN cases c ON c.id = x.case_id
      WHERE x.business_id IN ${ids} AND ${caseVisible(sql.ref('c.id'), user)} ORDER BY c.reference`.execute(db),
    sql<{ id: string; name: string | null; relation: string }>`
      SELECT y.id, ${displayName('y.id')} AS name, y.relation FROM (
        SELECT DISTINCT person_root(x.person_id) AS id, x.relation
        FROM business_links x WHERE x.business_id IN ${ids} AND x.person_id IS NOT NULL
          AND (x.case_id IS NULL OR ${caseVisible(sql.ref('x.case_id'), user)})) y
      -- A person known only inside restricted jobs the user does not work stays off, however they were linked.
      WHERE ${recordVisible('person', sql.ref('y.id'), user)} ORDER BY name`.execute(db),
    sql<{
      id: string
      name: string
    }>`SELECT m.id, m.name FROM businesses m WHERE m.merged_into = ${id}::uuid ORDER BY m.created_at`.execute(db),
    business.merged_into
      ? sql<{
          id: string
          name: string
        }>`SELECT s.id, s.name FROM businesses s WHERE s.id = ${business.merged_into}::uuid`.execute(db)
      : Promise.resolve({ rows: [] as { id: string; name: string }[] }),
  ])
  return {
    business,
    premises: premises.rows,
    referrals: referrals.rows,
    cases: cases.rows,
    people: people.rows,
    merged: merged.rows,
    survivor: survivor.rows[0] ?? null,
  }
}

export async function addPremises(
  db: Queryable,
  businessId: string,
  locationId: string,
  by: string | null,
): Promise<void> {
  await db
    .insertInto('business_premises')
    .values({ business_id: businessId, location_id: locationId, added_by: by })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function linkBusiness(
  db: Queryable,
  link: {
    businessId: string
    referralId?: string | null
    caseId?: string | null
    personId?: string | null
    relation: string
    by: string | null
  },
): Promise<boolean> {
  const existing = await db
    .selectFrom('business_links')
    .select('id')
    .where('business_id', '=', link.businessId)
    .where('relation', '=', link.relation)
    .where((eb) =>
      eb.and([
        link.referralId ? eb('referral_id', '=', link.referralId) : eb('referral_id', 'is', null),
        link.caseId ? eb('case_id', '=', link.caseId) : eb('case_id', 'is', null),
        link.personId ? eb('person_id', '=', link.personId) : eb('person_id', 'is', null),
      ]),
    )
    .executeTakeFirst()
  if (existing) return false
  await db
    .insertInto('business_links')
    .values({
      id: uuidv7(),
      business_id: link.businessId,
      referral_id: link.referralId ?? null,
      case_id: link.caseId ?? null,
      person_id: link.personId ?? null,
      relation: link.relation,
      created_by: link.by,
    })
    .execute()
  return true
}

/** What a business can be linked to where the work happens: a referral, a live job or a person. */
export type BusinessTarget = { type: 'referral' | 'case' | 'person'; id: string }

/**
 * The businesses linked to a referral, a live job or a person (with the records merged into that person), each
 * read as the business it was merged into, if any: what the record's page lists with a link to the business.
 */
export async function businessesLinkedTo(db: Queryable, target: BusinessTarget) {
  const where =
    target.type === 'referral'
      ? sql`x.referral_id = ${target.id}::uuid`
      : target.type === 'case'
        ? sql`x.case_id = ${target.id}::uuid`
        : sql`x.person_id IN (SELECT person_identity(person_root(${target.id}::uuid)))`
  const { rows } = await sql<{ id: string; name: string; kind: string; relation: string }>`
    SELECT DISTINCT coalesce(b.merged_into, b.id) AS id, coalesce(s.name, b.name) AS name, coalesce(s.kind, b.kind) AS kind, x.relation
    FROM business_links x JOIN businesses b ON b.id = x.business_id LEFT JOIN businesses s ON s.id = b.merged_into
    WHERE ${where} ORDER BY name, relation`.execute(db)
  return rows
}

/** The businesses named in a live job, for its page and API. */
export const businessesOfCase = (db: Queryable, caseId: string) => businessesLinkedTo(db, { type: 'case', id: caseId })

/** What a link target is called on the "link a business" page (its reference, or the person's name); undefined when it does not exist. */
export async function targetLabel(db: Queryable, target: BusinessTarget): Promise<string | undefined> {
  if (target.type === 'referral') {
    const row = await db.selectFrom('referrals').select('reference').where('id', '=', target.id).executeTakeFirst()
    return row && `referral ${row.reference}`
  }
  if (target.type === 'case') {
    const row = await db
      .selectFrom('cases')
      .select(['reference', 'title'])
      .where('id', '=', target.id)
      .executeTakeFirst()
    return row && `live job ${row.reference}`
  }
  const { rows } = await sql<{
    name: string | null
  }>`SELECT ${displayName('p.id')} AS name FROM people p WHERE p.id = ${target.id}::uuid`.execute(db)
  return rows[0] && (rows[0].name ?? 'an unnamed person')
}

/** Finds a referral or a live job by its reference, for linking a business to it. */
export async function findByReference(
  db: Queryable,
  reference: string,
): Promise<{ type: 'referral' | 'case'; id: string } | undefined> {
  const ref = reference.trim().toUpperCase()
  const referral = await db.selectFrom('referrals').select('id').where('reference', '=', ref).executeTakeFirst()
  if (referral) return { type: 'referral', id: referral.id }
  const job = await db.selectFrom('cases').select('id').where('reference', '=', ref).executeTakeFirst()
  return job ? { type: 'case', id: job.id } : undefined
}
