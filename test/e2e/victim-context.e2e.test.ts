import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { expectAccessible, launchBrowser, signInAs } from './support/browser.ts'

/**
 * An officer records how a victim was exploited (issue 15): the optional task from the NRM page, the journey and
 * the perpetrator; then an analyst reads the problem profile built from it. Every page is checked with axe.
 */
let ctx: TestContext
let browser: Browser
let context: BrowserContext
let page: Page
let baseUrl: string
let personId: string
let referralId: string
let analystEmail: string

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator', 'dc.context.e2e@test.lantern')
  analystEmail = (await createUser(ctx, 'analyst', 'analyst.context.e2e@test.lantern')).email
  const token = await apiToken(ctx, officer.email)
  const referral = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: londonDate(),
        source: 'police',
        summary: 'Woman found working long hours at a garment factory, passport held by the supervisor',
        exploitationTypes: ['labour'],
        people: [
          {
            names: ['Mira Dobre'],
            approximateAge: 27,
            gender: 'female',
            nationalities: ['RO'],
            role: 'potential-victim',
          },
          { names: ['Victor Sandu'], approximateAge: 50, gender: 'male', role: 'suspected-exploiter' },
        ],
      },
    })
  ).json()
  personId = referral.people[0].personId
  referralId = referral.id
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context } = await launchBrowser())
  page = await context.newPage()
  await signInAs(page, baseUrl, officer.email, TEST_PASSWORD)
})
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

describe('how a victim was exploited, in the browser', () => {
  it('is recorded from the NRM page as an optional task, with the journey and the perpetrator', async () => {
    await page.goto(`${baseUrl}/referrals/${referralId}/people/${personId}/nrm`)
    await page.getByRole('link', { name: 'About how they were exploited (optional)' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('Record how they were exploited')
    await expectAccessible(page)

    await page.getByRole('group', { name: 'What made them vulnerable?' }).getByLabel('Little or no English').check()
    await page.getByRole('group', { name: 'How were they recruited?' }).getByLabel('Job offer or advert').check()
    await page.getByLabel('Where were they recruited?').fill('Iași')
    await page.getByLabel('In which country?').selectOption({ label: 'Romania' })
    await page
      .getByRole('group', { name: 'Which websites or apps were used to recruit them?' })
      .getByLabel('Social media (for example Facebook, Instagram, TikTok)')
      .check()
    await page
      .getByRole('group', { name: 'How were they controlled?' })
      .getByLabel('Identity documents withheld')
      .check()
    await page.getByRole('group', { name: 'How were they controlled?' }).getByLabel('Debt bondage').check()
    await page
      .getByRole('group', { name: 'In which labour sectors were they exploited?' })
      .getByLabel('Manufacturing: textiles, clothing and leather (C, 13 to 15)')
      .check()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('How they were exploited is recorded')
    await expectAccessible(page)
    expect(await page.locator('h1').textContent()).toContain('Change how they were exploited')
    await page.getByText('Add a place to the journey').click()
    await page.getByRole('button', { name: 'Add to the journey' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Select what happened there')
    await expectAccessible(page)
    await page.getByLabel('Recruitment', { exact: true }).check()
    await page.getByLabel('Town, city or place').fill('Iași')
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'Romania' })
    await page.getByRole('button', { name: 'Add to the journey' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Added to the journey')
    await page.getByText('Add a place to the journey').click()
    await page.getByLabel('Exploitation', { exact: true }).check()
    await page.getByLabel('Town, city or place').fill('Leicester')
    await page.getByLabel('Country', { exact: true }).selectOption({ label: 'United Kingdom' })
    await page.getByRole('button', { name: 'Add to the journey' }).click()
    // The page before already says "Added to the journey" (the first place): wait for the second place itself, or
    // the next click can land on the old page just before the new one replaces it.
    await expect.poll(() => page.locator('main table').textContent()).toContain('Leicester')

    await page.getByText('Add a person who exploited them').click()
    await page.getByLabel('A suspect named in the referral').selectOption({ label: 'Victor Sandu' })
    await page.getByRole('group', { name: 'What part did they play?' }).getByLabel('Controller').check()
    await page.getByRole('button', { name: 'Add this person' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Perpetrator added')
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Back to how they were exploited' }).click()
    const main = (await page.locator('main').textContent()) ?? ''
    expect(main).toContain('Iași, Romania')
    expect(main).toContain('Leicester, United Kingdom')
    expect(main).toContain('Victor Sandu: Controller')
    await expectAccessible(page)
  })

  it('is counted in the problem profile an analyst reads, with where to act', async () => {
    const analyst = await context.browser()!.newContext()
    const analystPage = await analyst.newPage()
    await signInAs(analystPage, baseUrl, analystEmail, TEST_PASSWORD)
    await analystPage.goto(`${baseUrl}/insight`)
    await analystPage.getByRole('link', { name: 'How people are exploited here' }).click()
    await expect.poll(() => analystPage.locator('h1').textContent()).toContain('How people are exploited here')
    const main = (await analystPage.locator('main').textContent()) ?? ''
    expect(main).toContain('1 situation')
    expect(main).toContain('Manufacturing: textiles, clothing and leather (C, 13 to 15)')
    expect(main).toContain('No outreach in this period')
    // One victim's town is not named: fewer than the threshold share it.
    expect(main).not.toContain('Leicester')
    expect(
      await analystPage.locator('img[src*="/insight/exploitation-profile/charts/recruitment-methods.svg"]').count(),
    ).toBe(1)
    await analystPage.getByLabel('Age group').selectOption({ label: 'Adult' })
    await analystPage.getByRole('button', { name: 'Apply filters' }).click()
    await expect.poll(() => analystPage.url()).toContain('age=adult')
    await expectAccessible(analystPage)
    await analyst.close()
  })
})
