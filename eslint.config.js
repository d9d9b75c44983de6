import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'
import { readdirSync } from 'node:fs'

// The module boundary (docs/ARCHITECTURE.md): a module uses another only through its front door, index.ts; the
// app alone mounts a module's routes, through its routes.ts; the platform and shared code use no module at all.
// Tests may reach inside, to test what the front door hides.
const modules = readdirSync(new URL('./src/modules/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
const frontDoorOnly = (own, doors = 'index') => ({
  regex: `^#src/modules/${own ? `(?!${own}/)` : ''}[^/]+/(?!(${doors})\\.ts$)`,
  message: 'Use the other module through its front door, #src/modules/<module>/index.ts (docs/ARCHITECTURE.md).',
})
const upAndOut = (levels) => ({
  regex: `^(\\.\\./){${levels}}`,
  message: 'Reach another module through #src/modules/<module>/index.ts, not a relative path.',
})

export default tseslint.config(
  { ignores: ['node_modules/', 'public/', 'data/', 'test-results/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      'no-nested-ternary': 'off',
      eqeqeq: ['error', 'always'],
      // A focused or skipped test must never reach main.
      'no-restricted-properties': [
        'error',
        ...['describe', 'it', 'test'].flatMap((object) => [
          { object, property: 'only', message: 'Do not commit focused tests.' },
          { object, property: 'skip', message: 'Do not commit skipped tests.' },
        ]),
      ],
    },
  },
  // A relative path may not climb out of its module either: one level up from a module's own folder, two from a
  // subfolder.
  ...modules.flatMap((module) => [
    {
      files: [`src/modules/${module}/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: [frontDoorOnly(module), upAndOut(1)] }] },
    },
    {
      files: [`src/modules/${module}/*/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: { 'no-restricted-imports': ['error', { patterns: [frontDoorOnly(module), upAndOut(2)] }] },
    },
  ]),
  {
    files: ['src/*.ts', 'src/cli/**/*.ts'],
    ignores: ['**/*.test.ts', 'src/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [frontDoorOnly(null)] }] },
  },
  {
    files: ['src/app.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [frontDoorOnly(null, 'index|routes')] }] },
  },
  {
    files: ['src/platform/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^#src/modules/|/modules/)',
              message: 'The platform and shared code use no module: modules build on them, not the other way round.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/platform/views/assets/js/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
)
