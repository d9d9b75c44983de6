import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'

let ctx: TestContext
let page: Page
let baseUrl: string
let survivorId: string
let duplicateId: string

beforeAll(async () => {
  ctx = await createTestContext()
  const dc = await createUser(ctx, 'investigator', 'dc.matching.e2e@test.lantern')
  const analyst = await createUser(ctx, 'analyst', 'analyst.matching.e2e@test.lantern')
  const token = await apiToken(ctx, dc.email)
  const person = async (name: string, source: string) => {
    const id = (
      await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/people',
        headers: { authorization: `Bearer ${token}` },
        payload: { names: [name], dateOfBirth: '1996-02-11', gender: 'female', nationalities: ['RO'] },
      })
    ).json().id as string
    await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/people/${id}/objects`,
      headers: { authorization: `Bearer ${token}` },
      payload: { kind: 'phone', value: '07123 987654', relation: 'uses', source },
    })
    return id
  }
  survivorId = await person('Ioana Popescu', 'Helpline report')
  duplicateId = await person('Ioana Popesku', 'partner agency referral')
  // The match index is built in a worker thread that boots on first use; this test is about reviewing a match,
  // so it waits for the index as an officer would wait for the "being prepared" message to clear.
  expect(await ctx.services.matching.readyWithin(120_000)).toBe(true)
  ;({ page, baseUrl } = await startBrowserTest(ctx, { signInAs: analyst.email }))
})
afterAll(() => closeBrowserTest(ctx))

describe('reviewing a possible match in the browser', () => {
  it('compares, merges, and unmerges, accessibly', async () => {
    await page.goto(`${baseUrl}/people/${survivorId}`)
    await expectAccessible(page)
    await page.getByRole('link', { name: 'See possible matches and merged records' }).click()
    await page.waitForURL(new RegExp(`/people/${survivorId}/possible-matches$`))
    await expectAccessible(page)
    await page.getByRole('link', { name: 'Compare with Ioana Popesku' }).click()
    await page.waitForURL(new RegExp(`/people/${survivorId}/matches/${duplicateId}$`))
    expect(await page.locator('main').textContent()).toContain('phone: the same number')
    await expectAccessible(page)

    // Saving without a note shows the GOV.UK error summary.
    await page.getByLabel('Yes, merge the possible match into this person').check()
    await page.getByRole('button', { name: 'Save decision' }).click()
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter why you are sure they are the same person',
    )
    await expectAccessible(page)

    await page.getByLabel('Why?').fill('Same phone and date of birth; the surname is a common misspelling')
    await page.getByRole('button', { name: 'Save decision' }).click()
    await page.waitForURL(new RegExp(`/people/${survivorId}$`))
    const merged = await page.locator('main').textContent()
    expect(merged).toContain('Records merged')
    expect(merged).toContain('Ioana Popesku')
    expect(merged).toContain('(merged record)')
    await expectAccessible(page)

    // The merged record's page leads to the survivor.
    await page.goto(`${baseUrl}/people/${duplicateId}`)
    expect(page.url()).toBe(`${baseUrl}/people/${survivorId}`)

    await page.getByRole('link', { name: 'See possible matches and merged records' }).click()
    await page.waitForURL(new RegExp(`/people/${survivorId}/possible-matches$`))
    await page.getByRole('link', { name: /See the merge or undo it/ }).click()
    await page.waitForURL(/\/merges\/[0-9a-f-]{36}$/)
    await expectAccessible(page)
    await page.getByLabel('Why are you undoing it?').fill('Different passports seen on a later visit')
    await page.getByRole('button', { name: 'Undo merge' }).click()
    await page.waitForURL(new RegExp(`/people/${survivorId}$`))
    expect(await page.locator('main').textContent()).toContain('Merge undone')
    await expectAccessible(page)
    await page.goto(`${baseUrl}/people/${duplicateId}`)
    expect(page.url()).toBe(`${baseUrl}/people/${duplicateId}`)
    expect(await page.locator('h1').textContent()).toContain('Ioana Popesku')
  })
})
