import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AppDeps } from '#src/container.ts'
import { actorOf, userOf } from '#src/platform/http/access.ts'
import { asArray, asString, errorSummary, parseForm, type FieldErrors } from '#src/platform/http/forms.ts'
import { NotFoundError } from '#src/platform/http/errors.ts'
import { isUuid } from '#src/shared/ids.ts'
import { findMfaState, countUnusedRecoveryCodes } from './mfa.repository.ts'
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './password-policy.ts'
import { SESSION_COOKIE } from './auth.routes.ts'
import { mfaRequired, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS } from './auth.service.ts'
import { listUserApiTokens } from './api-tokens.repository.ts'
import { PERMISSIONS, isPermission } from './permissions.ts'
import { describeToken } from './user-admin.pages.ts'
import { formatSecret, totpQrSvg } from './totp.ts'
import { ApiTokenForm, PasswordChangeForm } from './auth.forms.ts'

/**
 * "Your account": change your password, sign out everywhere, (partners, where optional) set up a second factor,
 * and make, list and revoke your own API tokens. Tokens are personal: only their own user makes one (an
 * administrator can list and revoke them), so a token never lets one person act as another.
 */
export function registerAccountPages(app: FastifyInstance, { config, db, services }: AppDeps): void {
  const signedIn = { config: { access: 'signed-in' as const } }

  app.get('/account', signedIn, async (request, reply) => {
    const user = userOf(request)
    const mfa = await findMfaState(db, user.id)
    return reply.page('auth/account.njk', {
      pageTitle: 'Your account',
      mfaEnrolledAt: mfa?.enrolledAt ?? null,
      mfaRequired: mfaRequired([...user.permissions], config),
      recoveryCodesLeft: mfa?.enrolledAt ? await countUnusedRecoveryCodes(db, user.id) : 0,
    })
  })

  function showPassword(reply: FastifyReply, errors: FieldErrors = {}) {
    return reply.page('auth/change-password.njk', {
      pageTitle: 'Change your password',
      minLength: PASSWORD_MIN_LENGTH,
      maxLength: PASSWORD_MAX_LENGTH,
      errors,
      errorList: errorSummary(errors, ['currentPassword', 'newPassword', 'confirmPassword']),
    })
  }

  app.get('/account/password', signedIn, (_request, reply) => showPassword(reply))

  app.post('/account/password', signedIn, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const parsed = parseForm(PasswordChangeForm, body)
    if (!parsed.ok) return showPassword(reply.code(400), parsed.errors)
    const { currentPassword, newPassword } = parsed.value
    const result = await services.auth.changePassword(
      userOf(request).id,
      request.session!.idHash,
      { currentPassword, newPassword },
      actorOf(request),
    )
    if (!result.ok && result.signedOut) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.redirect('/sign-in', 303)
    }
    if (!result.ok) return showPassword(reply.code(400), result.errors)
    const others = result.endedSessions
    await request.flash(
      others > 0
        ? `Your password has been changed. You have been signed out on ${others} other device${others === 1 ? '' : 's'}.`
        : 'Your password has been changed',
    )
    return reply.redirect('/account', 303)
  })

  app.post('/account/sign-out-everywhere', signedIn, async (request, reply) => {
    await services.auth.revokeAllSessions(userOf(request).id, actorOf(request))
    reply.clearCookie(SESSION_COOKIE, { path: '/' })
    return reply.redirect('/sign-in?signedOut=1', 303)
  })

  async function showEnrol(request: FastifyRequest, reply: FastifyReply, errors: FieldErrors = {}) {
    const session = request.session!
    const secret = await services.auth.enrolmentSecret(session.idHash, session.data)
    session.data = { ...session.data, mfaSetupSecret: secret }
    return reply.page('auth/set-up-two-factor.njk', {
      pageTitle: 'Set up two-factor authentication',
      qrSvg: await totpQrSvg(secret, userOf(request).email),
      secret: formatSecret(secret),
      action: '/account/two-factor',
      signingIn: false,
      errors,
      errorList: errorSummary(errors, ['code']),
    })
  }

  app.get('/account/two-factor', signedIn, async (request, reply) => {
    const mfa = await findMfaState(db, userOf(request).id)
    if (mfa?.enrolledAt) return reply.redirect('/account', 303)
    return showEnrol(request, reply)
  })

  app.post('/account/two-factor', signedIn, async (request, reply) => {
    const code = asString((request.body as Record<string, unknown> | undefined)?.code).replace(/\s/g, '')
    if (!/^\d{6}$/.test(code))
      return showEnrol(request, reply.code(400), {
        code: code
          ? 'Enter the 6-digit code from your authenticator app, using numbers only'
          : 'Enter the 6-digit code from your authenticator app',
      })
    const result = await services.auth.confirmEnrolment(request.session!.idHash, code, actorOf(request))
    if (result.ok)
      return reply.page('auth/recovery-codes.njk', {
        pageTitle: 'Save your recovery codes',
        codes: result.recoveryCodes,
        continueTo: '/account',
      })
    if (result.reason === 'already-enrolled') return reply.redirect('/account', 303)
    if (result.reason !== 'invalid') {
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.redirect('/sign-in', 303)
    }
    return showEnrol(request, reply.code(400), {
      code: 'Enter the code your authenticator app shows now. Check the app is set up with the key on this page',
    })
  })

  app.get('/account/tokens', signedIn, async (request, reply) => {
    const user = userOf(request)
    const now = Date.now()
    const tokens = await listUserApiTokens(db, user.id)
    return reply.page('auth/tokens.njk', {
      pageTitle: 'Your API tokens',
      tokens: tokens.map((t) => describeToken(t, user.id, now)),
    })
  })

  type TokenValues = { name: string; days: string; scopes: string[] }

  function showNewToken(request: FastifyRequest, reply: FastifyReply, values: TokenValues, errors: FieldErrors = {}) {
    const permissions = [...userOf(request).permissions].filter(isPermission)
    return reply.page('auth/token-new.njk', {
      pageTitle: 'Create an API token',
      values,
      maxDays: TOKEN_MAX_DAYS,
      scopeItems: permissions.map((p) => ({
        value: p,
        text: p,
        hint: { text: PERMISSIONS[p] },
        checked: values.scopes.includes(p),
      })),
      errors,
      errorList: errorSummary(errors, ['name', 'days', 'scopes', 'currentPassword']),
    })
  }

  app.get('/account/tokens/new', signedIn, (request, reply) =>
    showNewToken(request, reply, { name: '', days: String(TOKEN_DEFAULT_DAYS), scopes: [] }),
  )

  app.post('/account/tokens', signedIn, async (request, reply) => {
    const user = userOf(request)
    const body = (request.body ?? {}) as Record<string, unknown>
    const values: TokenValues = {
      name: asString(body.name).trim(),
      days: asString(body.days).trim(),
      scopes: asArray(body.scopes).slice(0, 100),
    }
    // A session's permissions are its role's: a token may have some of them, never more.
    const parsed = parseForm(
      ApiTokenForm(TOKEN_MAX_DAYS, (p) => isPermission(p) && user.permissions.has(p)),
      body,
    )
    if (!parsed.ok) return showNewToken(request, reply.code(400), values, parsed.errors)
    const { name, days, scopes, currentPassword } = parsed.value
    const result = await services.auth.createOwnApiToken(
      user.id,
      { name, expiresInDays: days, scopes, currentPassword },
      actorOf(request),
    )
    if (!result.ok && result.signedOut) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.redirect('/sign-in', 303)
    }
    if (!result.ok) return showNewToken(request, reply.code(400), values, result.errors)
    return reply.page('auth/token-created.njk', {
      pageTitle: 'API token created',
      token: result.token,
      expiresAt: result.expiresAt,
      scopes: result.scopes,
    })
  })

  app.post<{ Params: { tokenId: string } }>('/account/tokens/:tokenId/revoke', signedIn, async (request, reply) => {
    if (!isUuid(request.params.tokenId)) throw new NotFoundError('Token not found')
    const outcome = await services.auth.revokeOwnApiToken(userOf(request).id, request.params.tokenId, actorOf(request))
    if (outcome === 'not-found') throw new NotFoundError('Token not found')
    await request.flash(outcome === 'revoked' ? 'API token revoked' : 'That token had already been revoked')
    return reply.redirect('/account/tokens', 303)
  })
}
