/**
 * Attacks on template upgrades (SECURITY.md, template upgrades): an upgrade pushes a branch into a
 * repository, so only whoever ran the golden path, the team whose folder holds one of Pave's
 * repositories, and those a rule allows may open one. A developer of another team and the guest are
 * refused and nothing reaches the repository; what the list shows names no server path; bad input is a
 * problem naming the field; an unknown repository is a 404.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { expectProblem } from '../api/support.js';
import { writeTree } from '../templates/support.js';
import { refreshTemplate, writeUpgradableTemplate } from '../templates/upgradable-template.js';
import { ADMIN, startDemoPave, type DemoPave } from './demo-org.js';

const LIST = '/api/scaffolder/v2/generated-repositories';

describe('template upgrades: who may push a review branch', () => {
  let demo: DemoPave;
  let dir: string;
  let id: string;
  let bare: string;
  const branches = async () => (await runGit(['--git-dir', bare, 'branch', '--format=%(refname:short)'])).stdout.trim().split('\n').sort();

  beforeAll(async () => {
    demo = await startDemoPave();
    dir = mkdtempSync(join(tmpdir(), 'pave-upgrade-attacks-'));
    await writeTree(join(dir, 'skeleton'), { 'README.md': '# ${{ values.name }}\n' });
    await writeUpgradableTemplate(dir, { name: 'upgraded-service', version: '1', owner: 'platform-team' });
    await demo.pave.app.catalog.locations.register({ type: 'file', target: join(dir, 'template.yaml') });
    const created = await demo.admin('/api/scaffolder/v2/tasks', { method: 'POST', body: { templateRef: 'template:default/upgraded-service', values: { name: 'upgrade-target' } } });
    expect(created.status, await created.clone().text()).toBe(201);
    const task = ((await created.json()) as { id: string }).id;
    for (let status = ''; !['completed', 'failed', 'cancelled'].includes(status); ) status = ((await (await demo.admin(`/api/scaffolder/v2/tasks/${task}`)).json()) as { status: string }).status;
    await writeUpgradableTemplate(dir, { name: 'upgraded-service', version: '2', owner: 'platform-team' });
    await writeTree(join(dir, 'skeleton'), { 'README.md': '# ${{ values.name }}\n\nNow with a second paragraph.\n' });
    await refreshTemplate(demo.pave.app, 'template:default/upgraded-service');
    const { items } = (await (await demo.admin(`${LIST}?behind=true`)).json()) as { items: Array<{ id: string; createdBy?: string }> };
    expect(items).toHaveLength(1);
    expect(items[0]!.createdBy).toBe(ADMIN);
    id = items[0]!.id;
    bare = join(demo.pave.dataDir, 'git', 'platform-team', 'upgrade-target.git');
  });
  afterAll(async () => {
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a developer of another team and the guest are refused, and nothing is pushed', async () => {
    for (const caller of [demo.developer, demo.guest]) {
      for (const body of [{}, { dryRun: true }]) await expectProblem(await caller(`${LIST}/${id}/upgrade`, { method: 'POST', body }), 403);
    }
    expect(await branches()).toEqual(['main']);
  });

  it('what anyone signed in may list names no server path', async () => {
    const response = await demo.developer(LIST);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('upgrade-target');
    expect(text).not.toContain(demo.pave.dataDir);
    expect(text).not.toContain('file:');
  });

  it("the form values a task ran with are shown only to those who may read that task", async () => {
    type Listed = { id: string; values?: Record<string, unknown> };
    for (const caller of [demo.developer, demo.guest]) {
      const { items } = (await (await caller(LIST)).json()) as { items: Listed[] };
      expect(items.map(item => item.id)).toEqual([id]);
      expect(items[0]).not.toHaveProperty('values');
      const one = (await (await caller(`${LIST}/${id}`)).json()) as Listed;
      expect(one.id).toBe(id);
      expect(one).not.toHaveProperty('values');
    }
    const { items } = (await (await demo.admin(LIST)).json()) as { items: Listed[] };
    expect(items[0]!.values).toEqual({ name: 'upgrade-target' });
    expect(((await (await demo.admin(`${LIST}/${id}`)).json()) as Listed).values).toEqual({ name: 'upgrade-target' });
  });

  it('bad input is a problem naming the field; an unknown repository is a 404', async () => {
    const bad = await expectProblem(await demo.admin(`${LIST}/${id}/upgrade`, { method: 'POST', body: { dryRun: 'yes please' } }), 400);
    expect(JSON.stringify(bad)).toContain('dryRun');
    await expectProblem(await demo.admin(`${LIST}/no-such-repository/upgrade`, { method: 'POST', body: {} }), 404);
    await expectProblem(await demo.admin(`${LIST}?entityRef=component:default/no-such-thing`), 404);
    expect(await branches()).toEqual(['main']);
  });

  it('whoever ran the golden path opens the upgrade: a branch in the repository, audited as them', async () => {
    const response = await demo.admin(`${LIST}/${id}/upgrade`, { method: 'POST', body: {} });
    expect(response.status, await response.clone().text()).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: 'clean', branch: 'pave/upgrade-upgraded-service-2', by: ADMIN });
    expect(await branches()).toEqual(['main', 'pave/upgrade-upgraded-service-2']);
    const audit = await demo.pave.app.audit.query({ action: 'templates.repository.upgrade' });
    expect(audit.items.map(entry => entry.actor)).toEqual([ADMIN]);
  });
});
