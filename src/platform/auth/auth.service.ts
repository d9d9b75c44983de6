import { createHash, randomBytes } from 'node:crypto'
import type { Config } from '#src/platform/config/config.ts'
import type { Db, Queryable } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { dummyPasswordHash, generatePassword, hashPassword, verifyPassword } from './password.ts'
import { passwordProblem } from './password-policy.ts'
import { isPermission, type CurrentUser } from './permissions.ts'
import {
  findUserByEmail,
  findUserById,
  insertUser,
  recordFailedSignIn,
  recordSuccessfulSignIn,
  roleExists,
  setPasswordHash,
  setUserDisabled,
  toCurrentUser,
  type UserRow,
} from './users.repository.ts'
import {
  completeSecondFactor,
  findLiveSession,
  insertSession,
  revokeOtherSessions,
  revokeSession,
  revokeUserSessions,
  setSessionData,
  consumeFlash,
  touchSession,
} from './sessions.repository.ts'
import {
  findApiTokenOwner,
  findLiveApiToken,
  insertApiToken,
  lockEnabledUser,
  markApiTokenUsed,
  revokeApiToken,
  revokeUserApiTokens,
} from './api-tokens.repository.ts'
import { claimTotpStep, consumeRecoveryCode, findMfaState, saveMfaEnrolment } from './mfa.repository.ts'
import { hashRecoveryCode, looksLikeRecoveryCode, matchTotp, newRecoveryCodes, newTotpSecret } from './totp.ts'

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** `pending`: the password was right, and the second factor is still to come ('verify' a code, or 'enrol'). */
export type SignInResult =
  | { ok: true; sessionToken: string; user: CurrentUser; pending: PendingMfa | null }
  | { ok: false; reason: 'invalid' | 'locked' }

export type PendingMfa = 'verify' | 'enrol'

export type ResolvedSession = {
  idHash: string
  user: CurrentUser
  data: Record<string, unknown>
  pending: PendingMfa | null
}

export type SecondFactorResult =
  | { ok: true; returnTo: string; method: 'totp' | 'recovery-code'; sessionToken: string }
  | { ok: false; reason: 'invalid' | 'reused' | 'locked' | 'no-session' }

export type EnrolmentResult =
  | { ok: true; returnTo: string; recoveryCodes: string[]; sessionToken: string | null }
  | { ok: false; reason: 'invalid' | 'locked' | 'no-session' | 'already-enrolled' }

export class AuthError extends Error {
  constructor(
    readonly code:
      | 'unknown-role'
      | 'email-taken'
      | 'unknown-user'
      | 'invalid-email'
      | 'weak-password'
      | 'invalid-scope'
      | 'invalid-expiry'
      | 'not-own-token'
      | 'user-disabled',
    message: string,
  ) {
    super(message)
  }
}

/** API tokens always expire: at most a year, 90 days unless asked otherwise. */
export const TOKEN_MAX_DAYS = 365
export const TOKEN_DEFAULT_DAYS = 90

/**
 * Whether a user must use a second factor. Every role must, except partner agency users (those whose role
 * opens the partner portal), for whom the force decides (MFA_PARTNERS). Asked of permissions, not role names.
 */
export function mfaRequired(permissions: readonly string[], config: Pick<Config, 'mfaPartners'>): boolean {
  const partner = permissions.includes('partner-portal:use')
  return !partner || config.mfaPartners === 'required'
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Disabling a user ends their sessions and revokes their API tokens for good (re-enabling brings neither back),
 * with a revocation row per token so each token's history ends with why. Runs in the caller's transaction.
 */
export async function endAccessOfDisabledUser(
  trx: Queryable,
  userId: string,
): Promise<{ sessionsEnded: number; tokensRevoked: string[]; events: AuditEventInput[] }> {
  const sessionsEnded = await revokeUserSessions(trx, userId)
  const tokensRevoked = await revokeUserApiTokens(trx, userId)
  const events: AuditEventInput[] = tokensRevoked.map((id) => ({
    action: 'api-token.revoked',
    subjectType: 'api-token',
    subjectId: id,
    details: { userId, reason: 'user-disabled' },
  }))
  return { sessionsEnded, tokensRevoked, events }
}

export type OwnTokenResult =
  | { ok: true; token: string; tokenId: string; expiresAt: Date; scopes: string[] }
  | { ok: false; errors: Record<string, string>; signedOut?: boolean }

export function createAuthService(db: Db, config: Config) {
  const idleMinutes = config.sessionIdleMinutes
  // Touching a session on every request would make every page view a write; once a minute is enough
  // for an idle timeout measured in minutes.
  const touchAfterMs = 60_000
  // Made now, not at the first unknown email, which would otherwise take twice as long as a known one.
  void dummyPasswordHash(config.passwordHashCost)

  function isLocked(user: UserRow): boolean {
    return user.locked_until !== null && user.locked_until.getTime() > Date.now()
  }

  async function refuseLocked(idHash: string, user: UserRow, actor: Actor): Promise<{ ok: false; reason: 'locked' }> {
    await inTransaction(db, async (trx) => {
      await revokeSession(trx, idHash)
      await appendAuditEvents(trx, { ...actor, userId: null }, [
        { action: 'auth.sign-in-failed', subjectType: 'user', subjectId: user.id, details: { reason: 'locked' } },
      ])
    })
    return { ok: false, reason: 'locked' }
  }

  /** A wrong second factor: counted with wrong passwords; the lock, when it comes, ends the half-signed-in session. */
  async function failSecondFactor(idHash: string, user: UserRow, actor: Actor, reason: string): Promise<boolean> {
    return inTransaction(db, async (trx) => {
      const outcome = await recordFailedSignIn(trx, user.id, config.signInMaxFailures, config.signInLockMinutes)
      const events: AuditEventInput[] = [
        { action: 'auth.sign-in-failed', subjectType: 'user', subjectId: user.id, details: { reason } },
      ]
      if (outcome.locked) {
        await revokeSession(trx, idHash)
        events.push({
          action: 'auth.account-locked',
          subjectType: 'user',
          subjectId: user.id,
          details: { reason: 'too-many-failures' },
        })
      }
      await appendAuditEvents(trx, { ...actor, userId: null }, events)
      return outcome.locked
    })
  }

  /**
   * Checks a signed-in user's current password before something a session left open must not be enough for.
   * A wrong one counts towards the same lock as sign-in; the lock ends every session, so someone guessing at an
   * unattended session's password is stopped, and the session with them.
   */
  async function checkCurrentPassword(
    user: UserRow,
    password: string,
    actor: Actor,
  ): Promise<'ok' | 'wrong' | 'locked'> {
    if (await verifyPassword(password, user.password_hash)) return 'ok'
    const { locked } = await inTransaction(db, async (trx) => {
      const outcome = await recordFailedSignIn(trx, user.id, config.signInMaxFailures, config.signInLockMinutes)
      const events: AuditEventInput[] = [
        {
          action: 'auth.sign-in-failed',
          subjectType: 'user',
          subjectId: user.id,
          details: { reason: 'wrong-current-password' },
        },
      ]
      if (outcome.locked) {
        await revokeUserSessions(trx, user.id)
        events.push({
          action: 'auth.account-locked',
          subjectType: 'user',
          subjectId: user.id,
          details: { reason: 'too-many-failures' },
        })
      }
      await appendAuditEvents(trx, actor, events)
      return outcome
    })
    return locked ? 'locked' : 'wrong'
  }

  async function createToken(
    user: Pick<UserRow, 'id' | 'email' | 'permissions'>,
    name: string,
    expiresInDays: number,
    actor: Actor,
    scopes?: readonly string[],
  ): Promise<{ token: string; tokenId: string; expiresAt: Date; scopes: string[] }> {
    // Tokens are personal: a signed-in person makes tokens only for themselves, so no one (an administrator
    // included) is ever shown a token that acts as someone else. The command line (no signed-in user) is an
    // operator's deliberate local action and may name any user.
    if (actor.userId && actor.userId !== user.id)
      throw new AuthError('not-own-token', 'A signed-in user can make API tokens only for themselves')
    if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > TOKEN_MAX_DAYS) {
      throw new AuthError('invalid-expiry', `A token must expire in 1 to ${TOKEN_MAX_DAYS} days`)
    }
    const rolePermissions = user.permissions.filter(isPermission)
    const chosen = scopes === undefined ? rolePermissions : [...new Set(scopes)]
    const outside = chosen.filter((s) => !rolePermissions.includes(s as never))
    if (outside.length > 0) throw new AuthError('invalid-scope', `The user's role does not have: ${outside.join(', ')}`)
    if (chosen.length === 0) throw new AuthError('invalid-scope', 'A token needs at least one permission')
    const token = `lantern_${randomBytes(32).toString('base64url')}`
    const tokenId = uuidv7()
    const expiresAt = new Date(Date.now() + expiresInDays * 86_400_000)
    await inTransaction(db, async (trx) => {
      // A disabled user's tokens were revoked when they were disabled; a new one would be waiting for them, live,
      // the moment they were re-enabled.
      if (!(await lockEnabledUser(trx, user.id)))
        throw new AuthError('user-disabled', `${user.email} is disabled: a disabled user cannot be given an API token`)
      await insertApiToken(trx, {
        id: tokenId,
        userId: user.id,
        name,
        tokenHash: sha256(token),
        expiresAt,
        scopes: chosen,
        createdBy: actor.userId ?? null,
      })
      await appendAuditEvents(trx, actor, [
        {
          action: 'api-token.created',
          subjectType: 'api-token',
          subjectId: tokenId,
          details: { userId: user.id, scopes: chosen, expiresInDays },
        },
      ])
    })
    return { token, tokenId, expiresAt, scopes: chosen }
  }

  return {
    /**
     * Checks a password and opens a session. Failures count towards a lock; a locked account refuses
     * even the right password until the lock ends. An unknown email, a wrong password and a locked account each
     * cost one scrypt verification and one audit transaction, so none of them is told apart by its timing (and the
     * sign-in page answers them alike); `reason` is for the audit log and the second-factor pages only.
     */
    async signIn(
      email: string,
      password: string,
      actor: Actor,
      userAgent: string | null,
      returnTo = '/',
    ): Promise<SignInResult> {
      const user = await findUserByEmail(db, email.trim())
      if (!user || user.disabled_at) {
        await verifyPassword(password, await dummyPasswordHash(config.passwordHashCost))
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, actor, [
            {
              action: 'auth.sign-in-failed',
              subjectType: 'user',
              subjectId: user?.id ?? null,
              details: { reason: user ? 'disabled' : 'unknown-email' },
            },
          ]),
        )
        return { ok: false, reason: 'invalid' }
      }
      const passwordOk = await verifyPassword(password, user.password_hash)
      const locked = user.locked_until !== null && user.locked_until.getTime() > Date.now()
      if (locked) {
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, { ...actor, userId: null }, [
            { action: 'auth.sign-in-failed', subjectType: 'user', subjectId: user.id, details: { reason: 'locked' } },
          ]),
        )
        return { ok: false, reason: 'locked' }
      }
      if (!passwordOk) {
        const { locked: nowLocked } = await inTransaction(db, async (trx) => {
          const outcome = await recordFailedSignIn(trx, user.id, config.signInMaxFailures, config.signInLockMinutes)
          const events: AuditEventInput[] = [
            {
              action: 'auth.sign-in-failed',
              subjectType: 'user',
              subjectId: user.id,
              details: { reason: 'wrong-password' },
            },
          ]
          if (outcome.locked)
            events.push({
              action: 'auth.account-locked',
              subjectType: 'user',
              subjectId: user.id,
              details: { reason: 'too-many-failures' },
            })
          await appendAuditEvents(trx, { ...actor, userId: null }, events)
          return outcome
        })
        return { ok: false, reason: nowLocked ? 'locked' : 'invalid' }
      }
      const sessionToken = randomBytes(32).toString('base64url')
      const idHash = sha256(sessionToken)
      const pending: PendingMfa | null = user.mfa_enrolled_at
        ? 'verify'
        : mfaRequired(user.permissions, config)
          ? 'enrol'
          : null
      const session = {
        idHash,
        userId: user.id,
        idleMinutes,
        absoluteHours: config.sessionAbsoluteHours,
        ip: actor.ip ?? null,
        userAgent,
      }
      if (pending) {
        // Half signed in: the failure count is not cleared until the second factor is passed, so a stolen
        // password does not buy unlimited guesses at the code.
        await insertSession(db, { ...session, pendingMfa: pending, data: { returnTo } })
      } else {
        await inTransaction(db, async (trx) => {
          await recordSuccessfulSignIn(trx, user.id)
          await insertSession(trx, session)
          await appendAuditEvents(trx, { ...actor, userId: user.id }, [
            { action: 'auth.signed-in', subjectType: 'user', subjectId: user.id, details: { secondFactor: 'none' } },
          ])
        })
      }
      const live = await findLiveSession(db, idHash)
      if (!live) throw new Error('session vanished after sign-in')
      return { ok: true, sessionToken, user: toCurrentUser(live), pending }
    },

    async resolveSession(sessionToken: string): Promise<ResolvedSession | undefined> {
      const idHash = sha256(sessionToken)
      const session = await findLiveSession(db, idHash)
      if (!session) return undefined
      if (Date.now() - session.last_seen_at.getTime() > touchAfterMs) await touchSession(db, idHash, idleMinutes)
      return { idHash, user: toCurrentUser(session), data: session.data, pending: session.pending_mfa }
    },

    /**
     * The second step of signing in: a code from the user's authenticator app (this step or one either side,
     * never a step already used) or one of their recovery codes (each works once). A wrong code counts towards
     * the same lock as a wrong password; a lock ends the half-signed-in session.
     */
    async verifySecondFactor(idHash: string, code: string, actor: Actor): Promise<SecondFactorResult> {
      const session = await findLiveSession(db, idHash)
      if (!session || session.pending_mfa !== 'verify') return { ok: false, reason: 'no-session' }
      const user = await findUserById(db, session.id)
      const mfa = user && (await findMfaState(db, user.id))
      if (!user || !mfa?.secret) return { ok: false, reason: 'no-session' }
      if (isLocked(user)) return refuseLocked(idHash, user, actor)
      const typed = code.replace(/\s/g, '')
      const step = /^\d{6}$/.test(typed) ? matchTotp(mfa.secret, typed) : null
      const recovery = step === null && looksLikeRecoveryCode(code)
      const returnTo = typeof session.data.returnTo === 'string' ? session.data.returnTo : '/'
      // The session id is renewed at each privilege change: a new one with the password, another with the code.
      const sessionToken = randomBytes(32).toString('base64url')
      const outcome = await inTransaction(db, async (trx) => {
        if (step !== null) {
          if (!(await claimTotpStep(trx, user.id, step))) return 'reused' as const
        } else if (!recovery || !(await consumeRecoveryCode(trx, user.id, hashRecoveryCode(code)))) {
          return 'invalid' as const
        }
        if (!(await completeSecondFactor(trx, idHash, sha256(sessionToken)))) return 'invalid' as const
        await recordSuccessfulSignIn(trx, user.id)
        const method = step !== null ? ('totp' as const) : ('recovery-code' as const)
        const events: AuditEventInput[] = [
          { action: 'auth.signed-in', subjectType: 'user', subjectId: user.id, details: { secondFactor: method } },
        ]
        if (method === 'recovery-code')
          events.push({ action: 'auth.mfa-recovery-code-used', subjectType: 'user', subjectId: user.id })
        await appendAuditEvents(trx, { ...actor, userId: user.id }, events)
        return method
      })
      if (outcome === 'totp' || outcome === 'recovery-code')
        return { ok: true, returnTo, method: outcome, sessionToken }
      const locked = await failSecondFactor(
        idHash,
        user,
        actor,
        outcome === 'reused' ? 'reused-mfa-code' : 'wrong-mfa-code',
      )
      return { ok: false, reason: locked ? 'locked' : outcome }
    },

    /** The secret being set up in this session: made once and kept in the session until it is confirmed. */
    async enrolmentSecret(idHash: string, data: Record<string, unknown>): Promise<string> {
      if (typeof data.mfaSetupSecret === 'string') return data.mfaSetupSecret
      const secret = newTotpSecret()
      await setSessionData(db, idHash, { ...data, mfaSetupSecret: secret })
      return secret
    },

    /**
     * Confirms a new second factor with a code from the app, then makes the recovery codes (shown once, stored
     * hashed). During sign-in this also completes it; a signed-in partner user can set one up by choice.
     */
    async confirmEnrolment(idHash: string, code: string, actor: Actor): Promise<EnrolmentResult> {
      const session = await findLiveSession(db, idHash)
      if (!session || session.pending_mfa === 'verify') return { ok: false, reason: 'no-session' }
      const secret = session.data.mfaSetupSecret
      const user = await findUserById(db, session.id)
      if (!user || typeof secret !== 'string') return { ok: false, reason: 'no-session' }
      if (user.mfa_enrolled_at) return { ok: false, reason: 'already-enrolled' }
      if (isLocked(user)) {
        await refuseLocked(idHash, user, actor)
        return { ok: false, reason: 'locked' }
      }
      const step = matchTotp(secret, code.replace(/\s/g, ''))
      if (step === null) {
        const locked = await failSecondFactor(idHash, user, actor, 'wrong-mfa-code')
        return { ok: false, reason: locked ? 'locked' : 'invalid' }
      }
      const recoveryCodes = newRecoveryCodes()
      const signingIn = session.pending_mfa === 'enrol'
      const { returnTo, ...rest } = session.data
      // Finishing sign-in is a privilege change: the session continues under a new id (see verifySecondFactor).
      const sessionToken = signingIn ? randomBytes(32).toString('base64url') : null
      await inTransaction(db, async (trx) => {
        await saveMfaEnrolment(trx, user.id, secret, step, recoveryCodes.map(hashRecoveryCode))
        const events: AuditEventInput[] = [
          {
            action: 'auth.mfa-enrolled',
            subjectType: 'user',
            subjectId: user.id,
            details: { recoveryCodes: recoveryCodes.length },
          },
        ]
        if (sessionToken) {
          await completeSecondFactor(trx, idHash, sha256(sessionToken))
          await recordSuccessfulSignIn(trx, user.id)
          events.push({
            action: 'auth.signed-in',
            subjectType: 'user',
            subjectId: user.id,
            details: { secondFactor: 'totp' },
          })
        } else {
          const { mfaSetupSecret: _done, ...kept } = rest
          await setSessionData(trx, idHash, kept)
        }
        await appendAuditEvents(trx, { ...actor, userId: user.id }, events)
      })
      return { ok: true, recoveryCodes, returnTo: typeof returnTo === 'string' ? returnTo : '/', sessionToken }
    },

    /** Abandons a half-finished sign-in. */
    async cancelSignIn(idHash: string): Promise<void> {
      await revokeSession(db, idHash)
    },

    /**
     * Changes a signed-in user's own password: the current one is needed (a session left open is not
     * enough), the new one must meet the rules, and every other session ends.
     */
    async changePassword(
      userId: string,
      idHash: string,
      input: { currentPassword: string; newPassword: string },
      actor: Actor,
    ): Promise<
      { ok: true; endedSessions: number } | { ok: false; errors: Record<string, string>; signedOut?: boolean }
    > {
      const user = await findUserById(db, userId)
      if (!user) return { ok: false, errors: { currentPassword: 'Enter your current password' }, signedOut: true }
      const errors: Record<string, string> = {}
      if (!input.currentPassword) errors.currentPassword = 'Enter your current password'
      const problem = passwordProblem(
        input.newPassword,
        { email: user.email, displayName: user.display_name },
        'New password',
      )
      if (problem) errors.newPassword = problem
      else if (input.newPassword === input.currentPassword)
        errors.newPassword = 'New password must be different from your current password'
      if (errors.currentPassword) return { ok: false, errors }
      const checked = await checkCurrentPassword(user, input.currentPassword, actor)
      if (checked !== 'ok')
        return {
          ok: false,
          errors: { ...errors, currentPassword: 'Your current password is not right' },
          signedOut: checked === 'locked',
        }
      if (Object.keys(errors).length > 0) return { ok: false, errors }
      const passwordHash = await hashPassword(input.newPassword, config.passwordHashCost)
      const endedSessions = await inTransaction(db, async (trx) => {
        await setPasswordHash(trx, user.id, passwordHash)
        const ended = await revokeOtherSessions(trx, user.id, idHash)
        await appendAuditEvents(trx, actor, [
          {
            action: 'auth.password-changed',
            subjectType: 'user',
            subjectId: user.id,
            details: { otherSessionsEnded: ended },
          },
        ])
        return ended
      })
      return { ok: true, endedSessions }
    },

    async saveSessionData(idHash: string, data: Record<string, unknown>): Promise<void> {
      await setSessionData(db, idHash, data)
    },

    async consumeFlash(idHash: string, flash: string): Promise<void> {
      await consumeFlash(db, idHash, flash)
    },

    async signOut(idHash: string, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        await revokeSession(trx, idHash)
        await appendAuditEvents(trx, actor, [
          { action: 'auth.signed-out', subjectType: 'user', subjectId: actor.userId },
        ])
      })
    },

    /** Ends every session a user has, on every device: for a lost laptop or a leaver. */
    async revokeAllSessions(userId: string, actor: Actor): Promise<number> {
      return inTransaction(db, async (trx) => {
        const count = await revokeUserSessions(trx, userId)
        await appendAuditEvents(trx, actor, [
          { action: 'auth.session-revoked', subjectType: 'user', subjectId: userId, details: { sessions: count } },
        ])
        return count
      })
    },

    async resolveApiToken(token: string, actor: Actor): Promise<{ user: CurrentUser; tokenId: string } | undefined> {
      const row = await findLiveApiToken(db, sha256(token))
      if (!row) {
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, actor, [{ action: 'auth.token-rejected', details: {} }]),
        )
        return undefined
      }
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > touchAfterMs)
        await markApiTokenUsed(db, row.token_id)
      return { user: toCurrentUser(row, row.scopes), tokenId: row.token_id }
    },

    /**
     * Makes an API token for a user, printed once and stored as a hash. It expires (1 to 365 days) and is
     * scoped: it may use only the listed permissions of the user's role (all of them, as they are now, if
     * none are listed), so a role that later gains a permission does not widen an old token.
     */
    async createApiToken(
      email: string,
      name: string,
      expiresInDays: number,
      actor: Actor,
      scopes?: readonly string[],
    ): Promise<{ token: string; tokenId: string; expiresAt: Date; scopes: string[] }> {
      const user = await findUserByEmail(db, email)
      if (!user) throw new AuthError('unknown-user', `No user has the email ${email}`)
      return createToken(user, name, expiresInDays, actor, scopes)
    },

    /**
     * A signed-in user makes a token for themselves (their account pages), confirming it with their current
     * password: a session left open on a shared desktop must not be turnable into a credential that lasts a year.
     * The token may use only the chosen permissions of their own role.
     */
    async createOwnApiToken(
      userId: string,
      input: { name: string; expiresInDays: number; scopes: readonly string[]; currentPassword: string },
      actor: Actor,
    ): Promise<OwnTokenResult> {
      const user = await findUserById(db, userId)
      if (!user || user.disabled_at)
        return { ok: false, errors: { currentPassword: 'Enter your current password' }, signedOut: true }
      if (!input.currentPassword) return { ok: false, errors: { currentPassword: 'Enter your current password' } }
      const checked = await checkCurrentPassword(user, input.currentPassword.slice(0, 1024), actor)
      if (checked !== 'ok')
        return {
          ok: false,
          errors: { currentPassword: 'Your current password is not right' },
          signedOut: checked === 'locked',
        }
      try {
        return {
          ok: true,
          ...(await createToken(user, input.name, input.expiresInDays, { ...actor, userId: user.id }, input.scopes)),
        }
      } catch (error) {
        if (error instanceof AuthError && error.code === 'invalid-expiry')
          return { ok: false, errors: { days: error.message } }
        if (error instanceof AuthError && error.code === 'invalid-scope')
          return { ok: false, errors: { scopes: error.message } }
        if (error instanceof AuthError && error.code === 'user-disabled')
          return { ok: false, errors: { currentPassword: 'Enter your current password' }, signedOut: true }
        throw error
      }
    },

    /** A user revokes one of their own tokens; another user's token id is "not found", so it reveals nothing. */
    async revokeOwnApiToken(
      userId: string,
      tokenId: string,
      actor: Actor,
    ): Promise<'revoked' | 'already-revoked' | 'not-found'> {
      if ((await findApiTokenOwner(db, tokenId)) !== userId) return 'not-found'
      return inTransaction(db, async (trx) => {
        if (!(await revokeApiToken(trx, tokenId))) return 'already-revoked' as const
        await appendAuditEvents(trx, actor, [
          { action: 'api-token.revoked', subjectType: 'api-token', subjectId: tokenId, details: { userId } },
        ])
        return 'revoked' as const
      })
    },

    async revokeApiToken(tokenId: string, actor: Actor): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const revoked = await revokeApiToken(trx, tokenId)
        if (revoked)
          await appendAuditEvents(trx, actor, [
            { action: 'api-token.revoked', subjectType: 'api-token', subjectId: tokenId },
          ])
        return revoked
      })
    },

    async createUser(
      input: { email: string; displayName: string; roleId: string; password?: string },
      actor: Actor,
    ): Promise<{ id: string; password: string }> {
      const email = input.email.trim()
      if (!EMAIL.test(email)) throw new AuthError('invalid-email', `${email} is not an email address`)
      if (!(await roleExists(db, input.roleId)))
        throw new AuthError('unknown-role', `There is no role called ${input.roleId}`)
      if (await findUserByEmail(db, email))
        throw new AuthError('email-taken', `A user with the email ${email} already exists`)
      if (input.password !== undefined) {
        const problem = passwordProblem(input.password, { email, displayName: input.displayName })
        if (problem) throw new AuthError('weak-password', problem)
      }
      const password = input.password ?? generatePassword()
      const id = uuidv7()
      const passwordHash = await hashPassword(password, config.passwordHashCost)
      await inTransaction(db, async (trx) => {
        await insertUser(trx, { id, email, displayName: input.displayName, roleId: input.roleId, passwordHash })
        await appendAuditEvents(trx, actor, [
          { action: 'user.created', subjectType: 'user', subjectId: id, details: { roleId: input.roleId } },
        ])
      })
      return { id, password }
    },

    async setDisabled(email: string, disabled: boolean, actor: Actor): Promise<void> {
      const user = await findUserByEmail(db, email)
      if (!user) throw new AuthError('unknown-user', `No user has the email ${email}`)
      await inTransaction(db, async (trx) => {
        await setUserDisabled(trx, user.id, disabled)
        if (!disabled)
          return appendAuditEvents(trx, actor, [{ action: 'user.enabled', subjectType: 'user', subjectId: user.id }])
        const ended = await endAccessOfDisabledUser(trx, user.id)
        await appendAuditEvents(trx, actor, [
          {
            action: 'user.disabled',
            subjectType: 'user',
            subjectId: user.id,
            details: { sessionsEnded: ended.sessionsEnded, tokensRevoked: ended.tokensRevoked.length },
          },
          ...ended.events,
        ])
      })
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
