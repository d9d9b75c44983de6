import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'
// @ts-expect-error: a plain JavaScript script, without types
import { moduleMap, updatedDocument } from '../scripts/architecture.js'

const root = join(import.meta.dirname, '..')

describe('the module boundary', () => {
  it('every module has a front door, and every import from one module into another goes through it', () => {
    const map = moduleMap()
    for (const module of map.modules) expect(map.exportsOf(module), `${module}/index.ts`).toBeGreaterThan(0)
    expect(map.crossImports).toBeGreaterThan(0)
    expect(map.throughFrontDoor).toBe(map.crossImports)
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
