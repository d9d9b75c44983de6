import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

/** Bulk import in the browser: upload, map, preview, the live progress page, and a likely duplicate decided. */
let ctx: TestContext
let page: Page
let baseUrl: string
let knownId: string

// Synthetic rows only, made here.
const CSV = [
  'Name,DOB,Gender,Mobile,Postcode,Notes',
  'Radu Stoica,02/04/1990,M,07123 111222,LS11 5AB,Found at a hand car wash',
  'Daria Moldovan,1999-12-01,F,,,',
  'Nadia Rusu,31/13/1990,F,,,Bad date',
  'Irina Marin,17/08/1985,F,07123 333444,,',
].join('\r\n')

beforeAll(async () => {
  ctx = await createTestContext()
  const dc = await createUser(ctx, 'investigator', 'dc.imports.e2e@test.lantern')
  const token = await apiToken(ctx, dc.email)
  const headers = { authorization: `Bearer ${token}` }
  knownId = (
    await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      headers,
      payload: { names: ['Irina Marin'], dateOfBirth: '1985-08-17', gender: 'female', nationalities: ['RO'] },
    })
  ).json().id as string
  await ctx.app.inject({
    method: 'POST',
    url: `/api/v1/people/${knownId}/objects`,
    headers,
    payload: { kind: 'phone', value: '07123 333444', relation: 'uses', source: 'Helpline report' },
  })
  ;({ page, baseUrl } = await startBrowserTest(ctx, { signInAs: dc.email }))
})
afterAll(async () => {
  // The import worker finishes its batch before the database goes.
  await ctx?.services.imports.idle()
  await closeBrowserTest(ctx)
})

describe('importing a file in the browser', () => {
  it('uploads, maps, previews, imports with a progress bar, and decides a likely duplicate, accessibly', async () => {
    await page.goto(`${baseUrl}/imports`)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Import a file' }).click()
    await page.waitForURL(/\/imports\/new$/)
    await expectAccessible(page)

    // Nothing chosen: the GOV.UK error summary.
    await page.getByRole('button', { name: 'Upload and continue' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Select a CSV or Excel (XLSX) file')
    await expectAccessible(page)

    await page.getByLabel('Who the file is from').fill('Riverton NGO outreach log')
    await page.getByLabel('Where the referrals came from').selectOption('partner-agency')
    await page
      .getByLabel('File', { exact: true })
      .setInputFiles({ name: 'outreach-log.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) })
    await page.getByRole('button', { name: 'Upload and continue' }).click()
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}\/mapping$/)
    await expectAccessible(page)
    // Known headings are guessed; the rest is the user's choice.
    expect(await page.getByLabel('Column “Name”').inputValue()).toBe('fullName')
    await page.getByLabel('Column “Mobile”').selectOption('phone')
    await page.getByLabel('Column “Notes”').selectOption('summary')
    await page.getByRole('button', { name: 'Continue' }).click()

    await page.waitForURL(/\/preview$/)
    await expectAccessible(page)
    expect(await page.locator('#preview-summary').textContent()).toContain('4 rows: 3 ready to import, 1 with problems')
    expect(await page.locator('#preview').textContent()).toContain(
      'Date of birth "31/13/1990" must be a real date, like 27/3/1990',
    )

    await page.getByRole('button', { name: 'Import 3 rows' }).click()
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/)
    // The script polls the progress endpoint and reloads the page when the import finishes.
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 20_000 })
    await expectAccessible(page)
    expect(await page.locator('progress').getAttribute('value')).toBe('4')
    const counts = await page.locator('#import-counts').textContent()
    expect(counts).toMatch(/Referrals recorded\s*2/)
    expect(counts).toMatch(/waiting for you\s*1/)
    expect(counts).toMatch(/Failed\s*1/)
    expect(await page.locator('#failed').count()).toBe(1)

    await page.getByRole('link', { name: /Decide/ }).click()
    await page.waitForURL(/\/rows\/[0-9a-f-]{36}$/)
    await expectAccessible(page)
    expect(await page.locator('main').textContent()).toContain('Why they may be the same person')
    await page.getByLabel('Yes, the same person').check()
    await page.getByRole('button', { name: 'Save and continue' }).click()
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}(#review)?$/)
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Referral added to the person already recorded',
    )
    await expectAccessible(page)
    const subjects = await ctx.db
      .selectFrom('referral_subjects')
      .select('referral_id')
      .where('person_id', '=', knownId)
      .execute()
    expect(subjects).toHaveLength(1)
  })

  it('moves the progress bar live with JavaScript and shows the result when the import finishes', async () => {
    // A queued job nobody is working yet: the page polls, then the worker runs and the page catches up.
    const user = await ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'dc.imports.e2e@test.lantern')
      .executeTakeFirstOrThrow()
    const actor = { userId: user.id }
    const csv = ['Name', 'Leyla Hasanova', 'Jonas Petraitis', 'Ewa Zielinska'].join('\r\n')
    const { id } = await ctx.services.imports.upload(
      {
        source: 'Live progress check',
        referralSource: 'helpline',
        filename: 'live.csv',
        data: Buffer.from(csv),
        truncated: false,
      },
      actor,
    )
    await ctx.services.imports.setMapping(id, { Name: 'fullName' }, actor)
    await ctx.services.imports.start(id, actor)
    await page.goto(`${baseUrl}/imports/${id}`)
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Importing')
    expect(await page.locator('progress').getAttribute('value')).toBe('0')
    await expectAccessible(page)
    await ctx.services.imports.work()
    await page.getByRole('heading', { name: 'Import finished' }).waitFor({ timeout: 15_000 })
    expect(await page.locator('progress').getAttribute('value')).toBe('3')
    expect(await page.locator('#import-counts').textContent()).toMatch(/Referrals recorded\s*3/)
  })
})
