import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { loadConfig, type Config } from '#src/platform/config/config.ts'
import { createDb, type Db } from '#src/platform/db/database.ts'
import { createServices, type Services } from '#src/container.ts'
import { createApp } from '#src/app.ts'
import type { RouteDeclaration } from '#src/platform/http/access.ts'

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
export async function createTestContext(options: { env?: Record<string, string> } = {}): Promise<TestContext> {
  const adminUrl = inject('adminUrl')
  const template = inject('templateDatabase')
  const name = `lantern_t_${template.split('_')[2]}_${randomBytes(5).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`)
  await admin.end()
  const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${name}`)
  const config = testConfig({ DATABASE_URL: databaseUrl, ...options.env })
  const db = createDb(databaseUrl, 5)
  const services = createServices(db, config)
  const { app, routes } = await createApp({ config, db, services, isDemo: () => false, logger: false })
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

export type Role = 'admin' | 'supervisor' | 'investigator' | 'pcso' | 'support' | 'analyst' | 'partner' | 'auditor'

export const TEST_PASSWORD = 'correct-horse-battery-staple'

export async function createUser(ctx: TestContext, role: Role, email = `${role}-${randomBytes(3).toString('hex')}@test.lantern`) {
  const { id } = await ctx.services.auth.createUser({ email, displayName: `Test ${role}`, roleId: role, password: TEST_PASSWORD }, { userId: null })
  return { id, email }
}

/** A browser-like client for app.inject: keeps cookies, reads CSRF tokens from pages, posts forms. */
export class PageClient {
  private cookies = new Map<string, string>()
  csrf = ''
  constructor(private readonly app: FastifyInstance) {}

  private cookieHeader() {
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
    for (const [key, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(key, v)
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
  async postMultipart(url: string, fields: Record<string, string>, file?: { field: string; filename: string; contentType: string; data: Buffer }, options: { csrf?: string | null } = {}) {
    const boundary = `----lantern${randomBytes(8).toString('hex')}`
    const parts: Buffer[] = []
    const token = options.csrf === undefined ? this.csrf : options.csrf
    const all = token === null ? fields : { _csrf: token, ...fields }
    for (const [name, value] of Object.entries(all)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`))
    if (file) {
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`))
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

  async signIn(email: string, password = TEST_PASSWORD) {
    await this.get('/sign-in')
    const response = await this.post('/sign-in', { email, password })
    if (response.statusCode !== 303) throw new Error(`sign-in failed: ${response.statusCode}`)
    return response
  }

  hasCookie(name: string) {
    return this.cookies.has(name)
  }
}

export async function apiToken(ctx: TestContext, email: string): Promise<string> {
  return (await ctx.services.auth.createApiToken(email, 'test', 30, { userId: null })).token
}
