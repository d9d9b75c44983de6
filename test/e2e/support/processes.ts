import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { ROOT } from '#src/platform/paths.ts'
import { freePort } from '#src/shared/free-port.ts'
import type { Config } from '#src/platform/config/config.ts'
import type { Db } from '#src/platform/db/database.ts'
import { createAuthService } from '#src/platform/auth/auth.service.ts'
import { newTotpSecret, totpCode } from '#src/platform/auth/totp.ts'
import { waitFor } from '../../support/wait.ts'

/** Lantern as its own process (`src/server.ts`), as it runs in production: for fault and multi-instance tests. */
export type LanternProcess = {
  url: string
  child: ChildProcess
  output: () => string
  /** Sends a signal and waits for the process to end. */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

const running = new Set<ChildProcess>()

/** Ends every Lantern process a test started and did not stop (afterAll). */
export function killAllStarted(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  running.clear()
}

export async function startLantern(
  env: Record<string, string>,
  options: { timeoutMs?: number } = {},
): Promise<LanternProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      PASSWORD_HASH_COST: '12',
      LANTERN_DEMO: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const url = `http://127.0.0.1:${port}`
  // Healthy, or ended: a fetch that throws is a server not listening yet.
  try {
    await waitFor(async () => child.exitCode !== null || (await fetch(`${url}/health`)).ok, {
      timeout: options.timeoutMs ?? 180_000,
      interval: 100,
    })
  } catch {
    child.kill('SIGKILL')
    throw new Error(`Lantern did not become healthy:\n${output}`)
  }
  if (child.exitCode !== null) throw new Error(`Lantern exited (${child.exitCode}):\n${output}`)
  return {
    url,
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode)
        child.once('exit', (code) => resolve(code))
        child.kill(signal)
      }),
  }
}

function cookiesOf(response: Response): string[] {
  return response.headers.getSetCookie().map((c) => c.split(';')[0])
}

function mergeCookies(jar: Map<string, string>, response: Response): void {
  for (const pair of cookiesOf(response)) {
    const at = pair.indexOf('=')
    jar.set(pair.slice(0, at), pair.slice(at + 1))
  }
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

/**
 * Signs in over HTTP through the real pages: the password, then the authenticator code when the user has set
 * up two-factor sign-in (computed from their secret, as their app would). Returns the Cookie header to send.
 */
export async function signInOverHttp(
  url: string,
  email: string,
  password: string,
  mfaSecret?: string,
): Promise<string> {
  const jar = new Map<string, string>()
  const page = await fetch(`${url}/sign-in`)
  mergeCookies(jar, page)
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]
  const response = await fetch(`${url}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(jar) },
    body: new URLSearchParams({ _csrf: token, email, password }),
  })
  mergeCookies(jar, response)
  if (response.status !== 303) throw new Error(`sign-in failed: ${response.status}`)
  const next = response.headers.get('location') ?? '/'
  if (next.startsWith('/sign-in/two-factor')) {
    if (!mfaSecret) throw new Error(`${email} needs a second factor`)
    const form = await fetch(`${url}${next}`, { headers: { cookie: header(jar) } })
    mergeCookies(jar, form)
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]
    const verified = await fetch(`${url}/sign-in/two-factor`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: header(jar) },
      body: new URLSearchParams({ _csrf: csrf, code: totpCode(mfaSecret) }),
    })
    mergeCookies(jar, verified)
    if (verified.status !== 303) throw new Error(`second factor refused: ${verified.status}`)
  } else if (next.startsWith('/sign-in/')) {
    throw new Error(`sign-in stopped at ${next}`)
  }
  return header(jar)
}

/** The CSRF token on a page, read as a browser's form would carry it. */
export async function csrfFrom(url: string, path: string, cookie: string): Promise<string> {
  const page = await fetch(`${url}${path}`, { headers: { cookie } })
  const match = /name="_csrf" value="([^"]+)"/.exec(await page.text())
  if (!match) throw new Error(`no form on ${path} (${page.status})`)
  return match[1]
}

export const OFFICER_PASSWORD = 'correct-horse-battery-staple'

/**
 * An investigator who has set up two-factor sign-in (the secret is known, so the test can compute codes), and an
 * API token for them. Written through the auth service, with its audit rows, straight into the database.
 */
export async function seedOfficer(
  db: Db,
  config: Config,
  email = `officer-${randomBytes(3).toString('hex')}@test.lantern`,
) {
  const auth = createAuthService(db, config)
  const { id } = await auth.createUser(
    { email, displayName: 'DC Fault Test', roleId: 'investigator', password: OFFICER_PASSWORD },
    { userId: null },
  )
  const mfaSecret = newTotpSecret()
  await db
    .updateTable('users')
    .set({ mfa_secret: mfaSecret, mfa_enrolled_at: new Date() })
    .where('id', '=', id)
    .execute()
  const { token } = await auth.createApiToken(email, 'fault test', 30, { userId: null })
  return { id, email, password: OFFICER_PASSWORD, mfaSecret, token }
}
