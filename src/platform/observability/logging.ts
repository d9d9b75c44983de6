import type { DestinationStream, LoggerOptions } from 'pino'
import type { FastifyRequest } from 'fastify'

/**
 * The request log. Lantern's requests carry names, addresses, phone numbers and immigration facts in their
 * query strings, bodies, cookies and tokens, and errors can quote them (a constraint message, a parser's echo of
 * its input). So the log is built from an allow-list: a request is its method, the route pattern, the matched
 * path (ids only, never a query string) and its id; an error is its type, code and stack frames, never its
 * message. Nothing a user typed reaches a log line. test/logging.int.test.ts drives personal data through
 * every channel and checks.
 */
export function loggerOptions(
  level: string,
  stream?: DestinationStream,
): LoggerOptions & { stream?: DestinationStream } {
  return {
    level,
    // Belt and braces: these never reach the serialisers below, but a future `log.info({ req })` with another
    // shape must not leak them either.
    redact: {
      paths: [
        'req.headers',
        'headers',
        'authorization',
        'cookie',
        'body',
        'query',
        'password',
        '*.password',
        '*.token',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: serializeRequest,
      res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
      err: serializeError,
    },
    ...(stream ? { stream } : {}),
  }
}

/** A path made only of route literals and record ids (UUIDs, row numbers): any other parameter, which could be a
 * name someone typed into a URL, is shown as its placeholder. */
function safePath(request: FastifyRequest): string {
  const pattern = request.routeOptions?.url
  if (!pattern) return '(no route)'
  const path = request.url.split('?')[0]
  const parts = path.split('/')
  const patternParts = pattern.split('/')
  if (parts.length !== patternParts.length) return pattern
  return parts
    .map((part, i) =>
      patternParts[i].startsWith(':') &&
      !/^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,6})$/i.test(part)
        ? patternParts[i]
        : part,
    )
    .join('/')
}

function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return { method: request.method, route: request.routeOptions?.url ?? null, path: safePath(request), id: request.id }
}

/** An error without its message (which may quote personal data); the stack keeps only its frames. */
export function serializeError(error: unknown): Record<string, unknown> {
  if (!error || typeof error !== 'object') return { type: typeof error }
  const e = error as {
    name?: unknown
    code?: unknown
    statusCode?: unknown
    stack?: unknown
    constructor?: { name?: string }
  }
  const frames =
    typeof e.stack === 'string'
      ? e.stack
          .split('\n')
          .filter((line) => /^\s+at /.test(line))
          .slice(0, 15)
          .map((line) => line.trim())
      : undefined
  return {
    type: typeof e.name === 'string' && /^[\w$.]{1,60}$/.test(e.name) ? e.name : (e.constructor?.name ?? 'Error'),
    ...(typeof e.code === 'string' && /^[\w.-]{1,40}$/.test(e.code) ? { code: e.code } : {}),
    ...(typeof e.statusCode === 'number' ? { statusCode: e.statusCode } : {}),
    ...(frames?.length ? { stack: frames } : {}),
  }
}
