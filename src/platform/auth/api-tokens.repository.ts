import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import type { UserWithRole } from './users.repository.ts'

export async function insertApiToken(
  db: Queryable,
  token: {
    id: string
    userId: string
    name: string
    tokenHash: string
    expiresAt: Date | null
    scopes: string[] | null
    createdBy: string | null
  },
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({
      id: token.id,
      user_id: token.userId,
      name: token.name,
      token_hash: token.tokenHash,
      expires_at: token.expiresAt,
      scopes: token.scopes,
      created_by: token.createdBy,
    })
    .execute()
}

/**
 * A live token: not revoked, not expired, its user not disabled, and personal: made by its own user or at the
 * command line (created_by NULL). A token an administrator made for someone else (possible before migration
 * 0030) is refused, so whoever was shown it cannot act as that user.
 */
export async function findLiveApiToken(
  db: Queryable,
  tokenHash: string,
): Promise<(UserWithRole & { token_id: string; last_used_at: Date | null; scopes: string[] | null }) | undefined> {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'api_tokens.id as token_id',
      'api_tokens.last_used_at',
      'api_tokens.scopes',
      'users.id',
      'users.email',
      'users.display_name',
      'users.role_id',
      'roles.name as role_name',
      'roles.permissions',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where('api_tokens.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', sql<Date>`now()`)]))
    .where('users.disabled_at', 'is', null)
    .where((eb) =>
      eb.or([eb('api_tokens.created_by', 'is', null), eb('api_tokens.created_by', '=', eb.ref('api_tokens.user_id'))]),
    )
    .executeTakeFirst()
}

/**
 * Whether the user may be given a token now: they exist and are not disabled. Takes a share lock on their row
 * for the rest of the transaction, so a token being made and the user being disabled cannot cross: disabling
 * waits for the token (then revokes it), or the token waits for disabling (then sees it).
 */
export async function lockEnabledUser(db: Queryable, userId: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('disabled_at').where('id', '=', userId).forShare().executeTakeFirst()
  return row !== undefined && row.disabled_at === null
}

export async function markApiTokenUsed(db: Queryable, tokenId: string): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', tokenId)
    .execute()
}

export async function revokeApiToken(db: Queryable, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', tokenId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Revokes every live token a user has (when they are disabled), returning the ids for the audit. */
export async function revokeUserApiTokens(db: Queryable, userId: string): Promise<string[]> {
  const rows = await db
    .updateTable('api_tokens')
    .set({ revoked_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id')
    .execute()
  return rows.map((r) => r.id)
}

/** A user's tokens, newest first, live and ended (an administrator sees what was revoked and when). */
export async function listUserApiTokens(db: Queryable, userId: string) {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at', 'scopes', 'created_by'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute()
}

export type ApiTokenListRow = Awaited<ReturnType<typeof listUserApiTokens>>[number]

export async function findApiTokenOwner(db: Queryable, tokenId: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_tokens').select('user_id').where('id', '=', tokenId).executeTakeFirst()
  return row?.user_id
}
