/**
 * Attacks through golden paths (security issue, hole 4): a golden path acts as the person who runs it.
 * With the demo running, an ordinary developer and the guest try to inject a Group through a form value
 * (into a sloppy template that neither quotes the value nor restricts it), to register a catalog file
 * from anywhere the server can read, and to publish into another team's repository folder. Each task
 * fails naming the permission, and the catalog, the repositories and the attacker's roles are unchanged.
 * The demo golden path still runs end to end for them.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../src/templates/tasks/task-types.js';
import { expectProblem, json, makeRepo } from '../api/support.js';
import { writeTree } from '../templates/support.js';
import { loadPlatformDemo } from '../../src/platform/demo-loader.js';
import { ensureBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';
import { startDemoPave, type Caller, type DemoPave } from './demo-org.js';

const TASKS = '/api/scaffolder/v2/tasks';

/** A template as a careless platform team might write one: values go into YAML unquoted and unchecked. */
const SLOPPY_TEMPLATE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: sloppy-service
spec:
  owner: platform-team
  type: service
  parameters:
    - properties:
        name: { type: string }
        owner: { type: string }
        folder: { type: string, default: larkspur }
        catalogInfoUrl: { type: string }
        kind: { type: string, default: Component }
  steps:
    - id: render
      name: Render
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: \${{ parameters.name }}
          owner: \${{ parameters.owner }}
          kind: \${{ parameters.kind }}
    - id: publish
      name: Publish
      action: publish:git
      input:
        repoUrl: local?owner=\${{ parameters.folder }}&repo=\${{ parameters.name }}
    - id: register
      name: Register
      action: catalog:register
      input:
        catalogInfoUrl: \${{ parameters.catalogInfoUrl or (steps.publish.output.repoContentsUrl ~ ':catalog-info.yaml') }}
`;
/** A golden path that asks the platform for a namespace in whichever team's namespace the form names. */
const TEAM_SPACE = `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: team-space
spec:
  owner: platform-team
  type: infrastructure
  parameters:
    - properties:
        team: { type: string }
  steps:
    - id: namespace
      name: Request a namespace
      action: pave:request
      input:
        apiVersion: teams.pave.dev/v1alpha1
        kind: TeamNamespace
        name: \${{ parameters.team }}-space
        namespace: \${{ parameters.team }}
        spec:
          environment: dev
`;
const SKELETON = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: \${{ values.name }}
spec:
  type: service
  lifecycle: experimental
  owner: \${{ values.owner }}
`;

describe('golden paths act as whoever runs them', () => {
  let demo: DemoPave;
  let outside: string;

  async function run(call: Caller, templateRef: string, values: Record<string, unknown>): Promise<TaskView> {
    const { id } = await json<{ id: string }>(await call(TASKS, { method: 'POST', body: { templateRef, values } }), 201);
    for (;;) {
      const task = await json<TaskView>(await call(`${TASKS}/${id}`));
      if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
  const found = async (call: Caller, ref: string) => (await call(`/api/catalog/entities/by-name/${ref.replace(':', '/')}`)).status === 200;
  const roles = async (call: Caller) => (await json<{ roles: string[] }>(await call('/api/auth/me'))).roles;

  beforeAll(async () => {
    demo = await startDemoPave();
    // The platform team publishes the sloppy template (as the local operator, the way npm start loads the demo).
    const folder = join(demo.demoDir, 'sloppy');
    await writeTree(folder, { 'template.yaml': SLOPPY_TEMPLATE, 'skeleton/catalog-info.yaml': SKELETON });
    await demo.pave.app.catalog.locations.register({ type: 'file', target: join(folder, 'template.yaml') });
    // The same, with the kind computed from a value: the skeleton then declares nothing to check against.
    const computed = join(demo.demoDir, 'sloppier');
    await writeTree(computed, {
      'template.yaml': SLOPPY_TEMPLATE.replace('name: sloppy-service', 'name: sloppier-service'),
      'skeleton/catalog-info.yaml': SKELETON.replace('kind: Component', 'kind: ${{ values.kind }}'),
    });
    await demo.pave.app.catalog.locations.register({ type: 'file', target: join(computed, 'template.yaml') });
    await writeTree(join(demo.demoDir, 'team-space'), { 'template.yaml': TEAM_SPACE });
    await demo.pave.app.catalog.locations.register({ type: 'file', target: join(demo.demoDir, 'team-space', 'template.yaml') });
    await loadPlatformDemo(demo.pave.app.platform, { demoDir: join(demo.demoDir, 'platform'), dataDir: demo.pave.dataDir, author: { actor: demo.pave.app.auth.localOperator() } });
    // A repository on the server's disk that is not Pave's to show: its catalog file names a Group.
    outside = mkdtempSync(join(tmpdir(), 'pave-outside-'));
    makeRepo(outside, {
      'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: secret-admins\nspec:\n  type: team\n  children: []\n  members: [jonah.pereira]\n',
    });
  });
  afterAll(async () => {
    await demo?.close();
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  const INJECTED_OWNER = 'checkout-team\n---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: shadow-admins\nspec:\n  type: team\n  parent: platform-team\n  children: []\n  members: [jonah.pereira, priya.raman]';

  it('a value that injects a Group document is refused: the skeleton declares only a Component there', async () => {
    const task = await run(demo.developer, 'template:default/sloppy-service', { name: 'injected-0', owner: INJECTED_OWNER });
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toContain('holds Group shadow-admins, which the template does not declare there (it declares component)');
    expect(task.error?.errors?.[0]).toMatchObject({ rule: 'declared-documents' });
    expect(await found(demo.developer, 'group:default/shadow-admins')).toBe(false);
  });

  it('where the template computes the kind, the injected Group is still refused as the runner, and nobody gains a role', async () => {
    for (const [who, call, name] of [
      ['developer', demo.developer, 'injected-a'],
      ['guest', demo.guest, 'injected-b'],
    ] as const) {
      const task = await run(call, 'template:default/sloppier-service', { name, owner: INJECTED_OWNER });
      expect(task.status, who).toBe('failed');
      expect(task.error?.detail).toMatch(/group:default\/shadow-admins: creates it, which needs catalog\.entity\.write/);
      expect(task.error?.detail).toContain('catalog.membership.write');
      expect(await found(call, 'group:default/shadow-admins')).toBe(false);
      expect(await found(call, `component:default/${name}`)).toBe(false);
      expect(await roles(call)).not.toContain('admin');
    }
  });

  it('catalog:register reads only repositories Pave hosts for someone who may not register locations', async () => {
    const task = await run(demo.developer, 'template:default/sloppy-service', {
      name: 'reader',
      owner: 'checkout-team',
      catalogInfoUrl: `file://${outside}#main:catalog-info.yaml`,
    });
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toContain('may register only repositories Pave hosts');
    expect(task.error?.detail).toContain('catalog.location.create');
    expect(await found(demo.developer, 'group:default/secret-admins')).toBe(false);
    const locations = await json<Array<{ data: { target: string } }>>(await demo.admin('/api/catalog/locations'));
    expect(locations.some(l => l.data.target.includes(outside))).toBe(false);
  });

  it("publish:git creates repositories only in a folder of the runner's own groups", async () => {
    const task = await run(demo.guest, 'template:default/sloppy-service', { name: 'squatter', owner: 'checkout-team', folder: 'payments-team' });
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toContain('repositories.repository.create');
    expect(existsSync(join(demo.pave.dataDir, 'git', 'payments-team', 'squatter.git'))).toBe(false);
  });

  it("publish:git:branch (a scorecard fix) proposes branches only in repositories of a folder of the runner's own groups", async () => {
    const ledger = join(demo.pave.dataDir, 'git', 'payments-team', 'ledger.git');
    await ensureBareRepository(ledger, 'main', { 'README.md': '# Ledger\n' });
    const task = await run(demo.guest, 'template:default/add-codeowners', { repoUrl: 'local?owner=payments-team&repo=ledger', team: 'group:default/checkout-team' });
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toContain('repositories.repository.create');
    expect((await runGit(['--git-dir', ledger, 'for-each-ref', '--format=%(refname)', 'refs/heads'])).stdout.trim()).toBe('refs/heads/main');
  });

  it("pave:request asks for infrastructure only in the runner's own team's namespace", async () => {
    const refused = await run(demo.developer, 'template:default/team-space', { team: 'payments-team' });
    expect(refused.status).toBe('failed');
    expect(refused.error?.detail).toContain('platform.request.create');
    await expectProblem(await demo.admin('/api/platform/requests/payments-team/payments-team-space'), 404);
    const own = await run(demo.developer, 'template:default/team-space', { team: 'checkout-team' });
    expect(own.status, JSON.stringify(own.error)).toBe('completed');
    expect((await demo.developer('/api/platform/requests/checkout-team/checkout-team-space')).status).toBe(200);
  });

  it('a dry run tells the same truth without side effects', async () => {
    const problem = await json<{ status: string; error?: { detail?: string } }>(
      await demo.developer('/api/scaffolder/v2/dry-run', {
        method: 'POST',
        body: { templateRef: 'template:default/sloppy-service', values: { name: 'dry', owner: 'checkout-team', folder: 'payments-team' } },
      }),
    );
    expect(problem.status).toBe('failed');
    expect(problem.error?.detail).toContain('repositories.repository.create');
  });

  it('the demo golden path quotes and checks its values, and still runs end to end for a developer', async () => {
    const injected = await expectProblem(
      await demo.developer(TASKS, { method: 'POST', body: { templateRef: 'template:default/typescript-service', values: { name: 'x-svc', owner: 'checkout-team\n---\nkind: Group' } } }),
      422,
    );
    expect(injected.errors?.map(e => e.pointer)).toContain('/values/owner');
    const task = await run(demo.developer, 'template:default/typescript-service', { name: 'basket-pricing', owner: 'group:default/checkout-team' });
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    const created = await json<{ spec: { owner: string } }>(await demo.developer('/api/catalog/entities/by-name/component/default/basket-pricing'));
    expect(created.spec.owner).toBe('group:default/checkout-team');
  });
});
