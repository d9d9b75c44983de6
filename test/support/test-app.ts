import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { inject } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { loadConfig, type Config } from '#src/platform/config/config.ts'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { createServices, type Services } from '#src/container.ts'
import { createApp } from '#src/app.ts'
import type { RouteDeclaration } from '#src/platform/http/access.ts'
import { totpCode, TOTP_PERIOD_SECONDS } from '#src/platform/auth/totp.ts'
import type { CurrentUser } from '#src/platform/auth/permissions.ts'
import { findCurrentUser } from '#src/platform/auth/users.repository.ts'

export type TestContext = {
  db: Db
  config: Config
  services: Services
  app: FastifyInstance
  routes: RouteDeclaration[]
  databaseUrl: string
  adminUrl: string
  close: () => Promise<void>
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LANTERN_DATA_DIR: mkdtempSync(join(tmpdir(), 'lantern-test-data-')),
    LOG_LEVEL: 'silent',
    // Fast hashing in tests only; production uses 2^15.
    PASSWORD_HASH_COST: '10',
    SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000',
    ...overrides,
  })
}

/** A fresh database cloned from the migrated template, with the app built on it. */
export async function createTestContext(
  options: { env?: Record<string, string>; poolSize?: number; demo?: boolean } = {},
): Promise<TestContext> {
  const adminUrl = inject('adminUrl')
  const template = inject('templateDatabase')
  const name = `lantern_t_${template.split('_')[2]}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  await admin.end()
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`)
  const config = testConfig({ DATABASE_URL: databaseUrl, ...options.env })
  const db = createDb(databaseUrl, options.poolSize ?? 5)
  const services = createServices(db, config)
  const demo = options.demo ?? false
  const { app, routes } = await createApp({ config, db, services, isDemo: () => demo, logger: false })
  databases.set(app, db)
  return {
    db,
    config,
    services,
    app,
    routes,
    databaseUrl,
    adminUrl,
    close: async () => {
      await app.close()
      await db.destroy()
      const client = new pg.Client({ connectionString: adminUrl })
      await client.connect()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}

export type Role =
  'admin' | 'supervisor' | 'investigator' | 'pcso' | 'support' | 'analyst' | 'partner' | 'auditor' | 'operator'

export const TEST_PASSWORD = 'correct-horse-battery-staple'

/** The two-factor key every test user is set up with (base32), so sign-in helpers can compute codes. */
export const TEST_MFA_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP'

// How the helpers find a user's key, and the database holding their last-used code step.
const databases = new WeakMap<FastifyInstance, Db>()
const mfaUsers = new Map<string, { secret: string; db?: Db }>()

/**
 * A user with the test password. Every role but partner (for whom two-factor is optional by default) is set up
 * with TEST_MFA_SECRET, written straight to the row as a fixture (no audit row, as if set up long ago), so the
 * sign-in helpers below pass the second factor and existing tests need not know about it. `mfa: false` leaves
 * the user to set it up at first sign-in.
 */
export async function createUser(
  ctx: TestContext,
  role: Role,
  email = `${role}-${randomBytes(3).toString('hex')}@test.lantern`,
  options: { mfa?: boolean } = {},
) {
  const { id } = await ctx.services.auth.createUser(
    { email, displayName: `Test ${role}`, roleId: role, password: TEST_PASSWORD },
    { userId: null },
  )
  if (options.mfa ?? role !== 'partner') {
    await ctx.db
      .updateTable('users')
      .set({ mfa_secret: TEST_MFA_SECRET, mfa_enrolled_at: new Date() })
      .where('id', '=', id)
      .execute()
    mfaUsers.set(email.toLowerCase(), { secret: TEST_MFA_SECRET, db: ctx.db })
  }
  return { id, email }
}

export function mfaSecretFor(email: string): string {
  return mfaUsers.get(email.toLowerCase())?.secret ?? TEST_MFA_SECRET
}

export function rememberMfaSecret(email: string, secret: string, db?: Db): void {
  mfaUsers.set(email.toLowerCase(), { secret, db: db ?? mfaUsers.get(email.toLowerCase())?.db })
}

/**
 * A code the server will accept for this user now. Tests sign the same user in many times within one 30-second
 * step, and the server rightly refuses a code twice, so the helper forgets the user's last-used step first
 * (test fixture only). Without a database to hand it uses the next step's code, which is still in the window.
 */
export async function freshTotpCode(email: string, db?: Db): Promise<string> {
  const known = mfaUsers.get(email.toLowerCase())
  const database = db ?? known?.db
  const secret = known?.secret ?? TEST_MFA_SECRET
  if (database) {
    await database
      .updateTable('users')
      .set({ mfa_last_step: null })
      .where(sql<string>`lower(email)`, '=', email.toLowerCase())
      .execute()
    return totpCode(secret)
  }
  return totpCode(secret, Date.now() + TOTP_PERIOD_SECONDS * 1000)
}

/** A browser-like client for app.inject: keeps cookies, reads CSRF tokens from pages, posts forms. */
export class PageClient {
  private cookies = new Map<string, string>()
  csrf = ''
  constructor(private readonly app: FastifyInstance) {}

  /** The Cookie header this client sends, for a test that adds headers of its own. */
  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  private remember(response: LightMyRequestResponse) {
    for (const c of response.cookies) {
      if (c.value === '' || (c.expires && new Date(c.expires).getTime() < Date.now())) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    const match = /name="_csrf" value="([^"]+)"/.exec(response.body)
    if (match) this.csrf = match[1]
  }

  async get(url: string) {
    const response = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader() } })
    this.remember(response)
    return response
  }

  async post(url: string, form: Record<string, string | string[]>, options: { csrf?: string | null } = {}) {
    const body = new URLSearchParams()
    const token = options.csrf === undefined ? this.csrf : options.csrf
    if (token !== null) body.append('_csrf', token)
    for (const [key, value] of Object.entries(form))
      for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    })
    this.remember(response)
    return response
  }

  /** Posts a multipart form (a file upload) as a browser would, with the CSRF token as a field. */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    file?: { field: string; filename: string; contentType: string; data: Buffer },
    options: { csrf?: string | null } = {},
  ) {
    const boundary = `----lantern${randomBytes(8).toString('hex')}`
    const parts: Buffer[] = []
    const token = options.csrf === undefined ? this.csrf : options.csrf
    const all = token === null ? fields : { _csrf: token, ...fields }
    for (const [name, value] of Object.entries(all))
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
    if (file) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
        ),
      )
      parts.push(file.data, Buffer.from('\r\n'))
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`))
    const response = await this.app.inject({
      method: 'POST',
      url,
      headers: { cookie: this.cookieHeader(), 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: Buffer.concat(parts),
    })
    this.remember(response)
    return response
  }

  /** Signs in with the password and then the second factor (setting it up first if the user has none). */
  async signIn(email: string, password = TEST_PASSWORD) {
    await this.get('/sign-in')
    const response = await this.post('/sign-in', { email, password })
    if (response.statusCode !== 303) throw new Error(`sign-in failed: ${response.statusCode}`)
    return this.completeSecondFactor(email, response)
  }

  /** After a password was accepted: enters a code, or sets up two-factor and returns its recovery-codes page. */
  async completeSecondFactor(email: string, response: LightMyRequestResponse) {
    const location = String(response.headers.location ?? '')
    if (location === '/sign-in/two-factor') {
      await this.get(location)
      const verified = await this.post(location, { code: await freshTotpCode(email, databases.get(this.app)) })
      if (verified.statusCode !== 303) throw new Error(`second factor failed: ${verified.statusCode}`)
      return verified
    }
    if (location === '/sign-in/set-up-two-factor') {
      const page = await this.get(location)
      const secret = /id="mfa-secret">([^<]+)</.exec(page.body)?.[1].replace(/\s/g, '')
      if (!secret) throw new Error('no two-factor key on the set-up page')
      rememberMfaSecret(email, secret, databases.get(this.app))
      const enrolled = await this.post(location, { code: totpCode(secret) })
      if (enrolled.statusCode !== 200 || !enrolled.body.includes('Save your recovery codes'))
        throw new Error(`two-factor set-up failed: ${enrolled.statusCode}`)
      return enrolled
    }
    return response
  }

  hasCookie(name: string) {
    return this.cookies.has(name)
  }
}

export async function apiToken(ctx: TestContext, email: string): Promise<string> {
  return (await ctx.services.auth.createApiToken(email, 'test', 30, { userId: null })).token
}

/** A user as the request pipeline sees them (role and permissions), for calling services directly. */
export async function currentUserOf(ctx: Pick<TestContext, 'db'>, id: string): Promise<CurrentUser> {
  const user = await findCurrentUser(ctx.db, id)
  if (!user) throw new Error(`No user ${id}`)
  return user
}
