import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Database, Queryable, Row } from '#src/platform/db/database.ts'
import { uuidv7 } from '#src/shared/ids.ts'

/** Every SQL statement of the outreach module. Functions take the pool or a transaction. */

/** "  Riverton  NHS Trust " and "riverton nhs trust" are one organisation. */
export function organisationKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[’']/g, '').replace(/\s+/g, ' ').trim()
}

export type OrganisationRow = Pick<Row<'organisations'>, 'id' | 'name' | 'sector'>

/**
 * Finds each organisation by its folded name, creating those not yet known. A known organisation keeps its
 * sector; one without a sector takes the sector given now. A known organisation with nothing to add is only
 * read: the upsert locks its row to the end of the writer's transaction, and every referral from the
 * helpline names the helpline, so under load each save waited for the one before to commit.
 */
export async function findOrCreateOrganisations(
  db: Queryable,
  items: { name: string; sector: string | null }[],
): Promise<OrganisationRow[]> {
  const result: OrganisationRow[] = []
  for (const item of items) {
    const known = await db
      .selectFrom('organisations')
      .select(['id', 'name', 'sector'])
      .where('name_key', '=', organisationKey(item.name))
      .executeTakeFirst()
    if (known && (known.sector !== null || item.sector === null)) {
      result.push(known)
      continue
    }
    const row = await db
      .insertInto('organisations')
      .values({ id: uuidv7(), name: item.name, name_key: organisationKey(item.name), sector: item.sector })
      .onConflict((oc) =>
        oc.column('name_key').doUpdateSet({ sector: sql`coalesce(organisations.sector, excluded.sector)` }),
      )
      .returning(['id', 'name', 'sector'])
      .executeTakeFirstOrThrow()
    result.push(row)
  }
  return result
}

export async function listOrganisations(db: Queryable, limit = 1000): Promise<OrganisationRow[]> {
  return db.selectFrom('organisations').select(['id', 'name', 'sector']).orderBy('name_key').limit(limit).execute()
}

export async function findOrganisation(db: Queryable, id: string): Promise<OrganisationRow | undefined> {
  return db.selectFrom('organisations').select(['id', 'name', 'sector']).where('id', '=', id).executeTakeFirst()
}

// ---- Events ---------------------------------------------------------------------------------------------

export type EventInsert = {
  id: string
  title: string
  kind: string
  startsAt: Date
  endsAt: Date | null
  delivery: string
  venue: string | null
  sectors: string[]
  attendeeCount: number | null
  trainers: string
  priorityTags: string[]
  notes: string
  createdBy: string | null
  operationId: string | null
  refCode: string
}

export async function insertEvent(db: Queryable, event: EventInsert, organisationIds: string[]): Promise<void> {
  await db
    .insertInto('outreach_events')
    .values({
      id: event.id,
      title: event.title,
      kind: event.kind,
      starts_at: event.startsAt,
      ends_at: event.endsAt,
      delivery: event.delivery,
      venue: event.venue,
      sectors: event.sectors,
      attendee_count: event.attendeeCount,
      trainers: event.trainers,
      priority_tags: event.priorityTags,
      notes: event.notes,
      created_by: event.createdBy,
      operation_id: event.operationId,
      ref_code: event.refCode,
      updated_at: new Date(),
    })
    .execute()
  if (organisationIds.length > 0) {
    await db
      .insertInto('outreach_event_organisations')
      .values(
        organisationIds.map((organisationId, position) => ({
          event_id: event.id,
          organisation_id: organisationId,
          position,
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute()
  }
}

export type EventFilters = {
  kind?: string
  sector?: string
  priorityTag?: string
  from?: string
  to?: string
  organisationId?: string
}

function eventConditions(filters: EventFilters) {
  return (eb: ExpressionBuilder<Database, 'outreach_events'>): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = []
    if (filters.kind) conditions.push(eb('outreach_events.kind', '=', filters.kind))
    if (filters.sector) conditions.push(sql<SqlBool>`outreach_events.sectors @> ARRAY[${filters.sector}]::text[]`)
    if (filters.priorityTag)
      conditions.push(sql<SqlBool>`outreach_events.priority_tags @> ARRAY[${filters.priorityTag}]::text[]`)
    if (filters.from)
      conditions.push(
        sql<SqlBool>`outreach_events.starts_at >= ${filters.from}::date::timestamp AT TIME ZONE 'Europe/London'`,
      )
    if (filters.to)
      conditions.push(
        sql<SqlBool>`outreach_events.starts_at < (${filters.to}::date + 1)::timestamp AT TIME ZONE 'Europe/London'`,
      )
    if (filters.organisationId) {
      conditions.push(
        sql<SqlBool>`EXISTS (SELECT 1 FROM outreach_event_organisations eo WHERE eo.event_id = outreach_events.id AND eo.organisation_id = ${filters.organisationId})`,
      )
    }
    return eb.and(conditions)
  }
}

export type EventListRow = Pick<
  Row<'outreach_events'>,
  'id' | 'title' | 'kind' | 'starts_at' | 'delivery' | 'venue' | 'sectors' | 'attendee_count' | 'priority_tags'
> & { organisations: string[] }

const organisationNames = sql<
  string[]
>`coalesce((SELECT array_agg(o.name ORDER BY eo.position) FROM outreach_event_organisations eo JOIN organisations o ON o.id = eo.organisation_id WHERE eo.event_id = outreach_events.id), '{}')`

export async function listEvents(
  db: Queryable,
  filters: EventFilters,
  paging: { limit: number; offset: number; sort: 'newest' | 'oldest' },
): Promise<EventListRow[]> {
  return db
    .selectFrom('outreach_events')
    .select([
      'id',
      'title',
      'kind',
      'starts_at',
      'delivery',
      'venue',
      'sectors',
      'attendee_count',
      'priority_tags',
      organisationNames.as('organisations'),
    ])
    .where(eventConditions(filters))
    .orderBy('starts_at', paging.sort === 'newest' ? 'desc' : 'asc')
    .orderBy('id')
    .limit(paging.limit)
    .offset(paging.offset)
    .execute()
}

/** Counts up to `cap` + 1 rows, so a long list costs no more than a short one. */
export async function countEvents(db: Queryable, filters: EventFilters, cap: number): Promise<number> {
  const inner = db
    .selectFrom('outreach_events')
    .select('id')
    .where(eventConditions(filters))
    .limit(cap + 1)
  const row = await db
    .selectFrom(inner.as('capped'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Events starting within [from, to) (London dates), for the calendar. */
export async function eventsBetween(db: Queryable, from: string, to: string, limit = 500): Promise<EventListRow[]> {
  return db
    .selectFrom('outreach_events')
    .select([
      'id',
      'title',
      'kind',
      'starts_at',
      'delivery',
      'venue',
      'sectors',
      'attendee_count',
      'priority_tags',
      organisationNames.as('organisations'),
    ])
    .where(sql<SqlBool>`starts_at >= ${from}::date::timestamp AT TIME ZONE 'Europe/London'`)
    .where(sql<SqlBool>`starts_at < ${to}::date::timestamp AT TIME ZONE 'Europe/London'`)
    .orderBy('starts_at')
    .limit(limit)
    .execute()
}

export async function findEvent(db: Queryable, id: string) {
  return db
    .selectFrom('outreach_events')
    .leftJoin('users', 'users.id', 'outreach_events.created_by')
    .leftJoin('operations', 'operations.id', 'outreach_events.operation_id')
    .selectAll('outreach_events')
    .select([
      'users.display_name as created_by_name',
      'operations.name as operation_name',
      'operations.code as operation_code',
      sql<number>`(SELECT count(*)::int FROM public_report_submissions s WHERE s.outreach_event_id = outreach_events.id)`.as(
        'reports',
      ),
    ])
    .where('outreach_events.id', '=', id)
    .executeTakeFirst()
}
export type EventRow = NonNullable<Awaited<ReturnType<typeof findEvent>>>

export async function findEventOrganisations(db: Queryable, eventId: string): Promise<OrganisationRow[]> {
  return db
    .selectFrom('outreach_event_organisations as eo')
    .innerJoin('organisations as o', 'o.id', 'eo.organisation_id')
    .select(['o.id', 'o.name', 'o.sector'])
    .where('eo.event_id', '=', eventId)
    .orderBy('eo.position')
    .execute()
}

export async function eventExists(db: Queryable, id: string): Promise<boolean> {
  return (await db.selectFrom('outreach_events').select('id').where('id', '=', id).executeTakeFirst()) !== undefined
}

// ---- Materials and feedback ------------------------------------------------------------------------------

export async function insertMaterial(
  db: Queryable,
  material: {
    id: string
    eventId: string
    filename: string
    contentType: string
    data: Buffer
    sha256: string
    uploadedBy: string | null
  },
): Promise<void> {
  await db
    .insertInto('outreach_materials')
    .values({
      id: material.id,
      event_id: material.eventId,
      filename: material.filename,
      content_type: material.contentType,
      size_bytes: material.data.length,
      sha256: material.sha256,
      data: material.data,
      uploaded_by: material.uploadedBy,
    })
    .execute()
}

export async function listMaterials(db: Queryable, eventId: string) {
  return db
    .selectFrom('outreach_materials')
    .select(['id', 'filename', 'content_type', 'size_bytes', 'uploaded_at'])
    .where('event_id', '=', eventId)
    .orderBy('uploaded_at')
    .execute()
}

export async function findMaterial(db: Queryable, id: string) {
  return db
    .selectFrom('outreach_materials')
    .select(['id', 'event_id', 'filename', 'content_type', 'data'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertFeedback(
  db: Queryable,
  feedback: { eventId: string; score: number; comment: string | null; createdBy: string | null },
): Promise<string> {
  const id = uuidv7()
  await db
    .insertInto('outreach_feedback')
    .values({
      id,
      event_id: feedback.eventId,
      score: feedback.score,
      comment: feedback.comment,
      created_by: feedback.createdBy,
    })
    .execute()
  return id
}

export async function listFeedback(db: Queryable, eventId: string) {
  return db
    .selectFrom('outreach_feedback')
    .select(['id', 'score', 'comment', 'created_at'])
    .where('event_id', '=', eventId)
    .orderBy('created_at')
    .limit(500)
    .execute()
}

// ---- Impact ----------------------------------------------------------------------------------------------

export type WindowCounts = { key: string; before: number; after: number }

/**
 * Referrals from each of the event's organisations and sectors, and from any of them (counted once),
 * received in the `days` before the event started and in the `days` from its start.
 */
export async function eventImpactCounts(
  db: Queryable,
  startsAt: Date,
  days: number,
  organisationIds: string[],
  sectors: string[],
): Promise<WindowCounts[]> {
  const windowed = sql<SqlBool>`r.received_at >= ${startsAt}::timestamptz - make_interval(days => ${days}) AND r.received_at < ${startsAt}::timestamptz + make_interval(days => ${days})`
  const before = sql<SqlBool>`x.received_at < ${startsAt}::timestamptz`
  const { rows } = await sql<{ key: string; before: number; after: number }>`
    SELECT x.key, (count(*) FILTER (WHERE ${before}))::int AS before, (count(*) FILTER (WHERE NOT ${before}))::int AS after
    FROM (
      SELECT 'organisation:' || r.organisation_id AS key, r.received_at FROM referrals r
        WHERE r.organisation_id = ANY(${organisationIds}::uuid[]) AND ${windowed}
      UNION ALL
      SELECT 'sector:' || r.referring_sector, r.received_at FROM referrals r
        WHERE r.referring_sector = ANY(${sectors}::text[]) AND ${windowed}
      UNION ALL
      SELECT 'any', r.received_at FROM referrals r
        WHERE (r.organisation_id = ANY(${organisationIds}::uuid[]) OR r.referring_sector = ANY(${sectors}::text[])) AND ${windowed}
    ) x
    GROUP BY x.key`.execute(db)
  return rows
}

export type EventWindowRow = Pick<Row<'outreach_events'>, 'id' | 'title' | 'starts_at'> & {
  before: number
  after: number
}

/** For each event that reached the sector or organisation (latest first), its referrals before and after. */
export async function impactAroundEvents(
  db: Queryable,
  target: { sector: string } | { organisationId: string },
  days: number,
  limit = 24,
): Promise<EventWindowRow[]> {
  const reached =
    'sector' in target
      ? sql<SqlBool>`e.sectors @> ARRAY[${target.sector}]::text[]`
      : sql<SqlBool>`EXISTS (SELECT 1 FROM outreach_event_organisations eo WHERE eo.event_id = e.id AND eo.organisation_id = ${target.organisationId})`
  const from =
    'sector' in target
      ? sql<SqlBool>`r.referring_sector = ${target.sector}`
      : sql<SqlBool>`r.organisation_id = ${target.organisationId}`
  const { rows } = await sql<EventWindowRow>`
    SELECT e.id, e.title, e.starts_at,
      (SELECT count(*) FROM referrals r WHERE ${from}
         AND r.received_at >= e.starts_at - make_interval(days => ${days}) AND r.received_at < e.starts_at)::int AS before,
      (SELECT count(*) FROM referrals r WHERE ${from}
         AND r.received_at >= e.starts_at AND r.received_at < e.starts_at + make_interval(days => ${days}))::int AS after
    FROM outreach_events e
    WHERE ${reached}
    ORDER BY e.starts_at DESC
    LIMIT ${limit}`.execute(db)
  return rows
}

// ---- Operations and attribution ----------------------------------------------------------------------------

export type OperationOption = { id: string; name: string; code: string | null; status: string }

/** The operations an event can be part of (the cases module owns them; outreach only reads their names and codes). */
export async function listOperationOptions(db: Queryable): Promise<OperationOption[]> {
  return db
    .selectFrom('operations')
    .select(['id', 'name', 'code', 'status'])
    .orderBy('status')
    .orderBy('name')
    .execute()
}

export async function findOperationOption(db: Queryable, id: string): Promise<OperationOption | undefined> {
  return db.selectFrom('operations').select(['id', 'name', 'code', 'status']).where('id', '=', id).executeTakeFirst()
}

export async function refCodeTaken(db: Queryable, code: string): Promise<boolean> {
  return (
    (await db.selectFrom('outreach_events').select('id').where('ref_code', '=', code).executeTakeFirst()) !== undefined
  )
}

/** The event a short link names, by its code (already upper-cased). */
export async function findEventByRefCode(db: Queryable, code: string) {
  return db
    .selectFrom('outreach_events')
    .select(['id', 'ref_code', 'operation_id'])
    .where('ref_code', '=', code)
    .executeTakeFirst()
}

export type OperationEventRow = Pick<
  Row<'outreach_events'>,
  'id' | 'title' | 'kind' | 'starts_at' | 'sectors' | 'attendee_count' | 'ref_code'
> & { reports: number }

/** An operation's events, newest first, each with the public reports that came through its link. */
export async function eventsOfOperation(db: Queryable, operationId: string, limit = 200): Promise<OperationEventRow[]> {
  return db
    .selectFrom('outreach_events')
    .select([
      'id',
      'title',
      'kind',
      'starts_at',
      'sectors',
      'attendee_count',
      'ref_code',
      sql<number>`(SELECT count(*)::int FROM public_report_submissions s WHERE s.outreach_event_id = outreach_events.id)`.as(
        'reports',
      ),
    ])
    .where('operation_id', '=', operationId)
    .orderBy('starts_at', 'desc')
    .limit(limit)
    .execute()
}

export type AttributionRow = {
  operation_id: string | null
  operation_name: string | null
  operation_code: string | null
  events: number
  attendees: number
  reports: number
}

/**
 * Per operation (events outside an operation together), the events in the period, the people they reached, and the
 * public reports received in the period through the links of any of its events. Counts only.
 */
export async function attributionByOperation(
  db: Queryable,
  period: { from: string | null; to: string | null; priority: string | null },
): Promise<AttributionRow[]> {
  const startsIn = (column: string) =>
    sql<SqlBool>`${sql.raw(column)} >= coalesce(${period.from}::date, '-infinity'::date)::timestamp AT TIME ZONE 'Europe/London'
      AND ${sql.raw(column)} < coalesce(${period.to}::date + 1, 'infinity'::date)::timestamp AT TIME ZONE 'Europe/London'`
  const priority = period.priority
    ? sql<SqlBool>`e.priority_tags @> ARRAY[${period.priority}]::text[]`
    : sql<SqlBool>`true`
  const { rows } = await sql<AttributionRow>`
    WITH held AS (
      SELECT e.operation_id, count(*)::int AS events, coalesce(sum(e.attendee_count), 0)::int AS attendees
      FROM outreach_events e WHERE ${startsIn('e.starts_at')} AND ${priority}
      GROUP BY e.operation_id
    ), reported AS (
      SELECT e.operation_id, count(*)::int AS reports
      FROM public_report_submissions s
      JOIN outreach_events e ON e.id = s.outreach_event_id
      JOIN referrals r ON r.id = s.referral_id
      WHERE ${startsIn('r.received_at')} AND ${priority}
      GROUP BY e.operation_id
    )
    SELECT o.id AS operation_id, o.name AS operation_name, o.code AS operation_code,
      coalesce(h.events, 0) AS events, coalesce(h.attendees, 0) AS attendees, coalesce(p.reports, 0) AS reports
    FROM (SELECT operation_id FROM held UNION SELECT operation_id FROM reported) k
    LEFT JOIN held h ON h.operation_id IS NOT DISTINCT FROM k.operation_id
    LEFT JOIN reported p ON p.operation_id IS NOT DISTINCT FROM k.operation_id
    LEFT JOIN operations o ON o.id = k.operation_id
    ORDER BY coalesce(p.reports, 0) DESC, o.name NULLS LAST`.execute(db)
  return rows
}
