import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
import { totpCode } from '#src/platform/auth/totp.ts'
import { freshTotpCode, rememberMfaSecret } from '../../support/test-app.ts'

/** The browser `npm test` chose (CHROMIUM_PATH), or the first installed; run alone without one, a one-line fix. */
function browserPath(): string {
  const path =
    process.env.CHROMIUM_PATH ||
    ['/usr/bin/chromium', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'].find((candidate) =>
      existsSync(candidate),
    )
  if (!path || !existsSync(path))
    throw new Error(
      `No Chromium${path ? ` at ${path}` : ''}: run the browser tests through npm test (it finds one, or installs Debian's chromium as root), or set CHROMIUM_PATH.`,
    )
  return path
}

/** Debian's Chromium (or the browser found), headless, with the flags that keep it off the (closed) network. Playwright gives each
 * launch a fresh temporary profile. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-assets.js')])
  const browser = await chromium.launch({
    executablePath: browserPath(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  const context = await browser.newContext()
  return { browser, context }
}

/**
 * Runs axe with the WCAG 2.2 AA rules and its best practices (among them `region`: everything on the page sits in
 * a landmark) on the page as it is now: a page with any violation fails the test.
 */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page), `accessibility violations on ${page.url()}`).toEqual([])
}

/**
 * What axe finds on the page as it is now (WCAG 2.2 AA and best practices), one line per rule broken. Axe runs in
 * the page itself (legacy mode): the default opens a blank page for every check to merge per-frame results, which
 * Lantern's pages (no frames) do not need and which doubled the crawl's time; only violations are collected.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .setLegacyMode(true)
    .options({ resultTypes: ['violations'] })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze()
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
}

/** Signs in through the sign-in page, as a person would, with the second factor, and waits for the triage queue. */
export async function signInAs(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await completeSecondFactor(page, email)
  await page.waitForURL(/\/referrals$/)
}

/**
 * After the password: types the code from the user's key (as their phone would show it), or, for a user
 * without one, sets it up from the key shown on the page and continues past the recovery codes. A user who
 * needs no second factor (a partner, by default) is left where the sign-in sent them.
 */
export async function completeSecondFactor(page: Page, email: string): Promise<void> {
  await page.waitForURL((url) => url.pathname !== '/sign-in')
  const path = new URL(page.url()).pathname
  if (path === '/sign-in/two-factor') {
    await page.getByLabel('Security code').fill(await freshTotpCode(email))
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL((url) => url.pathname !== '/sign-in/two-factor')
  } else if (path === '/sign-in/set-up-two-factor') {
    const secret = ((await page.locator('#mfa-secret').textContent()) ?? '').replace(/\s/g, '')
    rememberMfaSecret(email, secret)
    await page.getByLabel('Enter the 6-digit code the app now shows').fill(totpCode(secret))
    await page.getByRole('button', { name: 'Confirm' }).click()
    await page.getByRole('link', { name: /I have saved my recovery codes/ }).click()
  }
}
