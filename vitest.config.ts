import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/artifacts/**', 'node_modules/**'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 30_000,
    // Starting a PostgreSQL cluster or a browser can take longer than the 10 s default on a loaded VM.
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
