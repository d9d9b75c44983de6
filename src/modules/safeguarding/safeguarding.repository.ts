import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import type { Owner } from './safeguarding.validation.ts'
import { displayName, holdsVictimDuty } from '#src/modules/people/index.ts'

/** All SQL for safeguarding plans, actions and hub meetings. Row types stay in the module. */

export type PlanRow = Pick<Row<'safeguarding_plans'>, 'id' | 'reference' | 'person_id' | 'created_at'>

export async function nextPlanReference(db: Queryable, year: number): Promise<string> {
  const { rows } = await sql<{ n: string }>`SELECT nextval('safeguarding_plan_reference_seq')::text AS n`.execute(db)
  return `SP-${year}-${rows[0].n.padStart(6, '0')}`
}

export async function nextMeetingReference(db: Queryable, year: number): Promise<string> {
  const { rows } = await sql<{ n: string }>`SELECT nextval('hub_meeting_reference_seq')::text AS n`.execute(db)
  return `HUB-${year}-${rows[0].n.padStart(4, '0')}`
}

export async function findPlanByPerson(db: Queryable, personId: string): Promise<PlanRow | undefined> {
  return db
    .selectFrom('safeguarding_plans')
    .select(['id', 'reference', 'person_id', 'created_at'])
    .where('person_id', '=', personId)
    .executeTakeFirst()
}

export async function findPlan(db: Queryable, id: string): Promise<PlanRow | undefined> {
  return db
    .selectFrom('safeguarding_plans')
    .select(['id', 'reference', 'person_id', 'created_at'])
    .where('id', '=', id)
    .executeTakeFirst()
}

/** Inserts the plan unless another request just did; either way answers with the person's one plan. */
export async function insertPlan(
  db: Queryable,
  row: { id: string; reference: string; person_id: string; created_by: string | null },
): Promise<{ plan: PlanRow; created: boolean }> {
  const inserted = await db
    .insertInto('safeguarding_plans')
    .values({ ...row, updated_at: new Date() })
    .onConflict((oc) => oc.column('person_id').doNothing())
    .returning(['id', 'reference', 'person_id', 'created_at'])
    .executeTakeFirst()
  if (inserted) return { plan: inserted, created: true }
  return { plan: (await findPlanByPerson(db, row.person_id))!, created: false }
}

export async function touchPlan(db: Queryable, planId: string): Promise<void> {
  await db.updateTable('safeguarding_plans').set({ updated_at: new Date() }).where('id', '=', planId).execute()
}

export type PersonSummary = {
  id: string
  name: string | null
  date_of_birth: string | null
  approximate_age: number | null
  age_disputed: boolean
}

export async function personSummary(db: Queryable, personId: string): Promise<PersonSummary | undefined> {
  return db
    .selectFrom('people')
    .select(['id', 'date_of_birth', 'approximate_age', 'age_disputed'])
    .select(
      sql<
        string | null
      >`(SELECT full_name FROM person_names n WHERE n.person_id = people.id ORDER BY n.position LIMIT 1)`.as('name'),
    )
    .where('id', '=', personId)
    .executeTakeFirst()
}

export async function listRisks(db: Queryable, planId: string) {
  return db
    .selectFrom('safeguarding_risks')
    .select(['id', 'description', 'rating', 'rationale', 'updated_at'])
    .where('plan_id', '=', planId)
    .orderBy(sql`CASE rating WHEN 'red' THEN 0 WHEN 'amber' THEN 1 ELSE 2 END`)
    .orderBy('created_at')
    .execute()
}

export async function listNeeds(db: Queryable, planId: string) {
  return db
    .selectFrom('safeguarding_needs')
    .select(['id', 'kind', 'detail', 'status', 'updated_at'])
    .where('plan_id', '=', planId)
    .orderBy('created_at')
    .execute()
}

export async function listReviews(db: Queryable, planId: string) {
  return db
    .selectFrom('safeguarding_reviews')
    .select(['id', 'due_on', 'held_on', 'notes'])
    .where('plan_id', '=', planId)
    .orderBy('due_on')
    .execute()
}

export type ActionRow = Pick<
  Row<'safeguarding_actions'>,
  | 'id'
  | 'plan_id'
  | 'meeting_id'
  | 'meeting_item_id'
  | 'text'
  | 'owner_user_id'
  | 'owner_agency_id'
  | 'due_on'
  | 'status'
  | 'closed_at'
> & {
  owner_name: string | null
  plan_reference: string | null
  person_id: string | null
  meeting_reference: string | null
}

function actionQuery(db: Queryable) {
  return db
    .selectFrom('safeguarding_actions as a')
    .leftJoin('users as u', 'u.id', 'a.owner_user_id')
    .leftJoin('agencies as g', 'g.id', 'a.owner_agency_id')
    .leftJoin('safeguarding_plans as p', 'p.id', 'a.plan_id')
    .leftJoin('hub_meetings as m', 'm.id', 'a.meeting_id')
    .select([
      'a.id',
      'a.plan_id',
      'a.meeting_id',
      'a.meeting_item_id',
      'a.text',
      'a.owner_user_id',
      'a.owner_agency_id',
      'a.due_on',
      'a.status',
      'a.closed_at',
      'p.reference as plan_reference',
      'p.person_id',
      'm.reference as meeting_reference',
    ])
    .select(sql<string | null>`coalesce(u.display_name, g.name)`.as('owner_name'))
}

export async function listActions(
  db: Queryable,
  filter: { planId?: string; meetingId?: string },
): Promise<ActionRow[]> {
  let query = actionQuery(db)
  if (filter.planId) query = query.where('a.plan_id', '=', filter.planId)
  if (filter.meetingId) query = query.where('a.meeting_id', '=', filter.meetingId)
  return query
    .orderBy(sql`a.status = 'open'`, 'desc')
    .orderBy('a.due_on')
    .orderBy('a.id')
    .limit(500)
    .execute()
}

export async function findAction(db: Queryable, id: string): Promise<ActionRow | undefined> {
  return actionQuery(db).where('a.id', '=', id).executeTakeFirst()
}

export async function listUpdates(db: Queryable, actionIds: string[], onlyAgencyId: string | null = null) {
  if (actionIds.length === 0) return []
  let query = db
    .selectFrom('safeguarding_action_updates as up')
    .leftJoin('users as u', 'u.id', 'up.by_user_id')
    .leftJoin('agencies as g', 'g.id', 'up.by_agency_id')
    .select([
      'up.id',
      'up.action_id',
      'up.note',
      'up.status',
      'up.created_at',
      'u.display_name as by_name',
      'g.name as by_agency',
    ])
    .where('up.action_id', 'in', actionIds)
  // A partner reads only what their own agency wrote: the team's notes may say more than they were told.
  if (onlyAgencyId) query = query.where('up.by_agency_id', '=', onlyAgencyId)
  return query.orderBy('up.created_at').execute()
}

/** Which plan (and so which person) an item belongs to: the item's own plan must match, or it is not found. */
export async function itemPlan(
  db: Queryable,
  table: 'safeguarding_risks' | 'safeguarding_needs' | 'safeguarding_reviews' | 'safeguarding_actions',
  id: string,
): Promise<string | null> {
  const row = await db.selectFrom(table).select('plan_id').where('id', '=', id).executeTakeFirst()
  return row?.plan_id ?? null
}

export async function findRisk(db: Queryable, planId: string, id: string) {
  return db
    .selectFrom('safeguarding_risks')
    .select(['id', 'description', 'rating', 'rationale'])
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
}
export async function findNeed(db: Queryable, planId: string, id: string) {
  return db
    .selectFrom('safeguarding_needs')
    .select(['id', 'kind', 'detail', 'status'])
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
}
export async function findReview(db: Queryable, planId: string, id: string) {
  return db
    .selectFrom('safeguarding_reviews')
    .select(['id', 'due_on', 'held_on', 'notes'])
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
}

export async function insertRisk(
  db: Queryable,
  row: {
    id: string
    plan_id: string
    description: string
    rating: string
    rationale: string
    created_by: string | null
  },
) {
  await db
    .insertInto('safeguarding_risks')
    .values({ ...row, updated_at: new Date() })
    .execute()
}
export async function updateRisk(
  db: Queryable,
  planId: string,
  id: string,
  row: { description: string; rating: string; rationale: string },
): Promise<boolean> {
  const r = await db
    .updateTable('safeguarding_risks')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}
export async function insertNeed(
  db: Queryable,
  row: { id: string; plan_id: string; kind: string; detail: string; status: string; created_by: string | null },
) {
  await db
    .insertInto('safeguarding_needs')
    .values({ ...row, updated_at: new Date() })
    .execute()
}
export async function updateNeed(
  db: Queryable,
  planId: string,
  id: string,
  row: { kind: string; detail: string; status: string },
): Promise<boolean> {
  const r = await db
    .updateTable('safeguarding_needs')
    .set({ ...row, updated_at: new Date() })
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}
export async function insertReview(
  db: Queryable,
  row: {
    id: string
    plan_id: string
    due_on: string
    held_on: string | null
    notes: string
    created_by: string | null
  },
) {
  await db.insertInto('safeguarding_reviews').values(row).execute()
}
export async function updateReview(
  db: Queryable,
  planId: string,
  id: string,
  row: { due_on: string; held_on: string | null; notes: string },
): Promise<boolean> {
  const r = await db
    .updateTable('safeguarding_reviews')
    .set(row)
    .where('id', '=', id)
    .where('plan_id', '=', planId)
    .executeTakeFirst()
  return r.numUpdatedRows > 0n
}

export async function insertAction(
  db: Queryable,
  row: {
    id: string
    plan_id: string | null
    meeting_id: string | null
    meeting_item_id: string | null
    text: string
    owner: Owner
    due_on: string
    created_by: string | null
  },
) {
  const { owner, ...rest } = row
  await db
    .insertInto('safeguarding_actions')
    .values({
      ...rest,
      owner_user_id: owner.type === 'user' ? owner.id : null,
      owner_agency_id: owner.type === 'agency' ? owner.id : null,
      updated_at: new Date(),
    })
    .execute()
}

export async function updateAction(
  db: Queryable,
  id: string,
  change: { text?: string; owner?: Owner; due_on?: string; status?: string; closed_by?: string | null },
): Promise<void> {
  const { owner, status, closed_by, ...rest } = change
  await db
    .updateTable('safeguarding_actions')
    .set({
      ...rest,
      ...(owner
        ? {
            owner_user_id: owner.type === 'user' ? owner.id : null,
            owner_agency_id: owner.type === 'agency' ? owner.id : null,
          }
        : {}),
      ...(status
        ? {
            status,
            closed_at: status === 'open' ? null : new Date(),
            closed_by: status === 'open' ? null : (closed_by ?? null),
          }
        : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .execute()
}

export async function insertActionUpdate(
  db: Queryable,
  row: {
    id: string
    action_id: string
    note: string
    status: string | null
    by_user_id: string | null
    by_agency_id: string | null
  },
) {
  await db.insertInto('safeguarding_action_updates').values(row).execute()
}

/** Team members who may own an action: active staff who can work a victim facet (so they can act on it). */
export async function ownerUsers(db: Queryable) {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.display_name'])
    .where('users.disabled_at', 'is', null)
    .where(sql<boolean>`roles.permissions @> ARRAY['safeguarding-plan:edit']::text[]`)
    .orderBy('users.display_name')
    .limit(500)
    .execute()
}

export async function activeAgencies(db: Queryable) {
  return db
    .selectFrom('agencies')
    .select(['id', 'name'])
    .where('active', '=', true)
    .orderBy(sql`lower(name)`)
    .limit(500)
    .execute()
}

export async function ownerIsValid(db: Queryable, owner: Owner): Promise<boolean> {
  if (owner.type === 'agency')
    return Boolean(
      await db
        .selectFrom('agencies')
        .select('id')
        .where('id', '=', owner.id)
        .where('active', '=', true)
        .executeTakeFirst(),
    )
  return Boolean(
    await db
      .selectFrom('users')
      .innerJoin('roles', 'roles.id', 'users.role_id')
      .select('users.id')
      .where('users.id', '=', owner.id)
      .where('users.disabled_at', 'is', null)
      .where(sql<boolean>`roles.permissions @> ARRAY['safeguarding-plan:edit']::text[]`)
      .executeTakeFirst(),
  )
}

/** Open actions past their due date owned by one user, or (for a supervisor's team view) by anyone. */
export async function overdueActions(db: Queryable, ownerUserId: string | null, today: string): Promise<ActionRow[]> {
  let query = actionQuery(db).where('a.status', '=', 'open').where('a.due_on', '<', today)
  query = ownerUserId
    ? query.where('a.owner_user_id', '=', ownerUserId)
    : query.where('a.owner_user_id', 'is not', null)
  return query.orderBy('a.due_on').limit(200).execute()
}

export type ReviewDueRow = {
  review_id: string
  plan_id: string
  plan_reference: string
  person_id: string
  person_name: string | null
  due_on: string
}

/**
 * Plan reviews not yet held and due by `until` (overdue ones included): for one user, those of the people they
 * hold a victim-side duty to now (an ISA's supported victims, an officer's); `null` for the whole team.
 */
export async function reviewsDue(db: Queryable, userId: string | null, until: string): Promise<ReviewDueRow[]> {
  const { rows } = await sql<ReviewDueRow>`
    SELECT r.id AS review_id, p.id AS plan_id, p.reference AS plan_reference, person_root(p.person_id) AS person_id, ${displayName('p.person_id')} AS person_name, r.due_on
    FROM safeguarding_reviews r JOIN safeguarding_plans p ON p.id = r.plan_id
    WHERE r.held_on IS NULL AND r.due_on <= ${until}::date
      ${userId === null ? sql`` : sql`AND (${holdsVictimDuty(sql.ref('p.person_id'), userId)})`}
    ORDER BY r.due_on, p.reference
    LIMIT 200`.execute(db)
  return rows
}

// --- Partner users ---------------------------------------------------------------------------------------

export async function userAgency(db: Queryable, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('agency_id').where('id', '=', userId).executeTakeFirst()
  return row?.agency_id ?? null
}

export type PartnerActionRow = Pick<Row<'safeguarding_actions'>, 'id' | 'text' | 'due_on' | 'status'> & {
  plan_reference: string | null
  meeting_reference: string | null
}

/**
 * What a partner may read about an action: its text, due date, status, and the plan's reference. Deliberately
 * no join to people or names: the disclosure layer decides what else a partner sees.
 */
function partnerActionQuery(db: Queryable, agencyId: string) {
  return db
    .selectFrom('safeguarding_actions as a')
    .leftJoin('safeguarding_plans as p', 'p.id', 'a.plan_id')
    .leftJoin('hub_meetings as m', 'm.id', 'a.meeting_id')
    .select([
      'a.id',
      'a.text',
      'a.due_on',
      'a.status',
      'p.reference as plan_reference',
      'm.reference as meeting_reference',
    ])
    .where('a.owner_agency_id', '=', agencyId)
}

export async function agencyActions(db: Queryable, agencyId: string): Promise<PartnerActionRow[]> {
  return partnerActionQuery(db, agencyId)
    .orderBy(sql`a.status = 'open'`, 'desc')
    .orderBy('a.due_on')
    .limit(500)
    .execute()
}

export async function agencyAction(db: Queryable, agencyId: string, id: string): Promise<PartnerActionRow | undefined> {
  return partnerActionQuery(db, agencyId).where('a.id', '=', id).executeTakeFirst()
}

export async function agencyMeetings(db: Queryable, agencyId: string) {
  return db
    .selectFrom('hub_meetings as m')
    .innerJoin('hub_meeting_agencies as ma', 'ma.meeting_id', 'm.id')
    .select(['m.id', 'm.reference', 'm.title', 'm.held_on'])
    .where('ma.agency_id', '=', agencyId)
    .orderBy('m.held_on', 'desc')
    .limit(20)
    .execute()
}

// --- Hub meetings ----------------------------------------------------------------------------------------

export type MeetingRow = Pick<
  Row<'hub_meetings'>,
  'id' | 'reference' | 'title' | 'held_on' | 'referral_days' | 'created_at' | 'agreement_id'
>

export async function listMeetings(db: Queryable): Promise<MeetingRow[]> {
  return db
    .selectFrom('hub_meetings')
    .select(['id', 'reference', 'title', 'held_on', 'referral_days', 'created_at', 'agreement_id'])
    .orderBy('held_on', 'desc')
    .orderBy('created_at', 'desc')
    .limit(100)
    .execute()
}

export async function findMeeting(db: Queryable, id: string): Promise<MeetingRow | undefined> {
  return db
    .selectFrom('hub_meetings')
    .select(['id', 'reference', 'title', 'held_on', 'referral_days', 'created_at', 'agreement_id'])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertMeeting(
  db: Queryable,
  row: {
    id: string
    reference: string
    title: string
    held_on: string
    referral_days: number
    created_by: string | null
    agreement_id?: string | null
  },
) {
  await db.insertInto('hub_meetings').values(row).execute()
}

/** A person treated as a child on the day: under 18 by date of birth or approximate age, or age disputed. */
const childOn = (alias: string, on: string) =>
  sql<boolean>`(${sql.ref(`${alias}.date_of_birth`)} > (${on}::date - interval '18 years')
    OR (${sql.ref(`${alias}.date_of_birth`)} IS NULL AND ${sql.ref(`${alias}.approximate_age`)} < 18)
    OR ${sql.ref(`${alias}.age_disputed`)})`

/** A person with a safeguarding need not yet met (or not yet ruled out) in their plan. */
const openNeed = (personId: string) =>
  sql<boolean>`EXISTS (SELECT 1 FROM safeguarding_plans sp JOIN safeguarding_needs sn ON sn.plan_id = sp.id
    WHERE sp.person_id = ${sql.ref(personId)} AND sn.status = 'unmet')`

/**
 * Referrals for the agenda: those received in the period and not yet opened as a live job or closed, and any
 * older ones still waiting with a child or an open safeguarding need in them. Each says why: 'child', 'open-need'.
 */
export async function agendaReferrals(db: Queryable, since: Date, until: Date, heldOn: string) {
  const { rows } = await sql<{ id: string; reasons: string[] }>`
    SELECT r.id, array_remove(ARRAY[
        CASE WHEN bool_or(${childOn('p', heldOn)}) THEN 'child' END,
        CASE WHEN bool_or(${openNeed('p.id')}) THEN 'open-need' END], NULL) AS reasons
    FROM referrals r
    LEFT JOIN referral_subjects s ON s.referral_id = r.id AND s.role = 'potential-victim'
    LEFT JOIN people p ON p.id = s.person_id
    WHERE r.status IN ('new', 'in-triage', 'screening') AND r.received_at < ${until}
    GROUP BY r.id
    HAVING min(r.received_at) >= ${since} OR coalesce(bool_or(${childOn('p', heldOn)} OR ${openNeed('p.id')}), false)
    ORDER BY min(r.received_at)
    LIMIT 200`.execute(db)
  return rows
}

/**
 * Live jobs for the agenda: every open one (not restricted: the agenda goes to partners) with a child or someone
 * with an open safeguarding need among its victims. Referrals opened as live jobs (County Lines children) stay on.
 */
export async function agendaCases(db: Queryable, heldOn: string) {
  const { rows } = await sql<{ id: string; reasons: string[] }>`
    SELECT c.id, array_remove(ARRAY[
        CASE WHEN bool_or(${childOn('p', heldOn)}) THEN 'child' END,
        CASE WHEN bool_or(${openNeed('p.id')}) THEN 'open-need' END], NULL) AS reasons
    FROM cases c
    JOIN case_people cp ON cp.case_id = c.id AND cp.role IN ('potential-victim', 'victim')
    JOIN people p ON p.id = cp.person_id
    WHERE c.status = 'open' AND NOT c.restricted
    GROUP BY c.id
    HAVING bool_or(${childOn('p', heldOn)} OR ${openNeed('p.id')})
    ORDER BY min(c.created_at)
    LIMIT 200`.execute(db)
  return rows
}

/** Plans with a review not yet held that falls due by the date given (so overdue ones too). */
export async function agendaPlans(db: Queryable, dueBy: string) {
  return db
    .selectFrom('safeguarding_plans as p')
    .innerJoin('safeguarding_reviews as r', 'r.plan_id', 'p.id')
    .select(['p.id'])
    .select(sql<string>`min(r.due_on)`.as('due_on'))
    .where('r.held_on', 'is', null)
    .where('r.due_on', '<=', dueBy)
    .groupBy('p.id')
    .orderBy(sql`min(r.due_on)`)
    .limit(200)
    .execute()
}

export async function insertItems(
  db: Queryable,
  rows: {
    id: string
    meeting_id: string
    kind: string
    referral_id: string | null
    plan_id: string | null
    case_id?: string | null
    reasons?: string[]
    position: number
  }[],
) {
  if (rows.length > 0) await db.insertInto('hub_meeting_items').values(rows).execute()
}

export async function meetingItems(db: Queryable, meetingId: string) {
  return db
    .selectFrom('hub_meeting_items as i')
    .leftJoin('referrals as r', 'r.id', 'i.referral_id')
    .leftJoin('safeguarding_plans as p', 'p.id', 'i.plan_id')
    .leftJoin('cases as c', 'c.id', 'i.case_id')
    .select([
      'i.id',
      'i.kind',
      'i.position',
      'i.referral_id',
      'i.plan_id',
      'i.case_id',
      'i.reasons',
      'c.reference as case_reference',
      'r.reference as referral_reference',
      'r.status as referral_status',
      'r.received_at',
      'p.reference as plan_reference',
      'p.person_id as plan_person_id',
    ])
    .select(
      sql<
        string | null
      >`(SELECT min(due_on) FROM safeguarding_reviews v WHERE v.plan_id = i.plan_id AND v.held_on IS NULL)`.as(
        'next_review_on',
      ),
    )
    .where('i.meeting_id', '=', meetingId)
    .orderBy('i.position')
    .execute()
}

export async function findItem(db: Queryable, meetingId: string, itemId: string) {
  return db
    .selectFrom('hub_meeting_items')
    .select(['id', 'kind', 'plan_id', 'referral_id', 'case_id', 'position'])
    .where('meeting_id', '=', meetingId)
    .where('id', '=', itemId)
    .executeTakeFirst()
}

/** An agenda item by its id alone, with the meeting it belongs to. */
export async function itemMeeting(db: Queryable, itemId: string) {
  return db.selectFrom('hub_meeting_items').select(['id', 'meeting_id']).where('id', '=', itemId).executeTakeFirst()
}

export async function meetingAttendees(db: Queryable, meetingId: string) {
  return db
    .selectFrom('hub_meeting_attendees as a')
    .innerJoin('users as u', 'u.id', 'a.user_id')
    .select(['u.id', 'u.display_name', 'a.apologies'])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('u.display_name')
    .execute()
}

export async function meetingAgencies(db: Queryable, meetingId: string) {
  return db
    .selectFrom('hub_meeting_agencies as a')
    .innerJoin('agencies as g', 'g.id', 'a.agency_id')
    .select(['g.id', 'g.name'])
    .where('a.meeting_id', '=', meetingId)
    .orderBy('g.name')
    .execute()
}

export async function setAttendance(
  db: Queryable,
  meetingId: string,
  userIds: string[],
  agencyIds: string[],
  apologyUserIds: string[] = [],
) {
  await db.deleteFrom('hub_meeting_attendees').where('meeting_id', '=', meetingId).execute()
  await db.deleteFrom('hub_meeting_agencies').where('meeting_id', '=', meetingId).execute()
  const apologies = apologyUserIds.filter((id) => !userIds.includes(id))
  if (userIds.length || apologies.length)
    await db
      .insertInto('hub_meeting_attendees')
      .values([
        ...userIds.map((user_id) => ({ meeting_id: meetingId, user_id, apologies: false })),
        ...apologies.map((user_id) => ({ meeting_id: meetingId, user_id, apologies: true })),
      ])
      .execute()
  if (agencyIds.length)
    await db
      .insertInto('hub_meeting_agencies')
      .values(agencyIds.map((agency_id) => ({ meeting_id: meetingId, agency_id })))
      .execute()
}

/** Staff who may attend: everyone active who is not a partner user (partners attend as their agency). */
export async function staffUsers(db: Queryable, ids?: string[]) {
  let query = db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('disabled_at', 'is', null)
    .where('agency_id', 'is', null)
  if (ids) {
    if (ids.length === 0) return []
    query = query.where('id', 'in', ids)
  }
  return query.orderBy('display_name').limit(500).execute()
}

export async function meetingDecisions(db: Queryable, meetingId: string) {
  return db
    .selectFrom('hub_meeting_decisions as d')
    .leftJoin('users as u', 'u.id', 'd.created_by')
    .select(['d.id', 'd.item_id', 'd.text', 'd.created_at', 'u.display_name as by_name'])
    .where('d.meeting_id', '=', meetingId)
    .orderBy('d.created_at')
    .execute()
}

export async function insertDecision(
  db: Queryable,
  row: { id: string; meeting_id: string; item_id: string | null; text: string; created_by: string | null },
) {
  await db.insertInto('hub_meeting_decisions').values(row).execute()
}

export async function agencyAttends(db: Queryable, meetingId: string, agencyId: string): Promise<boolean> {
  return Boolean(
    await db
      .selectFrom('hub_meeting_agencies')
      .select('agency_id')
      .where('meeting_id', '=', meetingId)
      .where('agency_id', '=', agencyId)
      .executeTakeFirst(),
  )
}

/** For a partner's meeting view: the agency's actions that belong to an agenda item, by the item or its plan. */
export async function agencyItemActions(db: Queryable, meetingId: string, agencyId: string) {
  return db
    .selectFrom('hub_meeting_items as i')
    .innerJoin('safeguarding_actions as a', (join) =>
      join.on((eb) =>
        eb.or([
          eb('a.meeting_item_id', '=', eb.ref('i.id')),
          eb.and([eb('a.plan_id', '=', eb.ref('i.plan_id')), eb('a.status', '=', 'open')]),
        ]),
      ),
    )
    .leftJoin('safeguarding_plans as p', 'p.id', 'i.plan_id')
    .select([
      'i.id as item_id',
      'i.position',
      'p.reference as plan_reference',
      'a.id',
      'a.text',
      'a.due_on',
      'a.status',
    ])
    .where('i.meeting_id', '=', meetingId)
    .where('a.owner_agency_id', '=', agencyId)
    .orderBy('i.position')
    .orderBy('a.due_on')
    .execute()
}

// --- Named attendees, agreement, people on an item, contributions ------------------------------------------

export async function namedAttendees(db: Queryable, meetingId: string) {
  return db
    .selectFrom('hub_meeting_named_attendees as n')
    .leftJoin('agencies as g', 'g.id', 'n.agency_id')
    .select(['n.id', 'n.name', 'n.role', 'n.apologies', 'g.name as agency_name'])
    .where('n.meeting_id', '=', meetingId)
    .orderBy('n.apologies')
    .orderBy('n.created_at')
    .execute()
}

export async function insertNamedAttendee(
  db: Queryable,
  row: {
    id: string
    meeting_id: string
    name: string
    role: string
    agency_id: string | null
    apologies: boolean
    created_by: string | null
  },
) {
  await db.insertInto('hub_meeting_named_attendees').values(row).execute()
}

export async function deleteNamedAttendee(db: Queryable, meetingId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('hub_meeting_named_attendees')
    .where('meeting_id', '=', meetingId)
    .where('id', '=', id)
    .executeTakeFirst()
  return r.numDeletedRows > 0n
}

export async function agreementFor(db: Queryable, agreementId: string | null) {
  if (!agreementId) return undefined
  return db
    .selectFrom('sharing_agreements')
    .select(['id', 'title', 'purposes', 'lawful_basis', 'allowed_fields', 'ends_on'])
    .where('id', '=', agreementId)
    .executeTakeFirst()
}

/** Agreements in force today, for choosing the one a meeting is held under. */
export async function agreementsInForce(db: Queryable, today: string) {
  return db
    .selectFrom('sharing_agreements')
    .select(['id', 'title'])
    .where('starts_on', '<=', today)
    .where('ends_on', '>=', today)
    .orderBy('title')
    .execute()
}

/**
 * The people an agenda item is about: a plan's person; a referral's or live job's people, victims first. Ids and
 * roles only: the caller filters them through the access policy before any name is read.
 */
export async function itemPeople(db: Queryable, itemId: string) {
  const { rows } = await sql<{ person_id: string; role: string }>`
    SELECT x.person_id, x.role FROM (
      SELECT p.person_id, 'potential-victim' AS role, 0 AS pos FROM hub_meeting_items i JOIN safeguarding_plans p ON p.id = i.plan_id WHERE i.id = ${itemId}
      UNION ALL
      SELECT s.person_id, s.role, s.position FROM hub_meeting_items i JOIN referral_subjects s ON s.referral_id = i.referral_id WHERE i.id = ${itemId}
      UNION ALL
      SELECT cp.person_id, cp.role, 0 FROM hub_meeting_items i JOIN case_people cp ON cp.case_id = i.case_id WHERE i.id = ${itemId}
    ) x ORDER BY (x.role IN ('potential-victim', 'victim')) DESC, x.pos, x.person_id`.execute(db)
  return rows
}

export async function personNames(db: Queryable, ids: readonly string[]) {
  if (ids.length === 0) return new Map<string, string | null>()
  const { rows } = await sql<{ id: string; name: string | null }>`
    SELECT x.id::text AS id, ${displayName('x.id')} AS name FROM unnest(${[...ids]}::uuid[]) AS x(id)`.execute(db)
  return new Map(rows.map((r) => [r.id, r.name]))
}

export async function insertContribution(
  db: Queryable,
  row: {
    id: string
    meeting_item_id: string | null
    action_id: string | null
    disclosure_id: string | null
    person_id: string | null
    agency_id: string
    kind: string
    text: string
    created_by: string | null
  },
) {
  await db.insertInto('hub_contributions').values(row).execute()
}

/** Contributions by one agency to a meeting's items and actions: a partner sees only its own agency's. */
export async function agencyContributions(db: Queryable, agencyId: string, itemIds: string[], actionIds: string[]) {
  if (itemIds.length === 0 && actionIds.length === 0) return []
  return db
    .selectFrom('hub_contributions as c')
    .leftJoin('users as u', 'u.id', 'c.created_by')
    .select(['c.id', 'c.meeting_item_id', 'c.action_id', 'c.disclosure_id', 'c.kind', 'c.text', 'c.created_at'])
    .select('u.display_name as by_name')
    .where('c.agency_id', '=', agencyId)
    .where((eb) =>
      eb.or([
        ...(itemIds.length ? [eb('c.meeting_item_id', 'in', itemIds)] : []),
        ...(actionIds.length ? [eb('c.action_id', 'in', actionIds)] : []),
      ]),
    )
    .orderBy('c.created_at')
    .execute()
}

/** What partner agencies recorded about a person, newest first, with who and which meeting. */
export async function personContributions(db: Queryable, personId: string) {
  return db
    .selectFrom('hub_contributions as c')
    .innerJoin('agencies as g', 'g.id', 'c.agency_id')
    .leftJoin('users as u', 'u.id', 'c.created_by')
    .leftJoin('hub_meeting_items as i', 'i.id', 'c.meeting_item_id')
    .leftJoin('safeguarding_actions as a', 'a.id', 'c.action_id')
    .leftJoin('hub_meetings as m', (join) =>
      join.on((eb) => eb.or([eb('m.id', '=', eb.ref('i.meeting_id')), eb('m.id', '=', eb.ref('a.meeting_id'))])),
    )
    .select(['c.id', 'c.kind', 'c.text', 'c.created_at', 'g.name as agency_name', 'u.display_name as by_name'])
    .select(['m.id as meeting_id', 'm.reference as meeting_reference', 'a.text as action_text'])
    .where('c.person_id', 'in', sql<string>`(SELECT person_identity(${personId}))`)
    .orderBy('c.created_at', 'desc')
    .limit(100)
    .execute()
}

/** The person an action is about: its plan's person, or the person of the disclosure made with it. */
export async function actionPerson(db: Queryable, actionId: string): Promise<string | null> {
  const { rows } = await sql<{ person_id: string | null }>`
    SELECT coalesce(
      (SELECT p.person_id FROM safeguarding_actions a JOIN safeguarding_plans p ON p.id = a.plan_id WHERE a.id = ${actionId}),
      (SELECT d.person_id FROM disclosures d WHERE d.action_id = ${actionId} ORDER BY d.created_at LIMIT 1)) AS person_id`.execute(
    db,
  )
  return rows[0]?.person_id ?? null
}

/** Open actions of a meeting owned by an agency, with the item they belong to (for the partner's meeting view). */
export async function agencyMeetingActions(db: Queryable, meetingId: string, agencyId: string) {
  return db
    .selectFrom('safeguarding_actions as a')
    .select(['a.id', 'a.text', 'a.due_on', 'a.status', 'a.meeting_item_id'])
    .where('a.meeting_id', '=', meetingId)
    .where('a.owner_agency_id', '=', agencyId)
    .orderBy('a.due_on')
    .execute()
}
