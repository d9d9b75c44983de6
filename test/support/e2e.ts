import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expectAccessible, launchBrowser, signInAs } from '../e2e/support/browser.ts'
import { TEST_PASSWORD, type TestContext } from './test-app.ts'

export { axeViolations, completeSecondFactor, expectAccessible } from '../e2e/support/browser.ts'

/**
 * The set-up every browser test shares, in one place: the app listening on a free port, Debian's Chromium with
 * a page open, and sign-in through the real pages with the second factor (TOTP). A test builds its context and
 * data first, then calls startBrowserTest; afterAll calls close, which closes the browser and the context even if
 * the set-up stopped half-way.
 */
export type BrowserTest = {
  baseUrl: string
  browser: Browser
  context: BrowserContext
  /** A page in the browser's context; signed in when startBrowserTest was given signInAs. */
  page: Page
  /** Signs in on a page (another context's, for a second user) as a person would, with the test password. */
  signIn: (page: Page, email: string) => Promise<void>
  /** Opens a path on the page and checks it with axe (WCAG 2.2 AA and best practices). */
  visit: (path: string, page?: Page) => Promise<void>
}

// What each test file started, so closeBrowserTest can stop it whatever point the set-up reached.
let started: { ctx?: TestContext; browser?: Browser } = {}

/**
 * Browser tests take the most time on a busy machine: each Playwright wait gets generous room (page loads, clicks,
 * waits for a URL), so a slow machine is not mistaken for a broken page. Vitest's own timeout still bounds a test.
 */
const BROWSER_WAIT_MS = 60_000

export async function startBrowserTest(ctx: TestContext, options: { signInAs?: string } = {}): Promise<BrowserTest> {
  started = { ctx }
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  const baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  const { browser, context } = await launchBrowser()
  started.browser = browser
  context.setDefaultTimeout(BROWSER_WAIT_MS)
  context.setDefaultNavigationTimeout(BROWSER_WAIT_MS)
  const page = await context.newPage()
  const signIn = (on: Page, email: string) => signInAs(on, baseUrl, email, TEST_PASSWORD)
  if (options.signInAs) await signIn(page, options.signInAs)
  return {
    baseUrl,
    browser,
    context,
    page,
    signIn,
    visit: async (path, on = page) => {
      await on.goto(`${baseUrl}${path}`)
      await expectAccessible(on)
    },
  }
}

/** For afterAll: closes the browser, then the app and its database, whatever the set-up got as far as. */
export async function closeBrowserTest(ctx?: TestContext): Promise<void> {
  const { browser, ctx: app } = started
  started = {}
  await browser?.close()
  await (ctx ?? app)?.close()
}
