import type { Db } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { appendAuditEvents } from '#src/platform/audit/audit.repository.ts'
import type { Actor } from '#src/platform/audit/audit-events.ts'
import { setUserDisabled } from './users.repository.ts'
import { revokeUserSessions } from './sessions.repository.ts'
import { clearMfa, countUnusedRecoveryCodes } from './mfa.repository.ts'
import { findApiTokenOwner, listUserApiTokens, revokeApiToken } from './api-tokens.repository.ts'
import { endAccessOfDisabledUser } from './auth.service.ts'
import {
  countLiveSessions,
  findUserForAdmin,
  listRolesWithPermissions,
  listUsers,
  setUserRole,
  unlockUser,
} from './user-admin.repository.ts'

export class UserAdminError extends Error {
  constructor(
    readonly code: 'not-found' | 'unknown-role' | 'own-account',
    message: string,
  ) {
    super(message)
  }
}

/**
 * What an administrator (user:manage) does to other people's accounts. Each change is one transaction with its
 * audit row. An administrator cannot disable themselves or take away their own role: a force must not lock
 * its only administrator out by a slip.
 */
export function createUserAdminService(db: Db) {
  async function mustFind(userId: string) {
    const user = await findUserForAdmin(db, userId)
    if (!user) throw new UserAdminError('not-found', 'There is no such user')
    return user
  }

  return {
    list: (options: { q?: string; page: number; pageSize: number }) =>
      listUsers(db, { q: options.q, limit: options.pageSize, offset: (options.page - 1) * options.pageSize }),

    roles: () => listRolesWithPermissions(db),

    async get(userId: string) {
      const user = await mustFind(userId)
      const [tokens, sessions, recoveryCodesLeft] = await Promise.all([
        listUserApiTokens(db, userId),
        countLiveSessions(db, userId),
        countUnusedRecoveryCodes(db, userId),
      ])
      return { user, tokens, sessions, recoveryCodesLeft }
    },

    async changeRole(userId: string, roleId: string, actor: Actor): Promise<void> {
      const roles = await listRolesWithPermissions(db)
      if (!roles.some((r) => r.id === roleId)) throw new UserAdminError('unknown-role', 'Select a role from the list')
      if (userId === actor.userId)
        throw new UserAdminError('own-account', 'You cannot change your own role: ask another administrator')
      await inTransaction(db, async (trx) => {
        const before = await setUserRole(trx, userId, roleId)
        if (before === undefined) throw new UserAdminError('not-found', 'There is no such user')
        // A changed role changes what an open session may do; ending sessions makes the user start afresh.
        const ended = before === roleId ? 0 : await revokeUserSessions(trx, userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'user.role-changed',
            subjectType: 'user',
            subjectId: userId,
            details: { from: before, to: roleId, sessionsEnded: ended },
          },
        ])
      })
    },

    async setDisabled(userId: string, disabled: boolean, actor: Actor): Promise<void> {
      if (disabled && userId === actor.userId)
        throw new UserAdminError('own-account', 'You cannot disable your own account')
      await inTransaction(db, async (trx) => {
        if (!(await setUserDisabled(trx, userId, disabled)))
          throw new UserAdminError('not-found', 'There is no such user')
        if (!disabled)
          return appendAuditEvents(trx, actor, [
            { action: 'user.enabled', subjectType: 'user', subjectId: userId, details: {} },
          ])
        const ended = await endAccessOfDisabledUser(trx, userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'user.disabled',
            subjectType: 'user',
            subjectId: userId,
            details: { sessionsEnded: ended.sessionsEnded, tokensRevoked: ended.tokensRevoked.length },
          },
          ...ended.events,
        ])
      })
    },

    async unlock(userId: string, actor: Actor): Promise<void> {
      await inTransaction(db, async (trx) => {
        if (!(await unlockUser(trx, userId))) throw new UserAdminError('not-found', 'There is no such user')
        await appendAuditEvents(trx, actor, [{ action: 'user.unlocked', subjectType: 'user', subjectId: userId }])
      })
    },

    /** For a lost phone: the user sets up a new second factor at their next sign-in, and is signed out now. */
    async resetMfa(userId: string, actor: Actor): Promise<boolean> {
      await mustFind(userId)
      return inTransaction(db, async (trx) => {
        const cleared = await clearMfa(trx, userId)
        const ended = await revokeUserSessions(trx, userId)
        await appendAuditEvents(trx, actor, [
          {
            action: 'auth.mfa-reset',
            subjectType: 'user',
            subjectId: userId,
            details: { hadMfa: cleared, sessionsEnded: ended },
          },
        ])
        return cleared
      })
    },

    async signOutEverywhere(userId: string, actor: Actor): Promise<number> {
      await mustFind(userId)
      return inTransaction(db, async (trx) => {
        const count = await revokeUserSessions(trx, userId)
        await appendAuditEvents(trx, actor, [
          { action: 'auth.session-revoked', subjectType: 'user', subjectId: userId, details: { sessions: count } },
        ])
        return count
      })
    },

    /** Revokes one of this user's tokens (the user is in the address, so a token id from elsewhere does nothing). */
    async revokeToken(userId: string, tokenId: string, actor: Actor): Promise<boolean> {
      if ((await findApiTokenOwner(db, tokenId)) !== userId)
        throw new UserAdminError('not-found', 'There is no such token')
      return inTransaction(db, async (trx) => {
        const revoked = await revokeApiToken(trx, tokenId)
        if (revoked)
          await appendAuditEvents(trx, actor, [
            { action: 'api-token.revoked', subjectType: 'api-token', subjectId: tokenId, details: { userId } },
          ])
        return revoked
      })
    },
  }
}

export type UserAdminService = ReturnType<typeof createUserAdminService>
