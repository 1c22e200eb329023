/**
 * The SQLite write worker is unreferenced while idle (an idle store keeps no process alive): closing the store must
 * still settle in a process with nothing else to do, or a CLI command ends with its last await unsettled (exit 13).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const CHILD = fileURLToPath(new URL('./support/close-child.ts', import.meta.url));

it('closes a SQLite store in a process with nothing else to keep it alive, and the process exits 0', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pave-close-'));
  try {
    const child = spawn(process.execPath, ['--import', TSX, CHILD], { env: { ...process.env, STORE_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', chunk => (stdout += chunk));
    child.stderr!.on('data', chunk => (stderr += chunk));
    const code = await new Promise<number | null>(resolve => child.once('exit', resolve));
    expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: 'closed', stderr: '' });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
