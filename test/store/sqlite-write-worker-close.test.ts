/**
 * The SQLite write worker is unreferenced while idle (an idle store keeps no process alive): closing the store must
 * still settle in a process with nothing else to do, or a CLI command ends with its last await unsettled (exit 13).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startTsChild } from '../support/ts-child.js';


it('closes a SQLite store in a process with nothing else to keep it alive, and the process exits 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pave-close-'));
  try {
    const { code, stdout, stderr } = await startTsChild(new URL('./support/close-child.ts', import.meta.url), { env: { STORE_DIR: dir } }).finished;
    expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: 'closed', stderr: '' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
