import type { FastifyInstance } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { isUuid } from '#src/shared/ids.ts'
import { SubjectAccessError } from './subject-access.service.ts'
import { REFERENCE, SubjectAccessQuery } from './subject-access.forms.ts'

type Query = { Querystring: Record<string, string | undefined> }

/** Subject access requests, for a data protection officer (`subject-access:export`). */
export function registerSubjectAccessPages(app: FastifyInstance, { services }: AppDeps): void {
  const access = { config: { access: 'subject-access:export' as const } }

  app.get<Query>('/subject-access', access, async (request, reply) => {
    const personId = request.query.personId?.trim() ?? ''
    const reference = request.query.request?.trim() ?? ''
    const asked = request.query.personId !== undefined || request.query.request !== undefined
    const parsed = asked ? parseForm(SubjectAccessQuery, request.query) : null
    const errors: FieldErrors = parsed && !parsed.ok ? parsed.errors : {}
    let result = null
    if (parsed?.ok) {
      try {
        result = await services.subjectAccess.review(
          parsed.value.personId,
          parsed.value.request,
          userOf(request),
          actorOf(request),
        )
      } catch (error) {
        if (!(error instanceof SubjectAccessError)) throw error
        errors.personId = error.message
      }
    }
    const query = `personId=${encodeURIComponent(personId)}&request=${encodeURIComponent(reference)}`
    return reply.code(Object.keys(errors).length ? 400 : 200).page('subject-access/views/export.njk', {
      pageTitle: 'Subject access request',
      personId,
      reference,
      bundle: result?.bundle ?? null,
      review: result?.review ?? [],
      jsonHref: `/subject-access/bundle.json?${query}`,
      pdfHref: `/subject-access/bundle.pdf?${query}`,
      errors,
      errorList: errorSummary(errors),
    })
  })

  for (const format of ['json', 'pdf'] as const) {
    app.get<Query>(`/subject-access/bundle.${format}`, access, async (request, reply) => {
      const personId = request.query.personId?.trim() ?? ''
      const reference = request.query.request?.trim() ?? ''
      if (!isUuid(personId) || !REFERENCE.test(reference))
        return reply.redirect(
          `/subject-access?personId=${encodeURIComponent(personId)}&request=${encodeURIComponent(reference)}`,
          303,
        )
      try {
        const { body } = await services.subjectAccess.export(
          personId,
          reference,
          format,
          userOf(request),
          actorOf(request),
        )
        const filename = `subject-access-${reference.replace(/[^A-Za-z0-9_-]/g, '-')}.${format}`
        return reply
          .header('content-type', format === 'json' ? 'application/json; charset=utf-8' : 'application/pdf')
          .header('content-disposition', `attachment; filename="${filename}"`)
          .header('cache-control', 'no-store')
          .send(body)
      } catch (error) {
        // A not-found goes to the error handler. A merged record has no bundle of its own (the review page names the
        // person to export instead), so its download is not found either, as it always was, not a 400.
        if (error instanceof SubjectAccessError && error.code === 'invalid') throw new NotFoundError(error.message)
        throw error
      }
    })
  }
}
