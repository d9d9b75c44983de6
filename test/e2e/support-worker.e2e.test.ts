import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { expectAccessible, launchBrowser, signInAs } from './support/browser.ts'

/** A supervisor assigns the ISA to a victim from the person page; the ISA finds the victim in My work. */
let ctx: TestContext
let browser: Browser
let context: BrowserContext
let baseUrl: string
let personId: string
let supervisorEmail: string
let isaEmail: string

beforeAll(async () => {
  ctx = await createTestContext()
  const supervisor = await createUser(ctx, 'supervisor', 'ds.isa@test.lantern')
  supervisorEmail = supervisor.email
  isaEmail = (await createUser(ctx, 'support', 'isa.kate@test.lantern')).email
  await ctx.db.updateTable('users').set({ display_name: 'Kate Summers (ISA)' }).where('email', '=', isaEmail).execute()
  const token = await apiToken(ctx, supervisor.email)
  const referral = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: londonDate(),
        source: 'police',
        summary: 'Woman found working in a car wash',
        people: [
          {
            names: ['Elena Popescu'],
            approximateAge: 31,
            gender: 'female',
            nationalities: ['RO'],
            role: 'potential-victim',
          },
        ],
      },
    })
  ).json()
  personId = referral.people[0].personId
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context } = await launchBrowser())
})
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

describe('assigning a support worker (ISA) in the browser', () => {
  it('a supervisor assigns the ISA, with an error summary for no selection', async () => {
    const page = await context.newPage()
    await signInAs(page, baseUrl, supervisorEmail, TEST_PASSWORD)
    await page.goto(`${baseUrl}/people/${personId}`)
    await page.locator('summary', { hasText: 'Assign a support worker (ISA)' }).click()
    await page.getByRole('button', { name: 'Assign' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select a support worker (ISA)')
    await expectAccessible(page)
    await page.getByLabel('Support worker (ISA)').selectOption({ label: 'Kate Summers (ISA)' })
    await page.getByRole('button', { name: 'Assign' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Support worker assigned')
    expect(await page.locator('main').textContent()).toMatch(
      /Kate Summers \(ISA\)\s*Since [^,]+, assigned by Test supervisor/,
    )
    await expectAccessible(page)
    await page.close()
  })

  it('the ISA finds the victim in My work and opens their safeguarding plan', async () => {
    const isaContext = await browser.newContext()
    const page = await isaContext.newPage()
    await signInAs(page, baseUrl, isaEmail, TEST_PASSWORD)
    await page.getByRole('link', { name: 'My work' }).click()
    await expect.poll(() => page.locator('main').textContent()).toContain('Victims you support')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Safeguarding plan for Elena Popescu' }).click()
    await page.waitForURL(new RegExp(`/people/${personId}/safeguarding-plan$`))
    expect(await page.locator('h1').textContent()).toMatch(/Safeguarding plan/i)
    await expectAccessible(page)
    await isaContext.close()
  })
})
