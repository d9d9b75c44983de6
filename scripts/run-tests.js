// `npm test`: typecheck, lint, then every Vitest project in turn (unit; PostgreSQL server; embedded PostgreSQL;
// browser). Ends with one plain "N passed, N failed" line, summed over the projects, which CI reads.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
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
step('format', bin('prettier'), ['--check', '.'])
step('build assets', process.execPath, ['scripts/build-assets.js'])

mkdirSync(join(root, 'test-results'), { recursive: true })

// The Vitest projects one after another, never at once: on a 2-core machine the browser tests (each an app and a
// Chromium) time out when they compete with the database projects' workers. Within the browser project two files
// run at a time (the config's maxWorkers), with timeouts that leave room for a busy machine: one at a time took the
// whole run past CI's 30 minutes. A project named with --project runs alone; other arguments (file filters, -t) go
// to every project, so a filter that matches nothing in one project is no failure there.
const PROJECTS = [
  { name: 'unit', label: 'unit', args: [] },
  { name: 'pg-server', label: 'PostgreSQL server', args: [] },
  { name: 'pg-embedded', label: 'embedded PostgreSQL', args: [] },
  { name: 'e2e', label: 'browser', args: [] },
]
const { named, rest } = splitProjects(process.argv.slice(2))
let files = 0
for (const project of PROJECTS.filter((p) => named.length === 0 || named.includes(p.name))) {
  console.log(`\n▶ tests: ${project.label} (${project.name})`)
  const report = join(root, `test-results/vitest-${project.name}.json`)
  rmSync(report, { force: true })
  const vitest = spawnSync(
    bin('vitest'),
    [
      'run',
      '--project',
      project.name,
      ...project.args,
      '--passWithNoTests',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...rest,
    ],
    { cwd: root, stdio: 'inherit', env },
  )
  let failedHere = 0
  if (existsSync(report)) {
    const results = JSON.parse(readFileSync(report, 'utf8'))
    files += results.testResults.length
    passed += results.numPassedTests
    failedHere += results.numFailedTests
    // A suite that failed to load has no failed tests but must still fail the run.
    failedHere += results.testResults.filter(
      (file) => file.status === 'failed' && file.assertionResults.every((a) => a.status !== 'failed'),
    ).length
  } else failedHere++
  if (vitest.status !== 0 && failedHere === 0) failedHere++
  failed += failedHere
}
// Each project may find nothing to run; the run as a whole must find something, or the filter was wrong.
if (files === 0) {
  console.log('✗ no test files matched')
  failed++
}

console.log(`\n${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)

/** The projects named with --project (or --project=), and every other argument, which goes to Vitest as it is. */
function splitProjects(args) {
  const named = []
  const rest = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--project' && i + 1 < args.length) named.push(args[++i])
    else if (args[i].startsWith('--project=')) named.push(args[i].slice('--project='.length))
    else rest.push(args[i])
  }
  return { named, rest }
}
