/**
 * SIGTERM on a real `pave serve` (the one child process of this suite): it stops accepting connections, still
 * answers the request in flight, hands back the golden-path task it is running (ready at once for another
 * replica, not after its lease expires) and exits 0.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import SqliteDatabase from 'better-sqlite3';
import { paveCli } from '../support/pave-cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'pave-sigterm-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: slow-path
spec:
  owner: group:default/platform-team
  type: service
  steps:
    - id: wait
      name: Wait
      action: debug:wait
      input:
        seconds: 120
`;

it('on SIGTERM stops accepting, answers the request in flight, hands back its running task, and exits 0', async () => {
  mkdirSync(join(dataDir, 'templates'));
  writeFileSync(join(dataDir, 'templates', 'template.yaml'), TEMPLATE);
  const child = spawn(process.execPath, [paveCli(), 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: dataDir,
    env: { ...process.env, PAVE_DATA_DIR: dataDir, PAVE_LOG_LEVEL: 'info', PAVE_SHUTDOWN_GRACE_SECONDS: '20', PAVE_AUTH_ENABLED: 'false' },
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

    // A golden-path task in its two-minute step.
    const post = (path: string, body: unknown) => fetch(`${url}${path.slice(1)}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post('/api/catalog/locations', { type: 'file', target: join(dataDir, 'templates', 'template.yaml') })).status).toBe(201);
    const task = (await (await post('/api/scaffolder/v2/tasks', { templateRef: 'template:default/slow-path' })).json()) as { id: string };
    await expect.poll(async () => ((await (await fetch(`${url}api/scaffolder/v2/tasks/${task.id}`)).json()) as { status: string }).status, { timeout: 30_000, interval: 100 }).toBe('processing');

    // A request in flight: its body comes after the SIGTERM.
    // With `Expect: 100-continue` the server answers "continue" once it has taken the request in, so the
    // request is surely in flight (routed, waiting for its body) before the SIGTERM.
    let inFlight: http.ClientRequest | undefined;
    const taken = new Promise<void>(resolve => {
      inFlight = http.request({ host: url.hostname, port: url.port, method: 'POST', path: '/api/auth/logout', agent: false, headers: { 'content-type': 'application/json', 'content-length': '2', expect: '100-continue' } });
      inFlight.once('continue', () => resolve());
    });
    const answered = new Promise<number>((resolve, reject) => {
      inFlight!.on('response', response => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      inFlight!.on('error', reject);
    });
    inFlight!.flushHeaders();
    await taken;
    inFlight!.write('{');

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
      // Nothing is left claimed: the interrupted task is ready again now (another replica resumes it at once), not in minutes.
      expect(db.prepare("SELECT queue, key FROM jobs WHERE state = 'running'").all()).toEqual([]);
      const handedBack = db.prepare("SELECT state, lease_owner, run_at FROM jobs WHERE queue = 'scaffolder.task'").get() as { state: string; lease_owner: string | null; run_at: string };
      expect(handedBack).toMatchObject({ state: 'ready', lease_owner: null });
      expect(Date.parse(handedBack.run_at)).toBeLessThanOrEqual(Date.now());
    } finally {
      db.close();
    }
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 120_000);
