import { readFileSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, type TestContext } from '../support/test-app.ts'
import { pdfText } from '../support/pdf-text.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

let ctx: TestContext
let page: Page
let baseUrl: string
let referralId: string
const thisYear = new Date().getUTCFullYear()

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator', 'dc.screening@test.lantern')
  const token = await apiToken(ctx, officer.email)
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      receivedAt: '2026-05-11',
      source: 'helpline',
      summary: 'Two workers seen living at a nail bar.',
      people: [
        {
          names: ['Thảo Nguyễn'],
          dateOfBirth: `${thisYear - 16}-02-03`,
          gender: 'female',
          nationalities: ['VN'],
          role: 'potential-victim',
        },
        {
          names: ['Lan Tran'],
          dateOfBirth: '1990-08-08',
          gender: 'female',
          nationalities: ['VN'],
          role: 'potential-victim',
        },
      ],
      locations: [{ addressLine1: '9 Market Place', postcode: 'LS11 5AB', premisesType: 'nail-bar' }],
      exploitationTypes: ['labour'],
    },
  })
  referralId = created.json().id
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${referralId}/assignment`,
    headers: { authorization: `Bearer ${token}` },
    payload: { assigneeId: officer.id, note: null },
  })
  ;({ page, baseUrl } = await startBrowserTest(ctx, { signInAs: officer.email }))
})
afterAll(() => closeBrowserTest(ctx))

async function next() {
  await expectAccessible(page)
  await page.getByRole('button', { name: 'Continue' }).click()
}

async function screen(name: string, answers: { dobYear: string; consent?: 'refused' }) {
  await page.goto(`${baseUrl}/referrals/${referralId}`)
  await page.getByRole('link', { name: `Screening, consent and NRM for ${name}` }).click()
  await expectAccessible(page)
  await page.getByRole('button', { name: 'Screen this person' }).click()
  await page.waitForURL(/\/age$/)
  expect(await page.locator('#dateOfBirth-year').inputValue()).toBe(answers.dobYear)
  await page.getByRole('group', { name: 'Is their age disputed?' }).getByLabel('No').check()
  await page.getByLabel('None done or needed').check()
  await next()
  await page.getByLabel('England').check()
  await page.getByLabel('Who encountered them?').selectOption('police')
  await page.getByRole('group', { name: 'Did they work in a diplomat’s household?' }).getByLabel('No').check()
  await page.getByRole('group', { name: 'Is there a safeguarding concern?' }).getByLabel('Yes').check()
  await next()
  await page.getByRole('group', { name: 'Did someone arrange or help with their travel?' }).getByLabel('Yes').check()
  await page.getByLabel('Into the UK').check()
  await page.getByLabel('Recruited or brought in by the people who exploit them').check()
  await page.getByLabel('No: it continued, for example through a debt or control').check()
  await next()
  await page.getByLabel('What were they made to do, or was intended for them?').fill('forced labour in a nail bar')
  await page.getByRole('group', { name: 'Could this involve County Lines?' }).getByLabel('No').check()
  await page
    .getByRole('group', { name: 'Did the exploitation happen when they were under 18?' })
    .getByLabel('No')
    .check()
  await next()
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect
    .poll(() => page.locator('.govuk-error-summary').textContent())
    .toContain('Select the indicators you have seen')
  await page.getByLabel('Lives at the workplace').check()
  await page.getByLabel('Little or no pay, wages withheld or heavy deductions').check()
  await page
    .getByRole('group', { name: /Means of control used/ })
    .getByLabel('Debt bondage')
    .check()
  await next()
  if (answers.consent) {
    await page.getByLabel('No, they declined').check()
    await page.locator('#consentDate-day').fill('12')
    await page.locator('#consentDate-month').fill('5')
    await page.locator('#consentDate-year').fill('2026')
    await page.getByLabel('Who explained the NRM to them?').fill('DC Shah')
    await page.getByRole('group', { name: 'Was an interpreter used?' }).getByLabel('Yes').check()
    await page.getByLabel('Language the interpreter used (if any)').fill('Vietnamese')
    await next()
  }
  await page.getByRole('group', { name: 'Are they suspected of an offence?' }).getByLabel('No').check()
  await next()
  await page.waitForURL(/\/outcome$/)
  await expectAccessible(page)
}

async function download(linkName: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: linkName }).click()])
  return pdfText(readFileSync((await file.path())!))
}

describe('screening in the browser', () => {
  it('screens a 16-year-old: NRM with child safeguarding, with reasons; records the referral; shows the deadline; gives the summary PDF', async () => {
    await screen('Thảo Nguyễn', { dobYear: String(thisYear - 16) })
    const panel = await page.locator('.govuk-panel').textContent()
    expect(panel).toContain('NRM referral and child safeguarding')
    const reasons = await page.locator('main').textContent()
    expect(reasons).toContain('They are 16, so under 18.')
    expect(reasons).toContain('No consent and no “means” are needed')
    await page.getByLabel('Yes, confirm it').check()
    await page.getByRole('button', { name: 'Record decision' }).click()
    await page.waitForURL(/\/nrm$/)
    await expectAccessible(page)
    await page.locator('#submittedOn-day').fill('11')
    await page.locator('#submittedOn-month').fill('5')
    await page.locator('#submittedOn-year').fill('2026')
    await page.getByLabel('Single Competent Authority').check()
    await page.getByRole('button', { name: 'Record NRM referral' }).click()
    // No NRM form was prepared in Lantern: recording the referral needs the officer to say it went another way.
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('The NRM form in Lantern has')
    await expectAccessible(page)
    expect(await page.locator('#submittedOn-day').inputValue()).toBe('11') // typed work kept
    expect(await page.getByLabel('Single Competent Authority').isChecked()).toBe(true)
    await page
      .getByLabel('The referral was completed on the Home Office service without the form prepared in Lantern')
      .check()
    await page.getByRole('button', { name: 'Record NRM referral' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Reasonable grounds decision due 18 May 2026')
    await expectAccessible(page)
    const summary = await download('Download the NRM referral summary (PDF)')
    expect(summary).toContain('Thảo Nguyễn')
    expect(summary).toContain('NRM referral and child safeguarding')
    await page.getByRole('link', { name: 'My work' }).click()
    const work = await page.locator('table').textContent()
    expect(work).toContain('Reasonable grounds decision due')
    expect(work).toContain('Thảo Nguyễn')
    expect(work).toContain('Overdue')
    await expectAccessible(page)
  })

  it('screens an adult who refuses consent: the anonymised Duty to Notify, whose PDF has no identifiers', async () => {
    await screen('Lan Tran', { dobYear: '1990', consent: 'refused' })
    expect(await page.locator('.govuk-panel').textContent()).toContain('Duty to Notify')
    expect(await page.locator('main').textContent()).toContain('R04')
    await page.getByLabel('Yes, confirm it').check()
    await page.getByRole('button', { name: 'Record decision' }).click()
    await page.waitForURL(/\/nrm$/)
    expect(await page.locator('main').textContent()).toContain('Declined')
    await page.locator('#dtnSubmittedOn-day').fill('12')
    await page.locator('#dtnSubmittedOn-month').fill('5')
    await page.locator('#dtnSubmittedOn-year').fill('2026')
    await page.getByLabel('UK only').check()
    await page.getByRole('button', { name: 'Record Duty to Notify' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Duty to Notify recorded')
    await expectAccessible(page)
    const dtn = await download('Download the anonymised summary (PDF)')
    expect(dtn).toContain('Duty to Notify summary (anonymised)')
    expect(dtn).toContain('Vietnam')
    for (const identifier of ['Lan Tran', 'Tran', '1990', 'Market Place', 'LS11', 'REF-'])
      expect(dtn, identifier).not.toContain(identifier)
  })
})
