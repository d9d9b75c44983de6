import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isApiPath } from '#src/platform/http/access.ts'
import { apiToken, createTestContext, createUser, PageClient, type Role, type TestContext } from './support/test-app.ts'

/**
 * Every route declares who may call it. The list is kept in a snapshot: a change to it is an access change
 * and shows up as a diff in review. Then each route is called anonymously and by every role.
 */
let ctx: TestContext
const ROLES: Role[] = ['admin', 'supervisor', 'investigator', 'pcso', 'support', 'analyst', 'partner', 'auditor']
const clients = new Map<Role, { pages: PageClient; token: string; permissions: Set<string> }>()

beforeAll(async () => {
  ctx = await createTestContext()
  for (const role of ROLES) {
    const user = await createUser(ctx, role)
    const pages = new PageClient(ctx.app)
    await pages.signIn(user.email)
    const row = await ctx.db.selectFrom('roles').select('permissions').where('id', '=', role).executeTakeFirstOrThrow()
    clients.set(role, { pages, token: await apiToken(ctx, user.email), permissions: new Set(row.permissions) })
  }
})
afterAll(() => ctx.close())

const EXAMPLE_PARAMS: Record<string, string> = { index: '0', group: 'stylesheets', file: 'application.css' }

/** A URL with every parameter filled: ids with a well-formed id that matches no record. */
function concrete(url: string) {
  return url.replace(
    /:([a-zA-Z]+)/g,
    (_, name: string) => EXAMPLE_PARAMS[name] ?? '00000000-0000-7000-8000-000000000000',
  )
}

describe('route access', () => {
  it('lists every route with the access it declares', async () => {
    const list =
      ctx.routes
        .map((r) => `${r.method.padEnd(6)} ${r.url.padEnd(55)} ${r.access}`)
        .sort()
        .join('\n') + '\n'
    await expect(list).toMatchFileSnapshot('./__snapshots__/route-access.txt')
  })

  it('refuses every non-public route to someone not signed in (pages send them to sign in, the API answers 401)', async () => {
    const anonymous = new PageClient(ctx.app)
    await anonymous.get('/sign-in')
    for (const route of ctx.routes.filter((r) => r.access !== 'public')) {
      const url = concrete(route.url)
      const response = isApiPath(route.url)
        ? await ctx.app.inject({ method: route.method as 'GET', url, payload: route.method === 'GET' ? undefined : {} })
        : route.method === 'GET'
          ? await anonymous.get(url)
          : await anonymous.post(url, {})
      if (isApiPath(route.url)) {
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401)
        expect(response.headers['content-type']).toContain('application/problem+json')
      } else if (route.method === 'GET') {
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(303)
        expect(response.headers.location).toMatch(/^\/sign-in/)
      } else {
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401)
        expect(response.body).toContain('You have been signed out')
      }
    }
  })

  it('lets each role reach only the routes its permissions allow', { timeout: 180_000 }, async () => {
    for (const [role, client] of clients) {
      for (const route of ctx.routes.filter((r) => r.access !== 'public' && r.access !== 'signed-in')) {
        const allowed = client.permissions.has(route.access)
        const url = concrete(route.url)
        const response = isApiPath(route.url)
          ? await ctx.app.inject({
              method: route.method as 'GET',
              url,
              headers: { authorization: `Bearer ${client.token}` },
              payload: route.method === 'GET' ? undefined : {},
            })
          : route.method === 'GET'
            ? await client.pages.get(url)
            : await client.pages.post(url, {})
        if (allowed) expect(response.statusCode, `${role} ${route.method} ${route.url}`).not.toBe(403)
        else expect(response.statusCode, `${role} ${route.method} ${route.url}`).toBe(403)
      }
    }
  })

  it('answers an unknown API path with a problem and an unknown page with a 404 page', async () => {
    const { pages, token } = clients.get('investigator')!
    const api = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/nothing-here',
      headers: { authorization: `Bearer ${token}` },
    })
    expect(api.statusCode).toBe(404)
    expect(api.json()).toMatchObject({ status: 404, title: 'Not found' })
    const page = await pages.get('/no-such-page')
    expect(page.statusCode).toBe(404)
    expect(page.body).toContain('Page not found')
  })
})
