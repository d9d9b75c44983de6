// `npm test`: typecheck, lint, then every Vitest project (unit; PostgreSQL server; embedded PostgreSQL;
// browser). Ends with one plain "N passed, N failed" line, which CI reads.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ensureBrowser, ensurePostgresServer, needs } from './test-preflight.js'

const root = join(import.meta.dirname, '..')
const bin = (name) => join(root, 'node_modules/.bin', name)
const env = { ...process.env, NO_COLOR: process.env.NO_COLOR ?? (process.env.CI ? '1' : undefined) }
let passed = 0
let failed = 0

function step(name, command, args) {
  console.log(`\n▶ ${name}`)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env })
  if (result.status === 0) passed++
  else {
    failed++
    console.log(`✗ ${name} failed`)
  }
  return result.status === 0
}

// What the machine must provide, first: a missing browser or database is said now, not after minutes of tests.
const need = needs(process.argv.slice(2))
try {
  if (need.browser) env.CHROMIUM_PATH = ensureBrowser(env)
  if (need.server) await ensurePostgresServer(env)
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  console.log('\n0 passed, 1 failed')
  process.exit(1)
}

step('typecheck', bin('tsc'), ['--noEmit', '-p', '.'])
step('lint', bin('eslint'), ['--max-warnings', '0', '.'])
step('build assets', process.execPath, ['scripts/build-assets.js'])

mkdirSync(join(root, 'test-results'), { recursive: true })
const report = join(root, 'test-results/vitest.json')
console.log('\n▶ tests (unit, PostgreSQL server, embedded PostgreSQL, browser)')
const vitest = spawnSync(bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', env })
if (existsSync(report)) {
  const results = JSON.parse(readFileSync(report, 'utf8'))
  passed += results.numPassedTests
  failed += results.numFailedTests
  // A suite that failed to load has no failed tests but must still fail the run.
  failed += results.testResults.filter((file) => file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed')).length
} else failed++
if (vitest.status !== 0 && failed === 0) failed++

console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
