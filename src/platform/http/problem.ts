import type { FastifyReply } from 'fastify'
import { z } from 'zod'

/** One field-level message in a problem: `pointer` is a JSON Pointer into the request (RFC 6901). */
export type ProblemFieldError = { pointer: string; detail: string }

export type Problem = {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  errors?: ProblemFieldError[]
}

/** The problem body as a response schema, so that the OpenAPI document describes every API's errors alike. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
})

const TITLES: Record<number, string> = {
  400: 'Your request has problems',
  401: 'Sign in required',
  403: 'You do not have permission',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  413: 'Request too large',
  415: 'Unsupported media type',
  422: 'The request cannot be processed',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Service unavailable',
}

/** Sends an RFC 9457 problem details response. */
export function sendProblem(
  reply: FastifyReply,
  problem: Omit<Problem, 'title' | 'type'> & { title?: string; type?: string },
) {
  const body: Problem = {
    type: problem.type ?? 'about:blank',
    title: problem.title ?? TITLES[problem.status] ?? 'Error',
    status: problem.status,
    ...(problem.detail ? { detail: problem.detail } : {}),
    instance: problem.instance ?? reply.request.url.split('?')[0],
    ...(problem.errors && problem.errors.length > 0 ? { errors: problem.errors } : {}),
  }
  return reply.code(problem.status).type('application/problem+json; charset=utf-8').send(body)
}

/** ['people', 0, 'names'] → '/people/0/names' */
export function toPointer(path: readonly PropertyKey[], root = ''): string {
  return root + path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('')
}
