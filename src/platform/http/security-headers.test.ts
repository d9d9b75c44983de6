import Fastify from 'fastify'
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import { describe, expect, it } from 'vitest'
import { registerSecurityHeaders } from './security-headers.ts'

const options: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      frameAncestors: ["'none'"],
      upgradeInsecureRequests: null,
    },
  },
  strictTransportSecurity: { maxAge: 31536000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' },
}

async function answer(register: (app: ReturnType<typeof Fastify>) => Promise<void>) {
  const app = Fastify({ logger: false })
  await register(app)
  app.get('/', (_request, reply) => reply.send(JSON.stringify(reply.cspNonce)))
  const responses = [await app.inject('/'), await app.inject('/')]
  await app.close()
  return responses.map((r) => ({ headers: r.headers, nonces: JSON.parse(r.body) as { script: string; style: string } }))
}

describe('security headers learned once from helmet', () => {
  it('sends what @fastify/helmet sends for the same options, with fresh nonces in the CSP', async () => {
    const helmet = await answer(async (app) => {
      await app.register(fastifyHelmet, { ...options, enableCSPNonces: true })
    })
    const learned = await answer((app) => registerSecurityHeaders(app, options))
    const withoutNonces = (headers: Record<string, unknown>, nonces: { script: string; style: string }) => {
      const { date: _date, ...rest } = headers
      return {
        ...rest,
        'content-security-policy': String(rest['content-security-policy'])
          .replace(nonces.script, 'SCRIPT')
          .replace(nonces.style, 'STYLE'),
      }
    }
    expect(withoutNonces(learned[0].headers, learned[0].nonces)).toEqual(
      withoutNonces(helmet[0].headers, helmet[0].nonces),
    )
    const csp = String(learned[0].headers['content-security-policy'])
    expect(csp).toContain(`script-src 'self' 'nonce-${learned[0].nonces.script}';`)
    expect(csp).toContain(`style-src 'self' 'nonce-${learned[0].nonces.style}'`)
    // Each response draws its own 128-bit nonces.
    const all = learned.flatMap((r) => [r.nonces.script, r.nonces.style])
    expect(new Set(all).size).toBe(4)
    for (const nonce of all) expect(nonce).toMatch(/^[0-9a-f]{32}$/)
  })
})
