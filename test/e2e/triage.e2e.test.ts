import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SYSTEM_ACTOR } from '#src/platform/audit/audit-events.ts'
import { createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { buildReferral } from '../support/builders.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'
import { signInAs } from './support/browser.ts'

/**
 * Risk-led triage in a real browser: the queue leads with the urgent referral and says why, even though an
 * older one is waiting; the officer grades it (THRIVE) on the referral page, first with a mistake the error
 * summary names, and sees the grading and its place in the timeline. Axe runs on each page.
 */
let ctx: TestContext
let page: Page
let baseUrl: string
let officer: { id: string; email: string }
const references: Record<string, string> = {}

beforeAll(async () => {
  ctx = await createTestContext()
  officer = await createUser(ctx, 'investigator')
  const actor = { ...SYSTEM_ACTOR, userId: officer.id }
  const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000).toISOString()
  const calm = await buildReferral(
    ctx,
    { actor },
    {
      receivedAt: hoursAgo(60),
      source: 'nrm-first-responder',
      summary: 'Two adult men paid below the minimum wage at a farm.',
      people: [{ names: ['Marek Nowak'], approximateAge: 40, role: 'potential-victim' }],
      exploitationTypes: ['labour'],
    },
  )
  const urgent = await buildReferral(
    ctx,
    { actor },
    {
      receivedAt: hoursAgo(2),
      source: 'helpline',
      summary: 'A girl who looked about 16 is serving at a nail bar after midnight; it is still happening.',
      people: [{ names: ['Girl at the nail bar'], approximateAge: 16, gender: 'female', role: 'potential-victim' }],
      exploitationTypes: ['labour'],
    },
  )
  references.calm = calm.reference
  references.urgent = urgent.reference
  ;({ page, baseUrl } = await startBrowserTest(ctx))
})
afterAll(() => closeBrowserTest(ctx))

describe('risk-led triage', () => {
  it('shows the urgent referral first with its reasons, and the officer grades it', async () => {
    await signInAs(page, baseUrl, officer.email, TEST_PASSWORD)
    await expectAccessible(page)
    const rows = page.locator('table.govuk-table tbody tr')
    await expect.poll(() => rows.first().textContent()).toContain(references.urgent)
    const first = (await rows.first().textContent()) ?? ''
    expect(first).toContain('Urgent')
    expect(first).toContain('Possibly a child; Still happening')
    expect(first).toMatch(/waiting (\d+ hours?|under an hour)/)
    expect((await rows.nth(1).textContent()) ?? '').toContain(references.calm)
    expect((await rows.nth(1).textContent()) ?? '').not.toContain('Urgent')

    await page.getByRole('link', { name: references.urgent }).click()
    await page.waitForURL(/\/referrals\/[0-9a-f-]{36}$/)
    await expect.poll(() => page.locator('main').textContent()).toContain('Urgent: Possibly a child; Still happening')
    await expectAccessible(page)

    // A grade left out is named in the error summary, and the link takes the officer to it.
    const elements = ['Threat', 'Harm', 'Risk', 'Investigation', 'Vulnerability', 'Engagement']
    for (const element of elements.slice(0, 5)) {
      await page.getByRole('group', { name: element, exact: true }).getByLabel('High').check()
      await page.getByLabel(`Why ${element.toLowerCase()} is graded this way`).fill(`${element}: synthetic reason`)
    }
    await page.getByRole('button', { name: 'Record risk grading' }).click()
    const summary = page.locator('.govuk-error-summary')
    await expect.poll(() => summary.textContent()).toContain('Select a grade for engagement')
    await expectAccessible(page)
    await summary.getByRole('link', { name: 'Select a grade for engagement' }).click()
    await page.getByRole('group', { name: 'Engagement', exact: true }).getByLabel('Low').check()
    await page.getByLabel('Why engagement is graded this way').fill('Frightened of police; would talk to an ISA')
    await page.getByRole('button', { name: 'Record risk grading' }).click()

    await expect.poll(() => page.locator('main').textContent()).toContain('Risk grading recorded')
    const grading = page.locator('#risk-grading + p + .lantern-table-scroll table')
    await expect.poll(() => grading.textContent()).toContain('Frightened of police; would talk to an ISA')
    await expect.poll(() => page.locator('main').textContent()).toContain('Risk graded (THRIVE)')
    await expectAccessible(page)
  })
})
