/**
 * Attacks by an installed scaffolder action (SECURITY.md, "Installed scaffolder actions"), in each sandbox:
 * its code never runs in the server (not even to be described); it is stopped at its time, memory and
 * output limits; it cannot read the server's secrets, its database, another task's files or the real
 * workspace's folder for writing; a forged answer cannot write outside the workspace; in bubblewrap it
 * has no network.
 */
import { createServer, type Server } from 'node:net';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { BubblewrapSandbox } from '../../src/platform/steps/sandbox/bubblewrap-sandbox.js';
import { requireAll } from '../support/require-all.js';
import { openTestApp, type TestApp } from '../templates/support.js';

const SECRET = 'server-only-secret-5d1e';
const bwrap = await new BubblewrapSandbox().check();

const action = (id: string, body: string, top = '') => `${top}
export default { id: '${id}', description: '${id}', supportsDryRun: true, schema: { input: { type: 'object' } }, async handler(ctx) { ${body} } };`;

/** Every attack, one file each. `probe` reads what it should not and says what it got. */
const ATTACKS: Record<string, string> = {
  'loop.mjs': action('attack:loop', 'for (;;) {}'),
  // Buffers meet the memory limit within a few allocations, long before the 4 s time limit however loaded the machine.
  'memory.mjs': action('attack:memory', 'const keep = []; for (;;) keep.push(Buffer.alloc(32 * 1024 * 1024, 1));'),
  'chatter.mjs': action('attack:chatter', "for (;;) ctx.logger.info('x'.repeat(1000));"),
  'import-loop.mjs': action('attack:import-loop', '', 'for (;;) {}'),
  'in-server.mjs': action('attack:in-server', '', 'globalThis.__paveActionRanHere = true;'),
  'probe.mjs': action(
    'attack:probe',
    `const { readFile, readdir, writeFile } = await import('node:fs/promises');
    const tries = {};
    for (const path of ctx.input.paths) {
      try { tries[path] = 'read ' + String(await readFile(path, 'utf8').catch(() => readdir(path))).slice(0, 200); } catch (error) { tries[path] = 'refused ' + (error.code ?? error.message); }
    }
    try { await writeFile(ctx.input.realWorkspace + '/planted.txt', 'x'); tries.write = 'wrote'; } catch (error) { tries.write = 'refused ' + (error.code ?? error.message); }
    ctx.output('env', process.env);
    ctx.output('tries', tries);`,
  ),
  'network.mjs': action('attack:network', `const net = await import('node:net'); await new Promise((resolve, reject) => { const socket = net.connect(ctx.input.port, '127.0.0.1', () => { socket.end(); resolve(); }); socket.on('error', reject); }); ctx.output('connected', true);`),
  'forge.mjs': action(
    'attack:forge',
    `const { writeSync } = await import('node:fs');
    const answer = JSON.stringify({ ok: true, result: { outputs: {}, files: [{ path: '../../escaped.txt', content: Buffer.from('x').toString('base64'), executable: false }], deleted: [] } });
    writeSync(3, answer); process.exit(0);`,
  ),
};

const template = (step: string, input: Record<string, unknown> = {}) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'attack' },
  spec: { type: 'service', steps: [{ id: 'seed', action: 'debug:log', input: { message: 'go' } }, { id: 'attack', action: step, input }] },
});

const sandboxes = [
  { kind: 'bubblewrap' as const, skip: !bwrap.ok && !requireAll },
  { kind: 'process' as const, skip: false },
];

for (const { kind, skip } of sandboxes) {
  describe.skipIf(skip)(`installed actions attack the server (${kind} sandbox)`, { timeout: 120_000 }, () => {
    let pave: TestApp;
    let folder: string;
    let listener: Server;
    let port: number;
    let connections = 0;

    beforeAll(async () => {
      process.env.PAVE_ATTACK_PROBE_SECRET = SECRET;
      folder = await mkdtemp(join(tmpdir(), 'pave-attack-actions-'));
      for (const [name, source] of Object.entries(ATTACKS)) await writeFile(join(folder, name), source);
      listener = createServer(socket => {
        connections++;
        socket.destroy();
      });
      await new Promise<void>(resolve => listener.listen(0, '127.0.0.1', resolve));
      port = (listener.address() as { port: number }).port;
      pave = await openTestApp({
        config: {
          platform: { ...defaultConfig().platform, moduleSandbox: kind },
          templates: { ...defaultConfig().templates, actions: { ...defaultConfig().templates.actions, folders: [folder], timeoutSeconds: 4, memoryMb: 128, maxOutputBytes: 64 * 1024 } },
        },
      });
    });
    afterAll(async () => {
      delete process.env.PAVE_ATTACK_PROBE_SECRET;
      await pave?.close();
      await new Promise(resolve => listener.close(resolve));
      await rm(folder, { recursive: true, force: true });
    });

    const dryRun = (step: string, input?: Record<string, unknown>) => pave.app.templates.dryRun({ template: template(step, input), values: {} });

    it('never runs its code in the server, and an action that loops while loading is not installed', () => {
      expect((globalThis as { __paveActionRanHere?: boolean }).__paveActionRanHere).toBeUndefined();
      const ids = pave.app.templates.listActions().map(a => a.id);
      expect(ids).toEqual(expect.arrayContaining(['attack:loop', 'attack:probe', 'attack:in-server']));
      expect(ids).not.toContain('attack:import-loop');
    });

    it('stops an action that loops, one that allocates without end, and one that prints without end', async () => {
      const loop = await dryRun('attack:loop');
      expect(loop.status).toBe('failed');
      expect(loop.error?.detail).toMatch(/did not finish within its time limit of 4 s/);
      const memory = await dryRun('attack:memory');
      expect(memory.status).toBe('failed');
      expect(memory.error?.detail).toMatch(/ran out of memory \(its limit is 128 MB\)/);
      const chatter = await dryRun('attack:chatter');
      expect(chatter.status).toBe('failed');
      expect(chatter.error?.detail).toMatch(/printed more than 64 KiB \(its output limit\)/);
    });

    it("cannot read the server's environment, database, configuration or other tasks, nor write the real workspace", async () => {
      const tasks = join(pave.dataDir, 'scaffolder', 'tasks');
      const paths = [pave.dataDir, ...(await readdir(pave.dataDir)).map(name => join(pave.dataDir, name)), tasks, '/proc/1/environ', `/proc/${process.pid}/environ`, '/etc/passwd', process.cwd()];
      const result = await dryRun('attack:probe', { paths, realWorkspace: tasks });
      expect(result.status).toBe('completed');
      const output = result.steps.find(s => s.id === 'attack')!.output as { env: Record<string, string>; tries: Record<string, string> };
      expect(JSON.stringify(output)).not.toContain(SECRET);
      expect(Object.keys(output.env).filter(key => key.startsWith('PAVE_'))).toEqual([]);
      for (const [path, outcome] of Object.entries(output.tries)) expect(outcome, path).toMatch(/^refused /);
    });

    it('cannot write outside the workspace by forging its answer', async () => {
      const forged = await dryRun('attack:forge');
      expect(forged.status).toBe('failed');
      expect(forged.error?.detail).toMatch(/points outside the workspace/);
    });

    it.skipIf(kind === 'process')('has no network (bubblewrap)', async () => {
      const result = await dryRun('attack:network', { port });
      expect(result.status).toBe('failed');
      expect(connections).toBe(0);
    });
  });
}
