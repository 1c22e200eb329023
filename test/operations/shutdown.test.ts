/**
 * SIGTERM on a real `pave serve` (the one child process of this suite): it stops accepting connections, still
 * answers the request in flight, hands back its work and exits 0.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const dataDir = mkdtempSync(join(tmpdir(), 'pave-sigterm-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

it('on SIGTERM stops accepting, answers the request in flight, and exits 0 holding no job', async () => {
  const child = spawn(process.execPath, ['--import', TSX, `${ROOT}src/cli/main.ts`, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: dataDir,
    env: { ...process.env, PAVE_DATA_DIR: dataDir, PAVE_LOG_LEVEL: 'info', PAVE_SHUTDOWN_GRACE_SECONDS: '20' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', chunk => (log += chunk));
  child.stderr.on('data', chunk => (log += chunk));
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  try {
    await expect.poll(() => /Pave is serving on (http:\/\/[\d.:]+)/.exec(log)?.[1], { timeout: 60_000, interval: 100 }).toBeDefined();
    const url = new URL(/Pave is serving on (http:\/\/[\d.:]+)/.exec(log)![1]!);
    await expect.poll(async () => (await fetch(`${url}readyz`)).status, { timeout: 30_000, interval: 100 }).toBe(200);

    // A request in flight: its body comes after the SIGTERM.
    let inFlight: http.ClientRequest | undefined;
    const answered = new Promise<number>((resolve, reject) => {
      const request = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/auth/logout', agent: false, headers: { 'content-type': 'application/json', 'content-length': '2' } }, response => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write('{');
      inFlight = request;
    });
    await new Promise(resolve => inFlight!.once('socket', socket => (socket.connecting ? socket.once('connect', resolve) : resolve(undefined))));

    child.kill('SIGTERM');
    await expect.poll(() => log, { timeout: 10_000, interval: 50 }).toContain('shutting down');
    // No new connection is accepted…
    await expect.poll(() => fetch(`${url}healthz`).then(() => 'answered', (error: Error) => String((error.cause as { code?: string })?.code)), { timeout: 10_000, interval: 50 }).toBe('ECONNREFUSED');
    // …but the request in flight is answered, and only then does the process exit, with 0.
    inFlight!.end('}');
    expect(await answered).toBe(204);
    expect(await exited).toBe(0);
    expect(log).toContain('"msg":"shut down"');
    const db = new SqliteDatabase(join(dataDir, 'pave.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT queue, key FROM jobs WHERE state = 'running'").all()).toEqual([]);
    } finally {
      db.close();
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 120_000);
