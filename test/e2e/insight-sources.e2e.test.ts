import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { Insertable } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PeopleTable, ReferralsTable } from '#src/platform/db/database.ts'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { completeSecondFactor, expectAccessible, launchBrowser } from './support/browser.ts'

/** The referral columns these synthetic referrals leave empty. */
const NO_REFERRER = { referring_organisation: null, referrer_name: null, referrer_contact: null, closure_reason: null, assigned_to: null, triaged_at: null, closed_at: null, created_by: null }

let ctx: TestContext
let browser: Browser
let context: BrowserContext
let page: Page
let baseUrl: string

/** 300 synthetic people in 2025, each referred by each source independently (seeded), so every section shows. */
async function seed(db: TestContext['db']) {
  // mulberry32: a small seeded generator with independent-looking draws (a plain LCG in doubles is not).
  let state = 99
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const sources = ['nrm-first-responder', 'helpline', 'police', 'partner-agency', 'public-concern']
  const p = [0.3, 0.25, 0.35, 0.2, 0.1]
  const people: Insertable<PeopleTable>[] = []
  const referrals: Insertable<ReferralsTable>[] = []
  const subjects: { referral_id: string; person_id: string; role: string; position: number }[] = []
  for (let i = 0; i < 300; i++) {
    const person = randomUUID()
    let seen = false
    for (const [k, source] of sources.entries()) {
      if (random() >= p[k]) continue
      if (!seen) people.push({ id: person, gender: i % 3 ? 'female' : 'male', nationalities: [['GB', 'AL', 'VN'][i % 3]], age_disputed: false, approximate_age: 16 + (i % 40), date_of_birth: null, languages: [], created_by: null, updated_at: new Date() })
      seen = true
      const id = randomUUID()
      referrals.push({ id, reference: `E2E-${i}-${k}`, received_at: new Date(Date.UTC(2025, Math.floor(random() * 12), 1 + Math.floor(random() * 28), 10)), source, summary: 'Synthetic', exploitation_types: [['labour', 'sexual', 'criminal'][i % 3]], county_lines: false, priority_tags: [], status: 'new', updated_at: new Date(), ...NO_REFERRER })
      subjects.push({ referral_id: id, person_id: person, role: 'potential-victim', position: 0 })
    }
  }
  await db.insertInto('people').values(people).execute()
  for (let i = 0; i < referrals.length; i += 200) await db.insertInto('referrals').values(referrals.slice(i, i + 200)).execute()
  for (let i = 0; i < subjects.length; i += 200) await db.insertInto('referral_subjects').values(subjects.slice(i, i + 200)).execute()
}

/** Signs in through the pages, with the second factor where the role needs one. */
async function signIn(on: Page, email: string) {
  await on.goto(`${baseUrl}/sign-in`)
  await on.getByLabel('Email address').fill(email)
  await on.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD)
  await on.getByRole('button', { name: 'Sign in' }).click()
  await completeSecondFactor(on, email)
}

let plain: Page
let analystEmail: string

beforeAll(async () => {
  ctx = await createTestContext()
  await seed(ctx.db)
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context } = await launchBrowser())
  page = await context.newPage()
  analystEmail = (await createUser(ctx, 'analyst', 'analyst.sources.e2e@test.lantern')).email
  await signIn(page, analystEmail)
  // The figures pages must work without JavaScript: a force desktop may have it off.
  plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage()
  await signIn(plain, analystEmail)
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

describe('figures across sources, for partners and anonymised, in the browser', () => {
  it('chooses a period with JavaScript off and shows the people across sources and the experimental estimate', async () => {
    await plain.goto(`${baseUrl}/insight/sources`)
    await plain.getByLabel('Referrals received in').selectOption('2025')
    await plain.getByRole('button', { name: 'Show figures' }).click()
    await plain.waitForURL(/period=2025/)
    expect(await plain.locator('h1').textContent()).toContain('People across sources')
    expect(await plain.locator('#estimate').textContent()).toContain('Experimental')
    expect(Number((await plain.locator('#estimate-total').textContent())!.replace(/,/g, ''))).toBeGreaterThan(200)
    expect(await plain.locator('#sensitivity').textContent()).toContain('Independence')
    await plain.getByRole('link', { name: 'Anonymised export' }).click()
    await plain.waitForURL(/\/insight\/anonymised-export/)
    expect(await plain.locator('#generalised').textContent()).toContain('Citizenship')
  })

  it('passes axe on the sources page, the figures for partners and the export check', async () => {
    await page.goto(`${baseUrl}/insight/sources?period=2025`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Figures for partners' }).click()
    await page.waitForURL(/\/insight\/partner-figures/)
    expect(await page.locator('main').textContent()).toContain('Referrals by quarter and type of exploitation')
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Anonymised export' }).click()
    await page.waitForURL(/\/insight\/anonymised-export/)
    await expectAccessible(page)
    // A bad period shows the GOV.UK error summary, linked to the select.
    await page.goto(`${baseUrl}/insight/sources?period=1900`)
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Select a period from the list')
    await expectAccessible(page)
  })

  it('shows a partner user the suppressed figures on their portal, accessibly', async () => {
    const partnerPage = await (await browser.newContext()).newPage()
    await signIn(partnerPage, (await createUser(ctx, 'partner', 'partner.figures.e2e@test.lantern')).email)
    await partnerPage.goto(`${baseUrl}/partner`)
    await partnerPage.getByRole('link', { name: 'Referral figures' }).click()
    await partnerPage.waitForURL(/\/partner\/figures/)
    expect(await partnerPage.locator('h1').textContent()).toContain('Referral figures')
    expect(await partnerPage.locator('main').textContent()).toMatch(/Counts from 1 to 4 are shown as “fewer than 5”/)
    await expectAccessible(partnerPage)
  })
})
