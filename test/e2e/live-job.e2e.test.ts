import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, completeSecondFactor, expectAccessible, startBrowserTest } from '../support/e2e.ts'
import { signInAs } from './support/browser.ts'

let ctx: TestContext
let browser: Browser
let page: Page
let baseUrl: string
let referralId: string
let victimReferralId: string
let victimId: string
let caseUrl: string

beforeAll(async () => {
  ctx = await createTestContext()
  const supervisor = await createUser(ctx, 'supervisor', 'ds.livejob@test.lantern')
  const token = await apiToken(ctx, supervisor.email)
  const post = (payload: object) =>
    ctx.app
      .inject({ method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}` }, payload })
      .then((r) => r.json())
  const victimReferral = await post({
    receivedAt: '2026-05-02',
    source: 'partner-agency',
    summary: 'Boy reported missing, found in another town holding drugs.',
    countyLines: true,
    exploitationTypes: ['criminal'],
    people: [{ names: ['Callum Doherty'], approximateAge: 16, gender: 'male', role: 'potential-victim' }],
  })
  victimReferralId = victimReferral.id
  victimId = victimReferral.people[0].personId
  const referral = await post({
    receivedAt: '2026-05-20',
    source: 'police',
    summary: 'Drugs supplied into Riverton from a city line.',
    countyLines: true,
    exploitationTypes: ['criminal'],
    people: [{ names: ['Liam Clarke'], approximateAge: 22, gender: 'male', role: 'suspected-exploiter' }],
    locations: [{ addressLine1: '3 Weaver Close', postcode: 'NG7 2AB', premisesType: 'private-house' }],
  })
  referralId = referral.id
  ;({ browser, page, baseUrl } = await startBrowserTest(ctx, { signInAs: supervisor.email }))
})
afterAll(() => closeBrowserTest(ctx))

async function open(summary: string) {
  const details = page.locator('details', { has: page.locator('summary', { hasText: summary }) })
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click()
  return details
}

describe('a live job in the browser', () => {
  it('opens a case from a referral, adds a suspect who is a victim elsewhere, a deal line, a cuckooed address, a task and a decision', async () => {
    await page.goto(`${baseUrl}/referrals/${referralId}`)
    await expectAccessible(page)
    // The crime number first: a reference with no kind is refused in the error summary, then recorded.
    let refForm = await open('Add a reference')
    await refForm.getByLabel('Reference', { exact: true }).fill('NT/2026/00451')
    await refForm.getByRole('button', { name: 'Add reference' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select the kind of reference')
    await expectAccessible(page)
    refForm = await open('Add a reference')
    await refForm.getByLabel('Kind of reference').selectOption('crime')
    await refForm.getByRole('button', { name: 'Add reference' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Crime number NT/2026/00451 added')
    expect(await page.locator('#reference-list').textContent()).toMatch(/Crime number\s+NT\/2026\/00451/)
    await page.getByLabel('Title').fill('Operation Laud: Riverton line')
    await page.getByRole('button', { name: 'Open live job' }).click()
    await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/)
    caseUrl = page.url()
    expect(await page.locator('.govuk-notification-banner').textContent()).toMatch(/Live job CASE-\d{4}-\d{6} opened/)
    expect(await page.locator('main').textContent()).toContain('Liam Clarke')
    expect(await page.locator('#reference-list').textContent()).toMatch(/NT\/2026\/00451\s*Carried from referral REF-/)
    await expectAccessible(page)

    // Callum is a potential victim in another referral; here he is also a suspect.
    let form = await open('Add a person')
    await form.getByLabel('An existing person’s Lantern id (from their record)').fill(victimId)
    await form.getByLabel('Role in this live job').selectOption('suspect')
    await form.getByRole('button', { name: 'Add person' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Person added')

    form = await open('Add a deal line')
    await form.getByLabel('Deal line number').fill('07911 123456')
    await form.getByLabel('Line name').fill('Riverton')
    await form.getByLabel('Area supplied (optional)').fill('Riverton town centre')
    await form.getByLabel('Who runs or works it (optional)').selectOption({ label: 'Callum Doherty' })
    await form.getByLabel('Works on it').check()
    await form.getByRole('button', { name: 'Add deal line' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Deal line added')
    expect(await page.locator('.govuk-summary-card').first().textContent()).toContain('Child')

    form = await open('Add a cuckooed address')
    await form.getByRole('button', { name: 'Add cuckooed address' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter the address')
    await expectAccessible(page)
    form = await open('Add a cuckooed address')
    await form.getByLabel('Address', { exact: true }).fill('18 Mill Lane')
    await form.getByLabel('Occupant’s name').fill('Dean Evans')
    await form.getByLabel('Occupant’s vulnerability').fill('learning disability')
    await form.getByRole('button', { name: 'Add cuckooed address' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Cuckooed address added')

    form = await open('Add a task')
    await form.getByLabel('What needs doing').fill('Return home interview for Callum')
    await form.getByLabel('Owner').selectOption({ label: 'Test supervisor' })
    await form.getByRole('button', { name: 'Add task' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Task added')
    await page.getByRole('button', { name: /Mark as done.*Return home interview for Callum/ }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Task completed')

    form = await open('Record a decision')
    await form.locator('#decidedOn-day').fill('21')
    await form.locator('#decidedOn-month').fill('5')
    await form.locator('#decidedOn-year').fill('2026')
    await form.getByLabel('Decision', { exact: true }).fill('Treat Callum as a victim first; refer to the NRM')
    await form.getByLabel('Rationale').fill('Missing episodes, debt to the line holder, age 16')
    await form.getByRole('button', { name: 'Record decision' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Decision recorded')
    const main = await page.locator('main').textContent()
    expect(main).toContain('Also a potential victim: protected')
    expect(main).toContain('Treat Callum as a victim first')
    expect(main).toContain('Cuckooed')
    await expectAccessible(page)

    await page.goto(`${baseUrl}/people/${victimId}`)
    const person = await page.locator('main').textContent()
    expect(person).toContain('Potential victim')
    expect(person).toContain('Suspect')
    await expectAccessible(page)
    await page.goto(`${baseUrl}/cases`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Search' }).click()
    await page.getByLabel('Name, phone, vehicle, postcode or reference').fill('Calum Doherty')
    await page.getByRole('button', { name: 'Search' }).click()
    expect(await page.locator('table').textContent()).toContain('Callum Doherty')
    await expectAccessible(page)
    await page.goto(`${baseUrl}/operations`)
    await page.getByLabel('Name').fill('Operation Laud')
    await page.getByRole('button', { name: 'Start operation' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Operation Laud created')
    await expectAccessible(page)
    await page.goto(caseUrl)
    await page.getByLabel('Operation').selectOption({ label: 'Operation Laud' })
    await page.getByRole('button', { name: 'Set operation' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Operation updated')
    expect(caseUrl).toContain('/cases/')
    expect(victimReferralId).toBeTruthy()
  })

  it('involves the CCE/CSE team from the partner directory, suspends the job, and records where a person lives', async () => {
    await page.goto(`${baseUrl}/partners`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Child criminal and sexual exploitation team (CCE/CSE)' }).click()
    await expectAccessible(page)
    let form = await open('Add a contact')
    await form.getByLabel('Name').fill('DS Alex Morgan')
    await form.getByRole('button', { name: 'Add contact' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Enter a telephone number or an email address')
    await expectAccessible(page)
    form = await open('Add a contact')
    await form.getByLabel('Telephone').fill('0113 496 0000')
    await form.getByRole('button', { name: 'Add contact' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('DS Alex Morgan added as a contact')

    await page.goto(caseUrl)
    expect(await page.locator('main').textContent()).toContain(
      'Involve the force’s child criminal and sexual exploitation team',
    )
    form = await open('Involve a partner agency')
    await form
      .getByLabel('Contact (optional)')
      .selectOption({ label: 'DS Alex Morgan (Child criminal and sexual exploitation team (CCE/CSE))' })
    await form.getByLabel('What are they doing?').fill('Strategy meeting for Callum')
    await form.getByRole('button', { name: 'Add agency' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Agency involved')
    expect(await page.locator('main').textContent()).toContain('Strategy meeting for Callum')

    form = await open('Change status')
    await form.getByLabel('Suspended').check()
    await form.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Enter why the live job is being suspended')
    await expectAccessible(page)
    form = await open('Change status')
    await form.getByLabel('Reason').fill('Waiting for the strategy meeting')
    await form.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Live job updated')
    expect(await page.locator('main').textContent()).toContain(
      'Status changed from open to suspended: Waiting for the strategy meeting',
    )

    await page.goto(`${baseUrl}/people/${victimId}`)
    form = await open('Add a place')
    await form.getByLabel('Address').fill('18 Mill Lane')
    await form.getByLabel('Postcode (optional)').fill('NG7 2XX9')
    await form.getByLabel('How are they connected to it?').selectOption({ label: 'Lives at' })
    await form.getByLabel('Where did this come from?').fill('Return home interview')
    await form.getByRole('button', { name: 'Add place' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter a real UK postcode')
    await expectAccessible(page)
    form = await open('Add a place')
    await form.getByLabel('Postcode (optional)').fill('ng7 2ab')
    await form.getByRole('button', { name: 'Add place' }).click()
    // A place is already recorded at that postcode (the referral's): it is offered before a new one is made.
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('Is it one of the places already recorded at this postcode?')
    expect(await page.locator('main').textContent()).toContain('3 Weaver Close')
    await expectAccessible(page)
    await page.getByLabel('No, it is a different place').check()
    await page.getByRole('button', { name: 'Confirm place' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Place added')
    await page.getByRole('link', { name: /18 Mill Lane, NG7 2AB/ }).click()
    expect(await page.locator('main').textContent()).toContain('Callum Doherty')
    await expectAccessible(page)
  })
  it('puts a detective on the team’s victims’ side, which the DPO sees under "Access granted"; an officer without a duty is told whom to ask', async () => {
    const dc = await createUser(ctx, 'investigator', 'dc.team.e2e@test.lantern')
    await ctx.db.updateTable('users').set({ display_name: 'DC Nia Teamwork' }).where('id', '=', dc.id).execute()
    await page.goto(caseUrl)
    const form = await open('Add someone to the team')
    await form.getByLabel('Who joins the team').selectOption({ label: 'DC Nia Teamwork (Investigator (DC))' })
    await form.getByLabel('Victims’ side').check()
    await form.getByRole('button', { name: 'Add to the team' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Added to the team')
    await expectAccessible(page)

    const auditor = await createUser(ctx, 'auditor', 'dpo.team.e2e@test.lantern')
    const dpoContext = await browser.newContext()
    const dpo = await dpoContext.newPage()
    await dpo.goto(`${baseUrl}/sign-in`)
    await dpo.getByLabel('Email address').fill(auditor.email)
    await dpo.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
    await dpo.getByRole('button', { name: 'Sign in' }).click()
    await completeSecondFactor(dpo, auditor.email)
    await dpo.goto(`${baseUrl}/audit/person`)
    await dpo.getByRole('link', { name: 'Access granted' }).click()
    await dpo.waitForURL(/\/audit\/access-granted$/)
    const report = (await dpo.locator('main table').textContent()) ?? ''
    expect(report).toContain('Put on a live job’s team: victims’ side')
    expect(report).toContain('DC Nia Teamwork')
    await expectAccessible(dpo)
    await dpoContext.close()

    const outsider = await createUser(ctx, 'investigator', 'dc.outsider.e2e@test.lantern')
    const outsiderContext = await browser.newContext()
    const other = await outsiderContext.newPage()
    await signInAs(other, baseUrl, outsider.email, TEST_PASSWORD)
    await other.goto(`${baseUrl}/referrals/${victimReferralId}`)
    const main = (await other.locator('main').textContent()) ?? ''
    expect(main).toContain('To screen or refer this person, ask')
    expect(await other.getByRole('link', { name: /Screening, consent and NRM/ }).count()).toBe(0)
    await expectAccessible(other)
    await outsiderContext.close()
  })
})
