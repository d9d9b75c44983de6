import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

let ctx: TestContext
let browser: Browser
let page: Page
let baseUrl: string
let personId: string
let partnerEmail: string

const inDays = (n: number) => {
  const d = new Date(`${londonDate()}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return { day: String(d.getUTCDate()), month: String(d.getUTCMonth() + 1), year: String(d.getUTCFullYear()) }
}

beforeAll(async () => {
  ctx = await createTestContext()
  const supervisor = await createUser(ctx, 'supervisor', 'ds.hub@test.lantern')
  const token = await apiToken(ctx, supervisor.email)
  const referral = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/referrals',
      headers: { authorization: `Bearer ${token}` },
      payload: {
        receivedAt: londonDate(),
        source: 'partner-agency',
        summary: 'Girl found working in a nail bar, no documents',
        people: [
          {
            names: ['Linh Tran'],
            approximateAge: 16,
            gender: 'female',
            nationalities: ['VN'],
            role: 'potential-victim',
          },
        ],
      },
    })
  ).json()
  personId = referral.people[0].personId
  const childrensServices = await ctx.db
    .selectFrom('agencies')
    .select('id')
    .where('kind', '=', 'childrens-services')
    .executeTakeFirstOrThrow()
  // The partnership's agreement the hub is held under, with children's services a party to it.
  const isa = '01900000-0000-7000-8000-00000000e2e1'
  await ctx.db
    .insertInto('sharing_agreements')
    .values({
      id: isa,
      title: 'Riverton exploitation ISA',
      purposes: 'Safeguarding children at risk of exploitation',
      lawful_basis: 'uk-gdpr-safeguarding',
      allowed_fields: ['name', 'date-of-birth', 'referral-summary', 'exploitation-types'],
      starts_on: '2026-01-01',
      review_on: '2027-06-01',
      ends_on: '2027-12-31',
      created_by: null,
    })
    .execute()
  await ctx.db
    .insertInto('sharing_agreement_parties')
    .values({ agreement_id: isa, agency_id: childrensServices.id })
    .execute()
  const partner = await createUser(ctx, 'partner', 'social.worker@test.lantern')
  partnerEmail = partner.email
  await ctx.db.updateTable('users').set({ agency_id: childrensServices.id }).where('id', '=', partner.id).execute()
  ;({ browser, page, baseUrl } = await startBrowserTest(ctx, { signInAs: supervisor.email }))
})
afterAll(() => closeBrowserTest(ctx))

async function fillDate(prefix: string, date: { day: string; month: string; year: string }) {
  await page.locator(`#${prefix}`).getByLabel('Day').fill(date.day)
  await page.locator(`#${prefix}`).getByLabel('Month').fill(date.month)
  await page.locator(`#${prefix}`).getByLabel('Year').fill(date.year)
}

describe('the safeguarding hub in the browser', () => {
  it('creates a plan with a risk, a need, an action for children’s services and a review date', async () => {
    await page.goto(`${baseUrl}/people/${personId}`)
    await page.getByRole('link', { name: 'Safeguarding plan' }).click()
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Start a safeguarding plan' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toMatch(/Safeguarding plan SP-\d{4}-\d{6} started/)
    expect(await page.locator('main').textContent()).toContain('no Independent Child Trafficking Guardian in place')
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Add a risk' }).click()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter the risk')
    await expectAccessible(page)
    await page.getByLabel('Risk', { exact: true }).fill('Contact from the nail bar’s owner')
    await page.getByLabel('Amber').check()
    await page.getByLabel('Why this rating').fill('Owner has her phone number')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Risk added')

    await page.getByRole('link', { name: 'Add a need' }).click()
    await expectAccessible(page)
    await page.getByLabel('Need', { exact: true }).selectOption('interpreter')
    await page.getByLabel('Details (optional)').fill('Vietnamese')
    await page.getByLabel('Not yet met').check()
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Need added')

    await page.getByRole('link', { name: 'Add an action' }).click()
    await expectAccessible(page)
    await page.getByLabel('Action', { exact: true }).fill('Arrange a foster placement')
    await page.getByLabel('Owner').selectOption({ label: 'Local authority children’s services' })
    await fillDate('dueOn', inDays(7))
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Action added')

    await page.getByRole('link', { name: 'Add a review date' }).click()
    await expectAccessible(page)
    await fillDate('dueOn', inDays(2))
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Review date added')
    const main = await page.locator('main').textContent()
    expect(main).toContain('Contact from the nail bar’s owner')
    expect(main).toContain('Arrange a foster placement')
    await expectAccessible(page)
  })

  it('runs a hub meeting from its agenda, records a decision, gives an agency an action with what it needs to act, and produces minutes', async () => {
    await page.getByRole('link', { name: 'Hub meetings' }).click()
    await expectAccessible(page)
    await page.getByLabel('Title').fill('Riverton safeguarding hub')
    await fillDate('heldOn', inDays(0))
    await page.getByRole('button', { name: 'Create meeting and agenda' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Meeting created with its agenda')
    const main = (await page.locator('main').textContent()) ?? ''
    expect(main).toMatch(/Plan due for review: Plan SP-\d{4}-\d{6}/)
    expect(main).toMatch(/New referral: Referral /)
    expect(main).not.toContain('Linh')
    await expectAccessible(page)

    await page.locator('summary', { hasText: 'Record attendance' }).click()
    await page.locator('fieldset', { hasText: 'Team members attending' }).getByLabel('Test supervisor').check()
    await page
      .locator('fieldset', { hasText: 'Agencies invited' })
      .getByLabel('Local authority children’s services')
      .check()
    await page
      .getByLabel('Information-sharing agreement the meeting is held under')
      .selectOption({ label: 'Riverton exploitation ISA' })
    await page.getByRole('button', { name: 'Save attendance' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Attendance recorded')

    await page.locator('#decisionItem').selectOption({ index: 1 })
    await page.getByLabel('Decision', { exact: true }).fill('Placement to be confirmed before the next hub')
    await page.getByRole('button', { name: 'Record decision' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Decision recorded')

    expect(await page.locator('#statement').textContent()).toContain('Lawful basis: UK GDPR: safeguarding')
    // The agency's action goes from the item's page, with what it needs to act, in the same step.
    await page.getByRole('link', { name: 'Share with an agency or give it an action for item 1' }).click()
    await expectAccessible(page)
    await page.getByLabel('Agency', { exact: true }).selectOption({ label: 'Local authority children’s services' })
    await page.getByLabel('Name and other names').check()
    await page.getByLabel('What was reported about them, and when').check()
    await page.getByLabel('Action', { exact: true }).fill('Share the placement address with the police')
    await fillDate('dueOn', inDays(3))
    await page.getByRole('button', { name: 'Share', exact: true }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Action given to the agency, with what it needs to act')
    expect(await page.locator('#shared').textContent()).toContain('Local authority children’s services')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Riverton safeguarding hub' }).click()
    expect(await page.locator('main').textContent()).toContain('Placement to be confirmed before the next hub')

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download the minutes (PDF)' }).click(),
    ])
    expect(download.suggestedFilename()).toMatch(/^hub-minutes-HUB-\d{4}-\d{4}\.pdf$/)
  })

  it('lets a partner from children’s services prepare from what was shared, record what they did, and complete their agency’s action', async () => {
    const partnerContext = await browser.newContext()
    const partnerPage = await partnerContext.newPage()
    await partnerPage.goto(`${baseUrl}/sign-in`)
    await partnerPage.getByLabel('Email address').fill(partnerEmail)
    await partnerPage.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await partnerPage.getByRole('button', { name: 'Sign in' }).click()
    await partnerPage.waitForLoadState()
    await partnerPage.goto(`${baseUrl}/partner/actions`)
    const list = (await partnerPage.locator('main').textContent()) ?? ''
    expect(list).toContain('Arrange a foster placement')
    expect(list).toMatch(/Plan SP-\d{4}-\d{6}/)
    expect(list).not.toContain('Linh')
    await expectAccessible(partnerPage)

    await partnerPage.getByRole('link', { name: /Riverton safeguarding hub/ }).click()
    const meeting = (await partnerPage.locator('main').textContent()) ?? ''
    // What was shared with the agency for the item, under the agreement, and the action that came with it.
    expect(meeting).toContain('Riverton exploitation ISA')
    expect(meeting).toContain('Linh Tran')
    expect(meeting).toContain('Girl found working in a nail bar, no documents')
    expect(meeting).toContain('Share the placement address with the police')
    expect(meeting).not.toContain('Placement to be confirmed before the next hub')
    await expectAccessible(partnerPage)
    const record = partnerPage.locator('.govuk-summary-card', { hasText: 'Shared for:' })
    await record.getByLabel('What you are recording').selectOption({ label: 'Visit' })
    await record.getByLabel(/What your agency knows or did/).fill('Visited the placement: Linh is settled and safe')
    await record.getByRole('button', { name: 'Record' }).click()
    await expect
      .poll(() => partnerPage.locator('.govuk-notification-banner').textContent())
      .toContain('The team sees it on the person’s record')
    expect(await partnerPage.locator('main').textContent()).toContain('Visited the placement: Linh is settled and safe')

    await partnerPage.goto(`${baseUrl}/partner/actions`)
    const card = partnerPage.locator('.govuk-summary-card', { hasText: 'Arrange a foster placement' })
    await card.getByLabel('Add an update (optional)').fill('Specialist foster carer found')
    await card.getByLabel('The action is done').check()
    await card.getByRole('button', { name: /Save update/ }).click()
    await expect
      .poll(() => partnerPage.locator('.govuk-notification-banner').textContent())
      .toContain('Action marked as done')
    await expectAccessible(partnerPage)
    await partnerContext.close()

    await page.goto(`${baseUrl}/people/${personId}/safeguarding-plan`)
    expect(await page.locator('main').textContent()).toContain('Specialist foster carer found')
    await expectAccessible(page)
    // The team sees what the agency recorded on the person's page, with who recorded it.
    await page.goto(`${baseUrl}/people/${personId}`)
    const notes = (await page.locator('main').textContent()) ?? ''
    expect(notes).toContain('From partner agencies')
    expect(notes).toContain('Visited the placement: Linh is settled and safe')
    await expectAccessible(page)
  })
})
