import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/yieldBetweenTests.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn editors and servers; two cores, so keep parallelism modest.
    maxWorkers: 2,
    minWorkers: 1,
  },
});
