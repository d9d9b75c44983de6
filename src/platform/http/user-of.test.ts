import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import fastifyFormbody from '@fastify/formbody'
import fastifyRateLimit from '@fastify/rate-limit'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enforceAccess, refuseSignedOutForm, userOf } from './access.ts'
import { registerErrorHandling } from './error-handler.ts'
import { UnauthenticatedError } from './errors.ts'

/**
 * A handler that finds no signed-in user (a route whose access was declared wrongly) must be answered exactly as
 * enforceAccess answers a signed-out request, never with a 500. Two copies of one route: one guarded by
 * enforceAccess ('signed-in'), one that slips past it ('public') and meets userOf instead; the answers must match.
 */
let app: FastifyInstance

beforeAll(async () => {
  app = Fastify()
  await app.register(fastifyRateLimit, { global: false })
  await app.register(fastifyFormbody)
  app.decorateRequest('user', null)
  app.decorateRequest('signedOutForm', false)
  // The page renderer, reduced to what the test compares: the status, the template and what it was given.
  app.decorateReply('page', function (this: FastifyReply, template: string, context: Record<string, unknown> = {}) {
    return this.type('application/json').send({ template, context })
  })
  app.addHook('onRequest', enforceAccess)
  app.addHook('preHandler', refuseSignedOutForm)
  registerErrorHandling(app)
  for (const [prefix, access] of [
    ['/guarded', 'signed-in'],
    ['/unguarded', 'public'],
  ] as const) {
    const handler = async (request: FastifyRequest) => ({ id: userOf(request).id })
    app.get(`${prefix}/page`, { config: { access } }, handler)
    app.post(`${prefix}/page`, { config: { access } }, handler)
    app.get(`/api${prefix}/thing`, { config: { access } }, handler)
  }
  await app.ready()
})
afterAll(() => app.close())

function answer(response: Awaited<ReturnType<FastifyInstance['inject']>>, prefix: string) {
  return {
    status: response.statusCode,
    location: response.headers.location?.toString().replace(encodeURIComponent(prefix), '<prefix>'),
    authenticate: response.headers['www-authenticate'],
    body: response.body.replaceAll(prefix, '<prefix>'),
  }
}

describe('userOf', () => {
  it('throws UnauthenticatedError when there is no signed-in user', () => {
    expect(() => userOf({ user: null } as FastifyRequest)).toThrow(UnauthenticatedError)
  })

  it('is answered as a signed-out request is: sign-in redirect, shown-back form, or API 401', async () => {
    const calls = [
      { method: 'GET' as const, path: (p: string) => `${p}/page?x=1` },
      {
        method: 'POST' as const,
        path: (p: string) => `${p}/page`,
        payload: 'name=Ana',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      },
      { method: 'GET' as const, path: (p: string) => `/api${p}/thing` },
    ]
    for (const call of calls) {
      const guarded = await app.inject({
        method: call.method,
        url: call.path('/guarded'),
        payload: call.payload,
        headers: call.headers,
      })
      const unguarded = await app.inject({
        method: call.method,
        url: call.path('/unguarded'),
        payload: call.payload,
        headers: call.headers,
      })
      expect(guarded.statusCode).not.toBe(500)
      expect(answer(unguarded, '/unguarded')).toEqual(answer(guarded, '/guarded'))
    }
    const form = await app.inject({
      method: 'POST',
      url: '/unguarded/page',
      payload: 'name=Ana',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(form.statusCode).toBe(401)
    expect(form.json().context.fields).toEqual([{ name: 'Name', value: 'Ana' }])
  })
})
