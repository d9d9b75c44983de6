import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { londonDate } from '#src/shared/dates.ts'
import { pdfText } from '../support/pdf-text.ts'
import { createTestContext, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { buildReferral, buildUser } from '../support/builders.ts'
import { expectAccessible, launchBrowser, signInAs } from './support/browser.ts'

/**
 * An ISA supporting a victim in the browser (issue 15, section 2): assigned by a supervisor on the person page, they
 * find the victim in My work, log a welfare contact (after an error summary), refer them to victim care for a safe
 * house, record the provider's answer and, later, the support ending, and print the leaflet in Welsh. Every page is
 * checked with axe.
 */
let ctx: TestContext
let browser: Browser
let context: BrowserContext
let baseUrl: string
let personId: string
let isaEmail: string
let supervisorEmail: string

async function fillDate(page: Page, prefix: string, iso: string) {
  await page
    .locator(`#${prefix}`)
    .getByLabel('Day')
    .fill(String(Number(iso.slice(8, 10))))
  await page
    .locator(`#${prefix}`)
    .getByLabel('Month')
    .fill(String(Number(iso.slice(5, 7))))
  await page.locator(`#${prefix}`).getByLabel('Year').fill(iso.slice(0, 4))
}

beforeAll(async () => {
  ctx = await createTestContext()
  const supervisor = await buildUser(ctx, 'supervisor', { email: 'ds.support@test.lantern' })
  const isa = await buildUser(ctx, 'support', { email: 'isa.support@test.lantern' })
  isaEmail = isa.email
  supervisorEmail = supervisor.email
  await ctx.db.updateTable('users').set({ display_name: 'Kate Summers (ISA)' }).where('id', '=', isa.id).execute()
  const referral = await buildReferral(ctx, supervisor, {
    receivedAt: londonDate(),
    summary: 'Woman found working in a car wash',
    exploitationTypes: [],
    people: [
      {
        names: ['Elena Popescu'],
        approximateAge: 31,
        gender: 'female',
        nationalities: ['RO'],
        role: 'potential-victim',
      },
    ],
  })
  personId = referral.people[0].personId
  const blank = {
    offersCy: '',
    email: '',
    website: '',
    area: 'Riverton',
    takesChildren: false,
    womenOnly: false,
    languages: '',
    active: true,
    takesAdults: true,
  }
  await ctx.services.support.addService(
    {
      ...blank,
      name: 'The Salvation Army: victim care',
      category: 'victim-care',
      offers: 'Safe house or outreach support for adults in the NRM',
      offersCy: 'Tŷ diogel neu gymorth allgymorth i oedolion yn yr NRM',
      phone: '0800 808 3733',
    },
    { userId: isa.id },
  )
  await ctx.services.support.addService(
    {
      ...blank,
      name: 'Northgate Law Centre',
      category: 'legal-advice',
      offers: 'Free legal advice on debts',
      phone: '0113 496 0711',
    },
    { userId: isa.id },
  )
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context } = await launchBrowser())
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

describe('an ISA supporting a victim in the browser', () => {
  let page: Page

  it('is assigned to the victim by a supervisor on the person page', async () => {
    const supervisorContext = await browser.newContext()
    const supervisorPage = await supervisorContext.newPage()
    await signInAs(supervisorPage, baseUrl, supervisorEmail, TEST_PASSWORD)
    await supervisorPage.goto(`${baseUrl}/people/${personId}`)
    await supervisorPage.locator('summary', { hasText: 'Assign a support worker (ISA)' }).click()
    await supervisorPage.getByLabel('Support worker (ISA)').selectOption({ label: 'Kate Summers (ISA)' })
    await supervisorPage.getByRole('button', { name: 'Assign' }).click()
    await expect
      .poll(() => supervisorPage.locator('.govuk-notification-banner').textContent())
      .toContain('Support worker assigned')
    await supervisorContext.close()
  })

  it('finds the victim in My work and opens their support', async () => {
    page = await context.newPage()
    await signInAs(page, baseUrl, isaEmail, TEST_PASSWORD)
    await page.getByRole('link', { name: 'My work' }).click()
    await expect.poll(() => page.locator('main').textContent()).toContain('Victims you support')
    await page.getByRole('link', { name: 'Contacts and referrals for Elena Popescu' }).click()
    await page.waitForURL(new RegExp(`/people/${personId}/support$`))
    expect(await page.locator('h1').textContent()).toContain('Elena Popescu')
    expect(await page.locator('main').textContent()).toContain('No contacts logged yet.')
    await expectAccessible(page)
  })

  it('logs a welfare contact, with an error summary first', async () => {
    await page.getByRole('button', { name: 'Log a contact' }).click()
    await page.getByRole('button', { name: 'Log the contact' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select how the contact was made')
    await expectAccessible(page)
    await page.locator('.govuk-error-summary').getByRole('link', { name: 'Select how the contact was made' }).click()
    await page.getByLabel('In person').check()
    await page.getByLabel('Yes, safe to contact this way').check()
    await page
      .getByLabel('What was done')
      .fill('Met at the police station with a Romanian interpreter; explained the NRM and victim care')
    await page.getByLabel('Needs they raised (optional)').fill('Somewhere safe to stay tonight')
    await page.getByLabel('Information about the Victims’ Code and their rights').check()
    await page.getByLabel('An interpreter').check()
    await page.getByLabel('Next step (optional)').fill('Ring the safe house tomorrow')
    const tomorrow = new Date(Date.parse(`${londonDate()}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
    await fillDate(page, 'nextStepOn', tomorrow)
    await page.getByRole('button', { name: 'Log the contact' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Contact logged')
    const main = await page.locator('main').textContent()
    expect(main).toContain('Met at the police station with a Romanian interpreter')
    expect(main).toContain('Information about the Victims’ Code and their rights; An interpreter')
    await expectAccessible(page)
  })

  it('refers them to victim care for a safe house, and records the provider’s answer', async () => {
    await page.getByRole('button', { name: 'Make a referral out' }).click()
    await page
      .getByLabel('Service', { exact: true })
      .selectOption({ label: 'The Salvation Army: victim care (adults only)' })
    await page.getByLabel('What the referral asks for').fill('Safe house place out of area tonight')
    await page.getByRole('button', { name: 'Record the referral' }).click()
    // Victim care needs to know which support is asked for.
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select the support asked for')
    await expectAccessible(page)
    await page.getByLabel('Safe house accommodation').check()
    await page.getByRole('button', { name: 'Record the referral' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Referral out recorded')
    expect(await page.locator('main').textContent()).toMatch(
      /The Salvation Army: victim care[\s\S]*Safe house accommodation[\s\S]*Awaiting an answer/,
    )
    await expectAccessible(page)

    await page.getByRole('link', { name: /^Update the referral to The Salvation Army/ }).click()
    await expectAccessible(page)
    await page.getByLabel('Accepted').check()
    await page.getByLabel('Outcome (optional)').fill('Safe house place from tonight, out of area')
    await page.getByRole('button', { name: 'Save the update' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Referral updated')
    expect(await page.locator('main').textContent()).toMatch(
      /Accepted[\s\S]*Safe house place from tonight, out of area/,
    )

    // Later: the safe house support ends, and the referral is closed with its outcome.
    await page.getByRole('link', { name: /^Update the referral to The Salvation Army/ }).click()
    await page.getByLabel('Support ended').check()
    await page.getByLabel('Outcome (optional)').fill('Moved on to a council tenancy near her sister')
    await page.getByRole('button', { name: 'Save the update' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Referral updated')
    expect(await page.locator('main').textContent()).toMatch(
      /Support ended[\s\S]*Moved on to a council tenancy near her sister/,
    )
    expect(await page.getByRole('link', { name: /^Update the referral to The Salvation Army/ }).count()).toBe(0)
    await expectAccessible(page)
  })

  it('prints the leaflet in Welsh, and the person page shows their support', async () => {
    // The victim care referral has ended, so the ISA ticks the service to put it on the leaflet.
    const victimCare = await ctx.db
      .selectFrom('support_services')
      .select('id')
      .where('name', '=', 'The Salvation Army: victim care')
      .executeTakeFirstOrThrow()
    const response = await page.request.get(
      `${baseUrl}/people/${personId}/support/leaflet.pdf?lang=cy&service=${victimCare.id}`,
    )
    expect(response.status()).toBe(200)
    const text = await pdfText(Buffer.from(await response.body()))
    expect(text).toContain('Help a chymorth i chi')
    expect(text).toContain('Tŷ diogel neu gymorth allgymorth')
    expect(text).not.toContain('Elena')
    await page.goto(`${baseUrl}/people/${personId}`)
    expect(await page.locator('#support-summary').textContent()).toMatch(/1 contact logged, last [^;]+/)
    await expectAccessible(page)
  })
})
