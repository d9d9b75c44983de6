import { sql } from 'kysely'
import type { Queryable } from '#src/platform/db/database.ts'
import { uuidv7 } from '#src/shared/ids.ts'

export type MfaState = { secret: string | null; enrolledAt: Date | null }

export async function findMfaState(db: Queryable, userId: string): Promise<MfaState | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['mfa_secret', 'mfa_enrolled_at'])
    .where('id', '=', userId)
    .executeTakeFirst()
  return row && { secret: row.mfa_secret, enrolledAt: row.mfa_enrolled_at }
}

/**
 * Records that a time step's code has been used, if no later or equal step has been: one conditional update,
 * so two requests racing with the same code cannot both win.
 */
export async function claimTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('users')
    .set({ mfa_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('mfa_last_step', 'is', null), eb('mfa_last_step', '<', String(step))]))
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

/** Sets up (or replaces) a user's TOTP secret and their recovery codes (hashes only). */
export async function saveMfaEnrolment(
  db: Queryable,
  userId: string,
  secret: string,
  usedStep: number | null,
  recoveryCodeHashes: string[],
): Promise<void> {
  await db
    .updateTable('users')
    .set({ mfa_secret: secret, mfa_enrolled_at: sql`now()`, mfa_last_step: usedStep })
    .where('id', '=', userId)
    .execute()
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute()
  if (recoveryCodeHashes.length > 0) {
    await db
      .insertInto('mfa_recovery_codes')
      .values(recoveryCodeHashes.map((hash) => ({ id: uuidv7(), user_id: userId, code_hash: hash })))
      .execute()
  }
}

/** Uses up a recovery code: true only the first time, even if two requests race. */
export async function consumeRecoveryCode(db: Queryable, userId: string, codeHash: string): Promise<boolean> {
  const result = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: sql`now()` })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Removes a user's second factor: they set it up again at their next sign-in. */
export async function clearMfa(db: Queryable, userId: string): Promise<boolean> {
  await db.deleteFrom('mfa_recovery_codes').where('user_id', '=', userId).execute()
  const result = await db
    .updateTable('users')
    .set({ mfa_secret: null, mfa_enrolled_at: null, mfa_last_step: null })
    .where('id', '=', userId)
    .where('mfa_secret', 'is not', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}
