import { sql } from 'kysely'
import type { LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isApiPath, type RouteDeclaration } from '#src/platform/http/access.ts'
import { apiToken, createTestContext, createUser, PageClient, type Role, type TestContext } from './support/test-app.ts'

/**
 * The route security matrix: every registered route (the list createApp returns, so a route added tomorrow is
 * in it), called by every role in the roles table and by someone signed out, with and without the permission
 * the route declares, and every page form sent with a valid, a missing and a forged CSRF token. The expected
 * answer is worked out from the route's declared access and the role's permissions as stored in the database,
 * never from a table of answers:
 *
 * - public: never 401 or 403 (a page form still needs its CSRF token);
 * - signed out: a page sends you to sign in, a form is refused as "signed out" (nothing saved), the API is 401;
 * - a role without the permission: 403, whatever the CSRF token;
 * - a role with it: never 401 or 403 with a valid token; a page form with a missing or forged token is 403
 *   and changes nothing in the database; the API takes a bearer token and needs no CSRF token at all,
 *   and ignores a session cookie (401), which is why it needs none;
 * - and nothing, in any combination, is a 500.
 */
let ctx: TestContext
type Caller = {
  label: string
  permissions: Set<string> | null
  user?: { id: string; email: string }
  role?: string
  pages: PageClient
  token?: string
}
const callers: Caller[] = []

const EXAMPLE_PARAMS: Record<string, string> = {
  index: '0',
  group: 'stylesheets',
  file: 'application.css',
  kind: 'risks',
}
/** A URL with every parameter filled with a well-formed value that matches no record. */
function concrete(url: string): string {
  return url.replace(
    /:([a-zA-Z]+)/g,
    (_, name: string) => EXAMPLE_PARAMS[name] ?? '00000000-0000-7000-8000-000000000000',
  )
}

async function signedIn(role: string): Promise<Pick<Caller, 'user' | 'pages' | 'token'>> {
  const user = await createUser(ctx, role as Role)
  const pages = new PageClient(ctx.app)
  await pages.signIn(user.email)
  return { user, pages, token: await apiToken(ctx, user.email) }
}

beforeAll(async () => {
  // Rate limits are for people; this test is one client making thousands of requests.
  ctx = await createTestContext({
    env: { PUBLIC_REPORT_RATE_LIMIT_PER_MINUTE: '1000000', SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000000' },
  })
  const anonymous = new PageClient(ctx.app)
  await anonymous.get('/sign-in')
  callers.push({ label: 'signed out', permissions: null, pages: anonymous })
  for (const role of await ctx.db.selectFrom('roles').select(['id', 'permissions']).orderBy('id').execute()) {
    callers.push({
      label: role.id,
      role: role.id,
      permissions: new Set(role.permissions),
      ...(await signedIn(role.id)),
    })
  }
})
afterAll(() => ctx.close())

type Expectation = 'allowed' | 'csrf-refused' | 'forbidden' | 'sign-in-redirect' | 'signed-out-form' | 'unauthenticated'
type Csrf = 'valid' | 'missing' | 'forged'

function expectation(route: RouteDeclaration, caller: Caller, csrf: Csrf): Expectation {
  const api = isApiPath(route.url)
  const form = !api && route.method !== 'GET'
  if (route.access === 'public') return form && csrf !== 'valid' ? 'csrf-refused' : 'allowed'
  if (!caller.permissions)
    return api ? 'unauthenticated' : route.method === 'GET' ? 'sign-in-redirect' : 'signed-out-form'
  if (route.access !== 'signed-in' && !caller.permissions.has(route.access)) return 'forbidden'
  return form && csrf !== 'valid' ? 'csrf-refused' : 'allowed'
}

function check(response: LightMyRequestResponse, expected: Expectation, label: string): void {
  const status = response.statusCode
  expect(status, `${label}: no 500s`).toBeLessThan(500)
  switch (expected) {
    case 'allowed':
      expect([401, 403], `${label}: allowed, got ${status}`).not.toContain(status)
      return
    case 'forbidden':
      expect(status, label).toBe(403)
      return
    case 'csrf-refused':
      expect(status, label).toBe(403)
      // "This form has expired" (staff pages) or "This page has expired" (the public report).
      expect(response.body, label).toMatch(/This (form|page) has expired/)
      return
    case 'sign-in-redirect':
      expect(status, label).toBe(303)
      expect(response.headers.location, label).toMatch(/^\/sign-in/)
      return
    case 'signed-out-form':
      expect(status, label).toBe(401)
      expect(response.body, label).toContain('You have been signed out')
      return
    case 'unauthenticated':
      expect(status, label).toBe(401)
      expect(response.headers['content-type'], label).toContain('application/problem+json')
  }
}

/** Sends a page request as a browser would: the session cookie, and for a form its CSRF token (or not). */
async function pageRequest(
  caller: Caller,
  route: RouteDeclaration,
  url: string,
  csrf: Csrf,
): Promise<LightMyRequestResponse> {
  if (route.method === 'GET') return caller.pages.get(url)
  const token = csrf === 'valid' ? caller.pages.csrf : csrf === 'missing' ? null : forgedToken(caller)
  if (route.method === 'POST') return caller.pages.post(url, { note: 'route security test' }, { csrf: token })
  const body = new URLSearchParams(token === null ? { note: 'x' } : { _csrf: token, note: 'x' })
  return ctx.app.inject({
    method: route.method as 'PUT',
    url,
    headers: { cookie: caller.pages.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: body.toString(),
  })
}

/** A well-formed CSRF token that belongs to someone else's session: the forger's best guess. */
function forgedToken(caller: Caller): string {
  const other = callers.find((c) => c !== caller && c.pages.csrf)!
  return other.pages.csrf
}

/** A checksum of each table except sessions (whose last-seen time moves on every request). */
async function databaseFingerprint(): Promise<Map<string, string>> {
  const tables = await sql<{
    name: string
  }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('sessions', 'kysely_migration', 'kysely_migration_lock') ORDER BY 1`.execute(
    ctx.db,
  )
  const parts = tables.rows.map(
    (t) =>
      sql`SELECT ${t.name} AS name, md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) AS sum FROM ${sql.table(t.name)} x`,
  )
  const rows = await sql<{ name: string; sum: string }>`${sql.join(parts, sql` UNION ALL `)}`.execute(ctx.db)
  return new Map(rows.rows.map((r) => [r.name, r.sum]))
}

/** A form that legitimately ends the session (sign out, or one added later like "sign out everywhere") or an
 * API call that revokes the caller's token must not silently turn the rest of the matrix into "signed out":
 * a caller who lost their session or token is replaced by a new user with the same role. */
async function keepSignedIn(): Promise<void> {
  const signedInCallers = callers.filter((c) => c.user)
  const ids = signedInCallers.map((c) => c.user!.id)
  const live = await sql<{ id: string }>`
    SELECT u.id::text AS id FROM users u
    WHERE u.id = ANY(${ids}::uuid[]) AND u.disabled_at IS NULL AND (u.locked_until IS NULL OR u.locked_until < now())
      AND EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id AND s.revoked_at IS NULL AND s.expires_at > now())
      AND EXISTS (SELECT 1 FROM api_tokens t WHERE t.user_id = u.id AND t.revoked_at IS NULL)`.execute(ctx.db)
  const alive = new Set(live.rows.map((r) => r.id))
  for (const caller of signedInCallers)
    if (!alive.has(caller.user!.id)) Object.assign(caller, await signedIn(caller.role!))
}

describe('route security matrix', () => {
  // Thousands of requests (about three minutes on a loaded 2-core machine): the bound is for a hang, with headroom.
  it(
    'answers every route × every role × (CSRF valid, missing, forged) exactly as its declared access says',
    { timeout: 600_000 },
    async () => {
      const counted = { requests: 0, csrfRefusals: 0, byExpectation: new Map<Expectation, number>() }
      const tally = (e: Expectation) => {
        counted.requests++
        counted.byExpectation.set(e, (counted.byExpectation.get(e) ?? 0) + 1)
      }
      const routes = [...ctx.routes].sort((a, b) => Number(a.url === '/sign-out') - Number(b.url === '/sign-out'))
      const isForm = (route: RouteDeclaration) => !isApiPath(route.url) && route.method !== 'GET'

      // First every form with a missing or a forged CSRF token, from every caller: refused, and the database
      // exactly as it was (checked table by table, so a failure names the table).
      const before = await databaseFingerprint()
      for (const route of routes.filter(isForm)) {
        const url = concrete(route.url)
        for (const caller of callers) {
          for (const csrf of ['missing', 'forged'] as const) {
            const expected = expectation(route, caller, csrf)
            check(
              await pageRequest(caller, route, url, csrf),
              expected,
              `${caller.label} ${route.method} ${route.url} (CSRF ${csrf})`,
            )
            tally(expected)
            if (expected === 'csrf-refused') counted.csrfRefusals++
          }
        }
      }
      const after = await databaseFingerprint()
      expect(
        [...after].filter(([table, sum]) => before.get(table) !== sum).map(([table]) => table),
        'tables changed by refused forms',
      ).toEqual([])

      // Then every route the way it is meant to be called: pages and forms with the session and a valid CSRF
      // token, the API with a bearer token (and no CSRF token), and the API with only a session cookie.
      for (const route of routes) {
        const url = concrete(route.url)
        if (isApiPath(route.url)) {
          for (const caller of callers) {
            const expected = expectation(route, caller, 'valid')
            const response = await ctx.app.inject({
              method: route.method as 'GET',
              url,
              headers: caller.token ? { authorization: `Bearer ${caller.token}` } : {},
              payload: route.method === 'GET' ? undefined : {},
            })
            check(response, expected, `${caller.label} ${route.method} ${route.url} (bearer token)`)
            tally(expected)
            if (!caller.permissions) continue
            // The session cookie alone does not open the API, so a cross-site request riding on it gets nothing.
            const cookieOnly = await ctx.app.inject({
              method: route.method as 'GET',
              url,
              headers: { cookie: caller.pages.cookieHeader() },
              payload: route.method === 'GET' ? undefined : {},
            })
            const withoutToken = expectation(route, callers[0], 'valid')
            check(cookieOnly, withoutToken, `${caller.label} ${route.method} ${route.url} (session cookie, no token)`)
            tally(withoutToken)
          }
        } else {
          for (const caller of callers) {
            const expected = expectation(route, caller, 'valid')
            check(
              await pageRequest(caller, route, url, 'valid'),
              expected,
              `${caller.label} ${route.method} ${route.url}${isForm(route) ? ' (CSRF valid)' : ''}`,
            )
            tally(expected)
          }
        }
        if (route.method !== 'GET') await keepSignedIn()
      }
      // Every kind of answer was exercised, across all the routes and callers.
      for (const kind of [
        'allowed',
        'csrf-refused',
        'forbidden',
        'sign-in-redirect',
        'signed-out-form',
        'unauthenticated',
      ] as const) {
        expect(counted.byExpectation.get(kind) ?? 0, kind).toBeGreaterThan(0)
      }
      expect(callers.length).toBeGreaterThanOrEqual(9)
      expect(counted.requests).toBeGreaterThan(ctx.routes.length * callers.length)
      console.log(
        `route security matrix: ${ctx.routes.length} routes × ${callers.length} callers (${callers.map((c) => c.label).join(', ')}): ${counted.requests} combinations checked, ${counted.csrfRefusals} refused CSRF tokens (${[...counted.byExpectation].map(([k, v]) => `${k} ${v}`).join(', ')})`,
      )
    },
  )
})
