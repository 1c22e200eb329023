import { createServer, type Server } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { moduleStep } from '../module-step.js';
import type { StepInput } from '../step-kind.js';
import { BubblewrapSandbox } from './bubblewrap-sandbox.js';
import type { ModuleSandbox } from './module-sandbox.js';
import { NodePermissionSandbox } from './node-permission-sandbox.js';
import { EvaluatorPool, ExpressionEvaluator } from '../../../expressions/index.js';

/** As test/support/require-all.ts: in CI (PAVE_REQUIRE_ALL=1) the bubblewrap tests run, and fail without bwrap. */
const requireAll = process.env.PAVE_REQUIRE_ALL === '1';
const bwrap = await new BubblewrapSandbox().check();
const limits = { memoryMb: 160, maxOutputBytes: 64 * 1024, maxResultBytes: 256 * 1024 };

const run = (sandbox: ModuleSandbox, source: string, timeoutSeconds = 20) => sandbox.run({ label: 'probe.mjs', source, input: { hello: 'world' }, timeoutSeconds });
const failure = (sandbox: ModuleSandbox, source: string, timeoutSeconds?: number) =>
  run(sandbox, source, timeoutSeconds).then(
    () => {
      throw new Error('the module was expected to fail');
    },
    (error: Error) => error.message,
  );

/** A TCP server on 127.0.0.1 that counts who connects. */
function listener(): Promise<{ server: Server; port: number; connections: () => number }> {
  let count = 0;
  const server = createServer(socket => {
    count++;
    socket.destroy();
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port, connections: () => count })));
}

let outside: string;
let secret: string;
let net: Awaited<ReturnType<typeof listener>>;
beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'pave-sandbox-outside-'));
  secret = join(outside, 'secret.txt');
  await writeFile(secret, 'the server keeps this');
  net = await listener();
});
afterAll(async () => {
  await rm(outside, { recursive: true, force: true });
  await new Promise(resolve => net.server.close(resolve));
});

const sandboxes: Array<{ name: string; make: () => ModuleSandbox; skip: boolean }> = [
  { name: 'bubblewrap', make: () => new BubblewrapSandbox({ limits }), skip: !bwrap.ok && !requireAll },
  { name: 'process (Node permission model)', make: () => new NodePermissionSandbox({ limits }), skip: false },
];

for (const { name, make, skip } of sandboxes) {
  describe.skipIf(skip)(`module sandbox: ${name}`, { timeout: 60_000 }, () => {
    const sandbox = make();

    it('runs a module on its input and returns its result and what it printed', async () => {
      const outcome = await run(sandbox, "import { createHash } from 'node:crypto';\nexport default (input, { log }) => { console.log('printed'); log('logged', { n: 1 }); return { outputs: { echo: input.hello, sum: createHash('sha256').update('x').digest('hex').length } }; }");
      expect(outcome).toEqual({ result: { outputs: { echo: 'world', sum: 64 } }, log: ['printed', 'logged {"n":1}'] });
    });

    it('lets a module use its own folder', async () => {
      const outcome = await run(sandbox, "import { writeFileSync, readFileSync } from 'node:fs';\nexport default () => { writeFileSync('scratch.txt', 'mine'); return { outputs: { read: readFileSync('scratch.txt', 'utf8') } }; }");
      expect(outcome.result).toEqual({ outputs: { read: 'mine' } });
    });

    it('refuses reading and writing outside its folder, starting processes and threads', async () => {
      expect(await failure(sandbox, `import { readFileSync } from 'node:fs';\nexport default () => readFileSync(${JSON.stringify(secret)}, 'utf8');`)).toMatch(/^the sandbox refused FileSystemRead .*secret\.txt: a module step may only use its own folder/);
      expect(await failure(sandbox, "import { readFileSync } from 'node:fs';\nexport default () => readFileSync('/etc/passwd', 'utf8');")).toMatch(/^the sandbox refused FileSystemRead/);
      const written = join(outside, 'written.txt');
      expect(await failure(sandbox, `import { writeFileSync } from 'node:fs';\nexport default () => writeFileSync(${JSON.stringify(written)}, 'x');`)).toMatch(/^the sandbox refused FileSystemWrite/);
      expect(existsSync(written)).toBe(false);
      expect(await failure(sandbox, "import { execSync } from 'node:child_process';\nexport default () => ({ message: String(execSync('id')) });")).toMatch(/^the sandbox refused ChildProcess/);
      expect(await failure(sandbox, "import { Worker } from 'node:worker_threads';\nexport default () => { new Worker('1', { eval: true }); };")).toMatch(/^the sandbox refused WorkerThreads/);
    });

    it('stops a module at its time limit, memory limit, output limit and result limit', async () => {
      expect(await failure(sandbox, 'export default () => { for (;;) {} };', 1)).toBe('module probe.mjs did not finish within its time limit of 1 s; it was stopped');
      expect(await failure(sandbox, 'export default () => { const kept = []; for (;;) kept.push(new Array(100000).fill(Math.random())); };')).toMatch(/^module probe\.mjs ran out of memory \(its limit is 160 MB\)/);
      expect(await failure(sandbox, 'export default () => { const kept = []; for (;;) kept.push(Buffer.alloc(32 * 1024 * 1024, 1)); };')).toMatch(/^module probe\.mjs ran out of memory \(its limit is 160 MB\)/);
      expect(await failure(sandbox, "export default () => { for (;;) console.log('x'.repeat(1000)); };")).toBe('module probe.mjs printed more than 64 KiB (its output limit); it was stopped');
      expect(await failure(sandbox, "export default () => ({ outputs: { big: 'x'.repeat(1024 * 1024) } });")).toBe('module probe.mjs returned more than 256 KiB (its result limit); it was stopped');
    });

    it('ends what a module leaves running when it returns', async () => {
      const outcome = await run(sandbox, "export default () => { setInterval(() => {}, 1000); return { message: 'done' }; };");
      expect(outcome.result).toEqual({ message: 'done' });
    });
  });
}

describe.skipIf(!bwrap.ok && !requireAll)('module sandbox: bubblewrap cuts the network', { timeout: 60_000 }, () => {
  it('refuses connections, even to the loopback address, and the listener never sees one', async () => {
    const sandbox = new BubblewrapSandbox({ limits });
    expect(await failure(sandbox, `export default async () => { await fetch('http://127.0.0.1:${net.port}/'); };`)).toMatch(/fetch failed.*\(module steps have no network\)$/);
    expect(await failure(sandbox, `import { connect } from 'node:net';\nexport default () => new Promise((resolve, reject) => connect(${net.port}, '127.0.0.1').on('connect', resolve).on('error', reject));`)).toMatch(/\(module steps have no network\)$/);
    expect(net.connections()).toBe(0);
  });
});

describe('module sandbox: where bubblewrap is missing', () => {
  it('refuses module steps and says why and what to do', async () => {
    const missing = new BubblewrapSandbox({ bwrap: '/nonexistent/bwrap' });
    expect(await missing.check()).toEqual({ ok: false, reason: '/nonexistent/bwrap is not an executable file' });
    expect(await failure(missing, 'export default () => ({})')).toBe(
      'module steps are refused on this server: bubblewrap cannot isolate them here (/nonexistent/bwrap is not an executable file). Install bubblewrap (apt-get install bubblewrap), or accept weaker isolation with platform.moduleSandbox: process (PAVE_MODULE_SANDBOX=process)',
    );
  });
});

describe('module step', () => {
  const input: StepInput = {
    request: { apiVersion: 'x.example.com/v1', kind: 'X', metadata: { name: 'x', namespace: 'team', labels: {}, annotations: {} }, spec: {} },
    revision: { name: 'x', version: '1.0.0' },
    observed: { outputs: {} },
    context: { action: 'configure', dependencies: {}, steps: {}, dryRun: true },
  };
  const step = { name: 'm', type: 'module' as const, source: "export default () => ({ files: [{ path: 'cm.yaml', content: { kind: 'ConfigMap' } }] })" };

  it('says in its log when it ran in the weaker process sandbox', async () => {
    // A module step never evaluates expressions: the evaluator's processes are never started here.
    const result = await moduleStep.run(step, input, { timeoutSeconds: 20, moduleSandbox: new NodePermissionSandbox(), expressions: new ExpressionEvaluator(new EvaluatorPool()) });
    expect(result.files).toEqual([{ path: 'cm.yaml', content: 'kind: ConfigMap\n' }]);
    expect(result.log).toEqual([expect.stringMatching(/^sandbox: a process under Node's permission model .*the network is NOT cut.*\(platform\.moduleSandbox: process\)$/)]);
  });
});
