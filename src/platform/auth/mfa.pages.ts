import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { asString, errorSummary, type FieldErrors } from '#src/platform/http/forms.ts'
import { localPath } from '#src/platform/http/return-to.ts'
import { setSessionCookie } from './session-cookie.ts'
import { formatSecret, totpQrSvg } from './totp.ts'

/**
 * The second step of signing in: enter a code (or a recovery code), or set up an authenticator app the first
 * time. These routes are public because a half-signed-in session is not yet a user; each one checks that the
 * request carries such a session, and nothing else accepts one.
 */
export function registerSecondFactorPages(
  app: FastifyInstance,
  { config, services }: Pick<AppDeps, 'config' | 'services'>,
): void {
  const lockedMessage = `Too many failed attempts. This account is locked for ${config.signInLockMinutes} minutes.`
  const limited = {
    access: 'public' as const,
    rateLimit: { max: config.signInRateLimitPerMinute, timeWindow: '1 minute' },
  }

  function showVerify(reply: FastifyReply, errors: FieldErrors = {}) {
    return reply.page('auth/two-factor.njk', {
      pageTitle: 'Enter your security code',
      errors,
      errorList: errorSummary(errors, ['code']),
    })
  }

  async function showEnrol(
    request: FastifyRequest,
    reply: FastifyReply,
    pending: NonNullable<FastifyRequest['pendingSignIn']>,
    errors: FieldErrors = {},
  ) {
    const secret = await services.auth.enrolmentSecret(pending.idHash, pending.data)
    return reply.page('auth/set-up-two-factor.njk', {
      pageTitle: 'Set up two-factor authentication',
      qrSvg: await totpQrSvg(secret, pending.email),
      secret: formatSecret(secret),
      action: '/sign-in/set-up-two-factor',
      signingIn: true,
      errors,
      errorList: errorSummary(errors, ['code']),
    })
  }

  function readCode(request: FastifyRequest): string {
    return asString((request.body as Record<string, unknown> | undefined)?.code).trim()
  }

  app.get('/sign-in/two-factor', { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect('/', 303)
    if (request.pendingSignIn?.stage !== 'verify') return reply.redirect('/sign-in', 303)
    return showVerify(reply)
  })

  app.post('/sign-in/two-factor', { config: limited }, async (request, reply) => {
    const pending = request.pendingSignIn
    if (pending?.stage !== 'verify') return reply.redirect('/sign-in?expired=1', 303)
    const code = readCode(request)
    if (!code)
      return showVerify(reply.code(400), {
        code: 'Enter the 6-digit code from your authenticator app, or a recovery code',
      })
    if (code.length > 40)
      return showVerify(reply.code(400), { code: 'Enter a code of 6 digits, or a recovery code like abcd-efgh-jkmn' })
    // A slip of the finger (too few or too many digits) is not a guess: it does not count towards the lock.
    const digits = code.replace(/\s/g, '')
    if (/^\d+$/.test(digits) && digits.length !== 6)
      return showVerify(reply.code(400), { code: 'Enter the 6-digit code from your authenticator app' })
    const result = await services.auth.verifySecondFactor(pending.idHash, code, actorOf(request))
    if (result.ok) {
      setSessionCookie(reply, result.sessionToken, config)
      return reply.redirect(localPath(result.returnTo), 303)
    }
    if (result.reason === 'no-session') return reply.redirect('/sign-in?expired=1', 303)
    if (result.reason === 'locked')
      return reply.code(401).page('auth/sign-in.njk', {
        pageTitle: 'Sign in',
        email: pending.email,
        returnTo: '/',
        errors: { email: lockedMessage },
        errorList: errorSummary({ email: lockedMessage }),
      })
    const message =
      result.reason === 'reused'
        ? 'That code has already been used. Wait for your app to show a new code, then enter it'
        : 'Enter a correct security code. Check the code in your authenticator app, or use a recovery code'
    return showVerify(reply.code(401), { code: message })
  })

  app.get('/sign-in/set-up-two-factor', { config: { access: 'public' } }, async (request, reply) => {
    if (request.user) return reply.redirect('/', 303)
    const pending = request.pendingSignIn
    if (pending?.stage !== 'enrol') return reply.redirect('/sign-in', 303)
    return showEnrol(request, reply, pending)
  })

  app.post('/sign-in/set-up-two-factor', { config: limited }, async (request, reply) => {
    const pending = request.pendingSignIn
    if (pending?.stage !== 'enrol') return reply.redirect('/sign-in?expired=1', 303)
    const code = readCode(request).replace(/\s/g, '')
    if (!code)
      return showEnrol(request, reply.code(400), pending, {
        code: 'Enter the 6-digit code from your authenticator app',
      })
    if (!/^\d{6}$/.test(code))
      return showEnrol(request, reply.code(400), pending, {
        code: 'Enter the 6-digit code from your authenticator app, using numbers only',
      })
    const result = await services.auth.confirmEnrolment(pending.idHash, code, actorOf(request))
    if (result.ok) {
      if (result.sessionToken) setSessionCookie(reply, result.sessionToken, config)
      return reply.page('auth/recovery-codes.njk', {
        pageTitle: 'Save your recovery codes',
        codes: result.recoveryCodes,
        continueTo: localPath(result.returnTo),
      })
    }
    if (result.reason === 'locked')
      return reply.code(401).page('auth/sign-in.njk', {
        pageTitle: 'Sign in',
        email: pending.email,
        returnTo: '/',
        errors: { email: lockedMessage },
        errorList: errorSummary({ email: lockedMessage }),
      })
    if (result.reason !== 'invalid') return reply.redirect('/sign-in?expired=1', 303)
    return showEnrol(request, reply.code(401), pending, {
      code: 'Enter the code your authenticator app shows now. Check the app is set up with the code on this page',
    })
  })

  app.post('/sign-in/cancel', { config: { access: 'public' } }, async (request, reply) => {
    if (request.pendingSignIn) await services.auth.cancelSignIn(request.pendingSignIn.idHash)
    return reply.redirect('/sign-in', 303)
  })
}
