import { randomBytes } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet'

declare module 'fastify' {
  interface FastifyReply {
    /** This response's CSP nonces: the page template gives `script` to its inline script. */
    cspNonce: { script: string; style: string }
  }
}

/** Helmet's headers for these options, with the CSP split where each response's two nonces go. */
export type SecurityHeaders = { fixed: Record<string, string>; csp: [before: string, between: string, after: string] }

/**
 * What `@fastify/helmet` sends for these options (with CSP nonces), learned once: a throwaway instance with the
 * plugin answers one request, and its headers are kept, the CSP cut at the two nonces it drew. Helmet itself
 * stays the authority for which headers and what values; only the per-request rebuild goes.
 */
export async function learnSecurityHeaders(options: FastifyHelmetOptions): Promise<SecurityHeaders> {
  const probe = Fastify({ logger: false })
  await probe.register(fastifyHelmet, { ...options, enableCSPNonces: true })
  let nonces: { script: string; style: string } | undefined
  probe.get('/', (_request, reply) => {
    nonces = reply.cspNonce
    return reply.send('')
  })
  const response = await probe.inject({ method: 'GET', url: '/' })
  await probe.close()
  if (!nonces) throw new Error('helmet drew no CSP nonces')
  const fixed: Record<string, string> = {}
  let csp: SecurityHeaders['csp'] | undefined
  for (const [name, value] of Object.entries(response.headers)) {
    if (['content-type', 'content-length', 'date', 'connection', 'keep-alive'].includes(name)) continue
    if (name === 'content-security-policy') {
      const text = String(value)
      const script = `'nonce-${nonces.script}'`
      const style = `'nonce-${nonces.style}'`
      const at = text.indexOf(script)
      const styleAt = text.indexOf(style)
      if (at < 0 || styleAt < at) throw new Error('unexpected CSP shape')
      csp = [text.slice(0, at), text.slice(at + script.length, styleAt), text.slice(styleAt + style.length)]
    } else fixed[name] = String(value)
  }
  if (!csp) throw new Error('helmet sent no CSP')
  return { fixed, csp }
}

/**
 * Sends the learned security headers on every response, with fresh CSP nonces (128 bits each, as helmet draws
 * them). Helmet's own hooks build a new middleware chain for every request to insert the nonces; here only the
 * nonces and one string join are per request.
 */
export async function registerSecurityHeaders(app: FastifyInstance, options: FastifyHelmetOptions): Promise<void> {
  const { fixed, csp } = await learnSecurityHeaders(options)
  const [before, between, after] = csp
  app.decorateReply('cspNonce', null as unknown as { script: string; style: string })
  app.addHook('onRequest', (_request, reply, done) => {
    const bytes = randomBytes(32).toString('hex')
    const script = bytes.slice(0, 32)
    const style = bytes.slice(32)
    reply.cspNonce = { script, style }
    reply.headers(fixed)
    reply.header('content-security-policy', `${before}'nonce-${script}'${between}'nonce-${style}'${after}`)
    done()
  })
}
