import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

/** Layer rule (see ARCHITECTURE.md): a file may import only its own layer or a more general one. */
const forbid = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }],
});

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'release/',
      'node_modules/',
      'native-models/.cache/',
      'native-models/tools/',
      'test/fixtures/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['electron/common/**/*.ts'],
    rules: forbid(
      ['**/node/**', '**/main/**', '**/preload/**', 'node:*', 'electron'],
      'electron/common runs anywhere: no Node, Electron or backend imports',
    ),
  },
  {
    files: ['electron/node/**/*.ts', 'native-models/**/*.ts'],
    rules: forbid(
      // '/electron': the Electron package itself, not the project's electron/common (the API contract).
      ['/electron', '**/main/**', '**/preload/**', '**/renderer/**'],
      'plain Node code must not depend on Electron or the renderer',
    ),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...forbid(
        ['**/electron/node/**', '**/electron/main/**', '**/native-models/**', 'node:*'],
        'the renderer reaches the backend only through the API in electron/common',
      ),
    },
  },
  {
    files: ['bin/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
);
