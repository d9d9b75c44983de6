import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { isUploadedFile, registerSingleFileUpload } from '#src/platform/http/uploads.ts'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { formatDate, formatDateTime } from '#src/shared/dates.ts'
import { isUuid } from '#src/shared/ids.ts'
import { SOURCES } from '#src/modules/referrals/index.ts'
import { GENDERS } from '#src/modules/people/index.ts'
import { presentExplanation, percent } from '#src/modules/matching/index.ts'
import { countryName } from '#src/shared/reference-data.ts'
import { FIELD_LABELS, IMPORT_FIELDS, type Mapping } from './imports.fields.ts'
import { IMPORT_MAX_BYTES } from './imports.file.ts'
import { ImportError } from './imports.service.ts'

type Body = Record<string, unknown>

/** Multipart for the upload routes' scope only (see registerSingleFileUpload). */
export async function registerImportMultipart(scope: FastifyInstance): Promise<void> {
  await registerSingleFileUpload(scope, { fileSize: IMPORT_MAX_BYTES, fields: 6, fieldSize: 64 * 1024 })
}

const STATUS_LABELS: Record<string, string> = {
  mapping: 'Not started',
  queued: 'Waiting to start',
  running: 'Importing',
  completed: 'Finished',
}
const ROW_STATUS_LABELS: Record<string, string> = { review: 'Waiting for a reviewer' }

/** Bulk import pages: upload, map columns, preview, progress, failed rows, and the likely-duplicate review. */
export function registerImportPages(app: FastifyInstance, { services }: AppDeps): void {
  const imports = services.imports
  const access = { config: { access: 'import:run' as const } }
  const startWorker = (request: FastifyRequest) =>
    imports.kick((error) => request.log.error({ err: error }, 'import worker stopped'))

  function id(request: FastifyRequest<{ Params: { id: string } }>): string {
    if (!isUuid(request.params.id)) throw new NotFoundError()
    return request.params.id
  }

  async function loadJob(jobId: string) {
    return await imports.job(jobId)
  }

  app.get('/imports', access, async (_request, reply) => {
    const jobs = await imports.list()
    return reply.page('imports/views/list.njk', {
      pageTitle: 'Imports',
      jobs: jobs.map((j) => ({
        ...j,
        statusLabel: STATUS_LABELS[j.status] ?? j.status,
        created: formatDateTime(j.created_at),
      })),
    })
  })

  function showUpload(reply: FastifyReply, values: Body = {}, errors: FieldErrors = {}) {
    return reply.page('imports/views/upload.njk', {
      pageTitle: 'Import referrals from a file',
      values: { source: asString(values.source), referralSource: asString(values.referralSource) || 'helpline' },
      sources: SOURCES.items,
      maxMegabytes: IMPORT_MAX_BYTES / 1024 / 1024,
      errors,
      errorList: errorSummary(errors, ['source', 'referralSource', 'file']),
    })
  }

  app.get('/imports/new', access, async (_request, reply) => showUpload(reply))

  app.register(async (scope) => {
    await registerImportMultipart(scope)
    scope.post<{ Body: Body }>('/imports', access, async (request, reply) => {
      const body = request.body ?? {}
      const file = body.file
      if (!isUploadedFile(file) || (file.data.length === 0 && !file.filename))
        return showUpload(reply.code(400), body, { file: 'Select a CSV or Excel (XLSX) file' })
      try {
        const { id: jobId } = await imports.upload(
          {
            source: asString(body.source),
            referralSource: asString(body.referralSource),
            filename: file.filename,
            data: file.data,
            truncated: file.truncated,
          },
          actorOf(request),
        )
        return reply.redirect(`/imports/${jobId}/mapping`, 303)
      } catch (error) {
        if (error instanceof ImportError)
          return showUpload(reply.code(error.status), body, { [error.field ?? 'file']: error.message })
        throw error
      }
    })
  })

  async function showMapping(
    request: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    chosen?: Record<string, string>,
    errors: FieldErrors = {},
  ) {
    const job = await loadJob(id(request))
    if (job.status !== 'mapping') return reply.redirect(`/imports/${job.id}`, 303)
    const proposed = await imports.proposedMapping(job)
    const mapping: Record<string, string> = chosen ?? proposed.mapping
    return reply.page('imports/views/mapping.njk', {
      pageTitle: 'Choose what each column holds',
      job,
      remembered: !chosen && proposed.remembered,
      columns: job.headers.map((header, index) => ({
        id: `column-${index}`,
        header,
        items: [
          { value: '', text: 'Do not import' },
          ...IMPORT_FIELDS.map((f) => ({ value: f.value, text: f.text, selected: mapping[header] === f.value })),
        ],
      })),
      errors,
      errorList: errorSummary(errors, ['mapping'], () => '#column-0'),
    })
  }

  app.get<{ Params: { id: string } }>('/imports/:id/mapping', access, async (request, reply) =>
    showMapping(request, reply),
  )

  app.post<{ Params: { id: string }; Body: Body }>('/imports/:id/mapping', access, async (request, reply) => {
    const job = await loadJob(id(request))
    const body = request.body ?? {}
    const chosen: Record<string, string> = {}
    job.headers.forEach((header, index) => {
      const value = asString(body[`column-${index}`])
      if (value) chosen[header] = value
    })
    try {
      await imports.setMapping(job.id, chosen, actorOf(request))
    } catch (error) {
      if (error instanceof ImportError && error.code !== 'not-found')
        return showMapping(request, reply.code(error.status), chosen, { mapping: error.message })
      throw error
    }
    return reply.redirect(`/imports/${job.id}/preview`, 303)
  })

  app.get<{ Params: { id: string } }>('/imports/:id/preview', access, async (request, reply) => {
    const job = await loadJob(id(request))
    if (job.status !== 'mapping') return reply.redirect(`/imports/${job.id}`, 303)
    if (!job.mapping) return reply.redirect(`/imports/${job.id}/mapping`, 303)
    const preview = await imports.preview(job.id)
    return reply.page('imports/views/preview.njk', {
      pageTitle: 'Check the rows before you import',
      job,
      fields: preview.fields.map((f) => ({ value: f, text: FIELD_LABELS.get(f) ?? f })),
      rows: preview.rows,
      total: preview.total,
      valid: preview.valid,
      invalid: preview.invalid,
      mapping: job.mapping as Mapping,
    })
  })

  app.post<{ Params: { id: string } }>('/imports/:id/start', access, async (request, reply) => {
    const job = await loadJob(id(request))
    try {
      await imports.start(job.id, actorOf(request))
    } catch (error) {
      if (error instanceof ImportError && error.code === 'conflict')
        return reply.redirect(`/imports/${job.id}/mapping`, 303)
      throw error
    }
    startWorker(request)
    return reply.redirect(`/imports/${job.id}`, 303)
  })

  app.get<{ Params: { id: string } }>('/imports/:id', access, async (request, reply) => {
    const job = await loadJob(id(request))
    if (job.status === 'mapping')
      return reply.redirect(`/imports/${job.id}/${job.mapping ? 'preview' : 'mapping'}`, 303)
    const outcome = await imports.outcome(job.id, actorOf(request))
    const finished = job.status === 'completed'
    return reply.page('imports/views/progress.njk', {
      pageTitle: finished ? 'Import finished' : 'Importing',
      job,
      finished,
      statusLabel: STATUS_LABELS[job.status] ?? job.status,
      percentDone: job.total_rows ? Math.floor((job.next_row / job.total_rows) * 100) : 100,
      review: outcome.review.map((r) => ({
        ...r,
        statusLabel: ROW_STATUS_LABELS[r.status] ?? r.status,
        candidateName: r.candidate?.name ?? 'Unnamed person',
        candidateBorn: r.candidate?.date_of_birth ? formatDate(r.candidate.date_of_birth) : 'Not known',
        probabilityText: r.probability !== null ? percent(r.probability) : '',
      })),
      failed: outcome.failed,
    })
  })

  // The small JSON the progress page's script polls. No personal data: counts only.
  app.get<{ Params: { id: string } }>('/imports/:id/progress', access, async (request) => {
    const job = await loadJob(id(request))
    return imports.progress(job.id)
  })

  app.get<{ Params: { id: string } }>('/imports/:id/failed.csv', access, async (request, reply) => {
    const job = await loadJob(id(request))
    const csv = await imports.failedCsv(job.id, actorOf(request))
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-${job.id}-failed-rows.csv"`)
      .send(csv)
  })

  async function showReview(
    request: FastifyRequest<{ Params: { id: string; rowId: string } }>,
    reply: FastifyReply,
    errors: FieldErrors = {},
  ) {
    const job = await loadJob(id(request))
    if (!isUuid(request.params.rowId)) throw new NotFoundError()
    const found = await imports.reviewRow(job.id, request.params.rowId)
    const person = found.value?.referral.people[0]
    const place = found.value?.referral.locations[0]
    return reply.page('imports/views/review.njk', {
      pageTitle: 'Is this the same person?',
      job,
      row: found.row,
      decided: found.row.status !== 'review',
      imported: person
        ? {
            name: person.names[0],
            born: person.dateOfBirth ? formatDate(person.dateOfBirth) : 'Not known',
            gender: GENDERS.label(person.gender),
            nationality: person.nationalities.map(countryName).join(', ') || 'Not known',
            phone: found.value?.phone ?? 'Not known',
            postcode: place?.postcode ?? 'Not known',
          }
        : null,
      candidate: found.candidate
        ? {
            id: found.candidate.id,
            name: found.candidate.name ?? 'Unnamed person',
            born: found.candidate.date_of_birth ? formatDate(found.candidate.date_of_birth) : 'Not known',
            gender: GENDERS.label(found.candidate.gender),
            nationality: found.candidate.nationalities.map(countryName).join(', ') || 'Not known',
          }
        : null,
      probabilityText: found.row.probability !== null ? percent(found.row.probability) : '',
      explanation: presentExplanation((found.row.explanation ?? []) as Parameters<typeof presentExplanation>[0]),
      errors,
      errorList: errorSummary(errors, ['decision']),
    })
  }

  app.get<{ Params: { id: string; rowId: string } }>('/imports/:id/rows/:rowId', access, async (request, reply) =>
    showReview(request, reply),
  )

  app.post<{ Params: { id: string; rowId: string }; Body: Body }>(
    '/imports/:id/rows/:rowId',
    access,
    async (request, reply) => {
      const job = await loadJob(id(request))
      if (!isUuid(request.params.rowId)) throw new NotFoundError()
      try {
        await imports.decide(job.id, request.params.rowId, asString(request.body?.decision), actorOf(request))
      } catch (error) {
        if (error instanceof ImportError && error.code !== 'not-found')
          return showReview(request, reply.code(error.status), { decision: error.message })
        throw error
      }
      await request.flash(
        asString(request.body?.decision) === 'same'
          ? 'Referral added to the person already recorded'
          : 'Referral recorded with a new person',
      )
      return reply.redirect(`/imports/${job.id}#review`, 303)
    },
  )
}
