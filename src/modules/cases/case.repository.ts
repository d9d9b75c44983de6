import { sql } from 'kysely'
import { prepared } from '#src/platform/db/prepared.ts'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { caseVisible, displayName } from '#src/modules/people/index.ts'

export type CaseRow = Pick<
  Row<'cases'>,
  | 'id'
  | 'reference'
  | 'title'
  | 'kind'
  | 'status'
  | 'summary'
  | 'officer_in_charge'
  | 'operation_id'
  | 'restricted'
  | 'created_at'
> & { oic_name: string | null; operation_name: string | null }

export async function nextCaseReference(db: Queryable, year: number): Promise<string> {
  const { rows } = await sql<{ n: string }>`SELECT nextval('case_reference_seq')::text AS n`.execute(db)
  return `CASE-${year}-${rows[0].n.padStart(6, '0')}`
}

export async function insertCase(
  db: Queryable,
  row: {
    id: string
    reference: string
    title: string
    kind: string
    summary: string | null
    officer_in_charge: string | null
    created_by: string | null
  },
): Promise<void> {
  await db
    .insertInto('cases')
    .values({ ...row, updated_at: new Date() })
    .execute()
}

const caseColumns = [
  'cases.id',
  'cases.reference',
  'cases.title',
  'cases.kind',
  'cases.status',
  'cases.summary',
  'cases.officer_in_charge',
  'cases.operation_id',
  'cases.restricted',
  'cases.created_at',
] as const

export async function findCase(db: Queryable, id: string): Promise<CaseRow | undefined> {
  return db
    .selectFrom('cases')
    .leftJoin('users', 'users.id', 'cases.officer_in_charge')
    .leftJoin('operations', 'operations.id', 'cases.operation_id')
    .select([...caseColumns, 'users.display_name as oic_name', 'operations.name as operation_name'])
    .where('cases.id', '=', id)
    .executeTakeFirst()
}

/** Open cases first; restricted cases only for those the access policy lets see them. */
export async function listCases(
  db: Queryable,
  options: { user: CurrentUser; status: string | null; kind?: string | null; operationId?: string; limit: number },
): Promise<CaseRow[]> {
  let query = db
    .selectFrom('cases')
    .leftJoin('users', 'users.id', 'cases.officer_in_charge')
    .leftJoin('operations', 'operations.id', 'cases.operation_id')
    .select([...caseColumns, 'users.display_name as oic_name', 'operations.name as operation_name'])
    .orderBy('cases.created_at', 'desc')
    .limit(options.limit)
  if (options.status) query = query.where('cases.status', '=', options.status)
  if (options.kind) query = query.where('cases.kind', '=', options.kind)
  if (options.operationId) query = query.where('cases.operation_id', '=', options.operationId)
  return query.where(caseVisible('cases.id', options.user)).execute()
}

/** An active user whose role can work live jobs: who may be made officer in charge. */
export async function findCaseWorker(
  db: Queryable,
  userId: string,
): Promise<{ id: string; display_name: string } | undefined> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return undefined
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.display_name'])
    .where('users.id', '=', userId)
    .where('users.disabled_at', 'is', null)
    .where(sql<boolean>`'case:edit' = ANY(roles.permissions)`)
    .executeTakeFirst()
}

export async function isMember(db: Queryable, caseId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('case_members')
    .select('user_id')
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row !== undefined
}

export async function addMember(
  db: Queryable,
  caseId: string,
  userId: string,
  victimFacet: boolean,
  addedBy: string | null = null,
): Promise<void> {
  await db
    .insertInto('case_members')
    .values({ case_id: caseId, user_id: userId, victim_facet: victimFacet, added_by: addedBy })
    .onConflict((oc) => oc.columns(['case_id', 'user_id']).doUpdateSet({ victim_facet: victimFacet }))
    .execute()
}

export async function removeMember(db: Queryable, caseId: string, userId: string): Promise<boolean> {
  const removed = await db
    .deleteFrom('case_members')
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .returning('user_id')
    .executeTakeFirst()
  return removed !== undefined
}

export type MemberRow = Pick<Row<'case_members'>, 'user_id' | 'victim_facet' | 'added_at'> & {
  display_name: string
  role_name: string
}

/** A live job's team: who works it, and whether on its victim side or its suspect side. */
const listMembersQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_members')
    .innerJoin('users', 'users.id', 'case_members.user_id')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'case_members.user_id',
      'users.display_name',
      'roles.name as role_name',
      'case_members.victim_facet',
      'case_members.added_at',
    ])
    .where('case_members.case_id', '=', caseId)
    .orderBy('users.display_name'),
)

export async function listMembers(db: Queryable, caseId: string): Promise<MemberRow[]> {
  return listMembersQuery(db, caseId)
}

/** Active users who can be put on a live job's team: officers, the PCSO and ISAs (anyone who can see people). */
export async function listTeamCandidates(
  db: Queryable,
): Promise<{ id: string; display_name: string; role_name: string }[]> {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.display_name', 'roles.name as role_name'])
    .where('users.disabled_at', 'is', null)
    .where(sql<boolean>`'person:view' = ANY(roles.permissions)`)
    .orderBy('users.display_name')
    .execute()
}

export async function removeCasePerson(
  db: Queryable,
  caseId: string,
  personId: string,
  role: string,
): Promise<boolean> {
  const removed = await db
    .deleteFrom('case_people')
    .where('case_id', '=', caseId)
    .where('person_id', '=', personId)
    .where('role', '=', role)
    .returning('person_id')
    .executeTakeFirst()
  return removed !== undefined
}

export async function addCasePerson(
  db: Queryable,
  caseId: string,
  personId: string,
  role: string,
  addedBy: string | null,
): Promise<boolean> {
  const inserted = await db
    .insertInto('case_people')
    .values({ case_id: caseId, person_id: personId, role, added_by: addedBy })
    .onConflict((oc) => oc.doNothing())
    .returning('person_id')
    .executeTakeFirst()
  return inserted !== undefined
}

export type CasePersonRow = Pick<Row<'case_people'>, 'person_id'> &
  Pick<Row<'people'>, 'date_of_birth' | 'approximate_age' | 'age_disputed' | 'vulnerability'> & {
    name: string | null
    roles: string[]
    victim_elsewhere: boolean
  }

export async function listCasePeople(db: Queryable, caseId: string): Promise<CasePersonRow[]> {
  const { rows } = await sql<CasePersonRow>`
    SELECT cp.person_id,
      ${displayName('cp.person_id')} AS name,
      array_agg(cp.role ORDER BY cp.added_at) AS roles, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.age_disputed, p.vulnerability,
      -- Only the fact, never the content: the victim facet itself stays with the officers working it.
      (EXISTS (SELECT 1 FROM referral_subjects rs WHERE rs.person_id = cp.person_id AND rs.role = 'potential-victim')
        OR EXISTS (SELECT 1 FROM case_people o WHERE o.person_id = cp.person_id AND o.case_id <> ${caseId} AND o.role IN ('potential-victim', 'victim'))) AS victim_elsewhere
    FROM case_people cp JOIN people p ON p.id = cp.person_id
    WHERE cp.case_id = ${caseId}
    GROUP BY cp.person_id, p.id
    ORDER BY min(cp.added_at)`.execute(db)
  return rows
}

export async function linkCaseLocation(db: Queryable, caseId: string, locationId: string): Promise<void> {
  await db
    .insertInto('case_locations')
    .values({ case_id: caseId, location_id: locationId })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

export async function linkCaseObject(db: Queryable, caseId: string, objectId: string): Promise<void> {
  await db
    .insertInto('case_objects')
    .values({ case_id: caseId, object_id: objectId })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

const listCaseLocationsQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_locations')
    .innerJoin('locations', 'locations.id', 'case_locations.location_id')
    .select([
      'locations.id',
      'locations.address_line_1',
      'locations.town',
      'locations.postcode',
      'locations.description',
      'locations.premises_type',
      'locations.cuckooed',
      'locations.unknown_others',
      // The place it reads as when it was merged into another, and that place's estimate: the job's total.
      sql<string>`location_root(locations.id)`.as('root_id'),
      sql<number | null>`(SELECT r.unknown_others FROM locations r WHERE r.id = location_root(locations.id))`.as(
        'root_unknown_others',
      ),
    ])
    .where('case_locations.case_id', '=', caseId),
)

export async function listCaseLocations(db: Queryable, caseId: string) {
  return listCaseLocationsQuery(db, caseId)
}

const listCaseObjectsQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_objects')
    .innerJoin('objects', 'objects.id', 'case_objects.object_id')
    .select(['objects.id', 'objects.kind', 'objects.display', 'objects.details'])
    .where('case_objects.case_id', '=', caseId),
)

export async function listCaseObjects(db: Queryable, caseId: string) {
  return listCaseObjectsQuery(db, caseId)
}

/** Who is linked to each of a case's objects and places (runs a deal line, occupies a cuckooed address). */
export async function listLinksForCase(db: Queryable, caseId: string) {
  const { rows } = await sql<{
    person_id: string
    name: string | null
    relation: string
    to_type: string
    to_id: string
    date_of_birth: string | null
    approximate_age: number | null
    age_disputed: boolean
  }>`
    SELECT l.from_id AS person_id, ${displayName('l.from_id')} AS name,
      l.relation, l.to_type, l.to_id, p.date_of_birth::text AS date_of_birth, p.approximate_age, p.age_disputed
    FROM entity_links l JOIN people p ON p.id = l.from_id
    WHERE l.from_type = 'person' AND l.case_id = ${caseId}`.execute(db)
  return rows
}

const listCaseReferralsQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_referrals')
    .innerJoin('referrals', 'referrals.id', 'case_referrals.referral_id')
    .select(['referrals.id', 'referrals.reference', 'referrals.status'])
    .where('case_referrals.case_id', '=', caseId),
)

export async function listCaseReferrals(db: Queryable, caseId: string) {
  return listCaseReferralsQuery(db, caseId)
}

const listTasksQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_tasks')
    .leftJoin('users', 'users.id', 'case_tasks.owner_id')
    .select([
      'case_tasks.id',
      'case_tasks.title',
      'case_tasks.owner_id',
      'users.display_name as owner_name',
      'case_tasks.due_on',
      'case_tasks.status',
      'case_tasks.completed_at',
    ])
    .where('case_tasks.case_id', '=', caseId)
    .orderBy('case_tasks.status')
    .orderBy('case_tasks.due_on'),
)

export async function listTasks(db: Queryable, caseId: string) {
  return listTasksQuery(db, caseId)
}

const listDecisionsQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_decisions')
    .innerJoin('users', 'users.id', 'case_decisions.recorded_by')
    .select([
      'case_decisions.id',
      'case_decisions.decided_on',
      'case_decisions.decision',
      'case_decisions.rationale',
      'case_decisions.recorded_at',
      'case_decisions.recorded_by',
      'users.display_name as recorded_by_name',
    ])
    .where('case_decisions.case_id', '=', caseId)
    .orderBy('case_decisions.recorded_at'),
)

export async function listDecisions(db: Queryable, caseId: string) {
  return listDecisionsQuery(db, caseId)
}

export async function listEvents(db: Queryable, caseId: string) {
  const { rows } = await sql<{
    id: string
    kind: string
    occurred_at: Date
    time_known: boolean
    summary: string
    place: string | null
    people: string[] | null
  }>`
    SELECT e.id, e.kind, e.occurred_at, e.time_known, e.summary,
      (SELECT concat_ws(', ', l.address_line_1, l.town, l.postcode, l.description) FROM locations l WHERE l.id = e.location_id) AS place,
      (SELECT array_agg(${displayName('ep.person_id')}) FROM event_people ep WHERE ep.event_id = e.id) AS people
    FROM events e WHERE e.case_id = ${caseId} ORDER BY e.occurred_at DESC`.execute(db)
  return rows
}

const listCaseAgenciesQuery = prepared((db: Queryable, caseId: string) =>
  db
    .selectFrom('case_agencies')
    .innerJoin('agencies', 'agencies.id', 'case_agencies.agency_id')
    .leftJoin('agency_contacts', 'agency_contacts.id', 'case_agencies.contact_id')
    .select([
      'case_agencies.agency_id',
      'agencies.name',
      'agencies.kind',
      'case_agencies.involvement',
      'agency_contacts.name as contact_name',
      'agency_contacts.phone as contact_phone',
      'agency_contacts.email as contact_email',
      'case_agencies.added_at',
    ])
    .where('case_agencies.case_id', '=', caseId)
    .orderBy('case_agencies.added_at'),
)

export async function listCaseAgencies(db: Queryable, caseId: string) {
  return listCaseAgenciesQuery(db, caseId)
}

export type EventAcrossCasesRow = Pick<
  Row<'events'>,
  'id' | 'kind' | 'occurred_at' | 'time_known' | 'summary' | 'location_id'
> & {
  case_id: string
  reference: string
  place: string | null
  people: { id: string; name: string | null }[]
}

/** Events involving a person or at a place, across the live jobs the user may see, newest first. */
export async function listEventsFor(
  db: Queryable,
  filter: { personId?: string; locationId?: string },
  viewer: CurrentUser,
  limit: number,
): Promise<EventAcrossCasesRow[]> {
  const where = filter.personId
    ? sql`EXISTS (SELECT 1 FROM event_people f WHERE f.event_id = e.id AND f.person_id IN (SELECT person_identity(${filter.personId}::uuid)))`
    : sql`e.location_id = ${filter.locationId ?? null}`
  const visible = caseVisible('c.id', viewer)
  const { rows } = await sql<EventAcrossCasesRow>`
    SELECT e.id, e.kind, e.occurred_at, e.time_known, e.summary, c.id AS case_id, c.reference, e.location_id,
      (SELECT concat_ws(', ', l.address_line_1, l.town, l.postcode, l.description) FROM locations l WHERE l.id = e.location_id) AS place,
      coalesce((SELECT json_agg(json_build_object('id', ep.person_id, 'name', ${displayName('ep.person_id')})) FROM event_people ep WHERE ep.event_id = e.id), '[]') AS people
    FROM events e JOIN cases c ON c.id = e.case_id
    WHERE ${where} AND ${visible}
    ORDER BY e.occurred_at DESC
    LIMIT ${limit}`.execute(db)
  return rows
}

export type TaskWorkRow = Pick<Row<'case_tasks'>, 'id' | 'title' | 'due_on' | 'case_id'> & {
  reference: string
  owner_name: string | null
}

/** Open tasks on live jobs the viewer may see: one officer's, or (for a supervisor) everyone's, earliest due first. */
export async function listOpenTasks(
  db: Queryable,
  viewer: CurrentUser,
  ownerId: string | null,
  limit: number,
): Promise<TaskWorkRow[]> {
  let query = db
    .selectFrom('case_tasks')
    .innerJoin('cases', 'cases.id', 'case_tasks.case_id')
    .leftJoin('users', 'users.id', 'case_tasks.owner_id')
    .select([
      'case_tasks.id',
      'case_tasks.title',
      'case_tasks.due_on',
      'case_tasks.case_id',
      'cases.reference',
      'users.display_name as owner_name',
    ])
    .where('case_tasks.status', '=', 'open')
    .where(caseVisible('cases.id', viewer))
    .orderBy(sql`case_tasks.due_on NULLS LAST`)
    .limit(limit)
  if (ownerId) query = query.where('case_tasks.owner_id', '=', ownerId)
  return query.execute()
}

export async function listTimeline(db: Queryable, caseId: string) {
  return db
    .selectFrom('case_timeline')
    .leftJoin('users', 'users.id', 'case_timeline.actor_user_id')
    .select([
      'case_timeline.id',
      'case_timeline.occurred_at',
      'case_timeline.kind',
      'case_timeline.text',
      'users.display_name as actor_name',
    ])
    .where('case_timeline.case_id', '=', caseId)
    .orderBy('case_timeline.occurred_at', 'desc')
    .execute()
}

export async function addTimeline(
  db: Queryable,
  row: { id: string; caseId: string; actorUserId: string | null; kind: string; text: string },
): Promise<void> {
  await db
    .insertInto('case_timeline')
    .values({ id: row.id, case_id: row.caseId, actor_user_id: row.actorUserId, kind: row.kind, text: row.text })
    .execute()
}

/** Links a referral to a live job (once: linking again changes nothing). */
export async function linkCaseReferral(db: Queryable, caseId: string, referralId: string): Promise<void> {
  await db
    .insertInto('case_referrals')
    .values({ case_id: caseId, referral_id: referralId })
    .onConflict((oc) => oc.doNothing())
    .execute()
}

/** Operations, each with the number of its jobs this user may see. */
export async function listOperations(db: Queryable, user: CurrentUser) {
  const { rows } = await sql<{
    id: string
    name: string
    code: string | null
    description: string | null
    status: string
    cases: number
    events: number
  }>`
    SELECT o.id, o.name, o.code, o.description, o.status,
      (SELECT count(*)::int FROM outreach_events e WHERE e.operation_id = o.id) AS events,
      (SELECT count(*)::int FROM cases c WHERE c.operation_id = o.id AND ${caseVisible('c.id', user)}) AS cases
    FROM operations o ORDER BY o.status, o.name`.execute(db)
  return rows
}

export async function operationNamed(db: Queryable, name: string): Promise<boolean> {
  return (
    (await db
      .selectFrom('operations')
      .select('id')
      .where(sql<string>`lower(name)`, '=', name.toLowerCase())
      .executeTakeFirst()) !== undefined
  )
}

export async function findOperation(db: Queryable, id: string) {
  return db
    .selectFrom('operations')
    .select(['id', 'name', 'code', 'description', 'status'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function operationCodeTaken(db: Queryable, code: string): Promise<boolean> {
  return (await db.selectFrom('operations').select('id').where('code', '=', code).executeTakeFirst()) !== undefined
}

export async function operationExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.selectFrom('operations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

export async function insertOperation(
  db: Queryable,
  row: { id: string; name: string; code: string | null; description: string | null; created_by: string | null },
): Promise<void> {
  await db.insertInto('operations').values(row).execute()
}

export async function updateCase(db: Queryable, caseId: string, set: Record<string, unknown>): Promise<void> {
  await db.updateTable('cases').set(set).where('id', '=', caseId).execute()
}

export async function addCaseAgency(
  db: Queryable,
  row: { case_id: string; agency_id: string; contact_id: string | null; involvement: string; added_by: string | null },
): Promise<boolean> {
  const added = await db
    .insertInto('case_agencies')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .returning('agency_id')
    .executeTakeFirst()
  return added !== undefined
}

export async function insertTask(
  db: Queryable,
  row: {
    id: string
    case_id: string
    title: string
    owner_id: string | null
    due_on: string | null
    created_by: string | null
  },
): Promise<void> {
  await db.insertInto('case_tasks').values(row).execute()
}

/** Marks an open task done; its title, or undefined when it was not open. */
export async function completeTask(db: Queryable, caseId: string, taskId: string): Promise<string | undefined> {
  const done = await db
    .updateTable('case_tasks')
    .set({ status: 'done', completed_at: sql`now()` })
    .where('id', '=', taskId)
    .where('case_id', '=', caseId)
    .where('status', '=', 'open')
    .returning('title')
    .executeTakeFirst()
  return done?.title
}

export async function insertDecision(
  db: Queryable,
  row: { id: string; case_id: string; decided_on: string; decision: string; rationale: string; recorded_by: string },
): Promise<void> {
  await db.insertInto('case_decisions').values(row).execute()
}

export async function insertEvent(
  db: Queryable,
  row: {
    id: string
    kind: string
    occurred_at: Date
    time_known: boolean
    location_id: string | null
    case_id: string
    summary: string
    created_by: string | null
  },
  personIds: string[],
): Promise<void> {
  await db
    .insertInto('events')
    .values({ ...row, ended_at: null })
    .execute()
  if (personIds.length)
    await db
      .insertInto('event_people')
      .values(personIds.map((p) => ({ event_id: row.id, person_id: p, role: 'involved' })))
      .execute()
}
