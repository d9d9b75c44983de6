import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { seedIndependentSources } from '../support/independent-sources.ts'
import { completeSecondFactor, expectAccessible, launchBrowser } from './support/browser.ts'

let ctx: TestContext
let browser: Browser
let context: BrowserContext
let page: Page
let baseUrl: string

/** Signs in through the pages, with the second factor where the role needs one. */
async function signIn(on: Page, email: string) {
  await on.goto(`${baseUrl}/sign-in`)
  await on.getByLabel('Email address').fill(email)
  await on.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await on.getByRole('button', { name: 'Sign in' }).click()
  await completeSecondFactor(on, email)
}

let plain: Page
let analystEmail: string

beforeAll(async () => {
  ctx = await createTestContext()
  // 300 synthetic people in 2025, each referred by each source independently, so every section shows.
  await seedIndependentSources(ctx.db, {
    seed: 99,
    population: 300,
    year: 2025,
    referencePrefix: 'E2E',
    nationalities: ['GB', 'AL', 'VN'],
    youngestAge: 16,
  })
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context } = await launchBrowser())
  page = await context.newPage()
  analystEmail = (await createUser(ctx, 'analyst', 'analyst.sources.e2e@test.lantern')).email
  await signIn(page, analystEmail)
  // The figures pages must work without JavaScript: a force desktop may have it off.
  plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage()
  await signIn(plain, analystEmail)
}, 240_000)
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

describe('figures across sources, for partners and anonymised, in the browser', () => {
  it('chooses a period with JavaScript off and shows the people across sources and the experimental estimate', async () => {
    await plain.goto(`${baseUrl}/insight/sources`)
    await plain.getByLabel('Referrals received in').selectOption('2025')
    await plain.getByRole('button', { name: 'Show figures' }).click()
    await plain.waitForURL(/period=2025/)
    expect(await plain.locator('h1').textContent()).toContain('People across sources')
    expect(await plain.locator('#estimate').textContent()).toContain('Experimental')
    expect(Number((await plain.locator('#estimate-total').textContent())!.replace(/,/g, ''))).toBeGreaterThan(200)
    expect(await plain.locator('#sensitivity').textContent()).toContain('Independence')
    await plain.getByRole('link', { name: 'Anonymised export' }).click()
    await plain.waitForURL(/\/insight\/anonymised-export/)
    expect(await plain.locator('#generalised').textContent()).toContain('Citizenship')
  })

  it('passes axe on the sources page, the figures for partners and the export check', async () => {
    await page.goto(`${baseUrl}/insight/sources?period=2025`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Figures for partners' }).click()
    await page.waitForURL(/\/insight\/partner-figures/)
    expect(await page.locator('main').textContent()).toContain('Referrals by quarter and type of exploitation')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Anonymised export' }).click()
    await page.waitForURL(/\/insight\/anonymised-export/)
    await expectAccessible(page)
    // A bad period shows the GOV.UK error summary, linked to the select.
    await page.goto(`${baseUrl}/insight/sources?period=1900`)
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Select a period from the list')
    await expectAccessible(page)
  })

  it('shows a partner user the suppressed figures on their portal, accessibly', async () => {
    const partnerPage = await (await browser.newContext()).newPage()
    await signIn(partnerPage, (await createUser(ctx, 'partner', 'partner.figures.e2e@test.lantern')).email)
    await partnerPage.goto(`${baseUrl}/partner`)
    await partnerPage.getByRole('link', { name: 'Referral figures' }).click()
    await partnerPage.waitForURL(/\/partner\/figures/)
    expect(await partnerPage.locator('h1').textContent()).toContain('Referral figures')
    expect(await partnerPage.locator('main').textContent()).toMatch(/Counts from 1 to 4 are shown as “fewer than 5”/)
    await expectAccessible(partnerPage)
  })
})
