import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, PageClient, type TestContext } from '../support/test-app.ts'
import { axeViolations, closeBrowserTest, startBrowserTest } from '../support/e2e.ts'

/**
 * Warrant day in the browser (issue 14, section 2): three people met together on a live job (one on record, two
 * described as first seen), the shared facts entered once, each person's screening prefilled from them and
 * confirmed per person with their own age, consent and outcome. Every page is checked with axe.
 */
let ctx: TestContext
let page: Page
let baseUrl: string
let caseId: string
const year = new Date().getUTCFullYear()

beforeAll(async () => {
  ctx = await createTestContext()
  const officer = await createUser(ctx, 'investigator', 'dc.warrant@test.lantern')
  const token = await apiToken(ctx, officer.email)
  const created = await ctx.app.inject({
    method: 'POST',
    url: '/api/v1/referrals',
    headers: { authorization: `Bearer ${token}` },
    payload: {
      receivedAt: '2026-05-11',
      source: 'police',
      summary: 'Intelligence: workers living at a car wash.',
      people: [
        {
          names: ['Mihai Dobre'],
          dateOfBirth: '1990-04-02',
          gender: 'male',
          nationalities: ['RO'],
          role: 'potential-victim',
        },
      ],
    },
  })
  const referralId = created.json().id
  const pages = new PageClient(ctx.app)
  await pages.signIn(officer.email)
  await pages.get(`/referrals/${referralId}`)
  caseId = (
    await pages.post(`/referrals/${referralId}/cases`, {
      title: 'Operation Harbour: car wash warrant',
      kind: 'investigation',
    })
  ).headers
    .location!.split('/')
    .pop()!
  ;({ page, baseUrl } = await startBrowserTest(ctx, { signInAs: officer.email }))
})
afterAll(() => closeBrowserTest(ctx))

async function accessible() {
  expect(await axeViolations(page), `accessibility violations on ${page.url()}`).toEqual([])
}

async function next() {
  await accessible()
  await page.getByRole('button', { name: 'Continue' }).click()
}

/** One person's screening from the group page: their own age, travel, consent and offence; the shared parts confirmed. */
async function screen(name: string, own: { age?: string; child: boolean; consent?: 'given' | 'refused' }) {
  await page.getByRole('link', { name: `Screen ${name}` }).click()
  await page.waitForURL(/\/age$/)
  if (own.age) await page.locator('#age').fill(own.age)
  await page.getByRole('group', { name: 'Is their age disputed?' }).getByLabel('No').check()
  await page.getByLabel('None done or needed').check()
  await next()
  // The encounter is prefilled from the shared facts and says so: the officer confirms it for this person.
  expect(await page.locator('main').textContent()).toContain('facts shared by everyone met together')
  expect(await page.getByLabel('England').isChecked()).toBe(true)
  await next()
  await page.getByRole('group', { name: 'Did someone arrange or help with their travel?' }).getByLabel('Yes').check()
  await page.getByLabel('Into the UK').check()
  await page.getByLabel('Recruited or brought in by the people who exploit them').check()
  await page.getByLabel('No: it continued, for example through a debt or control').check()
  await next()
  expect(await page.getByLabel('What were they made to do, or was intended for them?').inputValue()).toBe(
    'Washing cars for no pay, living in a caravan on site',
  )
  await page
    .getByRole('group', { name: 'Did the exploitation happen when they were under 18?' })
    .getByLabel(own.child ? 'Yes' : 'No')
    .check()
  await next()
  expect(await page.getByLabel('Lives at the workplace').isChecked()).toBe(true)
  await next()
  if (own.consent === 'given') {
    await page.getByLabel('Yes, they consented').check()
  } else if (own.consent === 'refused') {
    await page.getByLabel('No, they declined').check()
  }
  if (own.consent) {
    await page.locator('#consentDate-day').fill('3')
    await page.locator('#consentDate-month').fill('3')
    await page.locator('#consentDate-year').fill(String(year - 1))
    await page.getByLabel('Who explained the NRM to them?').fill('DC Amara Shah')
    await page.getByRole('group', { name: 'Was an interpreter used?' }).getByLabel('Yes').check()
    await page.getByLabel('Language the interpreter used (if any)').fill('Romanian')
    if (own.consent === 'given') {
      for (const box of await page
        .getByRole('group', { name: 'What you explained (for consent)' })
        .getByRole('checkbox')
        .all())
        await box.check()
      await page
        .getByLabel('What they understood (for consent)')
        .fill('That help is voluntary and she can stop at any time')
    }
    await next()
  }
  await page.getByRole('group', { name: 'Are they suspected of an offence?' }).getByLabel('No').check()
  await next()
  await page.waitForURL(/\/outcome$/)
  await accessible()
  const outcome = (await page.locator('.govuk-panel').textContent()) ?? ''
  await page.getByLabel('Yes, confirm it').check()
  await page.getByRole('button', { name: 'Record decision' }).click()
  await page.waitForURL(/\/nrm$/)
  await accessible()
  await page.goto(groupUrl)
  return outcome
}

let groupUrl: string

describe('warrant-day screening in the browser', () => {
  it(
    'screens three people met together: shared facts once, then each person’s own age, consent and outcome',
    { timeout: 400_000 },
    async () => {
      await page.goto(`${baseUrl}/cases/${caseId}`)
      await accessible()
      await page.getByRole('button', { name: 'Screen people met on this job' }).click()
      await page.waitForURL(/\/screenings\/new$/)
      await accessible()
      await page.getByLabel('Mihai Dobre').check()
      await page.locator('#new-0-description').fill('unknown boy about 14')
      await page.locator('#new-0-age').fill('14')
      await page.locator('#new-0-gender').selectOption('male')
      await page.locator('#new-1-description').fill('Woman in the caravan')
      await page.locator('#new-1-age').fill('about thirty')
      await page.getByRole('button', { name: 'Start screening' }).click()
      // Bad input: an error summary, and nothing typed is lost.
      await expect
        .poll(() => page.locator('.govuk-error-summary').textContent())
        .toContain('Enter what happened, in a few words')
      expect(await page.locator('.govuk-error-summary').textContent()).toContain(
        'The approximate age of person 2 must be a whole number of years',
      )
      expect(await page.locator('#new-0-description').inputValue()).toBe('unknown boy about 14')
      expect(await page.getByLabel('Mihai Dobre').isChecked()).toBe(true)
      await accessible()
      await page.locator('#new-1-age').fill('30')
      await page.locator('#new-1-gender').selectOption('female')
      await page.getByLabel('What happened').fill('Warrant at Sparkle Valet: three people found living on site.')
      await page.getByRole('button', { name: 'Start screening' }).click()
      await page.waitForURL(/\/screening-groups\/[0-9a-f-]+\/shared$/)
      groupUrl = page.url().replace(/\/shared$/, '')
      await accessible()

      // The shared facts, once for all three.
      await page.getByLabel('Type of premises').selectOption('car-wash')
      await page.getByLabel('Address', { exact: true }).fill('12 Wharf Street')
      await page.getByLabel('Postcode').fill('HU1 2AB')
      await page.getByLabel('England').check()
      await page.getByLabel('Who encountered them?').selectOption('police')
      await page.getByRole('group', { name: 'Did they work in a diplomat’s household?' }).getByLabel('No').check()
      await page.getByRole('group', { name: 'Is there a safeguarding concern?' }).getByLabel('Yes').check()
      await page
        .getByLabel('What were they made to do, or was intended for them?')
        .fill('Washing cars for no pay, living in a caravan on site')
      await page.getByLabel('Labour exploitation', { exact: true }).check()
      await page.getByRole('button', { name: 'Save and fill in each person’s screening' }).click()
      await expect
        .poll(() => page.locator('.govuk-error-summary').textContent())
        .toContain('Select yes if this may involve County Lines')
      expect(await page.getByLabel('Address', { exact: true }).inputValue()).toBe('12 Wharf Street')
      await accessible()
      await page.getByRole('group', { name: 'Could this involve County Lines?' }).getByLabel('No').check()
      await page.getByLabel('Lives at the workplace').check()
      await page
        .getByRole('group', { name: /Means of control used/ })
        .getByLabel('Debt bondage')
        .check()
      await page.getByLabel('Employer’s name, if known').fill('Sparkle Valet Ltd')
      await page.getByRole('button', { name: 'Save and fill in each person’s screening' }).click()
      await page.waitForURL(groupUrl)
      await accessible()
      const table = (await page.locator('table').textContent()) ?? ''
      expect(table).toContain('Mihai Dobre')
      expect(table).toContain('unknown boy about 14')
      expect(table).toContain('Woman in the caravan')
      expect(table.match(/Not started/g)).toHaveLength(3)

      expect(await screen('unknown boy about 14', { child: true })).toContain('NRM referral and child safeguarding')
      expect(await screen('Woman in the caravan', { child: false, consent: 'given' })).toContain(
        'NRM referral (adult with informed consent)',
      )
      expect(await screen('Mihai Dobre', { child: false, consent: 'refused' })).toContain('Duty to Notify')

      await accessible()
      const done = (await page.locator('table').textContent()) ?? ''
      expect(done).toContain('Confirmed: NRM referral and child safeguarding')
      expect(done).toContain('Confirmed: NRM referral (adult with informed consent)')
      expect(done).toContain('Confirmed: Duty to Notify')
      expect(done).toContain('Given')
      expect(done).toContain('Refused')
      // The group is reached from the job.
      await page.goto(`${baseUrl}/cases/${caseId}`)
      await page.getByRole('link', { name: /Met on .*: 3 people/ }).click()
      await page.waitForURL(groupUrl)
    },
  )
})
