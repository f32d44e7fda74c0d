import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // test/fixtures/scripts are sandbox scripts (callTool in scope, top-level await), not project code.
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'jest.config.js', 'jest.esm-transform.cjs', 'test/fixtures/scripts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Fixture modules (tool modules, upstream MCP servers) run as plain Node ES modules.
    files: ['test/fixtures/**/*.mjs', 'examples/**/*.mjs'],
    languageOptions: { globals: { AbortSignal: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    // A fixture server announces its URL on stdout.
    rules: { 'no-console': 'off' },
  },
  {
    // A CommonJS fixture tool module, as users may still write them.
    files: ['test/fixtures/tools/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['load-tests/**', 'src/main.ts', 'src/cli/**'],
    rules: { 'no-console': 'off' },
  },
);
