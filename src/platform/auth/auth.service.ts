import { createHash, randomBytes } from 'node:crypto'
import type { Config } from '#src/platform/config/config.ts'
import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor, AuditEventInput } from '#src/platform/audit/audit-events.ts'
import { uuidv7 } from '#src/shared/ids.ts'
import { dummyPasswordHash, generatePassword, hashPassword, verifyPassword } from './password.ts'
import type { CurrentUser } from './permissions.ts'
import {
  findUserByEmail,
  insertUser,
  recordFailedSignIn,
  recordSuccessfulSignIn,
  roleExists,
  setUserDisabled,
  toCurrentUser,
} from './users.repository.ts'
import {
  findLiveSession,
  insertSession,
  revokeSession,
  revokeUserSessions,
  setSessionData, consumeFlash,
  touchSession,
} from './sessions.repository.ts'
import { findLiveApiToken, insertApiToken, markApiTokenUsed, revokeApiToken } from './api-tokens.repository.ts'

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

export type SignInResult =
  | { ok: true; sessionToken: string; user: CurrentUser }
  | { ok: false; reason: 'invalid' | 'locked' }

export type ResolvedSession = { idHash: string; user: CurrentUser; data: Record<string, unknown> }

export class AuthError extends Error {
  constructor(
    readonly code: 'unknown-role' | 'email-taken' | 'unknown-user' | 'invalid-email',
    message: string,
  ) {
    super(message)
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function createAuthService(db: Db, config: Config) {
  const idleMinutes = config.sessionIdleMinutes
  // Touching a session on every request would make every page view a write; once a minute is enough
  // for an idle timeout measured in minutes.
  const touchAfterMs = 60_000

  return {
    /**
     * Checks a password and opens a session. Failures count towards a lock; a locked account refuses
     * even the right password until the lock ends. Unknown emails take as long as known ones.
     */
    async signIn(email: string, password: string, actor: Actor, userAgent: string | null): Promise<SignInResult> {
      const user = await findUserByEmail(db, email.trim())
      if (!user || user.disabled_at) {
        await verifyPassword(password, await dummyPasswordHash(config.passwordHashCost))
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, actor, [{ action: 'auth.sign-in-failed', subjectType: 'user', subjectId: user?.id ?? null, details: { reason: user ? 'disabled' : 'unknown-email' } }]),
        )
        return { ok: false, reason: 'invalid' }
      }
      const passwordOk = await verifyPassword(password, user.password_hash)
      const locked = user.locked_until !== null && user.locked_until.getTime() > Date.now()
      if (locked) {
        await inTransaction(db, (trx) =>
          appendAuditEvents(trx, { ...actor, userId: null }, [{ action: 'auth.sign-in-failed', subjectType: 'user', subjectId: user.id, details: { reason: 'locked' } }]),
        )
        return { ok: false, reason: 'locked' }
      }
      if (!passwordOk) {
        const { locked: nowLocked } = await inTransaction(db, async (trx) => {
          const outcome = await recordFailedSignIn(trx, user.id, config.signInMaxFailures, config.signInLockMinutes)
          const events: AuditEventInput[] = [{ action: 'auth.sign-in-failed', subjectType: 'user', subjectId: user.id, details: { reason: 'wrong-password' } }]
          if (outcome.locked) events.push({ action: 'auth.account-locked', subjectType: 'user', subjectId: user.id, details: { reason: 'too-many-failures' } })
          await appendAuditEvents(trx, { ...actor, userId: null }, events)
          return outcome
        })
        return { ok: false, reason: nowLocked ? 'locked' : 'invalid' }
      }
      const sessionToken = randomBytes(32).toString('base64url')
      const idHash = sha256(sessionToken)
      await inTransaction(db, async (trx) => {
        await recordSuccessfulSignIn(trx, user.id)
        await insertSession(trx, { idHash, userId: user.id, idleMinutes, absoluteHours: config.sessionAbsoluteHours, ip: actor.ip ?? null, userAgent })
        await appendAuditEvents(trx, { ...actor, userId: user.id }, [{ action: 'auth.signed-in', subjectType: 'user', subjectId: user.id }])
      })
      const session = await findLiveSession(db, idHash)
      if (!session) throw new Error('session vanished after sign-in')
      return { ok: true, sessionToken, user: toCurrentUser(session) }
    },

    async resolveSession(sessionToken: string): Promise<ResolvedSession | undefined> {
      const idHash = sha256(sessionToken)
      const session = await findLiveSession(db, idHash)
      if (!session) return undefined
      if (Date.now() - session.last_seen_at.getTime() > touchAfterMs) await touchSession(db, idHash, idleMinutes)
      return { idHash, user: toCurrentUser(session), data: session.data }
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
        await appendAuditEvents(trx, actor, [{ action: 'auth.signed-out', subjectType: 'user', subjectId: actor.userId }])
      })
    },

    /** Ends every session a user has, on every device: for a lost laptop or a leaver. */
    async revokeAllSessions(userId: string, actor: Actor): Promise<number> {
      return inTransaction(db, async (trx) => {
        const count = await revokeUserSessions(trx, userId)
        await appendAuditEvents(trx, actor, [{ action: 'auth.session-revoked', subjectType: 'user', subjectId: userId, details: { sessions: count } }])
        return count
      })
    },

    async resolveApiToken(token: string, actor: Actor): Promise<{ user: CurrentUser; tokenId: string } | undefined> {
      const row = await findLiveApiToken(db, sha256(token))
      if (!row) {
        await inTransaction(db, (trx) => appendAuditEvents(trx, actor, [{ action: 'auth.token-rejected', details: {} }]))
        return undefined
      }
      if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > touchAfterMs) await markApiTokenUsed(db, row.token_id)
      return { user: toCurrentUser(row), tokenId: row.token_id }
    },

    async createApiToken(
      email: string,
      name: string,
      expiresInDays: number | null,
      actor: Actor,
    ): Promise<{ token: string; tokenId: string; expiresAt: Date | null }> {
      const user = await findUserByEmail(db, email)
      if (!user) throw new AuthError('unknown-user', `No user has the email ${email}`)
      const token = `lantern_${randomBytes(32).toString('base64url')}`
      const tokenId = uuidv7()
      const expiresAt = expiresInDays === null ? null : new Date(Date.now() + expiresInDays * 86_400_000)
      await inTransaction(db, async (trx) => {
        await insertApiToken(trx, { id: tokenId, userId: user.id, name, tokenHash: sha256(token), expiresAt })
        await appendAuditEvents(trx, actor, [{ action: 'api-token.created', subjectType: 'api-token', subjectId: tokenId, details: { userId: user.id } }])
      })
      return { token, tokenId, expiresAt }
    },

    async revokeApiToken(tokenId: string, actor: Actor): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const revoked = await revokeApiToken(trx, tokenId)
        if (revoked) await appendAuditEvents(trx, actor, [{ action: 'api-token.revoked', subjectType: 'api-token', subjectId: tokenId }])
        return revoked
      })
    },

    async createUser(
      input: { email: string; displayName: string; roleId: string; password?: string },
      actor: Actor,
    ): Promise<{ id: string; password: string }> {
      const email = input.email.trim()
      if (!EMAIL.test(email)) throw new AuthError('invalid-email', `${email} is not an email address`)
      if (!(await roleExists(db, input.roleId))) throw new AuthError('unknown-role', `There is no role called ${input.roleId}`)
      if (await findUserByEmail(db, email)) throw new AuthError('email-taken', `A user with the email ${email} already exists`)
      const password = input.password ?? generatePassword()
      const id = uuidv7()
      const passwordHash = await hashPassword(password, config.passwordHashCost)
      await inTransaction(db, async (trx) => {
        await insertUser(trx, { id, email, displayName: input.displayName, roleId: input.roleId, passwordHash })
        await appendAuditEvents(trx, actor, [{ action: 'user.created', subjectType: 'user', subjectId: id, details: { roleId: input.roleId } }])
      })
      return { id, password }
    },

    async setDisabled(email: string, disabled: boolean, actor: Actor): Promise<void> {
      const user = await findUserByEmail(db, email)
      if (!user) throw new AuthError('unknown-user', `No user has the email ${email}`)
      await inTransaction(db, async (trx) => {
        await setUserDisabled(trx, user.id, disabled)
        if (disabled) await revokeUserSessions(trx, user.id)
        await appendAuditEvents(trx, actor, [{ action: disabled ? 'user.disabled' : 'user.enabled', subjectType: 'user', subjectId: user.id }])
      })
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
