import { sql } from 'kysely'
import type { Queryable, Trx } from '#src/platform/db/database.ts'
import { displayName } from '#src/modules/people/index.ts'

/** All of the import module's SQL. */

export const JOB_COLUMNS = [
  'id',
  'source',
  'referral_source',
  'filename',
  'file_kind',
  'headers',
  'mapping',
  'status',
  'total_rows',
  'next_row',
  'created_count',
  'review_count',
  'failed_count',
  'already_count',
  'created_by',
  'created_at',
  'started_at',
  'finished_at',
] as const

export async function insertJob(
  db: Queryable,
  job: {
    id: string
    source: string
    referralSource: string
    filename: string
    kind: string
    headers: string[]
    rows: string[][]
    createdBy: string | null
  },
) {
  await db
    .insertInto('import_jobs')
    .values({
      id: job.id,
      source: job.source,
      referral_source: job.referralSource,
      filename: job.filename,
      file_kind: job.kind,
      headers: job.headers,
      rows: JSON.stringify(job.rows),
      total_rows: job.rows.length,
      created_by: job.createdBy,
    })
    .execute()
}

export function findJob(db: Queryable, id: string) {
  return db.selectFrom('import_jobs').select(JOB_COLUMNS).where('id', '=', id).executeTakeFirst()
}
export type JobRow = NonNullable<Awaited<ReturnType<typeof findJob>>>

export function listJobs(db: Queryable, limit: number) {
  return db
    .selectFrom('import_jobs')
    .leftJoin('users', 'users.id', 'import_jobs.created_by')
    .select([
      'import_jobs.id',
      'source',
      'filename',
      'status',
      'total_rows',
      'next_row',
      'created_count',
      'review_count',
      'failed_count',
      'already_count',
      'import_jobs.created_at',
      'users.display_name as created_by_name',
    ])
    .orderBy('import_jobs.created_at', 'desc')
    .limit(limit)
    .execute()
}

/** Rows `from` to `to` (0-based, exclusive), sliced in the database so a batch never reads the whole file. */
export async function jobRows(db: Queryable, id: string, from: number, to: number): Promise<string[][]> {
  if (to <= from) return []
  const path = `$[${from} to ${to - 1}]`
  const result = await sql<{
    slice: string[][]
  }>`SELECT jsonb_path_query_array(rows, ${path}::jsonpath) AS slice FROM import_jobs WHERE id = ${id}`.execute(db)
  return result.rows[0]?.slice ?? []
}

export async function setMapping(db: Queryable, id: string, mapping: Record<string, string>) {
  await db
    .updateTable('import_jobs')
    .set({ mapping: JSON.stringify(mapping) })
    .where('id', '=', id)
    .execute()
}

export async function saveSourceMapping(
  db: Queryable,
  sourceKey: string,
  headerKey: string,
  mapping: Record<string, string>,
  userId: string | null,
) {
  await db
    .insertInto('import_mappings')
    .values({ source_key: sourceKey, header_key: headerKey, mapping: JSON.stringify(mapping), updated_by: userId })
    .onConflict((oc) =>
      oc
        .columns(['source_key', 'header_key'])
        .doUpdateSet({ mapping: JSON.stringify(mapping), updated_by: userId, updated_at: new Date() }),
    )
    .execute()
}

export async function findSourceMapping(db: Queryable, sourceKey: string, headerKey: string) {
  return (
    (
      await db
        .selectFrom('import_mappings')
        .select('mapping')
        .where('source_key', '=', sourceKey)
        .where('header_key', '=', headerKey)
        .executeTakeFirst()
    )?.mapping ?? null
  )
}

/** Queues a mapped job once: a second press of "Import" changes nothing. */
export async function queueJob(db: Queryable, id: string): Promise<boolean> {
  const result = await db
    .updateTable('import_jobs')
    .set({ status: 'queued' })
    .where('id', '=', id)
    .where('status', '=', 'mapping')
    .where('mapping', 'is not', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * The oldest unfinished job nobody else is working, locked for this transaction. SKIP LOCKED lets several
 * instances (or a restarted one) share the work without waiting on each other or taking the same batch twice.
 */
export function claimJob(trx: Trx) {
  return trx
    .selectFrom('import_jobs')
    .select(JOB_COLUMNS)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst()
}

export async function finishBatch(
  trx: Trx,
  id: string,
  change: { nextRow: number; created: number; review: number; failed: number; already: number; done: boolean },
) {
  await trx
    .updateTable('import_jobs')
    .set((eb) => ({
      next_row: change.nextRow,
      created_count: eb('created_count', '+', change.created),
      review_count: eb('review_count', '+', change.review),
      failed_count: eb('failed_count', '+', change.failed),
      already_count: eb('already_count', '+', change.already),
      status: change.done ? 'completed' : 'running',
      started_at: sql<Date>`coalesce(started_at, now())`,
      finished_at: change.done ? sql<Date>`now()` : null,
    }))
    .where('id', '=', id)
    .execute()
}

/** Whether a row with this fingerprint already did something (imported, or waiting for or given a decision). */
export async function fingerprintTaken(db: Queryable, fingerprint: string): Promise<boolean> {
  return Boolean(
    await db
      .selectFrom('import_rows')
      .select('id')
      .where('fingerprint', '=', fingerprint)
      .where('status', 'not in', ['failed', 'already-imported'])
      .executeTakeFirst(),
  )
}

export async function insertRow(
  db: Queryable,
  row: {
    id: string
    jobId: string
    rowNumber: number
    fingerprint: string
    status: string
    message?: string | null
    referralId?: string | null
    personId?: string | null
    candidateId?: string | null
    probability?: number | null
    explanation?: unknown[] | null
    data?: Record<string, unknown> | null
  },
) {
  await db
    .insertInto('import_rows')
    .values({
      id: row.id,
      job_id: row.jobId,
      row_number: row.rowNumber,
      fingerprint: row.fingerprint,
      status: row.status,
      message: row.message ?? null,
      referral_id: row.referralId ?? null,
      person_id: row.personId ?? null,
      candidate_person_id: row.candidateId ?? null,
      probability: row.probability ?? null,
      explanation: row.explanation ? JSON.stringify(row.explanation) : null,
      data: row.data ? JSON.stringify(row.data) : null,
    })
    .execute()
}

export function rowsOf(db: Queryable, jobId: string, statuses: string[], limit = 1000) {
  return db
    .selectFrom('import_rows')
    .select(['id', 'row_number', 'status', 'message', 'referral_id', 'person_id', 'candidate_person_id', 'probability'])
    .where('job_id', '=', jobId)
    .where('status', 'in', statuses)
    .orderBy('row_number')
    .limit(limit)
    .execute()
}

export function lockReviewRow(trx: Trx, jobId: string, rowId: string) {
  return trx
    .selectFrom('import_rows')
    .selectAll()
    .where('job_id', '=', jobId)
    .where('id', '=', rowId)
    .forUpdate()
    .executeTakeFirst()
}

export function findRow(db: Queryable, jobId: string, rowId: string) {
  return db.selectFrom('import_rows').selectAll().where('job_id', '=', jobId).where('id', '=', rowId).executeTakeFirst()
}

export async function recordDecision(
  trx: Trx,
  rowId: string,
  change: { status: 'same-person' | 'new-person'; referralId: string; personId: string; decidedBy: string | null },
) {
  await trx
    .updateTable('import_rows')
    // The row's copy of the data has done its job once the referral exists.
    .set({
      status: change.status,
      referral_id: change.referralId,
      person_id: change.personId,
      decided_by: change.decidedBy,
      decided_at: new Date(),
      data: null,
    })
    .where('id', '=', rowId)
    .execute()
}

export async function moveReviewToCreated(trx: Trx, jobId: string) {
  await trx
    .updateTable('import_jobs')
    .set((eb) => ({ review_count: eb('review_count', '-', 1), created_count: eb('created_count', '+', 1) }))
    .where('id', '=', jobId)
    .execute()
}

/** Name, date of birth and reference of people, for the review list: the candidate a reviewer compares with. */
export function peopleSummaries(db: Queryable, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .selectFrom('people')
    .select([
      'people.id',
      'people.date_of_birth',
      'people.gender',
      'people.nationalities',
      displayName('people.id').as('name'),
    ])
    .where('people.id', 'in', ids)
    .execute()
}
