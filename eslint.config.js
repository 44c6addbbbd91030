import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const ioModules = ['node:*', 'fs', 'net', 'http', 'express', 'socket.io', 'ioredis', 'pino'];

export default tseslint.config(
  { ignores: ['node_modules', 'web/dist', 'dist', 'test-results', 'playwright-report', 'bench/*.json'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // The engine and the schedule maths are pure: no I/O, no clock, no randomness.
    files: ['server/engine/**/*.ts', 'server/schedule/**/*.ts', 'shared/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [...ioModules.map((m) => ({ group: [m], message: 'pure module: no I/O' })), { group: ['**/web/**', '**/server/**'], message: 'shared/engine must not import server or web code' }] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'take time from the injected clock' }, { object: 'Math', property: 'random', message: 'no randomness in the engine' }],
    },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.svelte'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**'], message: 'the web imports shared/, never server/' }] }] },
  },
);
