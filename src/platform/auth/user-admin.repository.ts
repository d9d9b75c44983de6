import { sql } from 'kysely'
import type { Queryable, Row } from '#src/platform/db/database.ts'

export type UserListRow = Pick<
  Row<'users'>,
  | 'id'
  | 'email'
  | 'display_name'
  | 'role_id'
  | 'disabled_at'
  | 'locked_until'
  | 'mfa_enrolled_at'
  | 'last_sign_in_at'
  | 'created_at'
> & { role_name: Row<'roles'>['name'] }

const COLUMNS = [
  'users.id',
  'users.email',
  'users.display_name',
  'users.role_id',
  'roles.name as role_name',
  'users.disabled_at',
  'users.locked_until',
  'users.mfa_enrolled_at',
  'users.last_sign_in_at',
  'users.created_at',
] as const

/** Users for the administrator's list: by name, optionally only those matching a word in name or email. */
export async function listUsers(
  db: Queryable,
  options: { q?: string; limit: number; offset: number },
): Promise<{ rows: UserListRow[]; total: number }> {
  let query = db.selectFrom('users').innerJoin('roles', 'roles.id', 'users.role_id')
  if (options.q) {
    const like = `%${options.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    query = query.where((eb) =>
      eb.or([
        eb(sql<string>`lower(users.email)`, 'like', like),
        eb(sql<string>`lower(users.display_name)`, 'like', like),
      ]),
    )
  }
  const [rows, count] = await Promise.all([
    query
      .select(COLUMNS)
      .orderBy('users.display_name')
      .orderBy('users.id')
      .limit(options.limit)
      .offset(options.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows, total: Number(count.n) }
}

export async function findUserForAdmin(
  db: Queryable,
  id: string,
): Promise<
  (UserListRow & { failed_sign_in_count: number; password_changed_at: Date | null; permissions: string[] }) | undefined
> {
  return db
    .selectFrom('users')
    .innerJoin('roles', 'roles.id', 'users.role_id')
    .select([...COLUMNS, 'users.failed_sign_in_count', 'users.password_changed_at', 'roles.permissions'])
    .where('users.id', '=', id)
    .executeTakeFirst()
}

export async function setUserRole(db: Queryable, userId: string, roleId: string): Promise<string | undefined> {
  const before = await db.selectFrom('users').select('role_id').where('id', '=', userId).forUpdate().executeTakeFirst()
  if (!before) return undefined
  await db.updateTable('users').set({ role_id: roleId }).where('id', '=', userId).execute()
  return before.role_id
}

export async function unlockUser(db: Queryable, userId: string): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ failed_sign_in_count: 0, locked_until: null })
    .where('id', '=', userId)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function countLiveSessions(db: Queryable, userId: string): Promise<number> {
  const row = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('absolute_expires_at', '>', sql<Date>`now()`)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function listRolesWithPermissions(
  db: Queryable,
): Promise<{ id: string; name: string; description: string; permissions: string[] }[]> {
  return db.selectFrom('roles').select(['id', 'name', 'description', 'permissions']).orderBy('id').execute()
}
