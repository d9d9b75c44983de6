import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/**
 * The crawl visits every page as every role and is the longest browser file: started first, the other
 * worker runs the rest of the browser files beside it, instead of the crawl starting half-way and running alone at
 * the end. Vitest reads the sequencer from the root config only (a project's own is ignored), so it is set there and
 * moves the crawl to the front of its own project's files, leaving every other project's order as it was.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const isCrawl = (file: TestSpecification) => file.moduleId.endsWith('/crawl.e2e.test.ts')
    const crawls = sorted.filter(isCrawl)
    const rest = sorted.filter((file) => !isCrawl(file))
    for (const crawl of crawls.reverse()) {
      const first = rest.findIndex((file) => file.project.name === crawl.project.name)
      rest.splice(first === -1 ? rest.length : first, 0, crawl)
    }
    return rest
  }
}

// Tests that need PostgreSQL (`*.int.test.ts`, `*.e2e.test.ts`) run against both targets the project
// supports: the machine's PostgreSQL server and the embedded PostgreSQL. Pure unit tests run once.
const dbTests = ['src/**/*.int.test.ts', 'test/**/*.int.test.ts']
/**
 * The sweeps over every route and role (the canary sweep, the route security matrix, input fuzzing) test the access
 * policy and input handling in the app, which are the same whichever PostgreSQL holds the rows, and take a third
 * of a database project's time: they run once, against the server. Every other database test runs on both.
 */
const sweeps = ['test/canary-sweep.int.test.ts', 'test/route-security.int.test.ts', 'test/fuzz.int.test.ts']

export default defineConfig({
  resolve: { alias: [{ find: /^#src\/(.*)$/, replacement: new URL('./src/$1', import.meta.url).pathname }] },
  test: {
    // A bound for a hang, not the norm: a test that takes 3 s alone has taken over 30 s on a 2-core machine running
    // CI beside other CPU-heavy work, and CI must pass there too.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    sequence: { sequencer: LongestFirst },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'pg-server',
          include: dbTests,
          globalSetup: ['test/support/global-setup.ts'],
          env: { LANTERN_TEST_TARGET: 'server' },
        },
      },
      {
        extends: true,
        test: {
          name: 'pg-embedded',
          include: dbTests,
          exclude: [...sweeps, 'node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          env: { LANTERN_TEST_TARGET: 'embedded' },
        },
      },
      // Browser and start-up tests get the most room: a start-up builds a cluster and loads the demo, and a loaded
      // 2-core machine (CI beside other work) has taken over 90 s for one. The bounds are for a hang, not the norm.
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          env: { LANTERN_TEST_TARGET: 'server' },
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
})
