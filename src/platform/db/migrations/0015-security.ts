import { sql, type Kysely } from 'kysely'

/**
 * Multi-factor sign-in, scoped API tokens and the facts the user-administration pages show.
 *
 * - users: the TOTP secret (base32), when it was set up, and the last time step accepted, so a code seen over a
 *   shoulder or replayed from a log cannot be used twice. When the password was last changed.
 * - mfa_recovery_codes: one-time codes, only their SHA-256 (they are random, so a slow hash adds nothing).
 * - sessions.pending_mfa: a session that has passed the password but not the second factor ('verify' or
 *   'enrol'); it reaches nothing but the second-factor pages.
 * - api_tokens.scopes: the permissions a token may use; its effective permissions are its user's role's
 *   permissions intersected with these. NULL (tokens made before scopes existed) means the role's permissions.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users
      ADD COLUMN mfa_secret text,
      ADD COLUMN mfa_enrolled_at timestamptz,
      ADD COLUMN mfa_last_step bigint,
      ADD COLUMN password_changed_at timestamptz;
    ALTER TABLE users ADD CONSTRAINT users_mfa_complete CHECK ((mfa_secret IS NULL) = (mfa_enrolled_at IS NULL));

    CREATE TABLE mfa_recovery_codes (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      code_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      used_at timestamptz
    );
    CREATE INDEX mfa_recovery_codes_user_idx ON mfa_recovery_codes (user_id);

    ALTER TABLE sessions ADD COLUMN pending_mfa text CHECK (pending_mfa IN ('verify', 'enrol'));

    ALTER TABLE api_tokens ADD COLUMN scopes text[];
  `.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE api_tokens DROP COLUMN scopes;
    ALTER TABLE sessions DROP COLUMN pending_mfa;
    DROP TABLE mfa_recovery_codes;
    ALTER TABLE users DROP CONSTRAINT users_mfa_complete;
    ALTER TABLE users DROP COLUMN mfa_secret, DROP COLUMN mfa_enrolled_at, DROP COLUMN mfa_last_step, DROP COLUMN password_changed_at;
  `.execute(db)
}
