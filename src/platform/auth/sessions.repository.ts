import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { prepared } from '#src/platform/db/prepared.ts'
import type { UserWithRole } from './users.repository.ts'

export type SessionWithUser = UserWithRole & {
  id_hash: string
  last_seen_at: Date
  data: Record<string, unknown>
  pending_mfa: 'verify' | 'enrol' | null
}

export async function insertSession(
  db: Queryable,
  session: {
    idHash: string
    userId: string
    idleMinutes: number
    absoluteHours: number
    ip: string | null
    userAgent: string | null
    pendingMfa?: 'verify' | 'enrol' | null
    data?: Record<string, unknown>
  },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id_hash: session.idHash,
      user_id: session.userId,
      last_seen_at: sql`now()`,
      expires_at: sql`now() + make_interval(mins => ${session.idleMinutes})`,
      absolute_expires_at: sql`now() + make_interval(hours => ${session.absoluteHours})`,
      ip: session.ip,
      user_agent: session.userAgent,
      pending_mfa: session.pendingMfa ?? null,
      data: JSON.stringify(session.data ?? {}),
    })
    .execute()
}

/**
 * A live session and its user, in one round trip; nothing for an expired, revoked or disabled one. Asked on every
 * request, so built once (prepared.ts).
 */
const liveSession = prepared((db: Queryable, idHash: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'sessions.id_hash',
      'sessions.last_seen_at',
      'sessions.data',
      'sessions.pending_mfa',
      'users.id',
      'users.email',
      'users.display_name',
      'users.role_id',
      'roles.name as role_name',
      'roles.permissions',
    ])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.revoked_at', 'is', null)
    .where('sessions.expires_at', '>', sql<Date>`now()`)
    .where('sessions.absolute_expires_at', '>', sql<Date>`now()`)
    .where('users.disabled_at', 'is', null),
)

export async function findLiveSession(db: Queryable, idHash: string): Promise<SessionWithUser | undefined> {
  return (await liveSession(db, idHash))[0] as SessionWithUser | undefined
}

/** Slides the idle expiry forward, never past the absolute expiry. */
export async function touchSession(db: Queryable, idHash: string, idleMinutes: number): Promise<void> {
  await db
    .updateTable('sessions')
    .set({
      last_seen_at: sql`now()`,
      expires_at: sql`least(now() + make_interval(mins => ${idleMinutes}), absolute_expires_at)`,
    })
    .where('id_hash', '=', idHash)
    .execute()
}

export async function setSessionData(db: Queryable, idHash: string, data: Record<string, unknown>): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ data: JSON.stringify(data) })
    .where('id_hash', '=', idHash)
    .execute()
}

/**
 * Removes a shown flash message, but only if it is still the one shown: a later request may already have set a
 * new one (or changed other session data), and clearing must not overwrite that.
 */
export async function consumeFlash(db: Queryable, idHash: string, flash: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ data: sql`data - 'flash'` })
    .where('id_hash', '=', idHash)
    .where(sql<boolean>`data->>'flash' = ${flash}`)
    .execute()
}

export async function revokeSession(db: Queryable, idHash: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('id_hash', '=', idHash)
    .where('revoked_at', 'is', null)
    .execute()
}

/**
 * The second factor is done: the session is fully signed in under a new id (the half-signed-in id, which may
 * have been planted or seen before the second factor, opens nothing from now on), and the sign-in journey's
 * data is dropped.
 */
export async function completeSecondFactor(db: Queryable, idHash: string, newIdHash: string): Promise<boolean> {
  const result = await db
    .updateTable('sessions')
    .set({ id_hash: newIdHash, pending_mfa: null, data: '{}' })
    .where('id_hash', '=', idHash)
    .where('pending_mfa', 'is not', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Ends every other session of a user (after a password change): the one in use stays. */
export async function revokeOtherSessions(db: Queryable, userId: string, keepIdHash: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('id_hash', '!=', keepIdHash)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export async function revokeUserSessions(db: Queryable, userId: string): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export async function deleteExpiredSessions(db: Queryable): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<', sql<Date>`now() - interval '1 day'`),
        eb('revoked_at', '<', sql<Date>`now() - interval '1 day'`),
      ]),
    )
    .executeTakeFirst()
  return Number(result.numDeletedRows)
}
