import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, completeSecondFactor, expectAccessible, startBrowserTest } from '../support/e2e.ts'
import { signInAs } from './support/browser.ts'

let ctx: TestContext
let browser: Browser
let page: Page
let baseUrl: string
let officer: { id: string; email: string }
const visited = new Set<string>()

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  ;({ browser, page, baseUrl } = await startBrowserTest(ctx))
})
afterAll(() => closeBrowserTest(ctx))

/** Checks accessibility once for each distinct page visited (by path, ids folded). */
async function checkPage() {
  const key = new URL(page.url()).pathname.replace(/[0-9a-f-]{36}/g, ':id').replace(/\/\d+$/, '/:n')
  await expectAccessible(page)
  visited.add(key)
}

function signIn(p: Page, email: string) {
  return signInAs(p, baseUrl, email, TEST_PASSWORD)
}

async function fillDate(prefix: string, day: string, month: string, year: string) {
  await page.locator(`#${prefix}-day`).fill(day)
  await page.locator(`#${prefix}-month`).fill(month)
  await page.locator(`#${prefix}-year`).fill(year)
}

describe('a detective records and triages a referral in the browser', () => {
  it('signs in, records a referral with two people and a place, finds it, assigns it, changes its status and signs out', async () => {
    await page.goto(`${baseUrl}/`)
    await expect.poll(() => page.url()).toContain('/sign-in')
    await checkPage()
    await page.getByLabel('Email address').fill(officer.email)
    await page.getByLabel('Password', { exact: true }).fill('wrong password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Enter a correct email address and password')
    await checkPage()
    await page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await completeSecondFactor(page, officer.email)
    await page.waitForURL(/\/referrals$/)
    await checkPage()

    await page.getByRole('link', { name: 'Record a referral' }).first().click()
    await page.waitForURL(/\/referrals\/new$/)
    await checkPage()
    await page.getByRole('button', { name: 'Start recording' }).click()
    await page.waitForURL(/\/received$/)
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter date received')
    await checkPage()
    await fillDate('receivedDate', '3', '3', '2026')
    await page.getByLabel('Time received (optional)').fill('09:45')
    await page.getByLabel('Modern Slavery & Exploitation Helpline').check()
    await page
      .getByLabel('Referring organisation (optional)', { exact: true })
      .fill('Modern Slavery & Exploitation Helpline')
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/what-happened$/)
    await checkPage()
    await page
      .getByLabel('What happened?')
      .fill(
        'A caller saw two young men dropped at a car wash at 6am every day and collected at 10pm. They look exhausted and never speak to customers.',
      )
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/people$/)
    await checkPage()
    for (const person of [
      { name: 'Andrei Popescu', age: '19', nationality: 'Romania', role: 'Potential victim', gender: 'Male' },
      { name: 'Florin Stoica', age: '17', nationality: 'Romania', role: 'Potential victim', gender: 'Male' },
    ]) {
      await page.getByRole('button', { name: 'Add a person' }).click()
      await page.waitForURL(/\/people\/new$/)
      await page.getByLabel('Full name').fill(person.name)
      await page.getByLabel(/Approximate age/).fill(person.age)
      await page
        .getByRole('group', { name: 'Is the person’s age disputed?' })
        .getByLabel(person.age === '17' ? 'Yes' : 'No')
        .check()
      await page.getByRole('group', { name: 'Gender' }).getByLabel(person.gender, { exact: true }).check()
      await page.getByLabel('Nationality', { exact: true }).selectOption({ label: person.nationality })
      await page.getByLabel('Languages spoken (optional)').fill('Romanian')
      await page.getByLabel(person.role).check()
      await checkPage()
      await page.getByRole('button', { name: 'Save person' }).click()
      await page.waitForURL(/\/people$/)
    }
    await expect
      .poll(() => page.locator('.govuk-summary-card__title').allTextContents())
      .toEqual(['Andrei Popescu', 'Florin Stoica'])
    await checkPage()
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/locations$/)
    await page.getByRole('button', { name: 'Add a place' }).click()
    await page.getByLabel('Postcode').fill('not a postcode')
    await page.getByRole('button', { name: 'Save place' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Enter a real UK postcode, like SW1A 1AA')
    await checkPage()
    await page.getByLabel('Address line 1').fill('Unit 4, Dock Road')
    await page.getByLabel('Town or city (optional)').fill('Riverton')
    await page.getByLabel('Postcode').fill('hu3 4ab')
    await page.getByLabel('Type of premises').selectOption({ label: 'Car wash' })
    await page.getByRole('button', { name: 'Save place' }).click()
    await page.waitForURL(/\/locations$/)
    await checkPage()
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/exploitation$/)
    await checkPage()
    await page.getByLabel('Labour exploitation').check()
    await page.getByRole('group', { name: 'Could this involve County Lines?' }).getByLabel('No').check()
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/check$/)
    await checkPage()
    await page.getByRole('button', { name: 'Record referral' }).click()
    await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/)
    const banner = await page.locator('.govuk-notification-banner').textContent()
    const reference = /REF-2026-\d{6}/.exec(banner ?? '')![0]
    await checkPage()

    await page.getByRole('link', { name: 'Triage queue' }).first().click()
    await page.getByLabel('Source').selectOption({ label: 'Modern Slavery & Exploitation Helpline' })
    await page.getByRole('button', { name: 'Apply filters' }).click()
    await checkPage()
    await page.getByRole('link', { name: reference }).click()

    await page.getByLabel('Officer').selectOption({ label: 'Test investigator' })
    await page.getByLabel('Note (optional)').fill('Taking this one')
    await page.getByRole('button', { name: 'Assign' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Referral assigned')
    await checkPage()

    await page.getByLabel('In triage').check()
    await page.getByLabel('Why are you making this change?').fill('Contacting the helpline for the caller’s details')
    await page.getByRole('button', { name: 'Change status' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Status changed to in triage')
    const timeline = await page.locator('.moj-timeline').textContent()
    expect(timeline).toContain('Status changed from new to in triage')
    expect(timeline).toContain('Contacting the helpline for the caller’s details')
    expect(timeline).toContain('Assigned to Test investigator')
    await checkPage()

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/\/sign-in\?signedOut=1$/)
    await checkPage()
    await page.goto(`${baseUrl}/referrals`)
    await expect.poll(() => page.url()).toContain('/sign-in?returnTo=')
    expect(visited.size).toBeGreaterThanOrEqual(11)
  })

  it('works without JavaScript: the closure reason is shown and required', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false })
    const p = await noJs.newPage()
    try {
      await signIn(p, officer.email)
      await p.locator('table a.govuk-link').first().click()
      await p.getByLabel('Closed').check()
      await p.getByLabel('Why are you making this change?').fill('Duplicate')
      await p.getByRole('button', { name: 'Change status' }).click()
      await expect
        .poll(() => p.locator('.govuk-error-summary').textContent())
        .toContain('Select why the referral is being closed')
      expect(await p.getByLabel('Why are you making this change?').inputValue()).toBe('Duplicate')
    } finally {
      await noJs.close()
    }
  })

  it('keeps the settings page and the error pages accessible', async () => {
    const supervisor = await createUser(ctx, 'supervisor')
    const other = await browser.newContext()
    const p = await other.newPage()
    try {
      await signIn(p, supervisor.email)
      await p.getByRole('link', { name: 'Settings' }).click()
      await p.getByRole('button', { name: 'Add priority' }).click()
      await expect
        .poll(() => p.locator('.govuk-error-summary').textContent())
        .toContain('Enter the name of the strategic priority')
      await expectAccessible(p)
      await p.goto(`${baseUrl}/no-such-page`)
      expect(await p.locator('h1').textContent()).toBe('Page not found')
      await expectAccessible(p)
    } finally {
      await other.close()
    }
  })
})
