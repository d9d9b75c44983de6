import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'public/', 'data/', 'test-results/', '.bench/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
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
  {
    files: ['src/platform/views/assets/js/**/*.js'],
    languageOptions: { globals: { ...globals.browser } },
  },
)
