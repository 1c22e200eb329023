/**
 * Attacks on the platform API, each made as an ordinary developer (a token of a checkout-team member) and
 * as the demo guest (a session, acting as priya.raman of checkout-team), against a real Pave on 127.0.0.1
 * with auth on, the default policy and the demo organisation, real git destinations and real bubblewrap:
 *   - code of the caller's choosing: a capability brought to the render route, inline module source;
 *   - a published capability whose module step tries to read, write, run, connect, outlive its step or
 *     exhaust the server: each fails with a step error that says why, and the server stays healthy;
 *   - taking over another team's request, with and without a `pave.dev/owner` annotation.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { defaultConfig } from '../../src/pave-config.js';
import { BubblewrapSandbox } from '../../src/platform/steps/sandbox/bubblewrap-sandbox.js';
import { CookieJar, bearer, tokenFor } from '../auth/support.js';
import { FAST_PLATFORM } from '../platform/support/platform-harness.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { requireAll } from '../support/require-all.js';

const bwrap = await new BubblewrapSandbox().check();
/** A mark only the probe's would-be child process carries on its command line. */
const MARK = `pave-security-${process.pid}-${Date.now()}`;

/**
 * The published probe capability's module: it does what `spec.attack` says with `spec.target`. It stands
 * for a platform team's module gone bad (or one that a developer's input steers).
 */
const PROBE_SOURCE = `import { readFileSync, writeFileSync } from 'node:fs';
import { execSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
export default async ({ request }) => {
  const { attack, target } = request.spec;
  switch (attack) {
    case 'none': return { files: [{ path: 'cm.yaml', content: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: request.metadata.name } } }] };
    case 'read': return { message: readFileSync(target, 'utf8').slice(0, 200) };
    case 'write': writeFileSync(target, 'owned'); return {};
    case 'exec': return { message: String(execSync('id')) };
    case 'spawn': spawn('/bin/sh', ['-c', 'sleep 300; echo ' + target], { detached: true, stdio: 'ignore' }).unref(); return {};
    case 'fetch': await fetch(target); return {};
    case 'connect': { const [host, port] = target.split(':'); await new Promise((resolve, reject) => connect(Number(port), host).on('connect', resolve).on('error', reject)); return {}; }
    case 'loop': for (;;) {}
    case 'memory': { const kept = []; for (;;) kept.push(Buffer.alloc(32 * 1024 * 1024, 1)); }
    case 'output': for (;;) console.log('x'.repeat(1000));
  }
  throw new Error('unknown attack ' + attack);
};
`;

const probeCapability = (version = '1.0.0', source = PROBE_SOURCE) => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Capability',
  metadata: { name: 'probe' },
  spec: {
    version,
    owner: 'platform-team',
    api: {
      group: 'probes.security.test',
      version: 'v1',
      kind: 'Probe',
      schema: { type: 'object', properties: { attack: { type: 'string' }, target: { type: 'string', default: '' } } },
    },
    workflows: { configure: [{ name: 'probe', type: 'module', timeoutSeconds: 3, source }] },
    placement: { selector: { env: 'dev' }, mode: 'one' },
  },
});

const probe = (name: string, attack: string, target = '', namespace = 'checkout-team') => ({
  apiVersion: 'probes.security.test/v1',
  kind: 'Probe',
  metadata: { name, namespace },
  spec: { attack, target },
});

const database = (name: string, namespace: string, annotations?: Record<string, string>, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'databases.pave.dev/v1alpha1',
  kind: 'PostgreSQL',
  metadata: { name, namespace, ...(annotations ? { annotations } : {}) },
  spec,
});

interface Answer {
  status: number;
  body: any;
}

let pave: RunningPave;
let tcp: { server: Server; port: number; connections: () => number };
/** How each attacker signs in: request headers. */
const attackers: Record<'developer' | 'guest', Record<string, string>> = { developer: {}, guest: {} };
let storefront: Record<string, string>;
let platformTeam: Record<string, string>;

async function send(who: Record<string, string>, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(pave.url + path, {
    method,
    headers: { ...who, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
}

/** Polls (over HTTP) until `until` holds for the request; fails with the last answer seen. */
async function waitFor(namespace: string, name: string, until: (answer: Answer) => boolean): Promise<Answer> {
  const deadline = Date.now() + 60_000;
  let last: Answer | undefined;
  while (Date.now() < deadline) {
    last = await send(platformTeam, 'GET', `/api/platform/requests/${namespace}/${name}`);
    if (until(last)) return last;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${namespace}/${name}: ${JSON.stringify(last?.body)}`);
}

/** Processes on this machine whose command line carries `mark`. */
function processesMarked(mark: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter(entry => /^\d+$/.test(entry))) {
    try {
      const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.includes(mark)) found.push(`${pid}: ${command}`);
    } catch {
      // The process ended while the list was read.
    }
  }
  return found;
}

async function expectHealthy(): Promise<void> {
  expect((await send({}, 'GET', '/api/health')).status).toBe(200);
}

beforeAll(async () => {
  pave = await startPave({
    demo: true,
    config: {
      auth: { ...defaultAuthConfig(), guest: true },
      platform: { ...defaultConfig().platform, ...FAST_PLATFORM, moduleMemoryMb: 160 },
    },
  });
  await pave.app.workers.start(['platform.reconciler', 'store.event-consumers']);
  attackers.developer = bearer(await tokenFor(pave.app, 'user:default/daniel.kowalczyk')); // checkout-team
  const jar = new CookieJar();
  const me = (await (await jar.fetch(`${pave.url}/api/auth/login?method=guest&returnTo=/api/auth/me`)).response.json()) as { principal: string; csrfToken: string };
  expect(me.principal).toBe('user:default/priya.raman'); // the demo guest, of checkout-team
  attackers.guest = { cookie: jar.header(`${pave.url}/api`), 'x-pave-csrf': me.csrfToken };
  storefront = bearer(await tokenFor(pave.app, 'user:default/maya.okafor')); // storefront-team
  platformTeam = bearer(await tokenFor(pave.app, 'user:default/ruth.abernathy')); // platform-team
  expect((await send(platformTeam, 'POST', '/api/platform/capabilities', probeCapability())).status).toBe(201);
  let connections = 0;
  const server = createServer(socket => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  tcp = { server, port: (server.address() as { port: number }).port, connections: () => connections };
}, 120_000);

afterAll(async () => {
  await new Promise(resolve => tcp?.server.close(resolve));
  await pave?.close();
});

describe('code of the caller’s choosing', { timeout: 60_000 }, () => {
  const execCapability = {
    ...probeCapability('9.0.0', "import { execSync } from 'node:child_process';\nexport default () => ({ message: String(execSync('id')) });"),
    metadata: { name: 'inline-exec' },
  };

  for (const who of ['developer', 'guest'] as const) {
    it(`refuses the ${who} a capability brought to the render route (a module step running execSync('id')), naming the permission`, async () => {
      const answer = await send(attackers[who], 'POST', '/api/platform/render', { request: probe('inline', 'exec'), capability: execCapability });
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body).toMatchObject({ status: 403, action: 'platform.capability.publish', errors: [{ pointer: '/capability', rule: 'platform.capability.publish' }] });
      expect(answer.body.detail).toMatch(/may not platform\.capability\.publish/);
      expect(JSON.stringify(answer.body)).not.toContain('uid=');
      // Any capability that is not published, even one that runs no code.
      const templateOnly = { ...probeCapability('9.0.1'), spec: { ...probeCapability('9.0.1').spec, workflows: { configure: [{ name: 't', type: 'template', files: [] }] } } };
      expect((await send(attackers[who], 'POST', '/api/platform/render', { request: probe('inline', 'none'), capability: templateOnly })).status).toBe(403);
    });

    it(`refuses the ${who} publishing inline module source`, async () => {
      const answer = await send(attackers[who], 'POST', '/api/platform/capabilities', execCapability);
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ action: 'platform.capability.publish' });
      expect((await send(platformTeam, 'GET', '/api/platform/capabilities/inline-exec')).status).toBe(404);
    });
  }

  it.skipIf(!bwrap.ok && !requireAll)('lets the platform team render its draft, whose module still runs in the sandbox', async () => {
    const answer = await send(platformTeam, 'POST', '/api/platform/render', { request: probe('draft', 'exec'), capability: execCapability });
    expect(answer.status, JSON.stringify(answer.body)).toBe(422);
    expect(answer.body.detail).toMatch(/^step probe failed: the sandbox refused ChildProcess/);
  });
});

describe.skipIf(!bwrap.ok && !requireAll)('a published module step in the sandbox', { timeout: 60_000 }, () => {
  const attacks: Array<{ what: string; attack: string; target: () => string; error: RegExp }> = [
    { what: 'read /etc/passwd', attack: 'read', target: () => '/etc/passwd', error: /^step probe failed: the sandbox refused FileSystemRead \/etc\/passwd: a module step may only use its own folder/ },
    { what: 'read the SQLite database in the data folder', attack: 'read', target: () => join(pave.dataDir, 'pave.db'), error: /^step probe failed: the sandbox refused FileSystemRead .*pave\.db/ },
    { what: 'write into the data folder', attack: 'write', target: () => join(pave.dataDir, 'owned.txt'), error: /^step probe failed: the sandbox refused FileSystemWrite .*owned\.txt/ },
    { what: 'write into /tmp', attack: 'write', target: () => '/tmp/pave-security-owned.txt', error: /^step probe failed: the sandbox refused FileSystemWrite \/tmp\/pave-security-owned\.txt/ },
    { what: "run execSync('id')", attack: 'exec', target: () => '', error: /^step probe failed: the sandbox refused ChildProcess/ },
    { what: 'spawn a detached child meant to outlive the step', attack: 'spawn', target: () => MARK, error: /^step probe failed: the sandbox refused ChildProcess/ },
    { what: 'fetch from a server on 127.0.0.1', attack: 'fetch', target: () => `http://127.0.0.1:${tcp.port}/`, error: /^step probe failed: fetch failed.*\(module steps have no network\)$/ },
    { what: 'net.connect to a server on 127.0.0.1', attack: 'connect', target: () => `127.0.0.1:${tcp.port}`, error: /^step probe failed: connect E\w+ 127\.0\.0\.1:\d+ \(module steps have no network\)$/ },
    { what: 'loop forever', attack: 'loop', target: () => '', error: /^step probe failed: module probe did not finish within its time limit of 3 s; it was stopped$/ },
    // Filled with buffers, which meet the limit within a few allocations: a JavaScript heap filled object by object takes a
    // second or more of CPU, which a loaded machine stretches past the 3 s time limit (module-sandbox.test.ts covers that path).
    { what: 'fill its memory', attack: 'memory', target: () => '', error: /^step probe failed: module probe ran out of memory \(its limit is 160 MB\)/ },
    { what: 'print without end', attack: 'output', target: () => '', error: /^step probe failed: module probe printed more than 1 MiB \(its output limit\); it was stopped$/ },
  ];

  for (const who of ['developer', 'guest'] as const) {
    for (const { what, attack, target, error } of attacks) {
      it(`stops the ${who}'s render of a module that tries to ${what}`, async () => {
        const answer = await send(attackers[who], 'POST', '/api/platform/render', { request: probe(`${attack}-probe`, attack, target()) });
        expect(answer.status, JSON.stringify(answer.body)).toBe(422);
        expect(answer.body.detail).toMatch(error);
        expect(answer.body.steps).toEqual([expect.objectContaining({ name: 'probe', phase: 'Failed' })]);
        await expectHealthy();
      });
    }
  }

  it('left nothing behind: no file written, no connection made, no process running', async () => {
    expect(existsSync(join(pave.dataDir, 'owned.txt'))).toBe(false);
    expect(existsSync('/tmp/pave-security-owned.txt')).toBe(false);
    expect(tcp.connections()).toBe(0);
    expect(processesMarked(MARK)).toEqual([]);
    // This process's step folders only: other test files' servers run steps in their own processes meanwhile.
    expect(readdirSync('/tmp').filter(entry => entry.startsWith(`pave-step-${process.pid}-`))).toEqual([]);
  });

  it('still renders a well-behaved module for the guest and the developer afterwards', async () => {
    for (const who of ['developer', 'guest'] as const) {
      const answer = await send(attackers[who], 'POST', '/api/platform/render', { request: probe('well-behaved', 'none') });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.files).toEqual([{ path: 'clusters/dev/checkout-team/probe/well-behaved/cm.yaml', content: expect.stringContaining('kind: ConfigMap') }]);
    }
  });

  it('sandboxes reconciles too: the run log says what the module was refused', async () => {
    expect((await send(attackers.developer, 'POST', '/api/platform/requests', probe('reconciled-exec', 'exec'))).status).toBe(201);
    const failed = await waitFor('checkout-team', 'reconciled-exec', answer => answer.body.status?.phase === 'Failed');
    expect(failed.body.status.message).toMatch(/^step probe failed: the sandbox refused ChildProcess/);
    const log = await send(attackers.developer, 'GET', `/api/platform/runs/${String(failed.body.status.lastRun.id)}/logs`);
    expect(log.body).toMatch(/\[probe\] error: the sandbox refused ChildProcess/);
    expect((await send(attackers.developer, 'DELETE', '/api/platform/requests/checkout-team/reconciled-exec')).status).toBe(202);
    await expectHealthy();
  });
});

describe('another team’s requests', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    const created = await send(storefront, 'POST', '/api/platform/requests', database('storefront-db', 'storefront-team'));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  });

  for (const who of ['developer', 'guest'] as const) {
    it(`refuses the ${who} applying, updating, reconciling and deleting in storefront-team's namespace, with or without an owner annotation`, async () => {
      const attempts: Array<[string, string, unknown, string]> = [
        ['POST', '/api/platform/requests', database('storefront-db', 'storefront-team', undefined, { instances: 5 }), 'platform.request.create'],
        ['POST', '/api/platform/requests', database('storefront-db', 'storefront-team', { 'pave.dev/owner': 'group:default/checkout-team' }, { instances: 5 }), 'platform.request.create'],
        ['POST', '/api/platform/requests', database('storefront-db', 'storefront-team', { 'pave.dev/owner': 'checkout-team' }), 'platform.request.create'],
        ['POST', '/api/platform/requests', database(`planted-by-${who}`, 'storefront-team'), 'platform.request.create'],
        ['POST', '/api/platform/requests', database(`planted-by-${who}`, 'storefront-team', { 'pave.dev/owner': 'group:default/checkout-team' }), 'platform.request.create'],
        ['POST', '/api/platform/requests/storefront-team/storefront-db/reconcile', {}, 'platform.request.reconcile'],
        ['DELETE', '/api/platform/requests/storefront-team/storefront-db', undefined, 'platform.request.delete'],
      ];
      for (const [method, path, body, action] of attempts) {
        const answer = await send(attackers[who], method, path, body);
        expect(answer.status, `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(answer.body)}`).toBe(403);
        expect(answer.body).toMatchObject({ action, resourceRef: expect.stringMatching(/^resource:storefront-team\//) });
      }
      const stored = await send(storefront, 'GET', '/api/platform/requests/storefront-team/storefront-db');
      expect(stored.body.metadata.generation).toBe(1);
      expect(stored.body.status.phase).not.toBe('Deleting');
      expect((await send(storefront, 'GET', `/api/platform/requests/storefront-team/planted-by-${who}`)).status).toBe(404);
      // The catalog mirror, a consumer of the event log, has caught up with every change made so far.
      await pave.app.eventConsumers.drain();
      const resource = await send(storefront, 'GET', '/api/catalog/entities/by-name/resource/storefront-team/storefront-db');
      expect(resource.body.spec.owner).toBe('group:default/storefront-team');
    });
  }

  it('lets nobody choose a request’s owner, not even in their own namespace', async () => {
    const giveAway = await send(attackers.developer, 'POST', '/api/platform/requests', database('given-away', 'checkout-team', { 'pave.dev/owner': 'group:default/storefront-team' }));
    expect(giveAway.status).toBe(422);
    expect(giveAway.body.errors).toEqual([expect.objectContaining({ pointer: '/metadata/annotations/pave.dev~1owner', rule: 'owner' })]);
    expect(giveAway.body.errors[0].detail).toMatch(/requests in checkout-team are owned by group:default\/checkout-team/);
    // Naming the owner Pave decided changes nothing, and the annotation is not kept.
    const own = await send(attackers.developer, 'POST', '/api/platform/requests', database('own-db', 'checkout-team', { 'pave.dev/owner': 'group:default/checkout-team' }));
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body.request.metadata.annotations).toBeUndefined();
    await pave.app.eventConsumers.drain();
    const resource = await send(attackers.developer, 'GET', '/api/catalog/entities/by-name/resource/checkout-team/own-db');
    expect(resource.body.spec.owner).toBe('group:default/checkout-team');
    expect((await send(attackers.guest, 'DELETE', '/api/platform/requests/checkout-team/own-db')).status).toBe(202);
  });

  it('refuses a request in a namespace that no team owns, saying why', async () => {
    const answer = await send(attackers.developer, 'POST', '/api/platform/requests', database('orphan-db', 'no-such-team', { 'pave.dev/owner': 'group:default/checkout-team' }));
    expect(answer.status).toBe(422);
    expect(answer.body.detail).toBe('Namespace no-such-team has no owning team, so no request can be made in it');
    expect(answer.body.errors).toEqual([
      { pointer: '/metadata/namespace', rule: 'owner', detail: 'names no team: there is no Group group:default/no-such-team in the catalog and platform.namespaceOwners has no entry for no-such-team' },
    ]);
  });

  it('leaves the owning team able to delete its request', async () => {
    const deleted = await send(storefront, 'DELETE', '/api/platform/requests/storefront-team/storefront-db');
    expect(deleted.status, JSON.stringify(deleted.body)).toBe(202);
    await waitFor('storefront-team', 'storefront-db', answer => answer.status === 404);
    await expectHealthy();
  });
});
