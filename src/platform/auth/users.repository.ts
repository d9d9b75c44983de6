import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'
import { isPermission, type CurrentUser, type Permission } from './permissions.ts'

export type UserRow = Pick<
  Row<'users'>,
  | 'id'
  | 'email'
  | 'display_name'
  | 'role_id'
  | 'password_hash'
  | 'failed_sign_in_count'
  | 'locked_until'
  | 'disabled_at'
  | 'mfa_enrolled_at'
> & {
  /** The user's role's permissions: whether a second factor is required depends on them. */
  permissions: string[]
}

const USER_COLUMNS = [
  'users.id',
  'users.email',
  'users.display_name',
  'users.role_id',
  'users.password_hash',
  'users.failed_sign_in_count',
  'users.locked_until',
  'users.disabled_at',
  'users.mfa_enrolled_at',
  'roles.permissions',
] as const

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(USER_COLUMNS)
    .where(sql<string>`lower(users.email)`, '=', email.toLowerCase())
    .executeTakeFirst()
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(USER_COLUMNS)
    .where('users.id', '=', id)
    .executeTakeFirst()
}

export async function setPasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: passwordHash, password_changed_at: sql`now()` })
    .where('id', '=', userId)
    .execute()
}

export async function insertUser(
  db: Queryable,
  user: { id: string; email: string; displayName: string; roleId: string; passwordHash: string },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      email: user.email,
      display_name: user.displayName,
      role_id: user.roleId,
      password_hash: user.passwordHash,
    })
    .execute()
}

export async function recordFailedSignIn(
  db: Queryable,
  userId: string,
  maxFailures: number,
  lockMinutes: number,
): Promise<{ locked: boolean }> {
  const row = await db
    .updateTable('users')
    .set({
      failed_sign_in_count: sql`failed_sign_in_count + 1`,
      locked_until: sql`CASE WHEN failed_sign_in_count + 1 >= ${maxFailures}
        THEN now() + make_interval(mins => ${lockMinutes}) ELSE locked_until END`,
    })
    .where('id', '=', userId)
    .returning(['failed_sign_in_count'])
    .executeTakeFirstOrThrow()
  return { locked: row.failed_sign_in_count === maxFailures }
}

export async function recordSuccessfulSignIn(db: Queryable, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ failed_sign_in_count: 0, locked_until: null, last_sign_in_at: sql`now()` })
    .where('id', '=', userId)
    .execute()
}

export async function setUserDisabled(db: Queryable, userId: string, disabled: boolean): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ disabled_at: disabled ? sql`now()` : null, failed_sign_in_count: 0, locked_until: null })
    .where('id', '=', userId)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function roleExists(db: Queryable, roleId: string): Promise<boolean> {
  const row = await db.selectFrom('roles').select('id').where('id', '=', roleId).executeTakeFirst()
  return row !== undefined
}

export async function listRoles(db: Queryable): Promise<{ id: string; name: string }[]> {
  return db.selectFrom('roles').select(['id', 'name']).orderBy('id').execute()
}

/** Users to whom referrals can be assigned: enabled, with a role that can work referrals. */
export async function listAssignableUsers(db: Queryable): Promise<{ id: string; display_name: string }[]> {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select(['users.id', 'users.display_name'])
    .where('users.disabled_at', 'is', null)
    .where(sql<boolean>`'referral:update' = ANY(roles.permissions)`)
    .orderBy('users.display_name')
    .execute()
}

export type UserWithRole = {
  id: string
  email: string
  display_name: string
  role_id: string
  role_name: string
  permissions: string[]
}

/** The user as a request sees them. A scoped API token narrows the role's permissions to its scopes. */
export function toCurrentUser(row: UserWithRole, scopes: readonly string[] | null = null): CurrentUser {
  const permissions = row.permissions.filter(isPermission).filter((p) => scopes === null || scopes.includes(p))
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roleId: row.role_id,
    roleName: row.role_name,
    permissions: new Set(permissions) as ReadonlySet<Permission>,
  }
}

/** The users joined to their roles, with the columns toCurrentUser reads. */
function currentUsers(db: Queryable) {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([
      'users.id',
      'users.email',
      'users.display_name',
      'users.role_id',
      'roles.name as role_name',
      'roles.permissions',
    ])
}

/** A user by id as a request would see them (no token scopes): for work done on a user's behalf, such as the demo. */
export async function findCurrentUser(db: Queryable, id: string): Promise<CurrentUser | undefined> {
  const row = await currentUsers(db).where('users.id', '=', id).executeTakeFirst()
  return row && toCurrentUser(row)
}

/** A user by email address as a request would see them, like findCurrentUser: the demo names its users by email. */
export async function findCurrentUserByEmail(db: Queryable, email: string): Promise<CurrentUser | undefined> {
  const row = await currentUsers(db).where('users.email', '=', email).executeTakeFirst()
  return row && toCurrentUser(row)
}
