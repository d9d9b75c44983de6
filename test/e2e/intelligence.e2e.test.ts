import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiToken, createTestContext, createUser, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { closeBrowserTest, expectAccessible, startBrowserTest } from '../support/e2e.ts'
import { signInAs } from './support/browser.ts'

let ctx: TestContext
let browser: Browser
let page: Page
let baseUrl: string
let seed: string
const cspViolations: string[] = []
const consoleWarnings: string[] = []

beforeAll(async () => {
  ctx = await createTestContext()
  const analyst = await createUser(ctx, 'supervisor', 'ds.intel@test.lantern')
  const token = await apiToken(ctx, analyst.email)
  const call = async (url: string, payload: unknown) => {
    const response = await ctx.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: payload as object,
    })
    if (response.statusCode !== 201) throw new Error(`${url}: ${response.statusCode} ${response.body}`)
    return response.json()
  }
  const person = async (name: string) =>
    (await call('/api/v1/people', { names: [name], gender: 'not-known' })).id as string
  seed = await person('Andrei Popescu')
  const mate = await person('Ionuț Stoica')
  const driver = await person('Florin Dumitru')
  const housemate = await person('Elena Munteanu')
  await call(`/api/v1/people/${seed}/objects`, {
    kind: 'phone',
    value: '07123 456001',
    relation: 'uses',
    source: 'seized phone',
  })
  await call(`/api/v1/people/${mate}/objects`, {
    kind: 'phone',
    value: '07123 456001',
    relation: 'uses',
    source: 'helpline call',
  })
  await call(`/api/v1/people/${mate}/objects`, {
    kind: 'vehicle',
    value: 'YX19 KLM',
    relation: 'drives',
    source: 'ANPR',
  })
  await call(`/api/v1/people/${driver}/objects`, {
    kind: 'vehicle',
    value: 'YX19 KLM',
    relation: 'drives',
    source: 'ANPR',
  })
  const house = { addressLine1: '14 Mill Lane', town: 'Leeds', postcode: 'LS11 5AB', premisesType: 'private-house' }
  await call(`/api/v1/people/${seed}/locations`, { place: house, relation: 'lives-at', source: 'premises visit' })
  await call(`/api/v1/people/${housemate}/locations`, { place: house, relation: 'lives-at', source: 'premises visit' })
  const started = await startBrowserTest(ctx)
  ;({ browser, page, baseUrl } = started)
  // Listening from the first page on, the sign-in pages included.
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text())
    if (message.type() === 'warning') consoleWarnings.push(message.text())
  })
  await started.signIn(page, analyst.email)
})
afterAll(() => closeBrowserTest(ctx))

describe('intelligence in the browser', () => {
  it('shows a safeguarding prompt in the queue and records its outcome', async () => {
    await page.getByRole('link', { name: 'Safeguarding prompts' }).click()
    await page.waitForURL(/\/safeguarding-prompts$/)
    await expectAccessible(page)
    await page.getByRole('link', { name: '1 other person is linked to this phone; 1 has not been safeguarded' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('1 other person is linked to this phone')
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Record outcome' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Select what was done about this prompt')
    await expectAccessible(page)
    await page.getByLabel('Escalated').check()
    await page.getByLabel('Note').fill('Passed to the CCE team for a welfare visit')
    await page.getByRole('button', { name: 'Record outcome' }).click()
    await expect
      .poll(() => page.locator('.govuk-notification-banner').textContent())
      .toContain('Outcome recorded: Escalated')
    expect(await page.locator('main').textContent()).toContain('Passed to the CCE team for a welfare visit')
    await expectAccessible(page)
  })

  it('lists others who may be targeted, filtered by dates', async () => {
    await page.goto(`${baseUrl}/people/${seed}`)
    await page.getByRole('link', { name: 'Others who may be targeted' }).click()
    await expect.poll(() => page.locator('#others').textContent()).toContain('Florin Dumitru')
    const rows = await page.locator('#others tbody tr').allTextContents()
    expect(rows[0]).toMatch(/Ionuț Stoica|Elena Munteanu/)
    expect(rows.at(-1)).toContain('Florin Dumitru')
    await expectAccessible(page)
    await page.locator('#from').getByLabel('Day').fill('31')
    await page.locator('#from').getByLabel('Month').fill('2')
    await page.locator('#from').getByLabel('Year').fill('2024')
    await page.getByRole('button', { name: 'Filter by dates' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Linked from must be a real date')
    await expectAccessible(page)
  })

  it('draws the link chart: tables without JavaScript, a cytoscape network with it, within the CSP', async () => {
    consoleWarnings.length = 0
    await page.goto(`${baseUrl}/people/${seed}/network`)
    await page.locator('[data-module="lantern-link-chart"][data-rendered="true"]').waitFor()
    expect(await page.locator('.lantern-link-chart__canvas canvas').count()).toBeGreaterThan(0)
    expect(await page.locator('#network-people').textContent()).toMatch(/Community \d/)
    expect(await page.locator('#network-identifiers').textContent()).toContain('YX19 KLM')
    await expectAccessible(page)
    expect(cspViolations).toEqual([])
    // A key says what each shape and colour means, and the chart draws without a console warning.
    const key = await page.locator('.lantern-link-chart__key').textContent()
    for (const shape of [
      'A victim or potential victim',
      'A suspected exploiter (red octagon)',
      'Another person',
      'A place (green diamond)',
      'A business or employer (purple hexagon)',
      'a phone or deal line (rounded), a vehicle (square)',
      'The communities (people who cluster together) are numbered in the tables below',
    ])
      expect(key).toContain(shape)
    expect(consoleWarnings).toEqual([])

    const noJs = await browser.newContext({ javaScriptEnabled: false })
    const plain = await noJs.newPage()
    await signInAs(plain, baseUrl, 'ds.intel@test.lantern', TEST_PASSWORD)
    await plain.goto(`${baseUrl}/people/${seed}/network`)
    expect(await plain.locator('[data-module="lantern-link-chart"]').isVisible()).toBe(false)
    expect(await plain.locator('#network-people').textContent()).toContain('Florin Dumitru')
    // axe runs as a script, so it cannot run here: the same page was checked above with the chart drawn.
    await noJs.close()
  })

  it('gives chart nodes the keyboard focus, one tab stop for the chart, showing a node’s full label under it on focus and on hover, gone when focus moves on', async () => {
    consoleWarnings.length = 0
    await page.goto(`${baseUrl}/people/${seed}/network`)
    await page.locator('[data-module="lantern-link-chart"][data-rendered="true"]').waitFor()
    const fullLabel = page.locator('.lantern-link-chart__full-label')
    const focusedNode = page.locator('.lantern-link-chart__node:focus')
    // Tab from the link above the chart: the first stop in the chart is the person it is about.
    await page.locator('main .govuk-caption-l a').focus()
    for (let presses = 0; presses < 5 && !(await focusedNode.count()); presses++) await page.keyboard.press('Tab')
    expect(await focusedNode.getAttribute('href')).toBe(`/people/${seed}`)
    await expect.poll(() => fullLabel.textContent()).toBe('Andrei Popescu')
    expect(await fullLabel.isVisible()).toBe(true)
    // The focus ring sits on the node, inside the chart.
    const chart = (await page.locator('.lantern-link-chart__canvas').boundingBox())!
    const ring = (await focusedNode.boundingBox())!
    expect(ring.x).toBeGreaterThanOrEqual(chart.x)
    expect(ring.x + ring.width).toBeLessThanOrEqual(chart.x + chart.width)
    expect(ring.y).toBeGreaterThanOrEqual(chart.y)
    expect(ring.y + ring.height).toBeLessThanOrEqual(chart.y + chart.height)
    expect(ring.width).toBeGreaterThanOrEqual(24)

    // The arrow keys visit every node in turn, each showing its label in full.
    const labels: string[] = []
    const nodes = await page.locator('.lantern-link-chart__node').count()
    for (let n = 1; n < nodes; n++) {
      await page.keyboard.press('ArrowRight')
      labels.push((await fullLabel.textContent()) ?? '')
    }
    for (const name of ['Ionuț Stoica', 'Florin Dumitru', 'Elena Munteanu']) expect(labels).toContain(name)
    expect(labels.some((label) => label.endsWith('YX19 KLM'))).toBe(true)
    expect(labels.some((label) => label.includes('14 Mill Lane'))).toBe(true)
    await expectAccessible(page)

    // The pointer on a node shows its label too, and leaving it gives the label back to the focused node.
    const seedNode = (await page.locator(`.lantern-link-chart__node[href="/people/${seed}"]`).boundingBox())!
    await page.mouse.move(seedNode.x + seedNode.width / 2, seedNode.y + seedNode.height / 2)
    await expect.poll(() => fullLabel.textContent()).toBe('Andrei Popescu')
    // To an empty corner of the chart as it is now (the page may have settled since it was measured), in steps so
    // the chart sees the pointer leave the node rather than jump out of the canvas.
    const canvas = (await page.locator('.lantern-link-chart__canvas').boundingBox())!
    await page.mouse.move(canvas.x + 2, canvas.y + 2, { steps: 8 })
    await expect.poll(() => fullLabel.textContent()).toBe(labels.at(-1))

    // Tab leaves the chart in one step, and the label goes; Shift+Tab comes back to the node last visited.
    const last = await focusedNode.getAttribute('href')
    await page.keyboard.press('Tab')
    expect(await focusedNode.count()).toBe(0)
    await expect.poll(() => fullLabel.textContent()).toBe('')
    await page.keyboard.press('Shift+Tab')
    expect(await focusedNode.getAttribute('href')).toBe(last)
    await expect.poll(() => fullLabel.textContent()).toBe(labels.at(-1))
    // Enter opens the node's page.
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === last)
    expect(consoleWarnings).toEqual([])
    expect(cspViolations).toEqual([])
  })
})
