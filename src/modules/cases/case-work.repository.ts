import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'

/** The SQL of live-job work: countersignatures, stage dates, exhibits and handsets, intelligence references. */

export async function countersignatures(db: Queryable, caseId: string) {
  return db
    .selectFrom('case_decision_countersignatures as s')
    .innerJoin('case_decisions as d', 'd.id', 's.decision_id')
    .innerJoin('users as u', 'u.id', 's.countersigned_by')
    .select(['s.decision_id', 's.countersigned_at', 's.comment', 'u.display_name as by_name'])
    .where('d.case_id', '=', caseId)
    .execute()
}

export async function findDecision(db: Queryable, caseId: string, decisionId: string) {
  return db
    .selectFrom('case_decisions')
    .select(['id', 'recorded_by'])
    .where('case_id', '=', caseId)
    .where('id', '=', decisionId)
    .executeTakeFirst()
}

/** Countersigns a decision once; false when it was already countersigned. */
export async function insertCountersignature(
  db: Queryable,
  row: { decisionId: string; by: string; comment: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('case_decision_countersignatures')
    .values({ decision_id: row.decisionId, countersigned_by: row.by, comment: row.comment })
    .onConflict((oc) => oc.doNothing())
    .returning('decision_id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function insertStageDate(
  db: Queryable,
  row: {
    id: string
    case_id: string
    person_id: string | null
    kind: string
    occurred_on: string
    due_on: string | null
    note: string | null
    recorded_by: string | null
  },
): Promise<void> {
  await db.insertInto('case_stage_dates').values(row).execute()
}

export async function listStageDates(db: Queryable, caseId: string) {
  const { rows } = await sql<{
    id: string
    kind: string
    occurred_on: string
    due_on: string | null
    note: string | null
    person_id: string | null
    person_name: string | null
  }>`SELECT d.id, d.kind, d.occurred_on::text AS occurred_on, d.due_on::text AS due_on, d.note, d.person_id,
      CASE WHEN d.person_id IS NULL THEN NULL ELSE ${displayName('d.person_id')} END AS person_name
    FROM case_stage_dates d WHERE d.case_id = ${caseId} ORDER BY d.occurred_on, d.recorded_at`.execute(db)
  return rows
}

export async function insertExhibit(
  db: Queryable,
  row: {
    id: string
    case_id: string
    kind: 'exhibit' | 'handset'
    reference: string
    description: string
    seized_on: string | null
    seized_from: string | null
    object_id: string | null
    storage: string | null
    recorded_by: string | null
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto('case_exhibits')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'reference']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function listExhibits(db: Queryable, caseId: string) {
  const { rows } = await sql<{
    id: string
    kind: string
    reference: string
    description: string
    seized_on: string | null
    seized_from: string | null
    seized_from_name: string | null
    handset: string | null
    storage: string | null
    status: string
  }>`SELECT e.id, e.kind, e.reference, e.description, e.seized_on::text AS seized_on, e.seized_from,
      CASE WHEN e.seized_from IS NULL THEN NULL ELSE ${displayName('e.seized_from')} END AS seized_from_name,
      o.display AS handset, e.storage, e.status
    FROM case_exhibits e LEFT JOIN objects o ON o.id = e.object_id WHERE e.case_id = ${caseId} ORDER BY e.reference`.execute(
    db,
  )
  return rows
}

export async function insertIntelligenceReport(
  db: Queryable,
  row: { id: string; case_id: string; reference: string; note: string | null; recorded_by: string | null },
): Promise<boolean> {
  const inserted = await db
    .insertInto('case_intelligence_reports')
    .values(row)
    .onConflict((oc) => oc.columns(['case_id', 'reference']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return inserted !== undefined
}

export async function listIntelligenceReports(db: Queryable, caseId: string) {
  return db
    .selectFrom('case_intelligence_reports as r')
    .leftJoin('users as u', 'u.id', 'r.recorded_by')
    .select(['r.id', 'r.reference', 'r.note', 'r.recorded_at', 'u.display_name as by_name'])
    .where('r.case_id', '=', caseId)
    .orderBy('r.recorded_at')
    .execute()
}
