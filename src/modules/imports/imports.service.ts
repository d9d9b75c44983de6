import { sql } from 'kysely'
import type { Db, Trx } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { DomainError, defineDomainError } from '#src/platform/http/errors.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { csvRows } from '#src/shared/csv.ts'
import type { ReferralService } from '#src/modules/referrals/index.ts'
import { SOURCES } from '#src/modules/referrals/index.ts'
import type { NewReferralInput } from '#src/modules/referrals/index.ts'
import type { PersonService } from '#src/modules/people/index.ts'
import type { MatchingService } from '#src/modules/matching/index.ts'
import { FileProblem, IMPORT_MAX_BYTES, readImportFile } from './imports.file.ts'
import {
  FIELD_LABELS,
  checkMapping,
  checkRow,
  guessMapping,
  headerKey,
  rowFingerprint,
  sourceKey,
  type Mapping,
  type RowValue,
} from './imports.fields.ts'
import * as repo from './imports.repository.ts'

export const ImportError = defineDomainError('ImportError', {
  'not-found': 404,
  invalid: 400,
  conflict: 409,
  'too-large': 413,
})

/** Rows per batch: each batch is one transaction, so a restart loses at most this much work (it is redone). */
export const BATCH_SIZE = 25
const PREVIEW_ROWS = 100

export type ImportDeps = {
  referrals: ReferralService
  people: PersonService
  matching: MatchingService
  matchThreshold: number
}

/** Row number as the user sees it in a spreadsheet: the headings are row 1. */
const rowNumberOf = (index: number) => index + 2

function actorFor(job: { created_by: string | null }): Actor {
  // The worker acts for whoever started the import: the audit trail names them, as if they had typed each row.
  return { userId: job.created_by, tokenId: null, ip: null, requestId: null }
}

function matchRecord(value: RowValue) {
  const person = value.referral.people[0]
  return {
    fullName: person.names[0],
    dateOfBirth: person.dateOfBirth ?? null,
    sex: person.gender,
    nationality: person.nationalities[0] ?? null,
    phones: value.phone ? [value.phone] : [],
    postcode: value.postcode,
  }
}

/**
 * Bulk import: upload, mapping (remembered per source and headings), preview, and a background worker that
 * works through queued jobs in small batches. Each batch is one transaction with its audit rows; each row in it
 * runs under a savepoint, so a row that fails is recorded as failed and the rest go on. A row whose person is
 * likely someone already recorded is held for a reviewer instead of becoming a new person.
 */
export function createImportService(db: Db, deps: ImportDeps) {
  let running: Promise<void> | null = null
  let again = false

  async function load(id: string) {
    const job = await repo.findJob(db, id)
    if (!job) throw new ImportError('not-found', 'Import not found')
    return job
  }

  /** Writes one referral from a row's value, linking the phone to its person in the same transaction. */
  async function writeReferral(
    trx: Trx,
    value: RowValue,
    job: { source: string },
    actor: Actor,
    existingPersonId: string | null,
  ) {
    const referral: NewReferralInput = existingPersonId ? { ...value.referral, people: [] } : value.referral
    let personId = existingPersonId
    const created = await deps.referrals.create(referral, actor, {
      trx,
      existingPeople: existingPersonId
        ? [{ personId: existingPersonId, role: value.referral.people[0]?.role ?? 'potential-victim' }]
        : [],
      within: async (t, made) => {
        personId ??= made.people[0] ?? null
        if (value.phone && personId)
          await deps.people.linkObjectWithin(
            t,
            personId,
            {
              kind: 'phone',
              value: value.phone,
              relation: 'uses',
              validFrom: null,
              source: `Import: ${job.source}`.slice(0, 200),
            },
            actor,
          )
      },
    })
    return { referralId: created.id, personId: personId! }
  }

  type Outcome = 'created' | 'review' | 'failed' | 'already'

  async function processRow(
    trx: Trx,
    job: repo.JobRow,
    cells: string[],
    index: number,
    created: string[],
  ): Promise<Outcome> {
    const rowNumber = rowNumberOf(index)
    const fingerprint = rowFingerprint(job.source, job.headers, cells)
    const base = { id: uuidv7(), jobId: job.id, rowNumber, fingerprint }
    if (await repo.fingerprintTaken(trx, fingerprint)) {
      await repo.insertRow(trx, { ...base, status: 'already-imported' })
      return 'already'
    }
    const check = checkRow(cells, job.headers, (job.mapping ?? {}) as Mapping, {
      rowNumber,
      source: job.source,
      referralSource: job.referral_source,
    })
    if (!check.ok) {
      await repo.insertRow(trx, { ...base, status: 'failed', message: Object.values(check.errors).join('; ') })
      return 'failed'
    }
    // A savepoint per row: a row the database refuses rolls back alone, and the batch goes on.
    await sql`SAVEPOINT import_row`.execute(trx)
    try {
      const likely = await deps.matching.likelyMatchesFor(matchRecord(check.value), deps.matchThreshold)
      const best = likely.matches[0]
      if (best) {
        await repo.insertRow(trx, {
          ...base,
          status: 'review',
          candidateId: best.personId,
          probability: best.probability,
          explanation: best.explanation,
          data: check.value as unknown as Record<string, unknown>,
        })
        await sql`RELEASE SAVEPOINT import_row`.execute(trx)
        return 'review'
      }
      const written = await writeReferral(trx, check.value, job, actorFor(job), null)
      await repo.insertRow(trx, {
        ...base,
        status: 'imported',
        referralId: written.referralId,
        personId: written.personId,
      })
      await sql`RELEASE SAVEPOINT import_row`.execute(trx)
      created.push(written.referralId)
      return 'created'
    } catch (error) {
      await sql`ROLLBACK TO SAVEPOINT import_row`.execute(trx)
      await sql`RELEASE SAVEPOINT import_row`.execute(trx)
      // The same row imported at this moment by another import of the same file: it is that one's.
      if ((error as { code?: string }).code === '23505') {
        await repo.insertRow(trx, { ...base, id: uuidv7(), status: 'already-imported' })
        return 'already'
      }
      // Domain refusals speak to the user; anything else is not shown, as it may carry internals.
      const message =
        error instanceof DomainError ? error.message : 'This row could not be saved. Check it and import it again.'
      await repo.insertRow(trx, { ...base, status: 'failed', message })
      return 'failed'
    }
  }

  /** One batch of the oldest unfinished job, in one transaction. False when there is nothing to do. */
  async function runBatch(): Promise<boolean> {
    return inTransaction(db, async (trx) => {
      const job = await repo.claimJob(trx)
      if (!job) return false
      const from = job.next_row
      const to = Math.min(from + BATCH_SIZE, job.total_rows)
      const rows = await repo.jobRows(trx, job.id, from, to)
      const counts = { created: 0, review: 0, failed: 0, already: 0 }
      const created: string[] = []
      for (const [offset, cells] of rows.entries()) counts[await processRow(trx, job, cells, from + offset, created)]++
      const done = to >= job.total_rows
      await repo.finishBatch(trx, job.id, { nextRow: to, ...counts, done })
      await appendAuditEvents(trx, actorFor(job), [
        {
          action: 'import.batch-processed',
          subjectType: 'import',
          subjectId: job.id,
          details: {
            fromRow: rowNumberOf(from),
            toRow: rowNumberOf(to - 1),
            referrals: created,
            review: counts.review,
            failed: counts.failed,
            alreadyImported: counts.already,
            completed: done,
          },
        },
      ])
      return true
    })
  }

  /** Works until no job is left. Safe to run in several places at once: batches are claimed with SKIP LOCKED. */
  async function work(): Promise<void> {
    while (await runBatch()) {
      // Let pages be served between batches on a busy instance.
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  function kick(onError: (error: unknown) => void = () => undefined): void {
    if (running) {
      again = true
      return
    }
    running = (async () => {
      do {
        again = false
        await work()
      } while (again)
    })()
      .catch(onError)
      .finally(() => {
        running = null
      })
  }

  return {
    maxBytes: IMPORT_MAX_BYTES,
    work,
    kick,
    /** Resolves when the in-process worker has nothing left in hand (tests, and a clean stop). */
    async idle(): Promise<void> {
      while (running) await running
    },

    async upload(
      input: { source: string; referralSource: string; filename: string; data: Buffer; truncated: boolean },
      actor: Actor,
    ): Promise<{ id: string }> {
      const source = input.source.trim()
      if (!source)
        throw new ImportError('invalid', 'Enter the name of the source, like the helpline or the partner', 'source')
      if (source.length > 100) throw new ImportError('invalid', 'Source must be 100 characters or fewer', 'source')
      if (!(SOURCES.values as readonly string[]).includes(input.referralSource))
        throw new ImportError('invalid', 'Select where the referrals came from', 'referralSource')
      if (input.truncated || input.data.length > IMPORT_MAX_BYTES)
        throw new ImportError(
          'too-large',
          `The selected file must be smaller than ${IMPORT_MAX_BYTES / 1024 / 1024} MB`,
          'file',
        )
      if (input.data.length === 0) throw new ImportError('invalid', 'Select a CSV or Excel (XLSX) file', 'file')
      let parsed
      try {
        parsed = await readImportFile(input.data)
      } catch (error) {
        if (error instanceof FileProblem) throw new ImportError('invalid', error.message, 'file')
        throw error
      }
      const id = uuidv7()
      const filename =
        (input.filename.split(/[\\/]/).pop() ?? '').replace(/[^\x20-\x7e]/g, '_').slice(0, 150) ||
        `import.${parsed.kind}`
      await inTransaction(db, async (trx) => {
        await repo.insertJob(trx, {
          id,
          source,
          referralSource: input.referralSource,
          filename,
          kind: parsed.kind,
          headers: parsed.headers,
          rows: parsed.rows,
          createdBy: actor.userId,
        })
        await appendAuditEvents(trx, actor, [
          {
            action: 'import.uploaded',
            subjectType: 'import',
            subjectId: id,
            details: { kind: parsed.kind, rows: parsed.rows.length, columns: parsed.headers.length },
          },
        ])
      })
      return { id }
    },

    job: load,
    list: () => repo.listJobs(db, 50),

    /** The mapping to offer: the job's own, else the one remembered for this source and headings, else a guess. */
    async proposedMapping(job: repo.JobRow): Promise<{ mapping: Mapping; remembered: boolean }> {
      if (job.mapping) return { mapping: job.mapping as Mapping, remembered: false }
      const saved = await repo.findSourceMapping(db, sourceKey(job.source), headerKey(job.headers))
      if (saved) return { mapping: saved as Mapping, remembered: true }
      return { mapping: guessMapping(job.headers), remembered: false }
    },

    async setMapping(id: string, raw: Record<string, unknown>, actor: Actor): Promise<Mapping> {
      const job = await load(id)
      if (job.status !== 'mapping') throw new ImportError('conflict', 'This import has already started')
      const checked = checkMapping(raw, job.headers)
      if (!checked.ok) throw new ImportError('invalid', checked.error, 'mapping')
      await inTransaction(db, async (trx) => {
        await repo.setMapping(trx, id, checked.mapping)
        await repo.saveSourceMapping(trx, sourceKey(job.source), headerKey(job.headers), checked.mapping, actor.userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'import.mapped',
            subjectType: 'import',
            subjectId: id,
            details: { fields: Object.values(checked.mapping) },
          },
        ])
      })
      return checked.mapping
    },

    /** Every row checked under the mapping; the first rows with their cells for the table, and the totals. */
    async preview(id: string) {
      const job = await load(id)
      if (!job.mapping) throw new ImportError('conflict', 'Choose which column holds what first')
      const mapping = job.mapping as Mapping
      const all = await repo.jobRows(db, id, 0, job.total_rows)
      const fields = [...new Set(Object.values(mapping))].sort(
        (a, b) => [...FIELD_LABELS.keys()].indexOf(a) - [...FIELD_LABELS.keys()].indexOf(b),
      )
      let invalid = 0
      const shown: { rowNumber: number; cells: Record<string, string>; errors: Record<string, string> }[] = []
      for (const [index, cells] of all.entries()) {
        const rowNumber = rowNumberOf(index)
        const check = checkRow(cells, job.headers, mapping, {
          rowNumber,
          source: job.source,
          referralSource: job.referral_source,
        })
        if (!check.ok) invalid++
        // Rows with errors first, so a reviewer sees what will fail without paging through what will not.
        if (!check.ok || shown.length < PREVIEW_ROWS)
          shown.push({
            rowNumber,
            cells: check.cells,
            errors: check.ok ? {} : (check.errors as Record<string, string>),
          })
      }
      const rows = [
        ...shown.filter((r) => Object.keys(r.errors).length > 0),
        ...shown.filter((r) => Object.keys(r.errors).length === 0),
      ].slice(0, PREVIEW_ROWS)
      return { job, fields, rows, total: job.total_rows, invalid, valid: job.total_rows - invalid }
    },

    async start(id: string, actor: Actor): Promise<void> {
      const job = await load(id)
      if (!job.mapping) throw new ImportError('conflict', 'Choose which column holds what first')
      await inTransaction(db, async (trx) => {
        if (!(await repo.queueJob(trx, id))) return
        await appendAuditEvents(trx, actor, [
          { action: 'import.started', subjectType: 'import', subjectId: id, details: { rows: job.total_rows } },
        ])
      })
    },

    /** Progress, counts and the rows that need a reviewer or failed. Viewing row outcomes is audited. */
    async outcome(id: string, actor: Actor) {
      const job = await load(id)
      const [review, failed] = await Promise.all([
        repo.rowsOf(db, id, ['review'], 200),
        repo.rowsOf(db, id, ['failed'], 200),
      ])
      const people = new Map(
        (
          await repo.peopleSummaries(
            db,
            review.flatMap((r) => (r.candidate_person_id ? [r.candidate_person_id] : [])),
          )
        ).map((p) => [p.id, p]),
      )
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'import.viewed',
            subjectType: 'import',
            subjectId: id,
            details: { reviewRows: review.map((r) => r.id) },
          },
        ]),
      )
      return {
        job,
        review: review.map((r) => ({
          ...r,
          candidate: r.candidate_person_id ? (people.get(r.candidate_person_id) ?? null) : null,
        })),
        failed,
      }
    },

    /** The small progress answer the page polls: no personal data in it. */
    async progress(id: string) {
      const job = await load(id)
      return {
        id: job.id,
        status: job.status,
        total: job.total_rows,
        processed: job.next_row,
        created: job.created_count,
        review: job.review_count,
        failed: job.failed_count,
        alreadyImported: job.already_count,
      }
    },

    /** Failed rows as CSV: row number and message, nothing from the cells (the user has the file). */
    async failedCsv(id: string, actor: Actor): Promise<string> {
      await load(id)
      const failed = await repo.rowsOf(db, id, ['failed'], 100_000)
      await inTransaction(db, (trx) =>
        appendAuditEvents(trx, actor, [
          {
            action: 'import.failures-downloaded',
            subjectType: 'import',
            subjectId: id,
            details: { rows: failed.length },
          },
        ]),
      )
      return csvRows([['row', 'message'], ...failed.map((r) => [r.row_number, r.message ?? ''])])
    },

    /** A row held as a likely duplicate, with the candidate and the explanation, for the reviewer. */
    async reviewRow(id: string, rowId: string) {
      const row = await repo.findRow(db, id, rowId)
      if (!row || !row.candidate_person_id) throw new ImportError('not-found', 'Row not found')
      const [candidate] = await repo.peopleSummaries(db, [row.candidate_person_id])
      return { row, candidate: candidate ?? null, value: row.data as unknown as RowValue | null }
    },

    /**
     * The reviewer's answer for a held row: "same" attaches the new referral to the person already recorded
     * (the survivor, if they have since been merged); "new" records them as a new person. Decided once.
     */
    async decide(
      id: string,
      rowId: string,
      decision: string,
      actor: Actor,
    ): Promise<{ referralId: string; personId: string }> {
      if (decision !== 'same' && decision !== 'new')
        throw new ImportError('invalid', 'Select whether this is the same person', 'decision')
      const job = await load(id)
      const candidate = (await repo.findRow(db, id, rowId))?.candidate_person_id
      const survivor = candidate ? await deps.matching.survivorOf(candidate) : null
      return inTransaction(db, async (trx) => {
        const row = await repo.lockReviewRow(trx, id, rowId)
        if (!row || !row.candidate_person_id) throw new ImportError('not-found', 'Row not found')
        if (row.status !== 'review' || !row.data) throw new ImportError('conflict', 'This row has already been decided')
        const value = row.data as unknown as RowValue
        const written = await writeReferral(
          trx,
          value,
          job,
          actor,
          decision === 'same' ? (survivor ?? row.candidate_person_id) : null,
        )
        await repo.recordDecision(trx, rowId, {
          status: decision === 'same' ? 'same-person' : 'new-person',
          referralId: written.referralId,
          personId: written.personId,
          decidedBy: actor.userId,
        })
        await repo.moveReviewToCreated(trx, id)
        await appendAuditEvents(trx, actor, [
          {
            action: 'import.row-decided',
            subjectType: 'import',
            subjectId: id,
            details: {
              rowId,
              rowNumber: row.row_number,
              decision,
              candidateId: row.candidate_person_id,
              probability: row.probability,
              referralId: written.referralId,
              personId: written.personId,
            },
          },
        ])
        return written
      })
    },
  }
}

export type ImportService = ReturnType<typeof createImportService>
