import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, completeSecondFactor, expectAccessible, startBrowserTest } from '../support/e2e.ts'

let ctx: TestContext
let browser: Browser
let page: Page
let baseUrl: string
const referrals: { id: string; reference: string; personId: string }[] = []

beforeAll(async () => {
  ctx = await createTestContext()
  const dc = await createUser(ctx, 'investigator', 'dc.retention.e2e@test.lantern')
  const ds = await createUser(ctx, 'supervisor', 'ds.retention.e2e@test.lantern')
  const token = await apiToken(ctx, dc.email)
  for (const [name, closed] of [
    ['Leontyne Harrowgate', '2017-03-01'],
    ['Severin Oakmoor', '2018-09-12'],
  ] as const) {
    const created = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/referrals',
        headers: { authorization: `Bearer ${token}` },
        payload: {
          receivedAt: '2017-01-10',
          source: 'helpline',
          summary: `${name} reported working without pay`,
          exploitationTypes: ['labour'],
          people: [{ names: [name], gender: 'female', role: 'potential-victim' }],
        },
      })
    ).json() as { id: string; reference: string; people: { personId: string }[] }
    await ctx.db
      .updateTable('referrals')
      .set({ status: 'closed', closure_reason: 'no-further-action', closed_at: new Date(closed) })
      .where('id', '=', created.id)
      .execute()
    referrals.push({ id: created.id, reference: created.reference, personId: created.people[0].personId })
  }
  ;({ browser, page, baseUrl } = await startBrowserTest(ctx, { signInAs: ds.email }))
})
afterAll(() => closeBrowserTest(ctx))

describe('the retention review queue in the browser', () => {
  it('holds one record, deletes another, and shows the schedules to confirm, accessibly', async () => {
    await page.goto(`${baseUrl}/retention`)
    await expectAccessible(page)
    const queue = await page.locator('main').textContent()
    expect(queue).toContain(referrals[0].reference)
    expect(queue).toContain('still the defaults modelled on the MoPI review groups')

    // Place a legal hold: a missing reason shows the error summary, then the record moves to the held list.
    await page.getByRole('link', { name: referrals[0].reference }).click()
    await page.waitForURL(new RegExp(`/retention/records/referral-not-proceeded/${referrals[0].id}$`))
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Place legal hold' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter the reason for the legal hold')
    await expectAccessible(page)
    await page.getByLabel('Reason for the hold').fill('Employment tribunal 2026/88')
    await page.getByRole('button', { name: 'Place legal hold' }).click()
    await page.waitForURL(`${baseUrl}/retention`)
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Legal hold placed')
    expect(await page.locator('main table').textContent()).not.toContain(referrals[0].reference)
    await page.getByRole('link', { name: 'On legal hold' }).click()
    expect(await page.locator('main table').textContent()).toContain('Employment tribunal 2026/88')
    await expectAccessible(page)

    // Delete the other: the person on it goes with it.
    await page.goto(`${baseUrl}/retention/records/referral-not-proceeded/${referrals[1].id}`)
    await page.getByLabel('Why it is no longer needed').fill('No policing purpose at review')
    await page.getByRole('button', { name: 'Delete record' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Confirm that this record')
    expect(await page.getByLabel('Why it is no longer needed').inputValue()).toBe('No policing purpose at review')
    await page.getByLabel('I understand this cannot be undone').check()
    await page.getByRole('button', { name: 'Delete record' }).click()
    await page.waitForURL(`${baseUrl}/retention`)
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('1 person erased everywhere')
    expect(
      await ctx.db.selectFrom('people').select('id').where('id', '=', referrals[1].personId).executeTakeFirst(),
    ).toBeUndefined()

    await page.getByRole('link', { name: 'Review schedules' }).click()
    await page.waitForURL(`${baseUrl}/retention/schedules`)
    await expectAccessible(page)
    expect(await page.locator('main').textContent()).toContain('Default: to confirm')
  })

  it('prepares a subject access export, shows the audit log by category, and asks before erasing, accessibly', async () => {
    // Erasing a person outside the review cycle, as the supervisor: refusing without a confirmation.
    await page.goto(`${baseUrl}/retention/people/${referrals[0].personId}/erase`)
    await expectAccessible(page)
    expect(await page.locator('main').textContent()).toContain('A legal hold is on a record that holds this person')
    await page.getByRole('button', { name: 'Erase this person' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter why this person’s record must be erased',
    )
    await expectAccessible(page)

    const auditor = await createUser(ctx, 'auditor', 'dpo.retention.e2e@test.lantern')
    const dpoContext = await browser.newContext()
    const dpo = await dpoContext.newPage()
    await dpo.goto(`${baseUrl}/sign-in`)
    await dpo.getByLabel('Email address').fill(auditor.email)
    await dpo.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await dpo.getByRole('button', { name: 'Sign in' }).click()
    await completeSecondFactor(dpo, auditor.email)

    await dpo.goto(`${baseUrl}/subject-access`)
    await dpo.getByLabel('Person’s Lantern id').fill(referrals[0].personId)
    await dpo.getByLabel('Request reference').fill('SAR/2026/020')
    await dpo.getByRole('button', { name: 'Prepare for review' }).click()
    await dpo.waitForURL(/\/subject-access\?/)
    const prepared = await dpo.locator('main').textContent()
    expect(prepared).toContain('Leontyne Harrowgate')
    expect(prepared).toContain('Download the PDF')
    await expectAccessible(dpo)

    await dpo.goto(`${baseUrl}/audit/log?category=erasure&days=1`)
    expect(await dpo.locator('main table').textContent()).toContain('Retention: record erased')
    await expectAccessible(dpo)
    await dpoContext.close()
  })
})
