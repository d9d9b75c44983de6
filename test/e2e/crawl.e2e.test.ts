import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDemo } from '#src/modules/demo/demo.ts'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { axeViolations, completeSecondFactor, launchBrowser } from './support/browser.ts'

/**
 * Issue 17: every page a role can reach, on a phone (390 px wide) and a desktop, on the synthetic demo. The
 * crawl starts from the user's landing page and the main menu and follows every link in the page (never a
 * download, an API call or another site), one page per route pattern, and on each, at both widths: the page itself never
 * scrolls sideways (WCAG 1.4.10: wide tables and charts scroll inside their own region), and axe finds nothing
 * (WCAG 2.2 AA and best practices, `region` among them).
 */
let ctx: TestContext
let browser: Browser
let baseUrl: string

beforeAll(async () => {
  ctx = await createTestContext({ demo: true })
  await loadDemo(ctx.db, { dataDir: ctx.config.dataDir, referrals: 40, passwordHashCost: 10 })
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  // An operation's code (Op TACIT, Op HEARTH) is the name the team knows it by, shown on purpose.
  for (const { code } of await ctx.db.selectFrom('operations').select('code').where('code', 'is not', null).execute())
    ACRONYMS.add(code!)
  ;({ browser } = await launchBrowser())
}, 300_000)
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g
/** One page per route: ids and numbers in the path, and the query, do not make a new page. */
const patternOf = (path: string) => path.replace(UUID, ':id').replace(/\/\d+(?=\/|$)/g, '/:n')
const DOWNLOAD = /\.(csv|xlsx|pdf|json|svg|txt)$/

/** Acronyms a DC reads and writes as such: anything else in capitals with underscores, or a long capitalised word, is a code. */
const ACRONYMS = new Set([
  'THRIVE',
  'NRM',
  'PCSO',
  'CSV',
  'XLSX',
  'PDF',
  'JSON',
  'API',
  'HTCDS',
  'CTDC',
  'UNODC',
  'OSCE',
  'NABA',
  'MSHT',
  'GLAA',
  'NSPCC',
  'HMRC',
  'DVLA',
  'UKVI',
  'CAD',
  'ISA',
  'DPO',
  'SMS',
  'URL',
  'CASE',
  'REF',
  'OPEN',
  'SAFEGUARDING',
])

/** Codes a page shows in its main content: enum values (LABOUR, SCA_OR_LA_PILOT) and ids nobody can follow. */
async function codesShown(page: Page): Promise<string[]> {
  const texts = await page.locator('main').evaluate((main) => {
    const out: { text: string; linked: boolean }[] = []
    const walker = main.ownerDocument.createTreeWalker(main, 4)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement
      if (!parent || parent.closest('script, style, code, [hidden]')) continue
      out.push({ text: node.textContent ?? '', linked: Boolean(parent.closest('a')) })
    }
    return out
  })
  const found = new Set<string>()
  for (const { text, linked } of texts) {
    for (const m of text.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b|\b[A-Z]{5,}\b/g))
      if (!ACRONYMS.has(m[0])) found.add(m[0])
    if (!linked) for (const m of text.matchAll(UUID)) found.add(m[0])
    // The design's word, not the team's: a DC says "victim information".
    if (/victim facet/i.test(text)) found.add('victim facet')
  }
  return [...found]
}

async function signIn(page: Page, email: string) {
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await completeSecondFactor(page, email)
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
}

/** The widths every page is checked at: a phone, then a desktop. */
const WIDTHS = [390, 1280] as const
const HEIGHT = 844

/** What the page, as it is now, gets wrong at its current width: sideways scrolling, and (if asked) what axe finds. */
async function layoutProblems(page: Page, pattern: string, width: number, withAxe: boolean): Promise<string[]> {
  const problems: string[] = []
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')
  if (Number(overflow) > 0) problems.push(`${pattern}: the page scrolls sideways by ${overflow}px at ${width}px`)
  if (withAxe)
    for (const violation of await axeViolations(page)) problems.push(`${pattern} at ${width}px: ${violation}`)
  return problems
}

/**
 * The page's shape: the kinds of element on it (tag, role, type, classes and which aria attributes it has), without
 * text, ids, links or how many rows a list has. Roles reach many of the same pages; where a page has only kinds of
 * element another role's visit already had, axe (the crawl's costliest step) has nothing new to judge. A kind not yet
 * seen there (a button, a field, a table only one role sees) makes a new shape, and axe runs again. Sideways
 * scrolling and codes shown are still checked on every visit.
 */
async function shapeOf(page: Page): Promise<string[]> {
  const kinds = await page
    .locator('body *')
    .evaluateAll((elements) =>
      elements.map((el) =>
        [
          el.tagName,
          el.getAttribute('role'),
          el.getAttribute('type'),
          el.getAttribute('class'),
          ...el.getAttributeNames().filter((name: string) => name.startsWith('aria-')),
        ].join('|'),
      ),
    )
  return [...new Set(kinds)]
}
/** Pattern → the kinds of element on it axe has already judged, across every role's crawl in this file. */
const judged = new Map<string, Set<string>>()

/**
 * Each page is loaded once, at the phone's width, and checked; then the window is widened to the desktop's and
 * the page checked again (a second load would double the crawl's time for the same server response).
 */
async function crawl(
  role: 'supervisor' | 'auditor' | 'partner' | 'support' | 'investigator' | 'pcso' | 'analyst' | 'admin' | 'operator',
  limit: number,
) {
  const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: HEIGHT } })
  const page = await context.newPage()
  await signIn(page, (await createUser(ctx, role)).email)
  const queue = [
    new URL(page.url()).pathname,
    ...(await page
      .locator('nav[aria-label="Main menu"] a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''))),
  ]
  const seen = new Set<string>()
  const problems: string[] = []
  let axeRuns = 0
  while (queue.length && seen.size < limit) {
    const path = queue.shift()!
    const pattern = patternOf(path.split('?')[0])
    if (seen.has(pattern)) continue
    seen.add(pattern)
    await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT })
    const response = await page.goto(`${baseUrl}${path}`)
    const status = response?.status() ?? 0
    if (status >= 500) problems.push(`${pattern}: ${status}`)
    if (status !== 200) continue
    const shape = await shapeOf(page)
    const kinds = judged.get(pattern) ?? new Set<string>()
    const withAxe = shape.some((kind) => !kinds.has(kind))
    for (const kind of shape) kinds.add(kind)
    judged.set(pattern, kinds)
    if (withAxe) axeRuns++
    for (const [n, width] of WIDTHS.entries()) {
      if (n > 0) await page.setViewportSize({ width, height: HEIGHT })
      problems.push(...(await layoutProblems(page, pattern, width, withAxe)))
    }
    for (const word of await codesShown(page))
      problems.push(`${pattern}: shows a code or an internal id, not words: "${word}"`)
    const links = await page
      .locator('main a[href^="/"]:not([download])')
      .evaluateAll((anchors) => anchors.map((a) => a.getAttribute('href') ?? ''))
    for (const link of links) {
      const target = link.split('#')[0]
      if (
        !target ||
        DOWNLOAD.test(target.split('?')[0]) ||
        target.startsWith('/api/') ||
        target.startsWith('/metrics') ||
        target.startsWith('/assets/')
      )
        continue
      if (!seen.has(patternOf(target.split('?')[0]))) queue.push(target)
    }
  }
  await context.close()
  return { seen, problems, axeRuns }
}

describe('every page on a phone and a desktop, as each role reaches it', () => {
  it.each([
    ['supervisor', 25],
    ['support', 12],
    ['auditor', 6],
    ['partner', 3],
    ['investigator', 20],
    ['pcso', 5],
    ['analyst', 10],
    ['admin', 4],
    ['operator', 2],
  ] as const)(
    `as a %s at ${WIDTHS.join(' px and ')} px: no page scrolls sideways and axe finds nothing (at least %i pages)`,
    async (role, atLeast) => {
      const started = Date.now()
      const { seen, problems, axeRuns } = await crawl(role, 120)
      console.log(
        `crawl as ${role} at ${WIDTHS.join(' and ')} px: ${seen.size} pages (${axeRuns} of a shape not yet judged by axe) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      )
      expect(seen.size).toBeGreaterThanOrEqual(atLeast)
      expect(problems.join('\n'), [...seen].join(', ')).toBe('')
    },
    // A bound for a hang: the supervisor's crawl (84 pages, each checked by axe at both widths) took 579 s of the
    // old 600 s on a 2-core machine running other sessions' tests, and over 600 s beside the fault tests.
    1_200_000,
  )
})
