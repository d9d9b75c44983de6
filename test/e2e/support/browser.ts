import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { AxeBuilder } from '@axe-core/playwright'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. Playwright gives each
 * launch a fresh temporary profile. */
export async function launchBrowser(): Promise<{ browser: Browser; context: BrowserContext }> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-assets.js')])
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
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

/** Runs axe with the WCAG 2.2 AA rules on the page as it is now: a page with any violation fails the test. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze()
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)
  expect(summary, `accessibility violations on ${page.url()}`).toEqual([])
}

/** Signs in through the sign-in page, as a person would, and waits for the triage queue. */
export async function signInAs(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(/\/referrals$/)
}
