import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Tests start real servers, git repositories, CLI processes and Chromium: generous on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // SQLite files, git repositories and servers are real: keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
