import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DomainError, NotFoundError } from './errors.ts'
import { sendProblem, type ProblemFieldError } from './problem.ts'
import { isApiRequest, typedFields } from './access.ts'

const DATABASE_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'])

export function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code
  if (code && DATABASE_DOWN.has(code)) return true
  const message = (error as { message?: string } | null)?.message ?? ''
  return /timeout exceeded when trying to connect|Connection terminated|connect ECONNREFUSED/i.test(message)
}

function renderErrorPage(reply: FastifyReply, status: number, title: string, message: string) {
  return reply.code(status).page('errors/error.njk', { pageTitle: title, message, status, requestId: reply.request.id })
}

/** One place that turns every failure into a problem (API) or a page, hiding internals at 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const api = isApiRequest(request)
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body'
      const errors: ProblemFieldError[] = error.validation.map((issue) => {
        const path = issue.instancePath || ''
        const detail = issue.message ?? 'Invalid value'
        return where === 'body' ? { pointer: path || '/', detail } : { pointer: `#/${where}${path}`, detail }
      })
      return sendProblem(reply, { status: 400, detail: 'Correct the fields listed in errors and send the request again.', errors })
    }
    if (error instanceof DomainError) {
      if (api) {
        return sendProblem(reply, {
          status: error.status,
          type: `urn:lantern:problem:${error.code}`,
          detail: error.message,
          errors: error.field ? [{ pointer: `/${error.field}`, detail: error.message }] : [],
        })
      }
      return renderErrorPage(reply, error.status, error.status === 404 ? 'Page not found' : 'This could not be done', error.message)
    }
    if (error instanceof NotFoundError) {
      return api ? sendProblem(reply, { status: 404, detail: error.message }) : renderErrorPage(reply, 404, 'Page not found', 'If you typed the web address, check it is correct.')
    }
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      if (api) return sendProblem(reply, { status: 403, detail: 'Missing or invalid CSRF token.' })
      return reply.code(403).page('errors/unsent.njk', {
        pageTitle: 'This form has expired',
        message: 'For your security, the form could not be sent and nothing was saved. Copy anything you need from below, go back, refresh the page and try again.',
        fields: typedFields(request.body),
      })
    }
    if (isDatabaseUnavailable(error)) {
      request.log.error({ err: { code: (error as { code?: string }).code, message: error.message } }, 'database unavailable')
      reply.header('retry-after', '10')
      if (api) return sendProblem(reply, { status: 503, detail: 'The database is unavailable. Nothing was saved. Try again in a minute.' })
      return renderErrorPage(reply, 503, 'Sorry, the service is unavailable', 'Lantern cannot reach its database just now. Nothing you sent was saved. Try again in a minute.')
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) request.log.error({ err: error }, 'unhandled error')
    const detail =
      status === 413 ? 'The request is larger than Lantern accepts.'
      : status === 415 ? 'Send JSON with Content-Type: application/json.'
      : status === 500 ? `Something went wrong. Quote reference ${request.id} if you report this.`
      : error.message
    if (api) return sendProblem(reply, { status, detail })
    return renderErrorPage(reply, status, status === 500 ? 'Sorry, there is a problem with the service' : 'There is a problem', detail)
  })

  app.setNotFoundHandler(
    // Rate limited so that guessing URLs is slow.
    { preHandler: app.rateLimit({ max: 120, timeWindow: '1 minute' }) },
    (request, reply) => {
      if (isApiRequest(request)) return sendProblem(reply, { status: 404, detail: 'There is no such resource.' })
      return renderErrorPage(reply, 404, 'Page not found', 'If you typed the web address, check it is correct.')
    },
  )
}
