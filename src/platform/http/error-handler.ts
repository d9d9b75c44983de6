import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod'
import { DomainError, isNotFound, UnauthenticatedError } from './errors.ts'
import { sendProblem, type ProblemFieldError } from './problem.ts'
import { isApiRequest, refuseUnauthenticated, typedFields } from './access.ts'

const DATABASE_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08007',
  '08P01',
])

/**
 * Database failures that are the database's state, not the request's fault: the server down or restarting
 * (class 08, 57P0x), read-only (25006: a standby, or a database put in read-only mode for maintenance), or out of
 * space (53100 disk_full), or busy (the rest of class 53: out of memory, too many connections; or no pooled
 * connection came free in time). Each is a 503 with a plain message; the PostgreSQL message (file paths,
 * table names) goes only to the log.
 */
export type DatabaseFailure = 'unavailable' | 'read-only' | 'full' | 'busy'

export function databaseFailure(error: unknown): DatabaseFailure | undefined {
  const code = (error as { code?: string } | null)?.code
  if (code === '25006') return 'read-only'
  if (code === '53100') return 'full'
  if (code && /^53/.test(code)) return 'busy'
  if (code && DATABASE_DOWN.has(code)) return 'unavailable'
  const message = (error as { message?: string } | null)?.message ?? ''
  // pg-pool's words when every connection stayed in use for the whole wait: overload, not an outage.
  if (/timeout exceeded when trying to connect/i.test(message)) return 'busy'
  return /Connection terminated|connect ECONNREFUSED|Client has encountered a connection error/i.test(message)
    ? 'unavailable'
    : undefined
}

/** True when nothing can be saved just now because of the database's state (see databaseFailure). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseFailure(error) !== undefined
}

const DATABASE_MESSAGES: Record<DatabaseFailure, { title: string; page: string; api: string }> = {
  unavailable: {
    title: 'Sorry, the service is unavailable',
    page: 'Lantern cannot reach its database just now. Nothing you sent was saved. Try again in a minute.',
    api: 'The database is unavailable. Nothing was saved. Try again in a minute.',
  },
  'read-only': {
    title: 'Sorry, Lantern cannot save changes just now',
    page: 'The database is read-only at the moment, for maintenance or while it fails over to a standby. Nothing you sent was saved, and pages that record who looked at them cannot be shown. Try again later.',
    api: 'The database is read-only at the moment (maintenance or failover). Nothing was saved. Try again later.',
  },
  full: {
    title: 'Sorry, Lantern cannot save changes just now',
    page: 'The database has run out of storage space. Nothing you sent was saved. Tell your system administrator, and try again once they say it is fixed.',
    api: 'The database has run out of storage space. Nothing was saved. An administrator must free or add space.',
  },
  busy: {
    title: 'Sorry, the service is busy',
    page: 'Lantern is too busy to answer just now. Nothing you sent was saved. Try again in a minute.',
    api: 'Lantern is too busy to answer just now. Nothing was saved. Try again in a minute.',
  },
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
      return sendProblem(reply, {
        status: 400,
        detail: 'Correct the fields listed in errors and send the request again.',
        errors,
      })
    }
    if (isNotFound(error)) {
      return api
        ? sendProblem(reply, { status: 404, detail: error.message })
        : renderErrorPage(reply, 404, 'Page not found', 'If you typed the web address, check it is correct.')
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
      return renderErrorPage(
        reply,
        error.status,
        error.status === 404 ? 'Page not found' : 'This could not be done',
        error.message,
      )
    }
    if (error instanceof UnauthenticatedError) return refuseUnauthenticated(request, reply)
    if (error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET') {
      if (api) return sendProblem(reply, { status: 403, detail: 'Missing or invalid CSRF token.' })
      return reply.code(403).page('errors/unsent.njk', {
        pageTitle: 'This form has expired',
        message:
          'For your security, the form could not be sent and nothing was saved. Copy anything you need from below, go back, refresh the page and try again.',
        fields: typedFields(request.body),
      })
    }
    const failure = databaseFailure(error)
    if (failure) {
      request.log.error(
        { err: { code: (error as { code?: string }).code, message: error.message } },
        `database ${failure}`,
      )
      reply.header('retry-after', failure === 'full' || failure === 'read-only' ? '300' : '10')
      const text = DATABASE_MESSAGES[failure]
      if (api)
        return sendProblem(reply, { status: 503, type: `urn:lantern:problem:database-${failure}`, detail: text.api })
      // A form that could not be saved is shown back, so nothing typed is lost.
      const fields = request.method === 'POST' ? typedFields(request.body) : []
      if (fields.length)
        return reply.code(503).page('errors/unsent.njk', {
          pageTitle: text.title,
          message: `${text.page} Copy anything you need from below.`,
          fields,
        })
      return renderErrorPage(reply, 503, text.title, text.page)
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500
    if (status === 500) request.log.error({ err: error }, 'unhandled error')
    const detail =
      status === 413
        ? 'The request is larger than Lantern accepts.'
        : status === 415
          ? 'Send JSON with Content-Type: application/json.'
          : status === 500
            ? `Something went wrong. Quote reference ${request.id} if you report this.`
            : error.message
    if (api) return sendProblem(reply, { status, detail })
    return renderErrorPage(
      reply,
      status,
      status === 500 ? 'Sorry, there is a problem with the service' : 'There is a problem',
      detail,
    )
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
