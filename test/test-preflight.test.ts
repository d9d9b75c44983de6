import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '#src/platform/paths.ts'
// @ts-expect-error: a plain JavaScript script with JSDoc types, run by node in `npm test`
import { chooseBrowser, needs } from '../scripts/test-preflight.js'

type Choice = { path: string } | { install: true } | { error: string }
const choose = chooseBrowser as (facts: {
  chromiumPath?: string
  exists: (path: string) => boolean
  root: boolean
  apt: boolean
}) => Choice
const needed = needs as (args: string[]) => { browser: boolean; server: boolean }
const nothing = () => false

describe('npm test: the browser', () => {
  it("uses CHROMIUM_PATH, else Debian's chromium, else Google Chrome", () => {
    expect(choose({ chromiumPath: '/opt/chrome/chrome', exists: () => true, root: false, apt: false })).toEqual({
      path: '/opt/chrome/chrome',
    })
    expect(choose({ exists: (path) => path === '/usr/bin/chromium', root: true, apt: true })).toEqual({
      path: '/usr/bin/chromium',
    })
    expect(choose({ exists: (path) => path === '/usr/bin/google-chrome', root: false, apt: false })).toEqual({
      path: '/usr/bin/google-chrome',
    })
  })

  it("installs Debian's chromium when none is found and it runs as root with apt", () => {
    expect(choose({ exists: nothing, root: true, apt: true })).toEqual({ install: true })
  })

  it('otherwise says so in one line that names the fix, and never installs as another user', () => {
    const choice = choose({ exists: nothing, root: false, apt: true })
    expect(choice).toEqual({ error: expect.stringMatching(/apt-get install chromium.*CHROMIUM_PATH/) })
    expect((choice as { error: string }).error).not.toContain('\n')
    expect(choose({ chromiumPath: '/nowhere/chrome', exists: nothing, root: true, apt: true })).toEqual({
      error: expect.stringMatching(/^CHROMIUM_PATH is \/nowhere\/chrome, which does not exist/),
    })
  })

  it('checks only what the named projects need', () => {
    expect(needed([])).toEqual({ browser: true, server: true })
    expect(needed(['--project', 'unit'])).toEqual({ browser: false, server: false })
    expect(needed(['--project=pg-server'])).toEqual({ browser: false, server: true })
    expect(needed(['--project', 'pg-embedded', '--project', 'e2e'])).toEqual({ browser: true, server: true })
  })
})

describe('npm test on a machine that lacks what it needs', () => {
  const run = (env: Record<string, string>, args: string[] = []) => {
    const started = Date.now()
    const result = spawnSync(process.execPath, [join(ROOT, 'scripts/run-tests.js'), ...args], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 60_000,
    })
    return { ...result, ms: Date.now() - started }
  }

  it('stops at once, before the typecheck, with one line naming the fix for the browser', () => {
    const result = run({ CHROMIUM_PATH: '/nowhere/chromium' })
    expect(result.status).toBe(1)
    expect(result.stderr.trim()).toBe(
      'CHROMIUM_PATH is /nowhere/chromium, which does not exist: point it at a Chromium or Chrome executable, or unset it.',
    )
    expect(result.stdout).not.toContain('typecheck')
    expect(result.stdout.trim().split('\n').at(-1)).toBe('0 passed, 1 failed')
    expect(result.ms).toBeLessThan(10_000)
  })

  it('and for the PostgreSQL server', () => {
    const result = run({ LANTERN_TEST_PG_URL: 'postgres://postgres@127.0.0.1:1/postgres' }, ['--project', 'pg-server'])
    expect(result.status).toBe(1)
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^No PostgreSQL server answered at LANTERN_TEST_PG_URL .*start one .*or set LANTERN_TEST_PG_URL\.$/,
      ),
    ])
    expect(result.stdout).not.toContain('typecheck')
  })
})
