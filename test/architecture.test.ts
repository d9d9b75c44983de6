import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain JavaScript script, without types
import { importCycles, moduleMap, updatedDocument } from '../scripts/architecture.js'

const root = join(import.meta.dirname, '..')

describe('the module boundary', () => {
  it('every module has a front door, and every import from one module into another goes through it', () => {
    const map = moduleMap()
    for (const module of map.modules) expect(map.exportsOf(module), `${module}/index.ts`).toBeGreaterThan(0)
    expect(map.crossImports).toBeGreaterThan(0)
    expect(map.throughFrontDoor).toBe(map.crossImports)
  })

  it('no file in src imports itself through a chain of imports, type-only imports included', () => {
    // A front door that re-exported a route file would close one: every route file reads AppDeps from the container,
    // and the container imports every front door.
    expect(importCycles()).toEqual([])
  })

  it('the circle check finds a circle, and names its files in order', () => {
    const graph = new Map([
      ['src/container.ts', ['src/modules/cases/index.ts']],
      ['src/modules/cases/index.ts', ['src/modules/cases/case.pages.ts']],
      ['src/modules/cases/case.pages.ts', ['src/container.ts', 'src/shared/ids.ts']],
      ['src/shared/ids.ts', []],
      ['src/self.ts', ['src/self.ts']],
    ])
    expect(importCycles(graph)).toEqual([
      ['src/container.ts', 'src/modules/cases/index.ts', 'src/modules/cases/case.pages.ts'],
      ['src/self.ts'],
    ])
  })

  it('docs/ARCHITECTURE.md draws the module map as the code is (run `node scripts/architecture.js` after moving code)', () => {
    const document = readFileSync(join(root, 'docs/ARCHITECTURE.md'), 'utf8')
    expect(updatedDocument(document)).toBe(document)
  })

  it('lint refuses an import of another module’s internals, a path that climbs out, and a module in the platform', async () => {
    const eslint = new ESLint({ cwd: root })
    const lint = async (file: string, code: string) =>
      (await eslint.lintText(code, { filePath: join(root, file) }))[0].messages.filter(
        (m) => m.ruleId === 'no-restricted-imports',
      )
    const inside =
      "import { createPerson } from '#src/modules/people/records.repository.ts'\nexport const f = createPerson\n"
    expect(await lint('src/modules/cases/example.ts', inside)).toHaveLength(1)
    expect(
      await lint(
        'src/modules/cases/example.ts',
        "import { createPerson } from '../people/records.repository.ts'\nexport const f = createPerson\n",
      ),
    ).toHaveLength(1)
    expect(
      await lint(
        'src/modules/matching/engine/example.ts',
        "import { createPerson } from '../../people/records.repository.ts'\nexport const f = createPerson\n",
      ),
    ).toHaveLength(1)
    expect(await lint('src/container.ts', inside)).toHaveLength(1)
    // A module's routes.ts is for the app alone, which mounts them: not for another module, nor the container.
    const routes =
      "import { registerCasePages } from '#src/modules/cases/routes.ts'\nexport const f = registerCasePages\n"
    expect(await lint('src/modules/people/example.ts', routes)).toHaveLength(1)
    expect(await lint('src/container.ts', routes)).toHaveLength(1)
    expect(await lint('src/app.ts', routes)).toHaveLength(0)
    expect(await lint('src/app.ts', inside)).toHaveLength(1)
    expect(
      await lint(
        'src/platform/http/example.ts',
        "import { createPerson } from '#src/modules/people/index.ts'\nexport const f = createPerson\n",
      ),
    ).toHaveLength(1)
    // Allowed: the front door, and a module's own files by either path.
    expect(
      await lint(
        'src/modules/cases/example.ts',
        "import { createPerson } from '#src/modules/people/index.ts'\nexport const f = createPerson\n",
      ),
    ).toHaveLength(0)
    expect(await lint('src/modules/people/example.ts', inside)).toHaveLength(0)
    expect(
      await lint(
        'src/modules/matching/engine/example.ts',
        "import { x } from '../matching.service.ts'\nexport const f = x\n",
      ),
    ).toHaveLength(0)
  })
})
