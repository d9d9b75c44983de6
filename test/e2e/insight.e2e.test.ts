import type { Browser, BrowserContext, Page } from 'playwright-core'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'
import { signInAs } from './support/browser.ts'

/**
 * The team dashboard as a DI uses it on an old force desktop: with JavaScript off (filters are a GET form,
 * charts are images, downloads are links), and checked with axe in a browser where it can run.
 */
let ctx: TestContext
let browser: Browser
let noJs: BrowserContext
let page: Page
let plain: Page
let baseUrl: string
const EMAIL = 'di.figures@test.lantern'

beforeAll(async () => {
  ctx = await createTestContext()
  await createUser(ctx, 'supervisor', EMAIL)
  await sql
    .raw(
      `INSERT INTO referrals (id, reference, received_at, source, summary, exploitation_types, county_lines, priority_tags, status) VALUES
        ('00000000-0000-4000-8000-000000000001', 'E-1', '2026-01-10 09:00Z', 'police', 'Synthetic', '{labour}', false, '{textile-industry}', 'new'),
        ('00000000-0000-4000-8000-000000000002', 'E-2', '2026-01-20 09:00Z', 'helpline', 'Synthetic', '{labour,sexual}', false, '{sexual-exploitation}', 'new'),
        ('00000000-0000-4000-8000-000000000003', 'E-3', '2026-02-05 09:00Z', 'police', 'Synthetic', '{criminal}', true, '{}', 'new');
      INSERT INTO people (id, gender, nationalities, date_of_birth) VALUES
        ('00000000-0000-4000-9000-000000000001', 'male', '{AL}', '1990-01-01'),
        ('00000000-0000-4000-9000-000000000002', 'female', '{VN}', '2010-01-01');
      INSERT INTO referral_subjects (referral_id, person_id, role, position) VALUES
        ('00000000-0000-4000-8000-000000000001', '00000000-0000-4000-9000-000000000001', 'potential-victim', 0),
        ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-9000-000000000002', 'potential-victim', 0);`,
    )
    .execute(ctx.db)
  ;({ browser, page, baseUrl } = await startBrowserTest(ctx, { signInAs: EMAIL }))
  noJs = await browser.newContext({ javaScriptEnabled: false })
  plain = await noJs.newPage()
  await signInAs(plain, baseUrl, EMAIL, TEST_PASSWORD)
})
afterAll(() => closeBrowserTest(ctx))

describe('the team dashboard without JavaScript', () => {
  it('opens from the service navigation, with charts as images and the same figures in tables', async () => {
    await plain.getByRole('link', { name: 'Figures' }).click()
    await plain.waitForURL(/\/insight$/)
    expect(await plain.locator('h1').textContent()).toBe('Team figures')
    expect(await plain.locator('main').textContent()).toContain('3 referrals, with 2 potential victims')
    const labour = plain.locator('#exploitation ~ .govuk-grid-row tr', { hasText: 'Labour exploitation' })
    expect((await labour.locator('td').allTextContents()).map((t) => t.trim())).toEqual(['1', '1', '2'])
    const img = plain.locator('img[src^="/insight/charts/source.svg"]')
    expect(await img.getAttribute('alt')).toContain('Bar chart of referrals by source')
    const chart = await plain.request.get(`${baseUrl}${await img.getAttribute('src')}`)
    expect(chart.headers()['content-type']).toContain('image/svg+xml')
    expect(await chart.text()).toContain('Police report or live job')
  })

  it('filters by dates and priority with a GET form, explaining a bad date', async () => {
    await plain.goto(`${baseUrl}/insight`)
    await plain.locator('#from').getByLabel('Day').fill('31')
    await plain.locator('#from').getByLabel('Month').fill('2')
    await plain.locator('#from').getByLabel('Year').fill('2026')
    await plain.getByRole('button', { name: 'Apply filters' }).click()
    expect(await plain.locator('.govuk-error-summary').textContent()).toContain('Start date must be a real date')
    expect(await plain.locator('#from-day').inputValue()).toBe('31')
    await plain.locator('#from').getByLabel('Day').fill('15')
    await plain.locator('#from').getByLabel('Month').fill('1')
    await plain.getByLabel('Strategic priority').selectOption('sexual-exploitation')
    await plain.getByRole('button', { name: 'Apply filters' }).click()
    expect(plain.url()).toContain('priority=sexual-exploitation')
    const text = await plain.locator('main').textContent()
    expect(text).toContain('received on or after 15 January 2026; strategic priority: Sexual exploitation')
    expect(text).toContain('1 referral, with 1 potential victim')
    const csvHref = await plain.getByRole('link', { name: 'CSV of referrals by source' }).getAttribute('href')
    expect(csvHref).toContain('priority=sexual-exploitation')
    const csv = await plain.request.get(`${baseUrl}${csvHref}`)
    expect(await csv.text()).toContain('Modern Slavery & Exploitation Helpline,1,100.0%')
  })

  it('produces the quarterly return with a form, and refuses a bad quarter', async () => {
    await plain.goto(`${baseUrl}/insight`)
    await plain.getByRole('link', { name: 'Home Office quarterly return' }).click()
    await plain.getByLabel('Quarter', { exact: true }).fill('2026-Q9')
    await plain.getByRole('button', { name: 'Show the return' }).click()
    expect(await plain.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a quarter as a year, a hyphen and Q1 to Q4',
    )
    await plain.getByLabel('Quarter', { exact: true }).fill('2026-Q1')
    await plain.getByRole('button', { name: 'Show the return' }).click()
    expect(await plain.locator('main h2').first().textContent()).toContain('January to March 2026')
    const download = await plain.request.get(`${baseUrl}/insight/quarterly-return.xlsx?quarter=2026-Q1`)
    expect(download.headers()['content-type']).toContain('spreadsheetml')
  })
})

describe('the dashboard passes axe', () => {
  it('with figures, with filter errors, and the quarterly return', async () => {
    await page.goto(`${baseUrl}/insight`)
    await expectAccessible(page)
    await page.goto(`${baseUrl}/insight?from-day=31&from-month=2&from-year=2026&to-day=1&to-month=1&to-year=2026`)
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Start date must be a real date')
    await expectAccessible(page)
    await page.goto(`${baseUrl}/insight?from-day=1&from-month=3&from-year=2026&to-day=1&to-month=1&to-year=2026`)
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'End date must be the same as or after the start date',
    )
    await expectAccessible(page)
    await page.goto(`${baseUrl}/insight/quarterly-return?quarter=2026-Q1`)
    await expectAccessible(page)
  })
})
