import { sql, type RawBuilder } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'

export type NrmReferralRow = Pick<
  Row<'nrm_referrals'>,
  | 'id'
  | 'person_id'
  | 'referral_id'
  | 'screening_id'
  | 'nation'
  | 'submitted_on'
  | 'nrm_reference'
  | 'first_responder_organisation'
  | 'competent_authority'
  | 'child_at_referral'
  | 'rg_due_on'
  | 'created_at'
>

export type NrmEventRow = Pick<
  Row<'nrm_events'>,
  'id' | 'nrm_referral_id' | 'kind' | 'occurred_on' | 'outcome' | 'decided_by' | 'notes' | 'recorded_at'
> & { recorded_by_name: string | null }

export async function listNrmReferrals(db: Queryable, referralId: string, personId: string): Promise<NrmReferralRow[]> {
  return db
    .selectFrom('nrm_referrals')
    .selectAll()
    .where('referral_id', '=', referralId)
    .where('person_id', '=', personId)
    .orderBy('submitted_on', 'desc')
    .execute()
}

export async function findNrmReferral(db: Queryable, id: string): Promise<NrmReferralRow | undefined> {
  return db.selectFrom('nrm_referrals').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function listNrmEvents(db: Queryable, nrmReferralIds: string[]): Promise<NrmEventRow[]> {
  if (nrmReferralIds.length === 0) return []
  return db
    .selectFrom('nrm_events')
    .leftJoin('users', 'users.id', 'nrm_events.recorded_by')
    .select([
      'nrm_events.id',
      'nrm_events.nrm_referral_id',
      'nrm_events.kind',
      'nrm_events.occurred_on',
      'nrm_events.outcome',
      'nrm_events.decided_by',
      'nrm_events.notes',
      'nrm_events.recorded_at',
      'users.display_name as recorded_by_name',
    ])
    .where('nrm_events.nrm_referral_id', 'in', nrmReferralIds)
    .orderBy('nrm_events.occurred_on')
    .orderBy('nrm_events.recorded_at')
    .execute()
}

export async function insertNrmReferral(
  db: Queryable,
  row: Omit<NrmReferralRow, 'created_at'> & { created_by: string | null },
): Promise<void> {
  await db.insertInto('nrm_referrals').values(row).execute()
}

export async function insertNrmEvent(
  db: Queryable,
  row: {
    id: string
    nrm_referral_id: string
    kind: string
    occurred_on: string
    outcome: string | null
    decided_by: string | null
    notes: string | null
    recorded_by: string | null
  },
): Promise<void> {
  await db.insertInto('nrm_events').values(row).execute()
}

/** Locks an NRM referral so two officers cannot record conflicting decisions at once. */
export async function lockNrmReferral(db: Queryable, id: string): Promise<NrmReferralRow | undefined> {
  return db.selectFrom('nrm_referrals').selectAll().where('id', '=', id).forUpdate().executeTakeFirst()
}

export type ConsentRow = Pick<
  Row<'consents'>,
  | 'id'
  | 'purpose'
  | 'decision'
  | 'recorded_on'
  | 'explained_by'
  | 'interpreter_used'
  | 'interpreter_language'
  | 'points_explained'
  | 'understanding'
  | 'created_at'
>

export async function listConsents(db: Queryable, personId: string): Promise<ConsentRow[]> {
  return db
    .selectFrom('consents')
    .select([
      'id',
      'purpose',
      'decision',
      'recorded_on',
      'explained_by',
      'interpreter_used',
      'interpreter_language',
      'points_explained',
      'understanding',
      'created_at',
    ])
    .where('person_id', '=', personId)
    .orderBy('recorded_on', 'desc')
    .orderBy('created_at', 'desc')
    .execute()
}

export type DtnRow = Pick<
  Row<'dtn_submissions'>,
  | 'id'
  | 'referral_id'
  | 'submitted_on'
  | 'reference'
  | 'nation'
  | 'encountered_by'
  | 'gender'
  | 'nationality'
  | 'age_at_exploitation'
  | 'exploitation_types'
  | 'exploitation_location'
  | 'created_at'
>

export async function listDtnSubmissions(db: Queryable, referralId: string, personId: string): Promise<DtnRow[]> {
  return db
    .selectFrom('dtn_submissions')
    .select([
      'id',
      'referral_id',
      'submitted_on',
      'reference',
      'nation',
      'encountered_by',
      'gender',
      'nationality',
      'age_at_exploitation',
      'exploitation_types',
      'exploitation_location',
      'created_at',
    ])
    .where('referral_id', '=', referralId)
    .where('person_id', '=', personId)
    .orderBy('submitted_on', 'desc')
    .execute()
}

export async function findDtnSubmission(
  db: Queryable,
  id: string,
): Promise<(DtnRow & { person_id: string | null }) | undefined> {
  return db
    .selectFrom('dtn_submissions')
    .select([
      'id',
      'referral_id',
      'person_id',
      'submitted_on',
      'reference',
      'nation',
      'encountered_by',
      'gender',
      'nationality',
      'age_at_exploitation',
      'exploitation_types',
      'exploitation_location',
      'created_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst()
}

export async function insertDtnSubmission(
  db: Queryable,
  row: Omit<DtnRow, 'created_at'> & { person_id: string; screening_id: string | null; created_by: string | null },
): Promise<void> {
  await db.insertInto('dtn_submissions').values(row).execute()
}

export const WORK_ITEM_KINDS = [
  'rg-due',
  'consent-at-18',
  'submit-nrm',
  'submit-dtn',
  'awaiting-cg',
  'reconsideration-pending',
  'reconsider',
  'move-on',
] as const
export type WorkItemKind = (typeof WORK_ITEM_KINDS)[number]

export type WorkItemRow = {
  kind: WorkItemKind
  /** The due date where the database knows it (a reasonable grounds target, an 18th birthday). */
  due_on: string | null
  /** The decision a later date runs from (a positive RG for the recovery period, a CG for move-on), and its outcome. */
  decided_on: string | null
  outcome: string | null
  nation: string | null
  referral_id: string
  reference: string
  person_id: string
  person_name: string | null
  assignee_name: string | null
}

/**
 * The next NRM step for each person, from the first screening until they leave the NRM: NRM referrals or Duty to
 * Notify not yet recorded; reasonable grounds decisions awaited; children turning 18 who must be asked to consent
 * to continue; the recovery period while the conclusive grounds decision is awaited; a negative decision to
 * consider challenging, and a reconsideration awaited; and move-on after the conclusive grounds decision. Limited
 * to the people whose victim side the user holds a duty to (`mine`), unless `everyone` (a supervisor's view).
 */
export async function listWorkItems(
  db: Queryable,
  options: { mine: ((personColumn: string) => RawBuilder<boolean>) | null; today: string; limit: number },
): Promise<WorkItemRow[]> {
  const mine = options.mine === null ? sql`true` : options.mine('i.person_id')
  const { rows } = await sql<WorkItemRow>`
    WITH latest AS (
      SELECT DISTINCT ON (s.referral_id, s.person_id) s.referral_id, s.person_id, s.confirmed_route
      FROM screenings s WHERE s.status = 'confirmed'
      ORDER BY s.referral_id, s.person_id, s.confirmed_at DESC
    ),
    state AS (
      SELECT n.id, n.referral_id, n.person_id, n.nation, rg.outcome AS rg_outcome, rg.occurred_on AS rg_on, rg.recorded_at AS rg_at,
        cg.outcome AS cg_outcome, cg.occurred_on AS cg_on, cg.recorded_at AS cg_at,
        (SELECT max(e.recorded_at) FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'reconsideration-requested') AS asked_at,
        (SELECT max(e.recorded_at) FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'reconsideration-decided') AS answered_at,
        EXISTS (SELECT 1 FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'disqualified') AS disqualified
      FROM nrm_referrals n
      LEFT JOIN LATERAL (SELECT e.outcome, e.occurred_on, e.recorded_at FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'reasonable-grounds' ORDER BY e.recorded_at DESC LIMIT 1) rg ON true
      LEFT JOIN LATERAL (SELECT e.outcome, e.occurred_on, e.recorded_at FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'conclusive-grounds' ORDER BY e.recorded_at DESC LIMIT 1) cg ON true
      WHERE NOT EXISTS (SELECT 1 FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'withdrawn')
    ),
    items AS (
      SELECT 'rg-due'::text AS kind, n.rg_due_on::text AS due_on, NULL::text AS decided_on, NULL::text AS outcome, n.nation, n.referral_id, n.person_id
      FROM nrm_referrals n JOIN state st ON st.id = n.id
      WHERE st.rg_on IS NULL
      UNION ALL
      SELECT 'consent-at-18', (p.date_of_birth + interval '18 years')::date::text, NULL, NULL, n.nation, n.referral_id, n.person_id
      FROM nrm_referrals n JOIN state st ON st.id = n.id JOIN people p ON p.id = n.person_id
      WHERE n.child_at_referral AND p.date_of_birth IS NOT NULL
        AND p.date_of_birth + interval '18 years' <= ${options.today}::date + 90
        AND st.cg_on IS NULL
        AND NOT EXISTS (SELECT 1 FROM nrm_events e WHERE e.nrm_referral_id = n.id AND e.kind = 'consent-to-continue')
      UNION ALL
      SELECT 'reconsideration-pending', NULL, NULL, NULL, st.nation, st.referral_id, st.person_id FROM state st
      WHERE st.asked_at IS NOT NULL AND (st.answered_at IS NULL OR st.answered_at < st.asked_at)
      UNION ALL
      -- A negative decision not yet challenged: a reminder for 90 days after it (a horizon for the list, not a legal limit).
      SELECT 'reconsider', NULL, coalesce(st.cg_on, st.rg_on)::text, 'negative', st.nation, st.referral_id, st.person_id FROM state st
      WHERE (st.cg_outcome = 'negative' OR (st.cg_on IS NULL AND st.rg_outcome = 'negative'))
        AND (st.asked_at IS NULL OR st.asked_at < coalesce(st.cg_at, st.rg_at))
        AND coalesce(st.cg_on, st.rg_on) >= ${options.today}::date - 90
      UNION ALL
      SELECT 'awaiting-cg', NULL, st.rg_on::text, 'positive', st.nation, st.referral_id, st.person_id FROM state st
      WHERE st.rg_outcome = 'positive' AND st.cg_on IS NULL AND NOT st.disqualified
        AND NOT (st.asked_at IS NOT NULL AND (st.answered_at IS NULL OR st.answered_at < st.asked_at))
      UNION ALL
      -- Move-on runs at most a few weeks after the decision: anything older has left the NRM.
      SELECT 'move-on', NULL, st.cg_on::text, st.cg_outcome, st.nation, st.referral_id, st.person_id FROM state st
      WHERE st.cg_on IS NOT NULL AND st.cg_on >= ${options.today}::date - 120
        AND NOT (st.asked_at IS NOT NULL AND (st.answered_at IS NULL OR st.answered_at < st.asked_at))
      UNION ALL
      SELECT 'submit-nrm', NULL, NULL, NULL, NULL, l.referral_id, l.person_id FROM latest l
      WHERE l.confirmed_route IN ('NRM', 'NRM_AND_CHILD_SAFEGUARDING')
        AND NOT EXISTS (SELECT 1 FROM nrm_referrals n WHERE n.referral_id = l.referral_id AND n.person_id = l.person_id)
      UNION ALL
      SELECT 'submit-dtn', NULL, NULL, NULL, NULL, l.referral_id, l.person_id FROM latest l
      WHERE l.confirmed_route = 'DUTY_TO_NOTIFY'
        AND NOT EXISTS (SELECT 1 FROM dtn_submissions d WHERE d.referral_id = l.referral_id AND d.person_id = l.person_id)
    )
    SELECT i.kind, i.due_on, i.decided_on, i.outcome, i.nation, i.referral_id, r.reference, i.person_id,
      ${displayName('i.person_id')} AS person_name,
      u.display_name AS assignee_name
    FROM items i
    JOIN referrals r ON r.id = i.referral_id
    LEFT JOIN users u ON u.id = r.assigned_to
    WHERE ${mine}
    ORDER BY i.due_on NULLS FIRST, r.reference
    LIMIT ${options.limit}
  `.execute(db)
  return rows
}

export type NrmDraftRow = Pick<
  Row<'nrm_drafts'>,
  'id' | 'referral_id' | 'person_id' | 'data' | 'version' | 'updated_at'
> & {
  updated_by_name: string | null
}

/** The draft NRM form for one person in one referral; `lock` holds it until the transaction ends. */
export async function findNrmDraft(
  db: Queryable,
  referralId: string,
  personId: string,
  lock = false,
): Promise<NrmDraftRow | undefined> {
  if (lock)
    await db
      .selectFrom('nrm_drafts')
      .select('id')
      .where('referral_id', '=', referralId)
      .where('person_id', '=', personId)
      .forUpdate()
      .executeTakeFirst()
  return db
    .selectFrom('nrm_drafts')
    .leftJoin('users', 'users.id', 'nrm_drafts.updated_by')
    .select([
      'nrm_drafts.id',
      'nrm_drafts.referral_id',
      'nrm_drafts.person_id',
      'nrm_drafts.data',
      'nrm_drafts.version',
      'nrm_drafts.updated_at',
      'users.display_name as updated_by_name',
    ])
    .where('nrm_drafts.referral_id', '=', referralId)
    .where('nrm_drafts.person_id', '=', personId)
    .executeTakeFirst()
}

/** Inserts the first version; false when someone else made the draft first. */
export async function insertNrmDraft(
  db: Queryable,
  row: { id: string; referral_id: string; person_id: string; data: Record<string, unknown>; created_by: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('nrm_drafts')
    .values({
      id: row.id,
      referral_id: row.referral_id,
      person_id: row.person_id,
      data: JSON.stringify(row.data),
      version: 1,
      created_by: row.created_by,
      updated_by: row.created_by,
    })
    .onConflict((oc) => oc.columns(['referral_id', 'person_id']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

/** Saves a new version only if the draft is still at `expectedVersion`; false when it has moved on. */
export async function updateNrmDraft(
  db: Queryable,
  id: string,
  expectedVersion: number,
  data: Record<string, unknown>,
  userId: string | null,
): Promise<boolean> {
  const result = await db
    .updateTable('nrm_drafts')
    .set({ data: JSON.stringify(data), version: expectedVersion + 1, updated_by: userId, updated_at: new Date() })
    .where('id', '=', id)
    .where('version', '=', expectedVersion)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** What the form needs from the referral and the person beyond the screening: for pre-filling the NRM draft. */
export async function draftContextRows(db: Queryable, referralId: string, personId: string) {
  const [referral, person, locations, others] = await Promise.all([
    db
      .selectFrom('referrals')
      .leftJoin('users', 'users.id', 'referrals.assigned_to')
      .select([
        'referrals.reference',
        'referrals.received_at',
        'referrals.summary',
        'referrals.exploitation_types',
        'referrals.county_lines',
        'referrals.status',
        'users.display_name as assigned_name',
      ])
      .where('referrals.id', '=', referralId)
      .executeTakeFirst(),
    db.selectFrom('people').select(['languages']).where('id', '=', personId).executeTakeFirst(),
    db
      .selectFrom('referral_locations')
      .innerJoin('locations', 'locations.id', 'referral_locations.location_id')
      .select(['locations.town', 'locations.postcode', 'locations.premises_type', 'locations.description'])
      .where('referral_locations.referral_id', '=', referralId)
      .orderBy('referral_locations.position')
      .execute(),
    db
      .selectFrom('referral_subjects')
      .select(['referral_subjects.role'])
      .select(displayName('referral_subjects.person_id').as('name'))
      .where('referral_subjects.referral_id', '=', referralId)
      .where('referral_subjects.person_id', '!=', personId)
      .orderBy('referral_subjects.position')
      .execute(),
  ])
  // Never the recorded immigration status: it is behind its own firewall, so the form asks the officer instead.
  return { referral, languages: person?.languages ?? [], locations, others }
}
