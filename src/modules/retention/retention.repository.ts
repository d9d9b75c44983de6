import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'

export const RECORD_TYPES = [
  'live-job-public-protection',
  'live-job',
  'nrm-victim',
  'intelligence',
  'referral-not-proceeded',
  'public-report',
  'partner-disclosure',
  'person',
] as const
export type RecordType = (typeof RECORD_TYPES)[number]
export const isRecordType = (value: string): value is RecordType => (RECORD_TYPES as readonly string[]).includes(value)

export const REVIEW_GROUPS = {
  'group-1': 'Group 1: certain public protection matters',
  'group-2': 'Group 2: other sexual, violent or serious offences',
  'group-3': 'Group 3: all other offences and intelligence',
  'non-crime': 'Non-crime record',
} as const
export type ReviewGroup = keyof typeof REVIEW_GROUPS

export type ScheduleRow = Pick<
  Row<'retention_schedules'>,
  'label' | 'first_review_months' | 'review_every_months' | 'keep_until_age' | 'basis' | 'confirmed_at' | 'updated_at'
> & { record_type: RecordType; review_group: ReviewGroup; confirmed_by_name: string | null }

export async function listSchedules(db: Queryable): Promise<ScheduleRow[]> {
  const { rows } = await sql<ScheduleRow>`
    SELECT s.record_type, s.label, s.review_group, s.first_review_months, s.review_every_months, s.keep_until_age, s.basis,
      u.display_name AS confirmed_by_name, s.confirmed_at, s.updated_at
    FROM retention_schedules s LEFT JOIN users u ON u.id = s.confirmed_by ORDER BY s.position`.execute(db)
  return rows
}

/**
 * Every record under retention review, one row each, with the date its review clock starts. Each record type
 * is defined here once, by what makes a record that type; a record's schedule follows from its type.
 */
function reviewableRecords() {
  const sexual = sql`EXISTS (SELECT 1 FROM case_referrals cr JOIN referrals r ON r.id = cr.referral_id WHERE cr.case_id = c.id AND 'sexual' = ANY (r.exploitation_types))`
  return sql`
    SELECT 'referral-not-proceeded'::text AS record_type, r.id AS record_id, r.reference AS label, r.closed_at::date AS anchor_on
      FROM referrals r WHERE r.status = 'closed' AND r.source <> 'public-concern' AND NOT EXISTS (SELECT 1 FROM case_referrals x WHERE x.referral_id = r.id)
    UNION ALL
    SELECT 'public-report', r.id, r.reference, r.closed_at::date
      FROM referrals r WHERE r.status = 'closed' AND r.source = 'public-concern' AND NOT EXISTS (SELECT 1 FROM case_referrals x WHERE x.referral_id = r.id)
    UNION ALL
    SELECT CASE WHEN ${sexual} THEN 'live-job-public-protection' ELSE 'live-job' END, c.id, c.reference || ': ' || c.title, c.closed_at::date
      FROM cases c WHERE c.status = 'closed'
    UNION ALL
    SELECT 'nrm-victim', n.person_id, ${displayName('n.person_id')},
        -- Support still being given keeps the victim's record in use: its latest contact or referral out counts too.
        greatest(max(n.created_at), max((SELECT max(e.recorded_at) FROM nrm_events e WHERE e.nrm_referral_id = n.id)),
          (SELECT max(sc.created_at) FROM support_contacts sc WHERE sc.person_id = n.person_id),
          (SELECT max(sr.updated_at) FROM support_referrals sr WHERE sr.person_id = n.person_id))::date
      FROM nrm_referrals n GROUP BY n.person_id
    UNION ALL
    SELECT 'intelligence', l.id, ${displayName('l.from_id')} || ': ' || l.relation || ' (' || l.to_type || ')', l.created_at::date
      FROM entity_links l WHERE l.from_type = 'person' AND l.case_id IS NULL AND l.referral_id IS NULL
    UNION ALL
    SELECT 'partner-disclosure', d.id, ${displayName('d.person_id')} || ' to ' || a.name, coalesce(d.revoked_at, d.expires_at)::date
      FROM disclosures d JOIN agencies a ON a.id = d.agency_id WHERE coalesce(d.revoked_at, d.expires_at) < now()
    UNION ALL
    SELECT 'person', p.id, ${displayName('p.id')}, p.updated_at::date
      FROM people p WHERE p.merged_into IS NULL
        AND NOT EXISTS (SELECT 1 FROM referral_subjects x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM case_people x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM event_people x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM nrm_referrals x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM safeguarding_plans x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM support_contacts x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM support_referrals x WHERE x.person_id = p.id)
        AND NOT EXISTS (SELECT 1 FROM people m WHERE m.merged_into = p.id)`
}

export type QueueRow = {
  record_type: RecordType
  record_id: string
  label: string | null
  type_label: string
  review_group: ReviewGroup
  anchor_on: string
  due_on: string
  legal_hold: boolean
  hold_reason: string | null
  last_decision: string | null
  last_reason: string | null
  reviewed_at: Date | null
  reviewed_by_name: string | null
  confirmed: boolean
}

function queueSelect(where: ReturnType<typeof sql>) {
  return sql<QueueRow>`
    WITH items AS (${reviewableRecords()}),
    scheduled AS (
      SELECT i.record_type, i.record_id, i.label, s.label AS type_label, s.review_group, i.anchor_on::text AS anchor_on,
        coalesce(v.next_review_on, (i.anchor_on + make_interval(months => s.first_review_months))::date)::text AS due_on,
        coalesce(v.legal_hold, false) AS legal_hold, v.hold_reason, v.last_decision, v.last_reason, v.reviewed_at,
        u.display_name AS reviewed_by_name, s.confirmed_at IS NOT NULL AS confirmed, s.position
      FROM items i JOIN retention_schedules s ON s.record_type = i.record_type
      LEFT JOIN retention_reviews v ON v.record_type = i.record_type AND v.record_id = i.record_id
      LEFT JOIN users u ON u.id = v.reviewed_by
      WHERE i.anchor_on IS NOT NULL
    )
    SELECT * FROM scheduled WHERE ${where}`
}

export type QueueView = 'due' | 'held' | 'upcoming'

/** Records due for review (held ones wait in their own list), or on legal hold, or due within a year. */
export async function queue(
  db: Queryable,
  view: QueueView,
  options: { recordType: RecordType | null; limit: number; offset: number },
) {
  const type = options.recordType === null ? sql`true` : sql`record_type = ${options.recordType}`
  const filter =
    view === 'held'
      ? sql`legal_hold AND ${type}`
      : view === 'upcoming'
        ? sql`NOT legal_hold AND due_on::date > current_date AND due_on::date <= current_date + 365 AND ${type}`
        : sql`NOT legal_hold AND due_on::date <= current_date AND ${type}`
  const { rows } = await sql<QueueRow & { total: number }>`
    SELECT q.*, count(*) OVER ()::int AS total FROM (${queueSelect(filter)}) q
    ORDER BY q.due_on, q.position, q.record_id LIMIT ${options.limit} OFFSET ${options.offset}`.execute(db)
  return { rows, total: rows[0]?.total ?? 0 }
}

/** One record under review, or undefined when it is not (or no longer) a record of that type. */
export async function findItem(db: Queryable, recordType: RecordType, recordId: string): Promise<QueueRow | undefined> {
  const { rows } = await queueSelect(sql`record_type = ${recordType} AND record_id = ${recordId}::uuid`).execute(db)
  return rows[0]
}

export async function findSchedule(db: Queryable, recordType: RecordType) {
  return db.selectFrom('retention_schedules').selectAll().where('record_type', '=', recordType).executeTakeFirst()
}

export async function upsertReview(
  db: Queryable,
  key: { recordType: RecordType; recordId: string },
  set: {
    next_review_on?: string | null
    legal_hold?: boolean
    hold_reason?: string | null
    hold_by?: string | null
    hold_at?: Date | null
    last_decision: string
    last_reason: string
    reviewed_by: string | null
  },
): Promise<void> {
  const values = { record_type: key.recordType, record_id: key.recordId, ...set, reviewed_at: new Date() }
  await db
    .insertInto('retention_reviews')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['record_type', 'record_id']).doUpdateSet({ ...set, reviewed_at: values.reviewed_at }),
    )
    .execute()
}

export async function deleteReview(db: Queryable, recordType: RecordType, recordId: string): Promise<void> {
  await db
    .deleteFrom('retention_reviews')
    .where('record_type', '=', recordType)
    .where('record_id', '=', recordId)
    .execute()
}

/**
 * Legal holds that stop this person being erased: on the person, on their NRM record, or on any referral,
 * live job, disclosure or intelligence link that holds them.
 */
export async function holdsOnPerson(
  db: Queryable,
  ids: string[],
): Promise<{ record_type: string; hold_reason: string | null }[]> {
  const { rows } = await sql<{ record_type: string; hold_reason: string | null }>`
    SELECT v.record_type, v.hold_reason FROM retention_reviews v
    WHERE v.legal_hold AND (
      v.record_id = ANY(${ids}::uuid[])
      OR v.record_id IN (SELECT referral_id FROM referral_subjects WHERE person_id = ANY(${ids}::uuid[]))
      OR v.record_id IN (SELECT case_id FROM case_people WHERE person_id = ANY(${ids}::uuid[]))
      OR v.record_id IN (SELECT id FROM disclosures WHERE person_id = ANY(${ids}::uuid[]))
      OR v.record_id IN (SELECT id FROM entity_links WHERE from_type = 'person' AND from_id = ANY(${ids}::uuid[])))`.execute(
    db,
  )
  return rows
}

/** For group 1: the youngest person on a live job, and whether anyone on it has no date of birth. */
export async function agesOnCase(
  db: Queryable,
  caseId: string,
): Promise<{ youngest: string | null; unknown: boolean }> {
  const { rows } = await sql<{ youngest: string | null; unknown: boolean }>`
    SELECT max(p.date_of_birth)::text AS youngest, coalesce(bool_or(p.date_of_birth IS NULL), false) AS unknown
    FROM case_people c JOIN people p ON p.id = c.person_id WHERE c.case_id = ${caseId}`.execute(db)
  return rows[0]
}

export async function updateSchedule(
  db: Queryable,
  recordType: RecordType,
  set: {
    review_group: ReviewGroup
    first_review_months: number
    review_every_months: number
    keep_until_age: number | null
  },
  userId: string | null,
): Promise<boolean> {
  // A change of the numbers needs the records manager's confirmation again.
  const result = await db
    .updateTable('retention_schedules')
    .set({ ...set, updated_by: userId, updated_at: new Date(), confirmed_by: null, confirmed_at: null })
    .where('record_type', '=', recordType)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}

export async function confirmSchedule(db: Queryable, recordType: RecordType, userId: string | null): Promise<boolean> {
  const result = await db
    .updateTable('retention_schedules')
    .set({ confirmed_by: userId, confirmed_at: new Date() })
    .where('record_type', '=', recordType)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) > 0
}
