import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The CLI is bundled once per run, as npm run build does; tests that start `pave` run that bundle.
    globalSetup: ['test/support/cli-bundle-setup.ts'],
    // Tests start real servers, git repositories, CLI processes and Chromium: generous on a busy 2-core machine.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // expect.poll waits for a state (a row shown, a request Ready); its default second is a time bet a busy
    // machine loses, so a poll may wait as long as a Playwright action would before it fails.
    expect: { poll: { timeout: 30_000, interval: 50 } },
    // SQLite files, git repositories and servers are real: keep parallelism modest on 2 cores.
    maxWorkers: 2,
    // Test files run one after another in a worker process and share its loaded modules: loading Pave's modules
    // anew for every file was ~3/4 of the catalog tests' import time and a third of their CPU. So a file puts
    // back what it changes in the process (environment variables, handlers) before it ends.
    isolate: false,
  },
});
