import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type Config } from '#src/platform/config/config.ts'
import { openDatabase, type OpenDatabase } from '#src/platform/db/open.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { BackupError, backupDatabase, restoreDatabase } from '#src/platform/db/backup.ts'
import { verifyAuditChain } from '#src/platform/audit/audit.repository.ts'
import { sealAuditChain } from '#src/platform/audit/audit-sealer.ts'
import {
  anchorsOf,
  CheckpointError,
  keyFingerprint,
  latestCheckpoint,
  publicKeyOf,
  readCheckpoints,
  readPublicKey,
  writeAuditCheckpoint,
} from '#src/platform/audit/audit-checkpoint.ts'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { AuthError, TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, createAuthService } from '#src/platform/auth/auth.service.ts'
import { listRoles } from '#src/platform/auth/users.repository.ts'
import { createUserAdminService } from '#src/platform/auth/user-admin.service.ts'
import { passwordProblem } from '#src/platform/auth/password-policy.ts'
import { totpCode } from '#src/platform/auth/totp.ts'
import { formatCredentials, hasAnyUser, loadDemo } from '#src/modules/demo/index.ts'
import { Facts } from '#src/modules/screening/index.ts'
import { ContradictoryFactsError } from '#src/modules/screening/index.ts'
import { createScreeningRules } from '#src/modules/screening/index.ts'

const HELP = `Usage: npx lantern <command> [options]

Commands:
  migrate                                  Bring the database schema up to date
  user create --email E --role R [--name N] Create a user; asks for a password, or generates one
  user disable --email E                   Disable a user, end all their sessions and revoke their API tokens
  user enable --email E                    Re-enable a disabled user
  user sign-out-everywhere --email E       End all of a user's sessions
  user unlock --email E                    Unlock a user locked out by failed sign-ins
  user reset-mfa --email E                 Remove a user's two-factor set-up (lost phone); they set it up again
  token create --email E [--name N] [--expires-days D] [--scopes P,P]
                                           Create an API token for a user (expires in 1-365 days, default 90;
                                           scoped to the listed permissions, default all of the role's); printed once.
                                           An operator's local action: users make their own at /account/tokens
  token revoke --id ID                     Revoke an API token
  demo [--referrals N]                     Load the synthetic demo (users for each role and referrals)
  assess FILE.json                         Screen facts (one facts object, {facts}, or an array of scenarios); prints JSON
  audit verify [--checkpoints DIR] [--public-key FILE]
                                           Check the audit log's hash chain against its signed checkpoints
                                           (AUDIT_CHECKPOINT_DIR); exit code 1 if broken
  audit checkpoint                         Sign the audit chain's head now and add it to the checkpoints
  totp --secret S                          Print the current two-factor code for a secret (the demo users')
  backup FILE                              Write a backup of the whole database to FILE (works while Lantern runs)
  restore FILE [--force]                   Restore a backup into an empty database (--force replaces all data)
  roles                                    List the roles

Uses DATABASE_URL if set, otherwise the embedded PostgreSQL in LANTERN_DATA_DIR (default ./data),
the running server's if there is one. Run any command with --help for its options.`

export class UsageError extends Error {}

type Io = {
  out: (line: string) => void
  err: (line: string) => void
  isTty: boolean
  ask: (question: string) => Promise<string>
}

function options(args: string[], spec: Record<string, { type: 'string' | 'boolean' }>) {
  const { values } = parseArgs({
    args,
    options: { ...spec, help: { type: 'boolean' } },
    allowPositionals: false,
    strict: true,
  })
  return values as Record<string, string | boolean | undefined>
}

function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name]
  if (typeof value !== 'string' || !value.trim()) throw new UsageError(`--${name} is required`)
  return value.trim()
}

const CLI_ACTOR = { ...SYSTEM_ACTOR, ip: 'command-line' }

async function run(argv: string[], io: Io, config: Config, database: () => Promise<OpenDatabase>): Promise<number> {
  const [command, sub, ...rest] = argv
  if (!command || command === '--help' || command === 'help') {
    io.out(HELP)
    return command ? 0 : 2
  }
  const withDb = async <T>(work: (open: OpenDatabase) => Promise<T>): Promise<T> => {
    const open = await database()
    try {
      await migrateToLatest(open.db)
      return await work(open)
    } finally {
      await open.close()
    }
  }
  switch (command) {
    case 'migrate': {
      if (sub === '--help') return (io.out('Usage: npx lantern migrate'), 0)
      return withDb(async ({ db }) => {
        // withDb has already migrated: report the state.
        const rows = await db
          .selectFrom('kysely_migration' as never)
          .select('name' as never)
          .execute()
        io.out(`Database schema is up to date (${rows.length} migrations applied).`)
        return 0
      })
    }
    case 'roles':
      return withDb(async ({ db }) => {
        for (const role of await listRoles(db)) io.out(`${role.id.padEnd(14)} ${role.name}`)
        return 0
      })
    case 'user': {
      const values = options(rest, { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } })
      if (values.help || !sub)
        return (
          io.out(
            'Usage: npx lantern user create --email E --role R [--name N] | disable --email E | enable --email E | sign-out-everywhere --email E | unlock --email E | reset-mfa --email E',
          ),
          values.help ? 0 : 2
        )
      const email = required(values, 'email')
      return withDb(async ({ db }) => {
        const auth = createAuthService(db, config)
        if (sub === 'create') {
          const role = required(values, 'role')
          let password: string | undefined
          if (io.isTty) password = (await io.ask('Password (leave blank to generate one): ')) || undefined
          const displayName = typeof values.name === 'string' ? values.name : email
          const problem = password === undefined ? null : passwordProblem(password, { email, displayName })
          if (problem) throw new UsageError(problem)
          const created = await auth.createUser({ email, roleId: role, displayName, password }, CLI_ACTOR)
          io.out(`Created ${email} with the role ${role}.`)
          if (!password)
            io.out(`Password: ${created.password}\nGive it to the user by a secure route; it is not shown again.`)
          io.out('They set up two-factor authentication (an authenticator app) the first time they sign in.')
          return 0
        }
        if (sub === 'disable' || sub === 'enable') {
          await auth.setDisabled(email, sub === 'disable', CLI_ACTOR)
          io.out(sub === 'disable' ? `Disabled ${email} and ended their sessions.` : `Re-enabled ${email}.`)
          return 0
        }
        if (sub === 'unlock' || sub === 'reset-mfa') {
          const user = await db
            .selectFrom('users')
            .select('id')
            .where(sql<string>`lower(email)`, '=', email.toLowerCase())
            .executeTakeFirst()
          if (!user) throw new AuthError('unknown-user', `No user has the email ${email}`)
          const admin = createUserAdminService(db)
          if (sub === 'unlock') await admin.unlock(user.id, CLI_ACTOR)
          else await admin.resetMfa(user.id, CLI_ACTOR)
          io.out(
            sub === 'unlock'
              ? `Unlocked ${email}.`
              : `Reset two-factor authentication for ${email} and ended their sessions; they set it up again at their next sign-in.`,
          )
          return 0
        }
        if (sub === 'sign-out-everywhere') {
          const user = await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()
          if (!user) throw new AuthError('unknown-user', `No user has the email ${email}`)
          const count = await auth.revokeAllSessions(user.id, CLI_ACTOR)
          io.out(`Ended ${count} session(s) for ${email}.`)
          return 0
        }
        throw new UsageError(`Unknown user command: ${sub}`)
      })
    }
    case 'token': {
      const values = options(rest, {
        email: { type: 'string' },
        name: { type: 'string' },
        'expires-days': { type: 'string' },
        id: { type: 'string' },
        scopes: { type: 'string' },
      })
      if (values.help || !sub)
        return (
          io.out(
            'Usage: npx lantern token create --email E [--name N] [--expires-days D] [--scopes P,P] | revoke --id ID',
          ),
          values.help ? 0 : 2
        )
      if (sub === 'create') {
        const email = required(values, 'email')
        const days = values['expires-days'] === undefined ? TOKEN_DEFAULT_DAYS : Number(values['expires-days'])
        if (!Number.isInteger(days) || days < 1 || days > TOKEN_MAX_DAYS)
          throw new UsageError(`--expires-days must be a whole number from 1 to ${TOKEN_MAX_DAYS}`)
        const scopes =
          typeof values.scopes === 'string'
            ? values.scopes
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : undefined
        return withDb(async ({ db }) => {
          const created = await createAuthService(db, config).createApiToken(
            email,
            typeof values.name === 'string' ? values.name : 'command line',
            days,
            CLI_ACTOR,
            scopes,
          )
          io.out(created.token)
          io.err(
            `API token ${created.tokenId} for ${email}, expires ${created.expiresAt.toISOString().slice(0, 10)}, may use: ${created.scopes.join(', ')}. It is shown once: store it now.`,
          )
          return 0
        })
      }
      if (sub === 'revoke') {
        const id = required(values, 'id')
        return withDb(async ({ db }) => {
          const revoked = await createAuthService(db, config).revokeApiToken(id, CLI_ACTOR)
          io.out(revoked ? `Revoked token ${id}.` : `No live token has the id ${id}.`)
          return revoked ? 0 : 1
        })
      }
      throw new UsageError(`Unknown token command: ${sub}`)
    }
    case 'demo': {
      const values = options(sub ? [sub, ...rest] : [], { referrals: { type: 'string' } })
      if (values.help)
        return (
          io.out('Usage: npx lantern demo [--referrals N]   (default 200; only into a database with no users)'),
          0
        )
      const count = values.referrals === undefined ? 200 : Number(values.referrals)
      if (!Number.isInteger(count) || count < 0 || count > 1_000_000)
        throw new UsageError('--referrals must be a whole number up to 1,000,000')
      return withDb(async ({ db }) => {
        if (await hasAnyUser(db)) {
          io.err(
            'This database already has users. The demo loads only into an empty database, so it never mixes with real records.',
          )
          return 1
        }
        const credentials = await loadDemo(db, {
          dataDir: config.dataDir,
          referrals: count,
          passwordHashCost: config.passwordHashCost,
        })
        io.out(`Loaded ${count} synthetic referrals.\n${formatCredentials(credentials)}`)
        return 0
      })
    }
    case 'assess': {
      if (!sub || sub === '--help')
        return (
          io.out(
            'Usage: npx lantern assess FILE.json   (a facts object, { "facts": … }, or an array of scenarios with "facts")',
          ),
          sub ? 0 : 2
        )
      return assessFile(sub, io)
    }
    case 'totp': {
      const values = options(sub ? [sub, ...rest] : [], { secret: { type: 'string' } })
      if (values.help)
        return (
          io.out(
            'Usage: npx lantern totp --secret S   (prints the current 6-digit code, as an authenticator app would)',
          ),
          0
        )
      const secret = required(values, 'secret').replace(/\s/g, '').toUpperCase()
      if (!/^[A-Z2-7]+=*$/.test(secret))
        throw new UsageError('--secret must be a base32 key, like the one printed for the demo users')
      io.out(totpCode(secret))
      return 0
    }
    case 'audit': {
      const values = options(rest, { checkpoints: { type: 'string' }, 'public-key': { type: 'string' } })
      if ((sub !== 'verify' && sub !== 'checkpoint') || values.help) {
        return (
          io.out(
            'Usage: npx lantern audit verify [--checkpoints DIR] [--public-key FILE] | checkpoint [--checkpoints DIR]',
          ),
          sub === '--help' || values.help ? 0 : 2
        )
      }
      const dir = typeof values.checkpoints === 'string' ? values.checkpoints : config.auditCheckpointDir
      if (sub === 'checkpoint') {
        if (values['public-key'] !== undefined)
          throw new UsageError('--public-key is for verify: a checkpoint is signed with AUDIT_CHECKPOINT_KEY')
        return withDb(async ({ db }) => {
          try {
            // What a crashed or stopped server left unsealed is sealed first, so the checkpoint covers it.
            await sealAuditChain(db)
            const written = (await writeAuditCheckpoint(db, { dir, privateKeyPem: config.auditCheckpointKey }))!
            io.out(
              `Checkpoint signed: ${written.count} events up to event ${written.lastId}, added to ${dir} (key ${written.key}).`,
            )
            return 0
          } catch (error) {
            if (!(error instanceof CheckpointError)) throw error
            io.err(`lantern: ${error.message}`)
            return 1
          }
        })
      }
      // A DPO verifies with the public key alone (their own copy of it); by default, this installation's key.
      let publicKey
      try {
        publicKey =
          typeof values['public-key'] === 'string'
            ? readPublicKey(values['public-key'])
            : publicKeyOf(config.auditCheckpointKey)
      } catch (error) {
        throw error instanceof CheckpointError ? new UsageError(error.message) : error
      }
      const reading = readCheckpoints(dir, publicKey)
      return withDb(async ({ db }) => {
        const result = await verifyAuditChain(db, undefined, anchorsOf(reading.checkpoints))
        for (const problem of reading.problems) io.err(`Audit checkpoint refused: ${problem} in ${reading.file}.`)
        if (!result.ok) {
          io.err(
            `Audit chain BROKEN at event ${result.firstBreak.id}: ${result.firstBreak.reason}. ${result.checked} events before it are intact.`,
          )
          return 1
        }
        const latest = latestCheckpoint(reading.checkpoints)
        const n = reading.checkpoints.length
        io.out(
          `Audit chain intact: ${result.checked} events checked.` +
            (latest
              ? ` It agrees with ${n} signed checkpoint${n === 1 ? '' : 's'} in ${dir} (key ${keyFingerprint(publicKey)}), the latest of ${latest.at} at ${latest.count} events; ${result.checked - latest.count} since are covered by the chain alone.`
              : ''),
        )
        if (result.unsealed)
          io.out(
            `${result.unsealed} newer event${result.unsealed === 1 ? ' is' : 's are'} not sealed into the chain yet: a running Lantern seals events within a second of their commit; "npx lantern audit checkpoint" seals and signs them now.`,
          )
        if (!latest)
          io.err(
            `No signed checkpoints in ${dir}: the newest events removed, or the log rewritten and re-hashed, would not be detected. Lantern signs one every few minutes while it runs, or run: npx lantern audit checkpoint`,
          )
        return reading.problems.length ? 1 : 0
      })
    }
    case 'backup': {
      if (!sub || sub === '--help' || rest.length)
        return (
          io.out(
            'Usage: npx lantern backup FILE   (a consistent copy of every record; keep it as safe as the database)',
          ),
          sub === '--help' ? 0 : 2
        )
      return withDb(async ({ db }) => {
        const started = Date.now()
        const summary = await backupDatabase(db, sub)
        io.out(
          `Backed up ${summary.rows} rows in ${summary.tables} tables (schema at ${summary.migrations} migrations) to ${sub}: ${(summary.bytes / 1024 / 1024).toFixed(1)} MB in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        )
        io.err('The file holds personal data: store it encrypted, where only administrators can read it.')
        return 0
      })
    }
    case 'restore': {
      const values = options(rest, { force: { type: 'boolean' } })
      if (!sub || sub === '--help' || values.help)
        return (
          io.out(
            'Usage: npx lantern restore FILE [--force]   (into an empty database; --force replaces everything in it)',
          ),
          sub ? 0 : 2
        )
      // Not withDb: the schema is brought to the backup's migrations first, and upgraded after the load.
      const open = await database()
      try {
        const started = Date.now()
        const summary = await restoreDatabase(open.db, sub, { force: values.force === true })
        io.out(
          `Restored ${summary.rows} rows in ${summary.tables} tables from ${sub} in ${((Date.now() - started) / 1000).toFixed(1)} s.${summary.upgradedWith.length ? ` Upgraded with: ${summary.upgradedWith.join(', ')}.` : ''}`,
        )
        io.out(
          'Check it with: npx lantern audit verify. If Lantern was running, restart it so its in-memory indexes are rebuilt.',
        )
        // The signed checkpoints outside the database still describe the log as it was before the restore.
        io.out(
          `If the backup is older than the latest audit checkpoint in ${config.auditCheckpointDir}, verify reports the events written after the backup as removed, which they were. Keep that folder as the record of the loss and give the restored log a new one (AUDIT_CHECKPOINT_DIR).`,
        )
        return 0
      } catch (error) {
        if (error instanceof BackupError) {
          io.err(`lantern: ${error.message}`)
          return 1
        }
        throw error
      } finally {
        await open.close()
      }
    }
    default:
      throw new UsageError(`Unknown command: ${command}`)
  }
}

/** Screens the facts in a file: no database needed. Bad facts exit 1 with the problems listed. */
function assessFile(file: string, io: Io): number {
  let input: unknown
  try {
    input = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new UsageError(`Cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`)
  }
  const screening = createScreeningRules()
  const one = (item: unknown, label: string) => {
    const raw = item && typeof item === 'object' && 'facts' in item ? (item as { facts: unknown }).facts : item
    const parsed = Facts.safeParse(raw)
    if (!parsed.success)
      return {
        error: `${label}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'facts'}: ${i.message}`).join('; ')}`,
      }
    try {
      return { result: screening.assess(parsed.data) }
    } catch (error) {
      if (error instanceof ContradictoryFactsError) return { error: `${label}: ${error.message}` }
      throw error
    }
  }
  if (Array.isArray(input)) {
    const results = input.map((item, i) => {
      const id = item && typeof item === 'object' && 'id' in item ? String((item as { id: unknown }).id) : String(i)
      const outcome = one(item, id)
      return 'error' in outcome ? { id, error: outcome.error } : { id, ...outcome.result }
    })
    io.out(JSON.stringify(results, null, 2))
    return results.some((r) => 'error' in r) ? 1 : 0
  }
  const outcome = one(input, file)
  if ('error' in outcome) {
    io.err(`lantern: ${outcome.error}`)
    return 1
  }
  io.out(JSON.stringify(outcome.result, null, 2))
  return 0
}

/** Runs one command; returns the exit code. Exported for tests, which pass their own config and database. */
export async function runCli(
  argv: string[],
  io: Io,
  config?: Config,
  database?: () => Promise<OpenDatabase>,
): Promise<number> {
  try {
    const cfg = config ?? loadConfig()
    return await run(argv, io, cfg, database ?? (() => openDatabase(cfg, 'guest')))
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof AuthError ||
      error instanceof ConfigError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.err(`lantern: ${(error as Error).message}`)
      return 2
    }
    io.err(`lantern: ${error instanceof Error ? error.message : String(error)}`)
    return 1
  }
}

function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  // Hide what is typed: a password must not stay on the screen.
  const output = rl as unknown as { _writeToOutput: (s: string) => void }
  let asked = false
  output._writeToOutput = (s: string) => {
    if (!asked) {
      process.stderr.write(s)
      asked = true
    }
  }
  return new Promise((resolve) =>
    rl.question(question, (answer) => (rl.close(), process.stderr.write('\n'), resolve(answer.trim()))),
  )
}

if (
  import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('bin/lantern.js') ||
  process.argv[1]?.endsWith('/lantern')
) {
  const code = await runCli(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    isTty: Boolean(process.stdin.isTTY),
    ask,
  })
  process.exit(code)
}
