// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'coverage/', 'test/bench/.cache/', 'test/artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    // The renderer runs in a sandboxed page: no Node built-ins, no Node-side code.
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '**/main/**', '**/server/**', '**/node-shared/**'],
              message: 'The renderer imports only renderer/ and shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // shared/ runs in the terminal, the screens and the server alike: pure, no Node, no side's code.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', '**/main/**', '**/server/**', '**/node-shared/**', '**/renderer/**'],
              message: 'shared/ is pure and imports only shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The central server never reaches into the terminal.
    files: ['server/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/renderer/**'], message: 'server/ imports only server/, shared/ and node-shared/.' }] },
      ],
    },
  },
  {
    // Node code both sides run: neither side's code.
    files: ['node-shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/main/**', '**/server/**', '**/renderer/**'], message: 'node-shared/ imports only shared/ and Node.' }] },
      ],
    },
  },
  {
    // The terminal never reaches into the server; the demo start-up (main/demo) is the one place that starts both.
    files: ['main/**/*.ts'],
    ignores: ['main/demo/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/renderer/**'],
              message: 'main/ imports only main/, shared/ and node-shared/ (main/demo may start the server).',
            },
          ],
        },
      ],
    },
  },
);
