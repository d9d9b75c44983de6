import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import type { UserWithRole } from './users.repository.ts'

export async function insertApiToken(
  db: Queryable,
  token: { id: string; userId: string; name: string; tokenHash: string; expiresAt: Date | null; scopes: string[] | null },
): Promise<void> {
  await db
    .insertInto('api_tokens')
    .values({ id: token.id, user_id: token.userId, name: token.name, token_hash: token.tokenHash, expires_at: token.expiresAt, scopes: token.scopes })
    .execute()
}

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
    .executeTakeFirst()
}

export async function markApiTokenUsed(db: Queryable, tokenId: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: sql`now()` }).where('id', '=', tokenId).execute()
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

export type ApiTokenListRow = {
  id: string
  name: string
  created_at: Date
  expires_at: Date | null
  revoked_at: Date | null
  last_used_at: Date | null
  scopes: string[] | null
}

/** A user's tokens, newest first, live and ended (an administrator sees what was revoked and when). */
export async function listUserApiTokens(db: Queryable, userId: string): Promise<ApiTokenListRow[]> {
  return db
    .selectFrom('api_tokens')
    .select(['id', 'name', 'created_at', 'expires_at', 'revoked_at', 'last_used_at', 'scopes'])
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute()
}

export async function findApiTokenOwner(db: Queryable, tokenId: string): Promise<string | undefined> {
  const row = await db.selectFrom('api_tokens').select('user_id').where('id', '=', tokenId).executeTakeFirst()
  return row?.user_id
}
