import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Each test file builds its own database; PGlite start-up dominates, so files run in parallel
    // processes while tests inside a file run in order.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
