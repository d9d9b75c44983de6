import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { completeSecondFactor, expectAccessible, launchBrowser, signInAs } from './support/browser.ts'

/**
 * The public "report a concern" journey in a real browser on a phone-sized screen, with JavaScript off and
 * on; the Welsh toggle; and an officer recording an awareness event. Axe runs on every page.
 */
let ctx: TestContext
let browser: Browser
let defaultContext: BrowserContext
let baseUrl: string
const PHONE = { width: 360, height: 740 }

beforeAll(async () => {
  ctx = await createTestContext()
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context: defaultContext } = await launchBrowser())
  axePage = await defaultContext.newPage()
  await axePage.goto(`${baseUrl}/health`)
})
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

/** Nothing on the page may be wider than the phone's screen (WCAG 1.4.10 reflow). */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = Number(
    await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
  )
  expect(overflow, `sideways scroll on ${page.url()}`).toBeLessThanOrEqual(0)
}

let axePage: Page

/**
 * Axe needs JavaScript, which a no-JavaScript page does not run: the page as the reporter sees it (its HTML,
 * scripts removed) is checked in a JavaScript-enabled tab of the same size on the same origin.
 */
async function check(page: Page) {
  await expectNoSidewaysScroll(page)
  const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, '')
  await axePage.setViewportSize(page.viewportSize() ?? PHONE)
  await axePage.setContent(html, { waitUntil: 'load' })
  await expectAccessible(axePage)
}

async function reportAConcern(page: Page, options: { withContact: boolean }) {
  await page.goto(`${baseUrl}/report`)
  await check(page)
  const main = page.locator('main')
  // The emergency message comes first.
  await expect.poll(() => main.locator('.govuk-warning-text').first().textContent()).toContain('call 999 now')
  await expect.poll(() => main.textContent()).toContain('08000 121 700')
  await page.getByRole('button', { name: 'Start now' }).click()

  await page.waitForURL(/\/report\/what$/)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter what you saw or heard')
  await check(page)
  await page
    .getByLabel('What did you see or hear?')
    .fill(
      'Two women are collected from the nail bar at 11pm by a man who holds their phones. They look exhausted. <b>not bold</b>',
    )
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.waitForURL(/\/report\/where$/)
  await check(page)
  await page
    .getByLabel('Address, business name or a description of the place')
    .fill('Nail bar on Station Road, next to the bakery')
  await page.getByLabel('Town or city (optional)').fill('Northgate')
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.waitForURL(/\/report\/when$/)
  await check(page)
  await page.getByLabel('In the last 7 days').check()
  await page.getByRole('group', { name: 'Is it still happening?' }).getByLabel('Yes').check()
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.waitForURL(/\/report\/people$/)
  await check(page)
  await page.getByLabel('Someone else spoke for them or watched them').check()
  await page.getByLabel('How did they seem? (optional)').fill('Frightened, would not look up')
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.waitForURL(/\/report\/contact$/)
  await check(page)
  if (options.withContact) await page.getByLabel('Phone number (optional)').fill('01632 960 001')
  await page.getByRole('button', { name: 'Continue' }).click()

  await page.waitForURL(/\/report\/check$/)
  await check(page)
  await expect.poll(() => page.locator('.govuk-summary-list').textContent()).toContain('<b>not bold</b>')
  await expect
    .poll(() => page.locator('.govuk-summary-list').textContent())
    .toContain(options.withContact ? '01632 960 001' : 'None: you are staying anonymous')
  await page.getByRole('button', { name: 'Send report' }).click()

  await page.waitForURL(/\/report\/sent$/)
  await check(page)
  const reference = (await page.locator('.lantern-reference').textContent())!.trim()
  expect(reference).toMatch(/^REF-\d{4}-\d{6}$/)
  return reference
}

describe('a member of the public reports a concern on a phone', () => {
  it('works with JavaScript off, and the report appears in the triage queue', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    // No request may leave this site.
    const elsewhere: string[] = []
    page.on('request', (r) => {
      if (!r.url().startsWith(baseUrl)) elsewhere.push(r.url())
    })
    const reference = await reportAConcern(page, { withContact: false })
    expect(elsewhere).toEqual([])
    await context.close()

    const officerPage = await defaultContext.newPage()
    const officer = await createUser(ctx, 'investigator')
    await signInAs(officerPage, baseUrl, officer.email, TEST_PASSWORD)
    await officerPage.goto(`${baseUrl}/referrals?source=public-concern`)
    await officerPage.getByRole('link', { name: reference }).click()
    await expect
      .poll(() => officerPage.locator('main').textContent())
      .toContain('Two women are collected from the nail bar')
    await expect.poll(() => officerPage.locator('main').textContent()).toContain('<b>not bold</b>')
    await expectAccessible(officerPage)
    await officerPage.close()
  })

  it('works with JavaScript on', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: true,
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    const reference = await reportAConcern(page, { withContact: true })
    const stored = await ctx.db
      .selectFrom('referrals')
      .select(['source', 'referrer_contact'])
      .where('reference', '=', reference)
      .executeTakeFirstOrThrow()
    expect(stored).toEqual({ source: 'public-concern', referrer_contact: '01632 960 001' })
    await context.close()
  })

  it('switches to Welsh and back with the language toggle, and reads the signs page in both', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: PHONE })
    const page = await context.newPage()
    await page.goto(`${baseUrl}/report`)
    await page.getByRole('link', { name: 'Cymraeg' }).click()
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('cy')
    await expect.poll(() => page.locator('h1').textContent()).toContain('Rhoi gwybod am bryder am gaethwasiaeth fodern')
    await check(page)
    await page.getByRole('link', { name: 'Adnabod arwyddion caethwasiaeth fodern' }).first().click()
    await page.waitForURL(/\/spot-the-signs$/)
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('cy')
    await check(page)
    await page.getByRole('link', { name: 'English' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Spot the signs of modern slavery')
    await check(page)
    await page.getByRole('link', { name: 'Report a concern' }).first().click()
    await page.waitForURL(/\/report$/)
    await context.close()
  })
})

describe('an officer records an awareness event', () => {
  it('records an event and sees it with its impact (table and chart image) and on the calendar', async () => {
    const pcso = await createUser(ctx, 'pcso')
    const officerContext = await browser.newContext()
    const page = await officerContext.newPage()
    await page.goto(`${baseUrl}/sign-in`)
    await page.getByLabel('Email address').fill(pcso.email)
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await completeSecondFactor(page, pcso.email)
    await page.getByRole('link', { name: 'Outreach' }).click()
    await page.waitForURL(/\/outreach$/)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Record an event' }).click()
    await page.getByRole('button', { name: 'Record event' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter a title for the event')
    await expectAccessible(page)
    const today = new Date()
    await page.getByLabel('Title').fill('Hotel reception staff: spotting the signs')
    await page.getByLabel('Training input').check()
    await page.locator('#startDate-day').fill(String(today.getDate()))
    await page.locator('#startDate-month').fill(String(today.getMonth() + 1))
    await page.locator('#startDate-year').fill(String(today.getFullYear()))
    await page.getByLabel('Start time').fill('10:00')
    await page.getByLabel('In person').check()
    await page.getByLabel('Venue', { exact: true }).fill('Riverside Hotel, Dock Road')
    await page.getByLabel('Hotels').check()
    await page.getByLabel('Organisations in the audience (optional)').fill('Riverside Hotel Group')
    await page.getByLabel('Number of attendees (optional)').fill('18')
    await page.getByRole('button', { name: 'Record event' }).click()
    await page.waitForURL(/\/outreach\/events\/[0-9a-f-]{36}$/)
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('recorded')
    await expectAccessible(page)

    await page.getByRole('link', { name: 'See referrals before and after this event' }).click()
    await page.waitForURL(/\/outreach\/impact\?event=/)
    await expect.poll(() => page.locator('table').textContent()).toContain('Riverside Hotel Group')
    // The chart loads as an image.
    const loaded = await page.evaluate(
      '(() => { const img = document.querySelector(".lantern-chart img"); return img.complete && img.naturalWidth > 0 })()',
    )
    expect(loaded).toBe(true)
    await expectAccessible(page)

    await page.goto(`${baseUrl}/outreach/calendar`)
    await expect.poll(() => page.locator('main').textContent()).toContain('Hotel reception staff: spotting the signs')
    await expectAccessible(page)
    await officerContext.close()
  })
})
