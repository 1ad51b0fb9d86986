import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'scripts/**/*.test.ts'],
    // Each test file builds its own database; PGlite start-up dominates, so files run in parallel
    // processes while tests inside a file run in order.
    pool: 'forks',
    // Vitest's default (one fewer than the CPUs) is a single file at a time on a two-core machine,
    // where most of a file's time is spent waiting on PostgreSQL or Chromium in other processes.
    maxWorkers: Math.max(2, os.availableParallelism()),
    testTimeout: 120_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
  },
});
