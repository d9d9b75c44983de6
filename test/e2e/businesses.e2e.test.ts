import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildReferral, buildUser } from '../support/builders.ts'
import { createTestContext, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

let ctx: TestContext
let page: Page
let baseUrl: string
let referralId: string

beforeAll(async () => {
  ctx = await createTestContext()
  const dc = await buildUser(ctx, 'investigator', { email: 'dc.businesses.e2e@test.lantern' })
  await ctx.services.places.createBusiness(
    { name: 'Sparkle hand car wash', kind: 'car-wash', notes: null, confirmedNew: true },
    dc.current,
    dc.actor,
  )
  referralId = (
    await buildReferral(ctx, dc, {
      locations: [{ addressLine1: '12 Mill Road', town: 'Northampton', postcode: 'NN2 6AB', premisesType: 'car-wash' }],
    })
  ).id
  ;({ page, baseUrl } = await startBrowserTest(ctx, { signInAs: dc.email }))
})
afterAll(() => closeBrowserTest(ctx))

describe('linking a business where the work happens, in the browser', () => {
  it('finds the business by part of its name from the referral, asks whether it is that one, and lists it', async () => {
    await page.goto(`${baseUrl}/referrals/${referralId}`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Link a business' }).click()
    await page.waitForURL(new RegExp(`/referrals/${referralId}/businesses/link$`))
    await expectAccessible(page)
    // Nothing chosen: the error summary, accessibly.
    await page.getByRole('button', { name: 'Find business' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select how the business is connected')
    await expectAccessible(page)
    await page.getByLabel('Business name').fill('Sparkle')
    await page.getByLabel('Employer of a victim').check()
    await page.getByRole('button', { name: 'Find business' }).click()
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('Is it one of the businesses already recorded?')
    await expectAccessible(page)
    await page.getByLabel('Sparkle hand car wash (Car wash)').check()
    await page.getByRole('button', { name: 'Link business' }).click()
    await page.waitForURL(new RegExp(`/referrals/${referralId}#businesses$`))
    expect(await page.locator('#businesses + ul').textContent()).toContain(
      'Sparkle hand car wash (employer of a victim)',
    )
    await expectAccessible(page)
  })

  it('offers the place already recorded at intake, asking "Is this the same place?"', async () => {
    await page.goto(`${baseUrl}/referrals/new`)
    await page.getByRole('button', { name: 'Start recording' }).click()
    await page.waitForURL(/\/received$/)
    const draft = page.url().replace(/\/received$/, '')
    await page.goto(`${draft}/locations/new`)
    await page.getByLabel('Address line 1').fill('12 Mill Rd')
    await page.getByLabel('Postcode').fill('nn2 6ab')
    await page.getByLabel('Type of premises').selectOption({ label: 'Car wash' })
    await page.getByRole('button', { name: 'Save place' }).click()
    await expect.poll(() => page.locator('main').textContent()).toContain('Is this the same place?')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Save place' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select whether this is the same place')
    expect(await page.getByLabel('Address line 1').inputValue()).toBe('12 Mill Rd')
    await expectAccessible(page)
    await page.getByLabel(/Yes, 12 Mill Road/).check()
    await page.getByRole('button', { name: 'Save place' }).click()
    await page.waitForURL(/\/locations$/)
    expect(await page.locator('main').textContent()).toContain('Yes: linked to the place already recorded')
  })
})
