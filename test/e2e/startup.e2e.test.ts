import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
import { freePort } from '../support/global-setup.ts'
import { totpCode } from '#src/platform/auth/totp.ts'
import { waitFor } from '../support/wait.ts'

/**
 * The newcomer's promise: `npm start` on a fresh machine starts Lantern on its own embedded PostgreSQL,
 * loads the synthetic demo, prints how to sign in, and stops cleanly. Run here as the server process itself.
 */
const dataDir = mkdtempSync(join(tmpdir(), 'lantern-start-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
  const pid = join(dataDir, 'postgres/postmaster.pid')
  if (existsSync(pid)) process.kill(Number(readFileSync(pid, 'utf8').split('\n')[0]), 'SIGINT')
  rmSync(dataDir, { recursive: true, force: true })
})

async function start(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; output: () => string; ms: number; port: number }> {
  const port = await freePort()
  const started = Date.now()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      LANTERN_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      PASSWORD_HASH_COST: '12',
      ...env,
    },
  })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  // Serving its sign-in page, or ended: a fetch that throws is a server not listening yet. The bound is generous
  // (a first start builds a cluster) so a busy machine is not mistaken for a failure to start.
  await waitFor(async () => child.exitCode !== null || (await fetch(`http://127.0.0.1:${port}/sign-in`)).ok, {
    timeout: 150_000,
    interval: 50,
    message: () => `Lantern to start:\n${output}`,
  })
  if (child.exitCode !== null) throw new Error(`Lantern exited (${child.exitCode}):\n${output}`)
  const ms = Date.now() - started
  // The server answers as soon as it listens; its start-up message (what a newcomer reads) follows a moment later.
  await waitFor(() => output.includes('Lantern is running at') || child.exitCode !== null, {
    timeout: 30_000,
    interval: 20,
    message: () => `the start-up message:\n${output}`,
  })
  return { child, output: () => output, ms, port }
}

function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.kill(signal)
  })
}

describe('npm start', () => {
  const pgPort = freePort()

  it('starts on a fresh data folder with the demo, prints the sign-in details, and they work', async () => {
    const first = await start({ LANTERN_EMBEDDED_PG_PORT: String(await pgPort) })
    const output = first.output()
    expect(output).toContain(`Lantern is running at http://localhost:${first.port}`)
    const password = /password: (\S+)/.exec(output)?.[1]
    expect(password).toBeTruthy()
    // Two-factor sign-in is required: the demo users share a printed key, and the CLI can show its code.
    const secret = /npx lantern totp --secret ([A-Z2-7]+)/.exec(output)?.[1]
    expect(secret).toMatch(/^[A-Z2-7]{32}$/)
    expect(output).toContain('dc1@demo.lantern.test')

    const signIn = await fetch(`http://127.0.0.1:${first.port}/sign-in`)
    const csrfCookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
    const token = /name="_csrf" value="([^"]+)"/.exec(await signIn.text())![1]
    const response = await fetch(`http://127.0.0.1:${first.port}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrfCookie },
      body: new URLSearchParams({ _csrf: token, email: 'dc1@demo.lantern.test', password: password! }),
    })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/sign-in/two-factor')
    const session = response.headers
      .getSetCookie()
      .find((c) => c.startsWith('lantern_session='))!
      .split(';')[0]
    const codePage = await fetch(`http://127.0.0.1:${first.port}/sign-in/two-factor`, {
      headers: { cookie: `${csrfCookie}; ${session}` },
    })
    const codeToken = /name="_csrf" value="([^"]+)"/.exec(await codePage.text())![1]
    const verified = await fetch(`http://127.0.0.1:${first.port}/sign-in/two-factor`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${csrfCookie}; ${session}` },
      body: new URLSearchParams({ _csrf: codeToken, code: totpCode(secret!) }),
    })
    expect(verified.status).toBe(303)
    // The session id is renewed when the second factor is passed: the half-signed-in one opens nothing.
    const signedIn = verified.headers
      .getSetCookie()
      .find((c) => c.startsWith('lantern_session='))!
      .split(';')[0]
    expect(signedIn).not.toBe(session)
    // The queue opens on open work, urgent first (issue 14, section 3); every referral is one filter away.
    const queue = await (
      await fetch(`http://127.0.0.1:${first.port}/referrals`, { headers: { cookie: signedIn } })
    ).text()
    expect(queue).toMatch(/Showing 1 to \d+ of \d+ referrals/)
    expect(queue).toContain('lantern-urgency-reasons')
    const all = await fetch(`http://127.0.0.1:${first.port}/referrals?status=all`, { headers: { cookie: signedIn } })
    // The 200 synthetic referrals and those the demo records through the services (urgent reports, a warrant day).
    const total = Number(/Showing 1 to 25 of (\d+) referrals/.exec(await all.text())?.[1])
    expect(total).toBeGreaterThan(200)
    expect(total).toBeLessThan(220)
    console.log(`first start to first page: ${first.ms} ms`)

    expect(await stop(first.child), first.output()).toBe(0)
    expect(existsSync(join(dataDir, 'postgres/postmaster.pid'))).toBe(false)
  })

  it('restarts on the same data, printing the same sign-in details, without loading the demo twice', async () => {
    const again = await start({ LANTERN_EMBEDDED_PG_PORT: String(await pgPort) })
    expect(again.output()).not.toContain('Loading the synthetic demo data')
    expect(again.output()).toContain('Every demo user has the password')
    const health = await (await fetch(`http://127.0.0.1:${again.port}/health`)).json()
    expect(health).toMatchObject({ status: 'ok' })
    console.log(`restart to first page: ${again.ms} ms`)
    // Killed outright, it leaves its PostgreSQL behind; the next start takes the data folder back.
    await stop(again.child, 'SIGKILL')
    const recovered = await start({ LANTERN_EMBEDDED_PG_PORT: String(await pgPort) })
    expect((await fetch(`http://127.0.0.1:${recovered.port}/health`)).status).toBe(200)
    expect(await stop(recovered.child), recovered.output()).toBe(0)
  })

  it('starts empty with LANTERN_DEMO=0 and says how to create the first user', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'lantern-empty-'))
    try {
      const empty = await start({
        LANTERN_DATA_DIR: emptyDir,
        LANTERN_DEMO: '0',
        LANTERN_EMBEDDED_PG_PORT: String(await freePort()),
      })
      expect(empty.output()).toContain('No users yet. Create one with: npx lantern user create')
      expect(await stop(empty.child), empty.output()).toBe(0)
    } finally {
      rmSync(emptyDir, { recursive: true, force: true })
    }
  })
})
