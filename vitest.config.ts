import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // SQLite files, git repositories and servers are real: keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
