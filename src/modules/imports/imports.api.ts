import type { FastifyInstance } from 'fastify'
import type { ZodTypeProvider } from 'fastify-type-provider-zod'
import { z } from 'zod'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { asString } from '#src/platform/http/forms.ts'
import { ImportError } from './imports.service.ts'
import { registerImportMultipart } from './imports.pages.ts'
import { isUploadedFile } from '#src/platform/http/uploads.ts'

const ImportStatus = z.object({
  id: z.uuid(),
  status: z
    .enum(['mapping', 'queued', 'running', 'completed'])
    .describe('mapping: not started (the mapping was refused or is missing); queued, running, completed'),
  source: z.string(),
  filename: z.string(),
  totalRows: z.int(),
  processedRows: z.int(),
  counts: z.object({ created: z.int(), review: z.int(), failed: z.int(), alreadyImported: z.int() }),
  errors: z.array(
    z.object({ row: z.int().describe('Row number in the file; the headings are row 1'), message: z.string() }),
  ),
  review: z.array(
    z.object({
      rowId: z.uuid(),
      row: z.int(),
      candidatePersonId: z.uuid().nullable(),
      probability: z.number().nullable(),
    }),
  ),
})

/** Bulk import over the API: upload with a mapping and source in one multipart request, then poll its status. */
export function registerImportApi(app: FastifyInstance, { services }: AppDeps): void {
  const imports = services.imports

  async function status(id: string, actor: ReturnType<typeof actorOf>): Promise<z.infer<typeof ImportStatus>> {
    const outcome = await imports.outcome(id, actor)
    const { job } = outcome
    return {
      id: job.id,
      status: job.status as z.infer<typeof ImportStatus>['status'],
      source: job.source,
      filename: job.filename,
      totalRows: job.total_rows,
      processedRows: job.next_row,
      counts: {
        created: job.created_count,
        review: job.review_count,
        failed: job.failed_count,
        alreadyImported: job.already_count,
      },
      errors: outcome.failed.map((r) => ({ row: r.row_number, message: r.message ?? '' })),
      review: outcome.review.map((r) => ({
        rowId: r.id,
        row: r.row_number,
        candidatePersonId: r.candidate_person_id,
        probability: r.probability,
      })),
    }
  }

  app.register(async (scope) => {
    await registerImportMultipart(scope)
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/imports',
      {
        config: { access: 'import:run' },
        schema: {
          tags: ['imports'],
          summary: 'Import referrals and people from a CSV or XLSX export',
          description:
            'multipart/form-data with the fields: `file` (CSV or XLSX, at most 5 MB, first row the headings), `source` (who the file is from; mappings are remembered per source and set of headings), ' +
            '`mapping` (optional JSON object of column heading to Lantern field: fullName, givenName, familyName, dateOfBirth, gender, nationality, phone, addressLine1, town, postcode, receivedAt, summary; ' +
            'without it the mapping remembered for this source and headings is used) and `referralSource` (optional, default helpline). The import runs in the background: poll GET /api/v1/imports/{id}.',
          consumes: ['multipart/form-data'],
          response: { 202: ImportStatus },
        },
      },
      async (request, reply) => {
        const body = (request.body ?? {}) as Record<string, unknown>
        const file = body.file
        if (!isUploadedFile(file))
          throw new ImportError('invalid', 'Send the file as the multipart field "file"', 'file')
        let mapping: Record<string, unknown> | null = null
        const rawMapping = asString(body.mapping).trim()
        if (rawMapping) {
          try {
            const parsed: unknown = JSON.parse(rawMapping)
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object')
            mapping = parsed as Record<string, unknown>
          } catch {
            throw new ImportError(
              'invalid',
              'mapping must be a JSON object of column heading to Lantern field',
              'mapping',
            )
          }
        }
        const actor = actorOf(request)
        const { id } = await imports.upload(
          {
            source: asString(body.source),
            referralSource: asString(body.referralSource) || 'helpline',
            filename: file.filename,
            data: file.data,
            truncated: file.truncated,
          },
          actor,
        )
        const job = await imports.job(id)
        if (!mapping) {
          const proposed = await imports.proposedMapping(job)
          if (!proposed.remembered)
            throw new ImportError(
              'invalid',
              'Send a mapping: none is remembered for this source and these headings',
              'mapping',
            )
          mapping = proposed.mapping
        }
        await imports.setMapping(id, mapping, actor)
        await imports.start(id, actor)
        imports.kick((error) => request.log.error({ err: error }, 'import worker stopped'))
        return reply
          .code(202)
          .header('location', `/api/v1/imports/${id}`)
          .send(await status(id, actor))
      },
    )
  })

  app.withTypeProvider<ZodTypeProvider>().get(
    '/api/v1/imports/:id',
    {
      config: { access: 'import:run' },
      schema: {
        tags: ['imports'],
        summary: 'An import’s status, counts, failed rows (row number and message) and rows waiting for a reviewer',
        params: z.object({ id: z.uuid() }),
        response: { 200: ImportStatus },
      },
    },
    async (request) => status(request.params.id, actorOf(request)),
  )
}
