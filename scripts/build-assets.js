// Compiles the GOV.UK + MoJ stylesheet once, and again only when a source file is newer than the output,
// so that `npm start` stays quick on a restart.
import { mkdirSync, statSync, writeFileSync, readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const source = join(root, 'src/platform/views/assets/application.scss')
const output = join(root, 'public/stylesheets/application.css')

function newestInput() {
  let newest = statSync(source).mtimeMs
  for (const dir of ['src/platform/views/assets']) {
    for (const name of readdirSync(join(root, dir))) newest = Math.max(newest, statSync(join(root, dir, name)).mtimeMs)
  }
  newest = Math.max(newest, statSync(join(root, 'node_modules/govuk-frontend/package.json')).mtimeMs)
  return newest
}

function outputTime() {
  try {
    return statSync(output).mtimeMs
  } catch {
    return 0
  }
}

if (outputTime() < newestInput()) {
  const started = Date.now()
  // GOV.UK and MoJ Frontend warn each other about their own deprecations; those are not ours to fix.
  const logger = {
    warn: (message, options) => {
      const from = `${options.span?.url?.pathname ?? ''} ${options.stack ?? ''}`
      if (!from.includes('node_modules')) console.warn(message)
    },
  }
  const result = sass.compile(source, { loadPaths: [root], style: 'compressed', quietDeps: true, logger })
  mkdirSync(dirname(output), { recursive: true })
  writeFileSync(output, result.css)
  console.log(`Built public/stylesheets/application.css in ${Date.now() - started} ms`)
}
