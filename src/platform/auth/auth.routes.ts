import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf } from '#src/platform/http/access.ts'
import { asString, errorSummary, type FieldErrors, parseForm } from '#src/platform/http/forms.ts'
import { field } from '#src/platform/http/page-forms.ts'
import { z } from 'zod'
import { localPath } from '#src/platform/http/return-to.ts'
import { registerSecondFactorPages } from './mfa.pages.ts'
import { SESSION_COOKIE, setSessionCookie } from './session-cookie.ts'

export { SESSION_COOKIE } from './session-cookie.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** A session past the password but not yet the second factor: it reaches only the second-factor pages. */
    pendingSignIn: { idHash: string; stage: 'verify' | 'enrol'; data: Record<string, unknown>; email: string } | null
  }
}

export const SECOND_FACTOR_PATHS = { verify: '/sign-in/two-factor', enrol: '/sign-in/set-up-two-factor' } as const

/** Only a path on this site: an attacker's link must not bounce a user to another site after sign-in. */
export const safeReturnTo = localPath

const EMAIL_FORMAT = 'Enter an email address in the correct format, like name@example.police.uk'

/** The sign-in form. The password is taken as typed (spaces are part of it); the email trimmed. */
const SignInForm = z.object({
  email: field(
    z
      .string()
      .min(1, { error: 'Enter your email address' })
      .max(320, { error: EMAIL_FORMAT })
      .regex(/^[^\s@]+@[^\s@]+$/, { error: EMAIL_FORMAT }),
  ),
  password: z.preprocess(
    asString,
    z
      .string()
      .min(1, { error: 'Enter your password' })
      .max(1024, { error: 'Password must be 1,024 characters or fewer' }),
  ),
})

export function registerAuthRoutes(app: FastifyInstance, { config, services }: AppDeps): void {
  function showSignIn(
    reply: FastifyReply,
    context: { email?: string; returnTo: string; errors?: FieldErrors; notice?: string; failed?: boolean },
  ) {
    const errors = context.errors ?? {}
    return reply.page('auth/sign-in.njk', {
      pageTitle: 'Sign in',
      email: context.email ?? '',
      returnTo: context.returnTo,
      errors,
      errorList: errorSummary(errors, ['email', 'password']),
      notice: context.notice,
      lockHint: context.failed
        ? `After ${config.signInMaxFailures} failed attempts an account is locked for ${config.signInLockMinutes} minutes. If you still cannot sign in, ask a Lantern administrator.`
        : undefined,
    })
  }

  app.get<{ Querystring: { returnTo?: string; expired?: string; signedOut?: string } }>(
    '/sign-in',
    { config: { access: 'public' } },
    async (request, reply) => {
      if (request.user) return reply.redirect(safeReturnTo(request.query.returnTo), 303)
      // Half signed in, and asked for a page: finish the second factor first.
      if (request.pendingSignIn && !request.query.expired && !request.query.signedOut)
        return reply.redirect(SECOND_FACTOR_PATHS[request.pendingSignIn.stage], 303)
      const notice = request.query.expired
        ? 'You were signed out because you were inactive. Sign in again to continue.'
        : request.query.signedOut
          ? 'You have signed out.'
          : undefined
      return showSignIn(reply, { returnTo: safeReturnTo(request.query.returnTo), notice })
    },
  )

  app.post(
    '/sign-in',
    {
      config: {
        access: 'public',
        rateLimit: { max: config.signInRateLimitPerMinute, timeWindow: '1 minute' },
      },
    },
    async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      const email = asString(body.email).trim()
      const returnTo = safeReturnTo(body.returnTo)
      const form = parseForm(SignInForm, body)
      if (!form.ok) return showSignIn(reply.code(400), { email, returnTo, errors: form.errors })
      const { password } = form.value

      const result = await services.auth.signIn(
        email,
        password,
        actorOf(request),
        asString(request.headers['user-agent']).slice(0, 300) || null,
        returnTo,
      )
      // An unknown email, a wrong password and a locked account get the same page, status and (see signIn) time:
      // saying "locked" would tell anyone trying emails that this one belongs to a user. The lock rule is shown to
      // everyone who fails instead, and an administrator sees the lock on the user's page (/admin/users).
      if (!result.ok)
        return showSignIn(reply.code(401), {
          email,
          returnTo,
          errors: { email: 'Enter a correct email address and password' },
          failed: true,
        })
      setSessionCookie(reply, result.sessionToken, config)
      // A session this browser already had (half-finished or signed in) is replaced by this one, not left live.
      if (request.pendingSignIn) await services.auth.cancelSignIn(request.pendingSignIn.idHash)
      if (request.session) await services.auth.cancelSignIn(request.session.idHash)
      return reply.redirect(result.pending ? SECOND_FACTOR_PATHS[result.pending] : returnTo, 303)
    },
  )

  registerSecondFactorPages(app, { config, services })

  app.post('/sign-out', { config: { access: 'signed-in' } }, async (request, reply) => {
    if (request.session) await services.auth.signOut(request.session.idHash, actorOf(request))
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/sign-in?signedOut=1', 303)
  })
}
