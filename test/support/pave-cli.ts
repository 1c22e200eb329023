import { inject } from 'vitest';

/**
 * The script that starts `pave` in a child process: the CLI bundled for this test run
 * (test/support/cli-bundle-setup.ts).
 * @example spawn(process.execPath, [paveCli(), 'serve', '--port', '0'])
 */
export function paveCli(): string {
  return inject('paveCli');
}
