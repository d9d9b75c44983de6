import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { join, resolve } from 'node:path'
import { z } from 'zod'

/**
 * The one place that reads the environment. Everything else receives a parsed `Config`.
 * Secrets are required in production; in development the session secret is generated once and kept
 * in the data folder, so `npm start` needs no set-up.
 */
const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no'])
  .transform((value) => value === '1' || value === 'true' || value === 'yes')

/**
 * One proxy address or network: an IPv4 or IPv6 address, optionally with a prefix length. A network of every
 * address (/0) is refused: it would trust X-Forwarded-For from anyone, which is what this setting exists to stop.
 */
function proxyEntryProblem(entry: string): string | undefined {
  const [address, prefix, extra] = entry.split('/')
  const version = isIP(address)
  if (version === 0 || extra !== undefined) return `"${entry}" is not an IP address or CIDR network`
  if (prefix === undefined) return undefined
  const max = version === 4 ? 32 : 128
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) return `"${entry}" has a prefix length outside 1-${max}`
  if (Number(prefix) === 0) return `"${entry}" would trust every address`
  return undefined
}

const ProxyList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .superRefine((entries, context) => {
    for (const entry of entries) {
      const problem = proxyEntryProblem(entry)
      if (problem)
        context.addIssue({
          code: 'custom',
          message: `${problem}; list the proxies' IP addresses or CIDR networks, separated by commas`,
        })
    }
  })

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  LANTERN_DATA_DIR: z.string().default('./data'),
  LANTERN_DEMO: flag.default(true),
  LANTERN_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  SESSION_SECRET: z.string().min(32).optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().min(1).max(72).default(12),
  COOKIE_SECURE: flag.optional(),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  MFA_PARTNERS: z.enum(['required', 'optional']).default('optional'),
  SIGN_IN_LOCK_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  SIGN_IN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  PUBLIC_REPORT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  TRIAGE_SLA_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  HUB_AGENDA_REFERRAL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
  // Local practice, not a published rule: when an ISA chases a referral out that has had no answer, and how far
  // ahead My work shows safeguarding reviews. A force sets its own.
  SUPPORT_REFERRAL_FOLLOW_UP_DAYS: z.coerce.number().int().min(1).max(90).default(10),
  SUPPORT_REVIEW_LOOKAHEAD_DAYS: z.coerce.number().int().min(0).max(90).default(14),
  IMPORT_MATCH_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.9),
  JOB_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  // Below 3, "fewer than 2" beside shown zeros would mean exactly 1.
  SUPPRESSION_THRESHOLD: z.coerce.number().int().min(3).max(100).default(5),
  ANONYMISATION_K: z.coerce.number().int().min(2).max(1000).default(10),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024),
  SERVER_TIMING: flag.default(false),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(15),
  AUDIT_CHECKPOINT_DIR: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_KEY: z.string().min(1).optional(),
  AUDIT_CHECKPOINT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(5),
  TRUSTED_PROXIES: ProxyList.default([]),
  PUBLIC_BASE_URL: z
    .url({
      protocol: /^https?$/,
      error: 'PUBLIC_BASE_URL must be an http or https address, like https://report.example.police.uk',
    })
    .optional(),
})

export type Config = {
  env: 'development' | 'production' | 'test'
  host: string
  port: number
  /** A PostgreSQL server; when absent Lantern runs its own embedded PostgreSQL in the data folder. */
  databaseUrl: string | undefined
  databasePoolSize: number
  dataDir: string
  /** Load the synthetic demo into an empty embedded database on first start. Never with DATABASE_URL. */
  demo: boolean
  embeddedPgPort: number
  sessionSecret: string
  sessionIdleMinutes: number
  sessionAbsoluteHours: number
  cookieSecure: boolean
  /** Where the public reach /report, for the short links and QR codes on outreach materials; else the request's own address. */
  publicBaseUrl: string | null
  /** Partner agency users: must they use a second factor, or may they choose to? Every other role must. */
  mfaPartners: 'required' | 'optional'
  signInMaxFailures: number
  signInLockMinutes: number
  signInRateLimitPerMinute: number
  /** Public reports one client may send a minute (/report). The load benchmark raises it. */
  publicReportRateLimitPerMinute: number
  triageSlaHours: number
  /** A hub meeting's agenda takes new referrals from this many days before it (the meeting form can change it). */
  hubAgendaReferralDays: number
  /** A referral out with no answer is followed up this many days after it was made, unless the ISA sets a date. */
  supportReferralFollowUpDays: number
  /** My work shows safeguarding reviews falling due within this many days. */
  supportReviewLookaheadDays: number
  /** An imported person at least this likely to be someone already recorded waits for a reviewer instead. */
  importMatchThreshold: number
  /** How often each instance looks for queued background work (imports) that no instance is doing. */
  jobPollSeconds: number
  /** Figures for partners: counts from 1 to this minus 1 are shown as "fewer than N" (with secondary suppression). */
  suppressionThreshold: number
  /** The anonymised victim-level export: every combination of quasi-identifiers must have at least k rows. */
  anonymisationK: number
  bodyLimitBytes: number
  logLevel: string
  /**
   * Send each response's time budget (round trips and their time, session, access, render, audit, commit) in a
   * `Server-Timing` header (observability/request-timing.ts). For measuring (`bench:http` turns it on); off in
   * normal running, where it would tell any client how long the database took.
   */
  serverTiming: boolean
  /** log2 of the scrypt cost parameter N. */
  passwordHashCost: number
  /** Where signed checkpoints of the audit chain's head are written and read (ADR 0010): outside the database. */
  auditCheckpointDir: string
  /** The Ed25519 private key (PKCS#8 PEM) that signs them; its public key is all a verifier needs. */
  auditCheckpointKey: string
  auditCheckpointMinutes: number
  /**
   * The reverse proxies (IP addresses or CIDR networks) whose X-Forwarded-For is believed. Empty (the default):
   * none, so the client address is the connection's. Otherwise a client could name any address for the rate
   * limits and the audit log.
   */
  trustedProxies: string[]
}

export class ConfigError extends Error {}

function sessionSecretFromDataDir(dataDir: string): string {
  const file = join(dataDir, 'session-secret')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(48).toString('base64url')
  writeFileSync(file, secret + '\n', { mode: 0o600 })
  chmodSync(file, 0o600)
  return secret
}

/**
 * The audit checkpoint signing key: AUDIT_CHECKPOINT_KEY (a PEM, with real or escaped newlines), or in
 * development one generated once and kept in the data folder like the session secret.
 */
function auditCheckpointKey(value: string | undefined, dataDir: string): string {
  if (value === undefined) {
    const file = join(dataDir, 'audit-checkpoint-key')
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true })
      const { privateKey } = generateKeyPairSync('ed25519')
      try {
        // 'wx': two processes starting at once must not each keep a different key.
        writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
        chmodSync(file, 0o600)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
    value = readFileSync(file, 'utf8')
  }
  try {
    const key = createPrivateKey(value.replace(/\\n/g, '\n'))
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519')
    return key.export({ type: 'pkcs8', format: 'pem' }).toString()
  } catch {
    throw new ConfigError(
      'AUDIT_CHECKPOINT_KEY must be an Ed25519 private key in PEM form (make one with: openssl genpkey -algorithm ed25519)',
    )
  }
}

/** Parses the environment into a Config, failing with every problem listed at once. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = parsed.data
  const production = e.NODE_ENV === 'production'
  if (production && !e.SESSION_SECRET) throw new ConfigError('SESSION_SECRET is required in production')
  if (production && !e.DATABASE_URL) throw new ConfigError('DATABASE_URL is required in production')
  if (production && !e.AUDIT_CHECKPOINT_KEY) throw new ConfigError('AUDIT_CHECKPOINT_KEY is required in production')
  const dataDir = resolve(e.LANTERN_DATA_DIR)
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    dataDir,
    demo: e.LANTERN_DEMO && !e.DATABASE_URL,
    embeddedPgPort: e.LANTERN_EMBEDDED_PG_PORT,
    sessionSecret: e.SESSION_SECRET ?? sessionSecretFromDataDir(dataDir),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionAbsoluteHours: e.SESSION_ABSOLUTE_HOURS,
    cookieSecure: e.COOKIE_SECURE ?? production,
    publicBaseUrl: e.PUBLIC_BASE_URL ? e.PUBLIC_BASE_URL.replace(/\/+$/, '') : null,
    mfaPartners: e.MFA_PARTNERS,
    signInMaxFailures: e.SIGN_IN_MAX_FAILURES,
    signInLockMinutes: e.SIGN_IN_LOCK_MINUTES,
    signInRateLimitPerMinute: e.SIGN_IN_RATE_LIMIT_PER_MINUTE,
    publicReportRateLimitPerMinute: e.PUBLIC_REPORT_RATE_LIMIT_PER_MINUTE,
    triageSlaHours: e.TRIAGE_SLA_HOURS,
    hubAgendaReferralDays: e.HUB_AGENDA_REFERRAL_DAYS,
    supportReferralFollowUpDays: e.SUPPORT_REFERRAL_FOLLOW_UP_DAYS,
    supportReviewLookaheadDays: e.SUPPORT_REVIEW_LOOKAHEAD_DAYS,
    importMatchThreshold: e.IMPORT_MATCH_THRESHOLD,
    jobPollSeconds: e.JOB_POLL_SECONDS,
    suppressionThreshold: e.SUPPRESSION_THRESHOLD,
    anonymisationK: e.ANONYMISATION_K,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    logLevel: e.LOG_LEVEL,
    serverTiming: e.SERVER_TIMING,
    passwordHashCost: e.PASSWORD_HASH_COST,
    auditCheckpointDir: resolve(e.AUDIT_CHECKPOINT_DIR ?? join(dataDir, 'audit-checkpoints')),
    auditCheckpointKey: auditCheckpointKey(e.AUDIT_CHECKPOINT_KEY, dataDir),
    auditCheckpointMinutes: e.AUDIT_CHECKPOINT_MINUTES,
    trustedProxies: e.TRUSTED_PROXIES,
  }
}
