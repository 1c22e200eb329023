/**
 * The `pave` CLI against a real Pave server over HTTP, with auth on: `pave login` keeps a token (read
 * from standard input) in a temporary HOME, and catalog, template and platform commands then go to that
 * server as the signed-in person, so the server's rules apply. Every command is a real `pave` process.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { ensureBareRepository } from '../../src/git/bare-repository.js';
import { PaveClient } from '../../src/client/pave-client.js';
import { httpTransport } from '../../src/client/http-transport.js';
import { runCli } from '../support/run-cli.js';
import { startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { DEMO_PLATFORM, FAST_PLATFORM, repoFiles } from '../platform/support/platform-harness.js';

const DEMO_TEMPLATES = fileURLToPath(new URL('../../demo/templates/all.yaml', import.meta.url));

/** A component owned by bob's team. */
const LEDGER = `{ apiVersion: backstage.io/v1alpha1, kind: Component,
  metadata: { name: ledger, description: Double-entry bookkeeping for every sale },
  spec: { type: service, lifecycle: production, owner: "group:default/checkout-team" } }
`;

describe('pave against a server (real HTTP, auth on)', { timeout: 240_000 }, () => {
  let pave: AuthPave;
  let dir: string;
  let work: string;
  let devRepo: string;
  let env: NodeJS.ProcessEnv;
  let alice: string;
  let bob: string;
  const cli = (args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}) => runCli(args, { cwd: work, env: { ...env, ...options.env }, ...(options.input !== undefined ? { input: options.input } : {}) });

  beforeAll(async () => {
    pave = await startAuthPave({ config: { platform: { ...defaultConfig().platform, ...FAST_PLATFORM } } });
    await pave.app.workers.start(['platform.reconciler']);
    alice = await tokenFor(pave.app, 'user:default/alice'); // platform team
    bob = await tokenFor(pave.app, 'user:default/bob'); // a developer in checkout-team
    dir = await mkdtemp(join(tmpdir(), 'pave-remote-cli-'));
    work = join(dir, 'work');
    const home = join(dir, 'home');
    await mkdir(work);
    await mkdir(home);
    // Nothing from the machine's own environment: a temp HOME, no server or token given.
    env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PAVE_SERVER: '', PAVE_TOKEN: '' };
    await writeFile(join(work, 'catalog.yaml'), LEDGER);
    await writeFile(join(work, 'values.yaml'), 'name: remote-service\ndescription: Made over HTTP\nowner: group:default/checkout-team\nrepoUrl: local?owner=checkout-team&repo=remote-service\n');
    devRepo = join(dir, 'dev.git');
    const url = await ensureBareRepository(devRepo, 'main');
    await writeFile(
      join(work, 'dev.yaml'),
      `apiVersion: pave.dev/v1alpha1\nkind: Destination\nmetadata:\n  name: dev\n  labels:\n    env: dev\nspec:\n  git:\n    url: ${url}\n    branch: main\n    path: clusters/dev\n  cleanupPolicy: delete\n`,
    );
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('pave login reads the token from standard input and keeps it for that server', async () => {
    const login = await cli(['login', pave.url], { input: alice + '\n' });
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(new RegExp(`^signed in to ${pave.url} as user:default/alice; token kept in `));
    const credentials = JSON.parse(readFileSync(join(env.XDG_CONFIG_HOME!, 'pave', 'credentials'), 'utf8')) as { current: string };
    expect(credentials.current).toBe(pave.url);
  });

  it('the platform team imports, publishes and reads over HTTP; the server keeps what they did', async () => {
    const imported = await cli(['--json', 'catalog', 'import', join(work, 'catalog.yaml')]);
    expect(imported.stderr).toBe('');
    const result = JSON.parse(imported.stdout) as { entities: string[]; summary: { upserted?: number } };
    expect(result.entities).toEqual(['component:default/ledger']);
    expect(result.summary).toBeTypeOf('object');
    expect(await pave.app.catalog.entities.byRef('component:default/ledger')).toMatchObject({ metadata: { description: 'Double-entry bookkeeping for every sale' } });
    const templates = await cli(['catalog', 'import', DEMO_TEMPLATES]);
    expect(templates.code, templates.stderr).toBe(0);

    const got = await cli(['catalog', 'get', 'ledger']);
    expect(got.stdout).toMatch(/^component:default\/ledger\n {2}Double-entry bookkeeping for every sale\n/);
    const listed = await cli(['catalog', 'list', '--filter', 'kind=component,spec.owner=group:default/checkout-team']);
    expect(listed.stdout).toMatch(/^component:default\/ledger\s+service\s+group:default\/checkout-team\s+production$/m);
    const found = await cli(['--json', 'catalog', 'search', 'bookkeep']);
    expect((JSON.parse(found.stdout) as { results: Array<{ entityRef: string }> }).results.map(r => r.entityRef)).toEqual(['component:default/ledger']);

    const published = await cli(['capability', 'publish', '-f', join(DEMO_PLATFORM, 'capabilities', 'postgresql.yaml')]);
    expect(published.stdout).toMatch(/^published postgresql 1\.1\.0 \(latest\)$/m);
    const destination = await cli(['destination', 'apply', '-f', join(work, 'dev.yaml')]);
    expect(destination.stdout.trim()).toMatch(/^created destination dev \(file:/);
    // The server records who asked: alice, from the CLI.
    const created = await cli(['--json', 'auth', 'token', 'create', '--user', 'user:default/alice', '--name', 'laptop']);
    const token = JSON.parse(created.stdout) as { id: string; createdBy: string };
    expect(token.createdBy).toBe('user:default/alice');
    const audit = await pave.app.auth.audit.query({ entityRef: `token:${token.id}` });
    expect(audit.items).toMatchObject([{ action: 'auth.token.create', actor: 'user:default/alice', userAgent: 'pave-cli' }]);
  });

  it('a developer runs a golden path with live progress and requests a database; the platform-only publish is refused in one line', async () => {
    const login = await cli(['login', '--url', pave.url, '--token', bob]);
    expect(login.stdout).toContain('as user:default/bob');

    const refused = await cli(['capability', 'publish', '-f', join(DEMO_PLATFORM, 'capabilities', 'redis.yaml')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: user:default\/bob may not platform\.capability\.publish: .+\n$/);

    const list = await cli(['template', 'list']);
    expect(list.stdout).toMatch(/^template:default\/typescript-service\s+TypeScript service\s+ok$/m);
    const run = await cli(['template', 'run', 'typescript-service', '--values', 'values.yaml']);
    expect(run.stderr).toMatch(/^task \S+\n[\s\S]*▶ Render the skeleton\n[\s\S]*✓ Render the skeleton\n[\s\S]*✓ Register in the catalog/);
    expect(run.code).toBe(0);
    const taskId = /^task (\S+) completed$/m.exec(run.stdout)?.[1];
    expect(run.stdout).toContain('Open in catalog: component:default/remote-service');
    const task = await pave.app.templates.getTask(taskId!);
    expect(task.createdBy).toBe('user:default/bob');
    // In the team's own folder: a golden path publishes only where its runner's groups are.
    expect(existsSync(join(pave.config.dataDir, 'git', 'checkout-team', 'remote-service.git'))).toBe(true);

    const applied = await cli(['--json', 'request', 'apply', '-f', join(DEMO_PLATFORM, 'requests', 'checkout-db.yaml'), '--wait', '--timeout', '90']);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    const [view] = (JSON.parse(applied.stdout) as { items: Array<{ status: { phase: string; outputs: Record<string, unknown> } }> }).items;
    expect(view!.status).toMatchObject({ phase: 'Ready', outputs: { database: 'checkout' } });
    expect([...(await repoFiles(devRepo, 'clusters/dev')).keys()]).toContain('clusters/dev/checkout-team/postgresql/checkout-db/cluster.yaml');
    const listed = await cli(['request', 'list', '-n', 'checkout-team']);
    expect(listed.stdout).toMatch(/checkout-team\s+checkout-db\s+PostgreSQL\s+Ready\s+1\/1\s+1\.1\.0/);
    const runs = await cli(['request', 'runs', 'checkout-team/checkout-db', '--logs']);
    expect(runs.stdout).toContain('configure checkout-team/checkout-db generation 1 (postgresql@1.1.0) — Succeeded');
  });

  it('the client streams an import file by file, and a problem in the stream becomes a PaveError', async () => {
    const client = new PaveClient(httpTransport(pave.url, alice));
    const files: string[] = [];
    const preview = await client.catalog.register({ type: 'file', target: join(work, '*.yaml') }, { dryRun: true, onFile: source => files.push(source) });
    expect(files.sort()).toEqual(['catalog.yaml', 'dev.yaml', 'values.yaml'].map(f => `file:${join(work, f)}`));
    expect(preview.entities.map(e => e.metadata.name)).toContain('ledger');
    const ledger = { type: 'file', target: join(work, 'catalog.yaml') };
    await client.catalog.register(ledger).catch(() => undefined); // registered here, unless the import above did it
    await expect(client.catalog.register(ledger)).rejects.toMatchObject({ name: 'PaveError', status: 409, message: expect.stringMatching(/already registered/) });
  });

  it('a revoked token, and no token after pave logout, fail with a clear sign-in message', async () => {
    const [record] = await pave.app.auth.tokens.list(pave.app.auth.localOperator(), { principal: 'user:default/bob' });
    await pave.app.auth.tokens.revoke(pave.app.auth.localOperator(), record!.id);
    const revoked = await cli(['catalog', 'list']);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^error: \S+ refused the token \(The API token was revoked at [^)]+\): sign in again with pave login \S+\n$/);
    expect(revoked.stderr).toContain(`pave login ${pave.url}\n`);

    const logout = await cli(['logout']);
    expect(logout.stdout).toBe(`signed out of ${pave.url}\n`);
    const after = await cli(['catalog', 'list'], { env: { PAVE_SERVER: pave.url } });
    expect(after.code).toBe(1);
    expect(after.stderr).toBe(`error: Not signed in to ${pave.url}: sign in with pave login ${pave.url} (or set PAVE_TOKEN)\n`);
    // Every command went to the server: nothing was opened in the working folder.
    expect(existsSync(join(work, '.pave'))).toBe(false);
  });
});
