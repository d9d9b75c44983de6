import { sql, type ExpressionBuilder, type SqlBool, type Expression, type RawBuilder } from 'kysely'
import type { Database, Queryable, Row } from '#src/platform/db/database.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import type { GradeLevel, ReferralStatus, ThriveElement } from './referral.vocabulary.ts'
import { deriveUrgency, type Urgency } from './referral.urgency.ts'

export type ReferralFilters = {
  status?: ReferralStatus | 'open'
  source?: string
  exploitationType?: string
  priorityTag?: string
  assignedTo?: string | 'unassigned'
  receivedFrom?: string
  receivedTo?: string
  overdueOnly?: boolean
}

/** The triage queue's orders: urgent first then oldest (its default), or simply by age. */
export type QueueSort = 'urgent' | 'oldest' | 'newest'

/**
 * The next reference of a year ("REF-2026-000123"), drawn from the sequence in the statement that uses it. Numbers
 * beyond six digits are written whole.
 */
const NEXT_REFERENCE = (year: number) => sql<string>`(
  SELECT 'REF-' || ${String(year)}::text || '-' || lpad(s.n, greatest(6, length(s.n)), '0')
  FROM (SELECT nextval('referral_reference_seq')::text AS n) s)`

/** Inserts a new referral; its reference, drawn in the same statement. */
export async function insertReferral(
  db: Queryable,
  referral: {
    id: string
    receivedAt: Date
    source: string
    referringOrganisation: string | null
    referrerName: string | null
    referrerContact: string | null
    summary: string
    exploitationTypes: string[]
    countyLines: boolean
    priorityTags: string[]
    createdBy: string | null
    organisationId?: string | null
    referringSector?: string | null
    urgencyIndicators?: string[]
    /** Derived already from the facts in hand (a new referral naming no one recorded before). */
    urgency?: Urgency
  },
): Promise<string> {
  const row = await db
    .insertInto('referrals')
    .values({
      id: referral.id,
      reference: NEXT_REFERENCE(referral.receivedAt.getUTCFullYear()),
      received_at: referral.receivedAt,
      source: referral.source,
      referring_organisation: referral.referringOrganisation,
      referrer_name: referral.referrerName,
      referrer_contact: referral.referrerContact,
      organisation_id: referral.organisationId ?? null,
      referring_sector: referral.referringSector ?? null,
      urgency_indicators: referral.urgencyIndicators ?? [],
      summary: referral.summary,
      exploitation_types: referral.exploitationTypes,
      county_lines: referral.countyLines,
      priority_tags: referral.priorityTags,
      status: 'new',
      created_by: referral.createdBy,
      updated_at: new Date(),
      ...(referral.urgency ? { urgent: referral.urgency.urgent, urgency_reasons: referral.urgency.reasons } : {}),
    })
    .returning('reference')
    .executeTakeFirstOrThrow()
  return row.reference
}

export async function linkSubjects(
  db: Queryable,
  referralId: string,
  subjects: { personId: string; role: string }[],
): Promise<void> {
  if (subjects.length === 0) return
  await db
    .insertInto('referral_subjects')
    .values(subjects.map((s, position) => ({ referral_id: referralId, person_id: s.personId, role: s.role, position })))
    .execute()
}

export async function linkLocations(db: Queryable, referralId: string, locationIds: string[]): Promise<void> {
  if (locationIds.length === 0) return
  await db
    .insertInto('referral_locations')
    .values(locationIds.map((locationId, position) => ({ referral_id: referralId, location_id: locationId, position })))
    .execute()
}

export async function insertReferralEvent(
  db: Queryable,
  event: {
    referralId: string
    actorUserId: string | null
    kind: 'created' | 'status-changed' | 'assigned' | 'screened' | 'graded'
    fromStatus?: string | null
    toStatus?: string | null
    reason?: string | null
    details?: Record<string, unknown>
  },
): Promise<void> {
  await db
    .insertInto('referral_events')
    .values({
      id: uuidv7(),
      referral_id: event.referralId,
      occurred_at: new Date(),
      actor_user_id: event.actorUserId,
      kind: event.kind,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus ?? null,
      reason: event.reason ?? null,
      details: JSON.stringify(event.details ?? {}),
    })
    .execute()
}

/**
 * A new referral's links to its people and places, its 'created' event and its audit rows (`audit`, from
 * auditInsert): one statement, so one round trip inside the save's transaction (issue 19, ADR 0014). The inserts
 * are data-modifying WITHs, which run whether or not the rest reads them; foreign keys and the figures' triggers
 * run at the end of the statement, as they did at the end of each insert.
 */
export async function recordNewReferral(
  db: Queryable,
  referral: {
    referralId: string
    subjects: { personId: string; role: string }[]
    locationIds: string[]
    event: { actorUserId: string | null; details: Record<string, unknown> }
  },
  audit: RawBuilder<unknown>,
): Promise<void> {
  const id = referral.referralId
  const subjects = JSON.stringify(
    referral.subjects.map((s, position) => ({ person_id: s.personId, role: s.role, position })),
  )
  const locations = JSON.stringify(
    referral.locationIds.map((locationId, position) => ({ location_id: locationId, position })),
  )
  await sql`
    WITH subjects AS (
      INSERT INTO referral_subjects (referral_id, person_id, role, position)
      SELECT ${id}::uuid, x.person_id, x.role, x.position
      FROM jsonb_to_recordset(${subjects}::jsonb) AS x(person_id uuid, role text, position int)
    ), places AS (
      INSERT INTO referral_locations (referral_id, location_id, position)
      SELECT ${id}::uuid, x.location_id, x.position
      FROM jsonb_to_recordset(${locations}::jsonb) AS x(location_id uuid, position int)
    ), created AS (
      INSERT INTO referral_events (id, referral_id, occurred_at, actor_user_id, kind, to_status, details)
      VALUES (${uuidv7()}::uuid, ${id}::uuid, ${new Date()}::timestamptz, ${referral.event.actorUserId}::uuid, 'created', 'new',
        ${JSON.stringify(referral.event.details)}::jsonb)
    )
    SELECT ${audit}`.execute(db)
}

/**
 * Triage is overdue when a referral still untriaged and not closed was received more than the SLA ago. Written
 * once so that the queue's filter, its column and the referral page cannot disagree about which referrals count.
 */
function overdue(slaHours: number) {
  return sql<boolean>`(referrals.triaged_at IS NULL AND referrals.status <> 'closed'
    AND referrals.received_at < now() - make_interval(hours => ${slaHours}))`
}

function filterConditions(filters: ReferralFilters, slaHours: number) {
  return (eb: ExpressionBuilder<Database, 'referrals'>): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = []
    if (filters.status === 'open') conditions.push(eb('referrals.status', 'not in', ['closed', 'opened-as-case']))
    else if (filters.status) conditions.push(eb('referrals.status', '=', filters.status))
    if (filters.source) conditions.push(eb('referrals.source', '=', filters.source))
    if (filters.exploitationType)
      conditions.push(sql<SqlBool>`referrals.exploitation_types @> ARRAY[${filters.exploitationType}]::text[]`)
    if (filters.priorityTag)
      conditions.push(sql<SqlBool>`referrals.priority_tags @> ARRAY[${filters.priorityTag}]::text[]`)
    if (filters.assignedTo === 'unassigned') conditions.push(eb('referrals.assigned_to', 'is', null))
    else if (filters.assignedTo) conditions.push(eb('referrals.assigned_to', '=', filters.assignedTo))
    if (filters.receivedFrom)
      conditions.push(
        sql<SqlBool>`referrals.received_at >= ${filters.receivedFrom}::date::timestamp AT TIME ZONE 'Europe/London'`,
      )
    if (filters.receivedTo)
      conditions.push(
        sql<SqlBool>`referrals.received_at < (${filters.receivedTo}::date + 1)::timestamp AT TIME ZONE 'Europe/London'`,
      )
    if (filters.overdueOnly) conditions.push(overdue(slaHours))
    return eb.and(conditions)
  }
}

export async function listReferrals(
  db: Queryable,
  filters: ReferralFilters,
  paging: { limit: number; offset: number; sort: QueueSort },
  slaHours: number,
) {
  const direction = paging.sort === 'newest' ? 'desc' : 'asc'
  const rows = await db
    .selectFrom('referrals')
    .leftJoin('users', 'users.id', 'referrals.assigned_to')
    .select([
      'referrals.id',
      'referrals.reference',
      'referrals.received_at',
      'referrals.source',
      'referrals.status',
      'referrals.exploitation_types',
      'referrals.county_lines',
      'referrals.priority_tags',
      'referrals.assigned_to',
      'users.display_name as assignee_name',
      'referrals.triaged_at',
      'referrals.closed_at',
      'referrals.urgent',
      'referrals.urgency_reasons',
      // When it was opened as a live job (the status change's time), for the queue to say so instead of "waiting".
      sql<Date | null>`(CASE WHEN referrals.status = 'opened-as-case' THEN (SELECT max(e.occurred_at) FROM referral_events e
        WHERE e.referral_id = referrals.id AND e.kind = 'status-changed' AND e.to_status = 'opened-as-case') END)`.as(
        'opened_as_case_at',
      ),
      overdue(slaHours).as('overdue'),
      sql<number>`(SELECT count(*)::int FROM referral_subjects rs WHERE rs.referral_id = referrals.id)`.as(
        'people_count',
      ),
    ])
    .where(filterConditions(filters, slaHours))
    // Urgent first reads the (urgent DESC, received_at, id) indexes in order; the others read received_at.
    .$if(paging.sort === 'urgent', (qb) => qb.orderBy('referrals.urgent', 'desc'))
    .orderBy('referrals.received_at', direction)
    .orderBy('referrals.id', direction)
    .limit(paging.limit)
    .offset(paging.offset)
    .execute()
  return rows
}

/** A referral as the triage queue lists it. */
export type ReferralListRow = Awaited<ReturnType<typeof listReferrals>>[number]

/** Counts matches up to a cap, so a broad filter over national data never scans the whole table to say "10,000+". */
export async function countReferrals(
  db: Queryable,
  filters: ReferralFilters,
  slaHours: number,
  cap: number,
): Promise<number> {
  const inner = db
    .selectFrom('referrals')
    .select(sql`1`.as('one'))
    .where(filterConditions(filters, slaHours))
    .limit(cap + 1)
  const row = await db
    .selectFrom(inner.as('matches'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow()
  return row.n
}

export type ReferralRow = Pick<
  Row<'referrals'>,
  | 'id'
  | 'reference'
  | 'received_at'
  | 'source'
  | 'referring_organisation'
  | 'referrer_name'
  | 'referrer_contact'
  | 'summary'
  | 'exploitation_types'
  | 'county_lines'
  | 'priority_tags'
  | 'status'
  | 'closure_reason'
  | 'assigned_to'
  | 'triaged_at'
  | 'closed_at'
  | 'created_at'
  | 'updated_at'
  | 'version'
> & {
  assignee_name: string | null
  created_by_name: string | null
  overdue: boolean
  urgent: boolean
  urgency_reasons: string[]
  urgency_indicators: string[]
}

export async function findReferral(db: Queryable, id: string, slaHours: number): Promise<ReferralRow | undefined> {
  return db
    .selectFrom('referrals')
    .leftJoin('users as assignee', 'assignee.id', 'referrals.assigned_to')
    .leftJoin('users as creator', 'creator.id', 'referrals.created_by')
    .select([
      'referrals.id',
      'referrals.reference',
      'referrals.received_at',
      'referrals.source',
      'referrals.referring_organisation',
      'referrals.referrer_name',
      'referrals.referrer_contact',
      'referrals.summary',
      'referrals.exploitation_types',
      'referrals.county_lines',
      'referrals.priority_tags',
      'referrals.status',
      'referrals.closure_reason',
      'referrals.assigned_to',
      'assignee.display_name as assignee_name',
      'referrals.triaged_at',
      'referrals.closed_at',
      'referrals.created_at',
      'creator.display_name as created_by_name',
      'referrals.updated_at',
      'referrals.version',
      'referrals.urgent',
      'referrals.urgency_reasons',
      'referrals.urgency_indicators',
      overdue(slaHours).as('overdue'),
    ])
    .where('referrals.id', '=', id)
    .executeTakeFirst()
}

export type SubjectRow = Pick<
  Row<'people'>,
  'date_of_birth' | 'approximate_age' | 'age_disputed' | 'gender' | 'nationalities' | 'languages'
> & { person_id: string; role: string; names: string[] }

export async function findSubjects(db: Queryable, referralId: string): Promise<SubjectRow[]> {
  return db
    .selectFrom('referral_subjects')
    .innerJoin('people', 'people.id', 'referral_subjects.person_id')
    .select([
      'referral_subjects.person_id',
      'referral_subjects.role',
      sql<
        string[]
      >`(SELECT array_agg(pn.full_name ORDER BY pn.position) FROM person_names pn WHERE pn.person_id = people.id)`.as(
        'names',
      ),
      'people.date_of_birth',
      'people.approximate_age',
      'people.age_disputed',
      'people.gender',
      'people.nationalities',
      'people.languages',
    ])
    .where('referral_subjects.referral_id', '=', referralId)
    .orderBy('referral_subjects.position')
    .execute()
}

export type LocationRow = Pick<
  Row<'locations'>,
  'id' | 'address_line_1' | 'address_line_2' | 'town' | 'postcode' | 'description' | 'premises_type'
>

export async function findLocations(db: Queryable, referralId: string): Promise<LocationRow[]> {
  return db
    .selectFrom('referral_locations')
    .innerJoin('locations', 'locations.id', 'referral_locations.location_id')
    .select([
      'locations.id',
      'locations.address_line_1',
      'locations.address_line_2',
      'locations.town',
      'locations.postcode',
      'locations.description',
      'locations.premises_type',
    ])
    .where('referral_locations.referral_id', '=', referralId)
    .orderBy('referral_locations.position')
    .execute()
}

export type ReferralEventRow = Pick<
  Row<'referral_events'>,
  'id' | 'occurred_at' | 'kind' | 'from_status' | 'to_status' | 'reason'
> & { details: Record<string, unknown>; actor_name: string | null }

/** References of the live jobs opened from this referral that the user may not see (restricted jobs they do not work). */
export async function hiddenCaseReferences(
  db: Queryable,
  referralId: string,
  visible: (caseIdColumn: string) => Expression<SqlBool>,
): Promise<string[]> {
  const { rows } = await sql<{ reference: string }>`
    SELECT c.reference FROM case_referrals cr JOIN cases c ON c.id = cr.case_id
    WHERE cr.referral_id = ${referralId} AND NOT ${visible('c.id')}`.execute(db)
  return rows.map((r) => r.reference)
}

export async function findReferralEvents(db: Queryable, referralId: string): Promise<ReferralEventRow[]> {
  return db
    .selectFrom('referral_events')
    .leftJoin('users', 'users.id', 'referral_events.actor_user_id')
    .select([
      'referral_events.id',
      'referral_events.occurred_at',
      'referral_events.kind',
      'referral_events.from_status',
      'referral_events.to_status',
      'referral_events.reason',
      'referral_events.details',
      'users.display_name as actor_name',
    ])
    .where('referral_events.referral_id', '=', referralId)
    .orderBy('referral_events.occurred_at', 'desc')
    .orderBy('referral_events.id', 'desc')
    .execute()
}

/** Locks the row for a status change or assignment, so two officers cannot both move it at once. */
export async function lockReferral(
  db: Queryable,
  id: string,
): Promise<{ status: string; version: number; assigned_to: string | null; triaged_at: Date | null } | undefined> {
  return db
    .selectFrom('referrals')
    .select(['status', 'version', 'assigned_to', 'triaged_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
}

export async function updateReferralStatus(
  db: Queryable,
  id: string,
  change: { status: string; closureReason: string | null; triaged: boolean; closed: boolean },
): Promise<number> {
  const row = await db
    .updateTable('referrals')
    .set({
      status: change.status,
      closure_reason: change.closureReason,
      triaged_at: change.triaged ? sql`coalesce(triaged_at, now())` : sql`triaged_at`,
      closed_at: change.closed ? sql`now()` : null,
      updated_at: sql`now()`,
      version: sql`version + 1`,
    })
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow()
  return row.version
}

export async function updateReferralAssignee(db: Queryable, id: string, assigneeId: string | null): Promise<number> {
  const row = await db
    .updateTable('referrals')
    .set({ assigned_to: assigneeId, updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow()
  return row.version
}

export async function findUserName(db: Queryable, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('users').select('display_name').where('id', '=', id).executeTakeFirst()
  return row?.display_name
}

export async function findDraft(
  db: Queryable,
  id: string,
  userId: string,
): Promise<Record<string, unknown> | undefined> {
  const row = await db
    .selectFrom('referral_drafts')
    .select('data')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst()
  return row?.data
}

export async function insertDraft(db: Queryable, id: string, userId: string): Promise<void> {
  await db.insertInto('referral_drafts').values({ id, user_id: userId, data: '{}', updated_at: new Date() }).execute()
}

export async function saveDraft(
  db: Queryable,
  id: string,
  userId: string,
  data: Record<string, unknown>,
): Promise<void> {
  await db
    .updateTable('referral_drafts')
    .set({ data: JSON.stringify(data), updated_at: new Date() })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .execute()
}

export async function deleteDraft(db: Queryable, id: string): Promise<void> {
  await db.deleteFrom('referral_drafts').where('id', '=', id).execute()
}

/** The people a referral names as (potential) victims: assigning it gives a duty to their victim side. */
export async function listVictimSubjects(db: Queryable, referralId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('referral_subjects')
    .select('person_id')
    .where('referral_id', '=', referralId)
    .where('role', 'in', ['potential-victim', 'victim'])
    .execute()
  return [...new Set(rows.map((r) => r.person_id))]
}

/** How long an API idempotency key names its referral: a client retrying after a lost reply does so well within it. */
export const IDEMPOTENCY_KEY_HOURS = 24

/**
 * Claims an idempotency key for this user, or takes over one older than IDEMPOTENCY_KEY_HOURS. True when this
 * transaction now holds the key. A concurrent claim of the same key waits here (on the primary key) until the
 * holder commits or rolls back, so two requests never both go on to create.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  userId: string,
  key: string,
  requestHash: string,
): Promise<boolean> {
  const row = await db
    .insertInto('api_idempotency_keys')
    .values({ user_id: userId, key, request_hash: requestHash })
    .onConflict((oc) =>
      oc
        .columns(['user_id', 'key'])
        .doUpdateSet({ request_hash: requestHash, referral_id: null, created_at: sql`now()` })
        .where(
          'api_idempotency_keys.created_at',
          '<',
          sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})`,
        ),
    )
    .returning('key')
    .executeTakeFirst()
  return row !== undefined
}

export async function findIdempotencyKey(
  db: Queryable,
  userId: string,
  key: string,
): Promise<{ request_hash: string; referral_id: string | null } | undefined> {
  return db
    .selectFrom('api_idempotency_keys')
    .select(['request_hash', 'referral_id'])
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .executeTakeFirst()
}

export async function setIdempotencyReferral(
  db: Queryable,
  userId: string,
  key: string,
  referralId: string,
): Promise<void> {
  await db
    .updateTable('api_idempotency_keys')
    .set({ referral_id: referralId })
    .where('user_id', '=', userId)
    .where('key', '=', key)
    .execute()
}

/** Forgets expired keys (a key not used again would otherwise stay for ever); the created_at index finds them. */
export async function deleteExpiredIdempotencyKeys(db: Queryable): Promise<void> {
  await db
    .deleteFrom('api_idempotency_keys')
    .where('created_at', '<', sql<Date>`now() - make_interval(hours => ${IDEMPOTENCY_KEY_HOURS})`)
    .execute()
}

/** The facts the urgency flag is derived from: the account, the indicators given, and the people's ages. */
export async function findUrgencyFacts(db: Queryable, referralId: string) {
  const referral = await db
    .selectFrom('referrals')
    .select(['received_at', 'summary', 'urgency_indicators'])
    .where('id', '=', referralId)
    .executeTakeFirst()
  if (!referral) return undefined
  const people = await db
    .selectFrom('referral_subjects')
    .innerJoin('people', 'people.id', 'referral_subjects.person_id')
    .select(['referral_subjects.role', 'people.date_of_birth', 'people.approximate_age', 'people.age_disputed'])
    .where('referral_subjects.referral_id', '=', referralId)
    .execute()
  return {
    receivedAt: referral.received_at,
    summary: referral.summary,
    indicators: referral.urgency_indicators,
    people: people.map((p) => ({
      role: p.role,
      dateOfBirth: p.date_of_birth,
      approximateAge: p.approximate_age,
      ageDisputed: p.age_disputed,
    })),
  }
}

export async function setUrgency(
  db: Queryable,
  referralId: string,
  urgency: { urgent: boolean; reasons: string[] },
): Promise<void> {
  await db
    .updateTable('referrals')
    .set({ urgent: urgency.urgent, urgency_reasons: urgency.reasons })
    .where('id', '=', referralId)
    .execute()
}

/**
 * Derives a referral's urgency again from its facts as recorded now, and stores it: when it is recorded or graded,
 * and when a person in it has their age corrected (a date of birth found, an age disputed).
 */
export async function refreshUrgency(db: Queryable, referralId: string): Promise<Urgency | undefined> {
  const facts = await findUrgencyFacts(db, referralId)
  if (!facts) return undefined
  const urgency = deriveUrgency(facts)
  await setUrgency(db, referralId, urgency)
  return urgency
}

/** Derives again the urgency of every referral a person is in: their age decides whether each is about a child. */
export async function refreshUrgencyForPerson(db: Queryable, personId: string): Promise<void> {
  const rows = await db
    .selectFrom('referral_subjects')
    .select('referral_id')
    .where('person_id', '=', personId)
    .execute()
  for (const referralId of new Set(rows.map((r) => r.referral_id))) await refreshUrgency(db, referralId)
}

export type GradingRow = Row<'referral_gradings'> & { graded_by_name: string | null }

export async function insertGrading(
  db: Queryable,
  grading: {
    referralId: string
    gradedBy: string | null
    levels: Record<ThriveElement, GradeLevel>
    rationales: Record<ThriveElement, string>
  },
): Promise<string> {
  const id = uuidv7()
  const l = grading.levels
  const r = grading.rationales
  await db
    .insertInto('referral_gradings')
    .values({
      id,
      referral_id: grading.referralId,
      graded_by: grading.gradedBy,
      threat: l.threat,
      threat_rationale: r.threat,
      harm: l.harm,
      harm_rationale: r.harm,
      risk: l.risk,
      risk_rationale: r.risk,
      investigation: l.investigation,
      investigation_rationale: r.investigation,
      vulnerability: l.vulnerability,
      vulnerability_rationale: r.vulnerability,
      engagement: l.engagement,
      engagement_rationale: r.engagement,
    })
    .execute()
  return id
}

/** The latest grading of a referral (a regrading adds a row; the earlier ones stay in its history). */
export async function findLatestGrading(db: Queryable, referralId: string): Promise<GradingRow | undefined> {
  return db
    .selectFrom('referral_gradings')
    .leftJoin('users', 'users.id', 'referral_gradings.graded_by')
    .selectAll('referral_gradings')
    .select('users.display_name as graded_by_name')
    .where('referral_gradings.referral_id', '=', referralId)
    .orderBy('referral_gradings.graded_at', 'desc')
    .orderBy('referral_gradings.id', 'desc')
    .limit(1)
    .executeTakeFirst()
}

/** Bumps the version after a change recorded beside the referral (a grading), so an out-of-date page is refused. */
export async function touchReferral(db: Queryable, id: string): Promise<number> {
  const row = await db
    .updateTable('referrals')
    .set({ updated_at: sql`now()`, version: sql`version + 1` })
    .where('id', '=', id)
    .returning('version')
    .executeTakeFirstOrThrow()
  return row.version
}

/** The people in a referral with their roles, in the order recorded: what a live job opened from it carries over. */
export async function referralPeople(
  db: Queryable,
  referralId: string,
): Promise<{ person_id: string; role: string }[]> {
  return db
    .selectFrom('referral_subjects')
    .select(['person_id', 'role'])
    .where('referral_id', '=', referralId)
    .orderBy('position')
    .execute()
}

export async function referralPlaceIds(db: Queryable, referralId: string): Promise<string[]> {
  return (
    await db.selectFrom('referral_locations').select('location_id').where('referral_id', '=', referralId).execute()
  ).map((r) => r.location_id)
}

/** Adds a person to the referral after the ones it has. */
export async function addReferralPerson(
  db: Queryable,
  referralId: string,
  personId: string,
  role: string,
): Promise<void> {
  await sql`
    INSERT INTO referral_subjects (referral_id, person_id, role, position)
    SELECT ${referralId}::uuid, ${personId}::uuid, ${role}, coalesce(max(position) + 1, 0) FROM referral_subjects WHERE referral_id = ${referralId}::uuid
    ON CONFLICT DO NOTHING`.execute(db)
}

/** Adds a place to the referral after the ones it has. */
export async function addReferralPlace(db: Queryable, referralId: string, locationId: string): Promise<void> {
  await sql`
    INSERT INTO referral_locations (referral_id, location_id, position)
    SELECT ${referralId}::uuid, ${locationId}::uuid, coalesce(max(position) + 1, 0) FROM referral_locations WHERE referral_id = ${referralId}::uuid
    ON CONFLICT DO NOTHING`.execute(db)
}

/** The exploitation a referral is about, as facts found later (a warrant-day screening's shared facts) say. */
export async function setReferralExploitation(
  db: Queryable,
  referralId: string,
  types: string[],
  countyLines: boolean,
): Promise<void> {
  await db
    .updateTable('referrals')
    .set({ exploitation_types: types, county_lines: countyLines, updated_at: sql`now()` })
    .where('id', '=', referralId)
    .execute()
}
