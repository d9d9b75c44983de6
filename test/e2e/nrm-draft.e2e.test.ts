import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

/**
 * A first responder completes a child's NRM form in the browser (issue 14, "Done means"): the task list, the
 * error summary on a missing local authority contact, and every required section until the form is ready.
 */
let ctx: TestContext
let page: Page
let baseUrl: string
let referralId: string
let childId: string
const thisYear = new Date().getUTCFullYear()

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator', 'dc.nrmform@test.lantern')
  const token = await apiToken(ctx, officer.email)
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      receivedAt: '2026-05-11',
      source: 'police',
      summary: 'A girl found working at a nail bar during a warrant.',
      people: [
        {
          names: ['Thảo Nguyễn'],
          dateOfBirth: `${thisYear - 15}-02-03`,
          gender: 'female',
          nationalities: ['VN'],
          languages: ['vi'],
          role: 'potential-victim',
        },
      ],
      locations: [{ addressLine1: '9 Market Place', town: 'Leeds', postcode: 'LS11 5AB', premisesType: 'nail-bar' }],
      exploitationTypes: ['labour'],
    },
  })
  referralId = created.json().id
  childId = created.json().people[0].personId
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/referrals/${referralId}/assignment`,
    headers: { authorization: `Bearer ${token}` },
    payload: { assigneeId: officer.id, note: null },
  })
  // The screening is set up directly (its own browser test is screening.e2e.test.ts).
  const dc = new PageClient(ctx.app)
  await dc.signIn(officer.email)
  await dc.get(`/referrals/${referralId}`)
  const base = (await dc.post(`/referrals/${referralId}/people/${childId}/screenings`, {})).headers.location!.replace(
    /\/age$/,
    '',
  )
  await dc.post(`${base}/age`, {
    'dateOfBirth-day': '3',
    'dateOfBirth-month': '2',
    'dateOfBirth-year': String(thisYear - 15),
    ageDisputed: 'no',
    assessment: 'not_started',
  })
  await dc.post(`${base}/encounter`, {
    location: 'England',
    encounteredBy: 'police',
    detention: 'none',
    diplomaticHousehold: 'no',
    safeguardingConcern: 'yes',
  })
  await dc.post(`${base}/travel`, {
    arranged: 'yes',
    directions: ['into'],
    endedOnArrival: 'no',
    entryRoute: 'trafficked',
  })
  await dc.post(`${base}/exploitation`, {
    purpose: 'forced labour in a nail bar',
    types: 'LABOUR',
    countyLines: 'no',
    exploitedAsChild: 'no',
  })
  await dc.post(`${base}/indicators`, { indicators: ['lives-at-work'], means: ['debt_bondage'] })
  await dc.post(`${base}/offence`, { suspected: 'no', offence: '' })
  expect((await dc.post(`${base}/outcome`, { decision: 'confirm' })).statusCode).toBe(303)

  ;({ page, baseUrl } = await startBrowserTest(ctx, { signInAs: officer.email }))
})
afterAll(() => closeBrowserTest(ctx))

async function open(section: string) {
  await page.goto(`${baseUrl}/referrals/${referralId}/people/${childId}/nrm-draft`)
  await page.getByRole('link', { name: section, exact: true }).click()
  await expectAccessible(page)
}

async function save() {
  await page.getByLabel('Yes, I’ve completed this section').check()
  await page.getByRole('button', { name: 'Save and continue' }).click()
  await page.waitForURL(/\/nrm-draft$/)
}

describe('a child’s NRM form in the browser', () => {
  it('completes every required section, with the error summary on a missing local authority contact, until the form is ready', async () => {
    await page.goto(`${baseUrl}/referrals/${referralId}/people/${childId}/nrm`)
    await page.getByRole('link', { name: 'Prepare the NRM or Duty to Notify referral form' }).click()
    await page.waitForURL(/\/nrm-draft$/)
    await expectAccessible(page)
    expect(await page.locator('h1').textContent()).toContain('NRM referral (child)')
    expect(await page.locator('#missing').textContent()).toContain('What is the local authority contact')

    await open('Local authority (child)')
    await page
      .getByLabel(/Which local authority children's services team/)
      .fill('Leeds City Council children’s social care')
    await page.getByLabel(/contact's email address/).fill('mash@example.org')
    await page.getByLabel('Yes, I’ve completed this section').check()
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain("local authority contact's phone number")
    await expectAccessible(page)
    expect(await page.getByLabel(/contact's email address/).inputValue()).toBe('mash@example.org') // typed work kept
    await page.getByLabel(/contact's phone number/).fill('0113 496 0456')
    await save()

    await open('About the first responder')
    await page.getByLabel('What phone number can the referrer be reached on?').fill('0113 496 0789')
    await save()
    await open('The potential victim')
    await page
      .getByLabel('Which region or local authority area of the UK are they in now?')
      .fill('Yorkshire and the Humber')
    await page
      .getByRole('group', { name: 'Is it safe to contact them directly on those details?' })
      .getByLabel('No', { exact: true })
      .check()
    await save()
    await open('Nationality, language and communication')
    await page.getByLabel('Do they need an interpreter, and in which language or dialect?').fill('Yes, Vietnamese')
    await save()
    await open('Children and others with them')
    await page
      .getByRole('group', { name: 'Do they have children who depend on them?' })
      .getByLabel('No', { exact: true })
      .check()
    await save()
    await open('What happened')
    expect(await page.getByLabel('What were they made to do, and under what conditions?').inputValue()).toBe(
      'forced labour in a nail bar',
    ) // from the screening
    await page
      .getByLabel('When did the exploitation start, and how long did it go on?')
      .fill('From last summer, about eight months')
    await page
      .getByLabel('How did it start: how were they recruited, and by whom?')
      .fill('Promised school and work in the UK by a family friend')
    await page
      .getByRole('group', { name: 'Are they still in the situation?' })
      .getByLabel('No', { exact: true })
      .check()
    await save()
    await open('Your professional view')
    await page
      .getByLabel('Why do you believe the person is a potential victim of modern slavery?')
      .fill('A child living and working at a nail bar for no pay, brought in by others')
    await page.getByLabel('Are there any concerns about the credibility or consistency of the account?').fill('None')
    await save()
    await open('Police involvement')
    await page.getByLabel('Which police force is investigating?').fill('West Yorkshire Police')
    await page
      .getByRole('group', { name: 'Is the person willing to co-operate with a police investigation?' })
      .getByLabel('Not yet decided')
      .check()
    await save()
    await open('Decision letters and safe contact')
    await page.getByLabel('The local authority (child)').check()
    await page
      .getByRole('group', { name: 'Is it safe to send letters, emails or texts to those details?' })
      .getByLabel('Yes', { exact: true })
      .check()
    await save()

    await expectAccessible(page)
    expect(await page.locator('main').textContent()).toContain(
      'Every question the form requires for NRM referral (child) is answered',
    )
  })

  it('records the referral sent from the ready form, with its Home Office reference copied into the form, and shows the decision due on My work', async () => {
    await page.goto(`${baseUrl}/referrals/${referralId}/people/${childId}/nrm`)
    expect(await page.locator('main').textContent()).toContain('Form ready')
    // No "completed another way" question when the form prepared here is complete.
    expect(
      await page.getByLabel(/completed on the Home Office service without the form prepared in Lantern/).count(),
    ).toBe(0)
    const today = new Date()
    const group = page.getByRole('group', { name: 'Date submitted' })
    await group.getByLabel('Day').fill(String(today.getDate()))
    await group.getByLabel('Month').fill(String(today.getMonth() + 1))
    await group.getByLabel('Year').fill(String(today.getFullYear()))
    await page.getByLabel('Home Office NRM reference (optional)').fill('NRM-E2E-0042')
    await page.getByRole('button', { name: 'Record NRM referral' }).click()
    await expect
      .poll(() => page.locator('main').textContent())
      .toContain('NRM referral recorded. Reasonable grounds decision due')
    await expectAccessible(page)
    expect(await page.locator('main').textContent()).toContain('NRM-E2E-0042')
    await open('After submission')
    // Shown for checking as the answer, with where it came from (an input's value is not text content).
    expect(await page.locator('main').innerHTML()).toContain('NRM-E2E-0042')
    await page.goto(`${baseUrl}/my-work`)
    expect(await page.locator('main').textContent()).toContain('Reasonable grounds decision due')
  })
})
