import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { createTestContext, createUser, PageClient, type Role, type TestContext } from './support/test-app.ts'

/**
 * More requests at once than the app has database connections must queue, never stall. A request that holds a
 * connection (a transaction) while it waits for a second one from the same pool deadlocks once every
 * connection is held that way: each waits for the others until the pool gives up, and every user sees "the
 * service is busy" (this happened to the person page under load). Here the pool has two connections and each
 * page is asked for four times at once; the pages are found by following links through the demo data, as
 * people in four roles, so a page added tomorrow is covered once something links to it.
 */
let ctx: TestContext
const CONCURRENT = 4
const ROLES: Role[] = ['supervisor', 'investigator', 'analyst', 'admin', 'auditor', 'partner']
// Pages by shape (ids replaced), at most a few of each, so a list of forty referrals is not forty visits.
const PER_SHAPE = 2
const MAX_PAGES_PER_ROLE = 140

beforeAll(async () => {
  ctx = await createTestContext({ poolSize: 2, env: { SIGN_IN_RATE_LIMIT_PER_MINUTE: '1000000' } })
  await loadDemo(ctx.db, { dataDir: ctx.config.dataDir, referrals: 30, passwordHashCost: 10 })
}, 240_000)
afterAll(() => ctx.close())

const shape = (path: string) =>
  path
    .split('?')[0]
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id')
    .replace(/\d+/g, 'N')

function linksIn(html: string): string[] {
  const links: string[] = []
  for (const match of html.matchAll(/<a\b[^>]*\bhref="(\/[^"#]*)/g)) {
    const href = match[1].replace(/&amp;/g, '&')
    // Signing out ends the crawl's session; assets are not pages.
    if (href.startsWith('/sign-out') || href.startsWith('/assets/')) continue
    links.push(href)
  }
  return links
}

describe('more requests than database connections', () => {
  it.each(ROLES)(
    'every page a %s can reach answers four requests at once with a pool of two connections',
    async (role) => {
      const user = await createUser(ctx, role)
      const client = new PageClient(ctx.app)
      await client.signIn(user.email)
      const queue = ['/', '/referrals', '/my-work', '/cases', '/search?q=ana', '/insight', '/partner']
      const seen = new Set<string>()
      const shapes = new Map<string, number>()
      const failures: string[] = []
      let visited = 0
      while (queue.length > 0 && visited < MAX_PAGES_PER_ROLE) {
        const path = queue.shift()!
        const key = shape(path)
        if (seen.has(path) || (shapes.get(key) ?? 0) >= PER_SHAPE) continue
        seen.add(path)
        shapes.set(key, (shapes.get(key) ?? 0) + 1)
        visited++
        const responses = await Promise.all(Array.from({ length: CONCURRENT }, () => client.get(path)))
        // A request that holds one connection while it waits for a second stalls the pool: the wait for a
        // connection gives up after five seconds and the page answers 503, caught here. (No bound on the time
        // itself: on a busy machine four honest requests can take longer than that between them.)
        for (const response of responses) {
          if (response.statusCode >= 500) failures.push(`${path}: ${response.statusCode}`)
        }
        const page = responses[0]
        if (page.statusCode === 200 && String(page.headers['content-type']).startsWith('text/html'))
          queue.push(...linksIn(page.body))
      }
      expect(failures).toEqual([])
      // The crawl reached well beyond the starting pages: records, not just lists.
      expect(visited).toBeGreaterThan(role === 'supervisor' ? 40 : role === 'partner' ? 3 : 12)
    },
    600_000,
  )
})
