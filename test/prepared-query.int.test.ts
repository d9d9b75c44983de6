import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { prepared } from '#src/platform/db/prepared.ts'
import type { Queryable } from '#src/platform/db/database.ts'
import { inTransaction } from '#src/platform/db/transaction.ts'
import { createTestContext, type TestContext } from './support/test-app.ts'
import { buildUser } from './support/builders.ts'

let ctx: TestContext
beforeAll(async () => {
  ctx = await createTestContext()
})
afterAll(() => ctx.close())

const byRole = (db: Queryable, roleId: string, email: string) =>
  db
    .selectFrom('users')
    .select(['id', 'email', sql<string>`${'fixed'}`.as('constant')])
    .where('role_id', '=', roleId)
    .where('email', '<>', email)
    .orderBy('email')

describe('a query built once and run with new values', () => {
  it('answers each call as Kysely would, with the same text, in or out of a transaction', async () => {
    await buildUser(ctx, 'analyst')
    await buildUser(ctx, 'analyst')
    await buildUser(ctx, 'supervisor')
    const query = prepared(byRole)
    for (const [role, email] of [
      ['analyst', 'nobody@example.test'],
      ['supervisor', 'nobody@example.test'],
      ['analyst', 'x'],
    ]) {
      const expected = await byRole(ctx.db, role, email).execute()
      expect(expected.length).toBeGreaterThan(0)
      expect(await query(ctx.db, role, email)).toEqual(expected)
      expect(await inTransaction(ctx.db, (trx) => query(trx, role, email))).toEqual(expected)
    }
    expect(await query(ctx.db, 'no-such-role', '')).toEqual([])
  })

  it('refuses a query that uses an argument other than as a value', async () => {
    const shaped = prepared((db: Queryable, roleId: string) =>
      db.selectFrom('users').select('id').where('role_id', '=', String(roleId)),
    )
    await expect(shaped(ctx.db, 'analyst')).rejects.toThrow(/argument 0 is not used as a value/)
  })
})
