import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { totpCode } from '#src/platform/auth/totp.ts'
import { createTestContext, createUser, freshTotpCode, TEST_PASSWORD, type TestContext } from '../support/test-app.ts'
import { completeSecondFactor, expectAccessible, launchBrowser } from './support/browser.ts'

/** Two-factor set-up and sign-in, your account, and the user administration pages, in Chromium with axe. */
let ctx: TestContext
let browser: Browser
let context: BrowserContext
let baseUrl: string

beforeAll(async () => {
  ctx = await createTestContext()
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  baseUrl = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ;({ browser, context } = await launchBrowser())
})
afterAll(async () => {
  await browser?.close()
  await ctx?.close()
})

async function password(page: Page, email: string, secret = TEST_PASSWORD) {
  // The tests share one browser context: start each sign-in signed out, or /sign-in sends a signed-in user on.
  await page.context().clearCookies()
  await page.goto(`${baseUrl}/sign-in`)
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password', { exact: true }).fill(secret)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => url.pathname !== '/sign-in')
}

describe('two-factor authentication in the browser', () => {
  it('a new officer sets it up at first sign-in, then signs in with a code', async () => {
    const dc = await createUser(ctx, 'investigator', 'dc.mfa.e2e@test.lantern', { mfa: false })
    const page = await context.newPage()
    await password(page, dc.email)
    expect(new URL(page.url()).pathname).toBe('/sign-in/set-up-two-factor')
    expect(await page.locator('h1').textContent()).toBe('Set up two-factor authentication')
    expect(await page.getByRole('img', { name: 'QR code for your authenticator app' }).count()).toBe(1)
    await expectAccessible(page)
    const secret = ((await page.locator('#mfa-secret').textContent()) ?? '').replace(/\s/g, '')
    await page.getByLabel('Enter the 6-digit code the app now shows').fill('123')
    await page.getByRole('button', { name: 'Confirm' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('using numbers only')
    await expectAccessible(page)
    await page.getByLabel('Enter the 6-digit code the app now shows').fill(totpCode(secret))
    await page.getByRole('button', { name: 'Confirm' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toBe('Save your recovery codes')
    expect(await page.locator('.lantern-recovery-codes li').count()).toBe(10)
    await expectAccessible(page)
    await page.getByRole('link', { name: /I have saved my recovery codes/ }).click()
    await page.waitForURL(/\/referrals$/)

    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL(/signedOut=1/)
    await password(page, dc.email)
    expect(new URL(page.url()).pathname).toBe('/sign-in/two-factor')
    await expectAccessible(page)
    await page.getByLabel('Security code').fill('000000')
    await page.getByRole('button', { name: 'Continue' }).click()
    await expect
      .poll(() => page.locator('.govuk-error-summary').textContent())
      .toContain('Enter a correct security code')
    await expectAccessible(page)
    await page.getByLabel('Security code').fill(totpCode(secret, Date.now() + 30_000))
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL(/\/referrals$/)
    await page.close()
  }, 240_000)
})

describe('your account and user administration in the browser', () => {
  it('an administrator creates and manages a user; the user changes their password and makes and revokes their own API token', async () => {
    const admin = await createUser(ctx, 'admin', 'admin.e2e@test.lantern')
    const page = await context.newPage()
    await password(page, admin.email)
    await page.getByLabel('Security code').fill(await freshTotpCode(admin.email))
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'))
    await page.getByRole('link', { name: 'Users' }).click()
    await page.waitForURL(/\/admin\/users$/)
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Create a user' }).click()
    await page.waitForURL(/\/admin\/users\/new$/)
    await expectAccessible(page)
    await page.getByRole('button', { name: 'Create user' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Enter the user’s full name')
    await expectAccessible(page)
    await page.getByLabel('Full name').fill('DS Robin Vale')
    await page.getByLabel('Email address').fill('robin.vale@test.lantern')
    await page.getByLabel('Supervisor (DI or DS)').check()
    await page.getByLabel('Set a password myself').check()
    await page.getByLabel('Password', { exact: true }).fill('password1234')
    await page.getByRole('button', { name: 'Create user' }).click()
    await expect.poll(() => page.locator('.govuk-error-summary').textContent()).toContain('Password is too common')
    await page.getByLabel('Generate a password and show it to me once').check()
    await page.getByRole('button', { name: 'Create user' }).click()
    await expect.poll(() => page.locator('h1').textContent()).toContain('User created')
    const generated = (await page.locator('#generated-password').textContent())!.trim()
    await expectAccessible(page)

    await page.getByRole('link', { name: 'Go to the user’s page' }).click()
    await page.waitForURL(/\/admin\/users\/[0-9a-f-]{36}$/)
    await expectAccessible(page)
    await page.getByLabel('Role').selectOption('investigator')
    await page.getByRole('button', { name: 'Change role' }).click()
    await expect.poll(() => page.locator('.govuk-notification-banner').textContent()).toContain('Role changed')
    // Tokens are personal: the administrator's page lists a user's tokens but offers none to make.
    await expect.poll(() => page.locator('main').textContent()).toContain('the user makes their own from their account')
    expect(await page.getByRole('link', { name: 'Create an API token' }).count()).toBe(0)
    await page.close()

    // The new user: sets up two-factor, then changes the generated password on their account page.
    // A different person: a browser of their own, without the administrator's cookies.
    const robin = await (await browser.newContext()).newPage()
    await password(robin, 'robin.vale@test.lantern', generated)
    await completeSecondFactor(robin, 'robin.vale@test.lantern')
    await robin.waitForURL(/\/referrals$/)
    await robin.getByRole('link', { name: /DS Robin Vale/ }).click()
    await robin.waitForURL(/\/account$/)
    await expectAccessible(robin)
    await robin.getByRole('link', { name: /Change/ }).click()
    await robin.waitForURL(/\/account\/password$/)
    await expectAccessible(robin)
    await robin.getByLabel('Current password').fill(generated)
    await robin.getByLabel('New password', { exact: true }).fill('robin')
    await robin.getByLabel('Confirm new password').fill('robin')
    await robin.getByRole('button', { name: 'Change password' }).click()
    await expect
      .poll(() => robin.locator('.govuk-error-summary').textContent())
      .toContain('New password must be 12 characters or more')
    await expectAccessible(robin)
    await robin.getByLabel('Current password').fill(generated)
    await robin.getByLabel('New password', { exact: true }).fill('glass-lighthouse-orchard-97')
    await robin.getByLabel('Confirm new password').fill('glass-lighthouse-orchard-97')
    await robin.getByRole('button', { name: 'Change password' }).click()
    await expect
      .poll(() => robin.locator('.govuk-notification-banner').textContent())
      .toContain('Your password has been changed')

    await robin.getByRole('link', { name: /Manage/ }).click()
    await robin.waitForURL(/\/account\/tokens$/)
    await expectAccessible(robin)
    await robin.getByRole('link', { name: 'Create an API token' }).click()
    await robin.waitForURL(/\/account\/tokens\/new$/)
    await expectAccessible(robin)
    await robin.getByRole('button', { name: 'Create token' }).click()
    await expect
      .poll(() => robin.locator('.govuk-error-summary').textContent())
      .toContain('Select at least one permission')
    await expectAccessible(robin)
    await robin.getByLabel('Name').fill('Helpline reader')
    await robin.getByLabel('referral:view').check()
    await robin.getByLabel('Your current password').fill('glass-lighthouse-orchard-97')
    await robin.getByRole('button', { name: 'Create token' }).click()
    await expect.poll(() => robin.locator('h1').textContent()).toContain('API token created')
    const token = (await robin.locator('#api-token').textContent())!.trim()
    await expectAccessible(robin)
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(200)
    await robin.getByRole('link', { name: 'Back to your API tokens' }).click()
    await robin.getByRole('button', { name: /Revoke/ }).click()
    await expect.poll(() => robin.locator('.govuk-notification-banner').textContent()).toContain('API token revoked')
    await expectAccessible(robin)
    expect(
      (await ctx.app.inject({ method: 'GET', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}` } }))
        .statusCode,
    ).toBe(401)
    await robin.goto(`${baseUrl}/account`)
    await robin.getByRole('button', { name: 'Sign out everywhere' }).click()
    await robin.waitForURL(/signedOut=1/)
    await robin.close()
  }, 300_000)
})
