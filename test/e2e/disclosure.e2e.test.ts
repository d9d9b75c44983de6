import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

let ctx: TestContext
let browser: Browser
let page: Page
let baseUrl: string
let personId: string
let partnerEmail: string

beforeAll(async () => {
  ctx = await createTestContext()
  const supervisor = await createUser(ctx, 'supervisor', 'ds.share@test.lantern')
  const token = await apiToken(ctx, supervisor.email)
  const referral = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: '2026-10-01',
        source: 'police',
        summary: 'Boy found at a car wash',
        people: [
          {
            names: ['Dritan Kelmendi'],
            dateOfBirth: '2010-02-03',
            gender: 'male',
            nationalities: ['AL'],
            role: 'potential-victim',
          },
        ],
        locations: [{ addressLine1: '5 Tanner Row', postcode: 'LS9 8AB', premisesType: 'car-wash' }],
      },
    })
  ).json()
  personId = referral.people[0].personId
  const childrens = await ctx.db
    .selectFrom('agencies')
    .select('id')
    .where('kind', '=', 'childrens-services')
    .executeTakeFirstOrThrow()
  const partner = await createUser(ctx, 'partner', 'mash@test.lantern')
  partnerEmail = partner.email
  await ctx.db.updateTable('users').set({ agency_id: childrens.id }).where('id', '=', partner.id).execute()
  ;({ browser, page, baseUrl } = await startBrowserTest(ctx, { signInAs: supervisor.email }))
})
afterAll(() => closeBrowserTest(ctx))

describe('sharing with a partner in the browser', () => {
  it('records an agreement, discloses two fields to children’s services, and the partner sees only those', async () => {
    await page.goto(`${baseUrl}/agreements`)
    await expectAccessible(page)
    await page.locator('summary', { hasText: 'Record an agreement' }).click()
    await page.getByRole('button', { name: 'Record agreement' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter the agreement’s title')
    await expectAccessible(page)
    await page.getByLabel('Title').fill('MASH information-sharing agreement')
    await page.getByLabel('Local authority children’s services').check()
    await page.getByLabel('Purposes').fill('Safeguarding children at risk of exploitation')
    await page.getByRole('radio', { name: /UK GDPR: safeguarding/ }).check()
    for (const field of ['Name and other names', 'Date of birth or approximate age', 'Addresses and places'])
      await page.getByLabel(field).check()
    const year = new Date().getUTCFullYear()
    for (const [prefix, y] of [
      ['startsOn', year - 1],
      ['reviewOn', year + 1],
      ['endsOn', year + 2],
    ] as const) {
      await page.locator(`#${prefix}-day`).fill('1')
      await page.locator(`#${prefix}-month`).fill('1')
      await page.locator(`#${prefix}-year`).fill(String(y))
    }
    await page.getByRole('button', { name: 'Record agreement' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('MASH information-sharing agreement')

    await page.goto(`${baseUrl}/people/${personId}`)
    await page.getByRole('link', { name: 'Share with a partner, or see what has been shared' }).click()
    await expectAccessible(page)
    await page.getByLabel('Agency', { exact: true }).selectOption({ label: 'Local authority children’s services' })
    await page.getByLabel('Information-sharing agreement').selectOption({ label: 'MASH information-sharing agreement' })
    await page.getByLabel('Why does the agency need it?').fill('Strategy discussion')
    await page.getByLabel('Name and other names').check()
    await page.getByLabel('Date of birth or approximate age').check()
    await page.getByLabel('Phone numbers').check()
    await page.getByRole('button', { name: 'Share' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('does not allow sharing: Phone numbers')
    await expectAccessible(page)
    await page.getByLabel('Phone numbers').uncheck()
    await page.getByRole('button', { name: 'Share' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Shared.')
    expect(await page.locator('table').textContent()).toContain('Live')

    const partnerContext = await browser.newContext()
    const partnerPage = await partnerContext.newPage()
    await partnerPage.goto(`${baseUrl}/sign-in`)
    await partnerPage.getByLabel('Email address').fill(partnerEmail)
    await partnerPage.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await partnerPage.getByRole('button', { name: 'Sign in' }).click()
    await partnerPage.waitForURL(/\/partner$/)
    await expectAccessible(partnerPage)
    await partnerPage.getByRole('link', { name: 'Dritan Kelmendi' }).click()
    const shared = (await partnerPage.locator('main').textContent()) ?? ''
    expect(shared).toContain('Born 3 February 2010')
    expect(shared).not.toContain('Tanner Row')
    expect(shared).not.toContain('car wash')
    await expectAccessible(partnerPage)
    const nav = (await partnerPage.locator('nav').first().textContent()) ?? ''
    expect(nav).not.toContain('Triage queue')
    expect(nav).not.toContain('Search')
    await partnerPage.goto(`${baseUrl}/people/${personId}`)
    expect(await partnerPage.locator('h1').textContent()).toContain('You do not have permission')
    await partnerContext.close()

    await page.goto(`${baseUrl}/audit/disclosures`)
    expect(page.url()).toContain('/audit/disclosures')
  })
})
