/**
 * The demo's hosted repositories as `npm start` loads them: services whose repositories Pave hosts, with the
 * repository facts collected from them, the "Move to PostgreSQL 16" campaign over those still on an older
 * postgres image, and the CODEOWNERS rule's one-click fix opening a review branch in the repository. Loading
 * again creates nothing and changes nothing.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/core/package-root.js';
import { loadRepositoriesDemo } from '../../src/repositories/demo-loader.js';
import { runGit } from '../../src/git/run-git.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { waitForTask } from '../templates/support.js';
import { getJson, runDeferred } from './support.js';

const DEMO_REPOSITORIES = join(packageRoot(), 'demo', 'repositories');

describe('the demo’s hosted repositories, facts, campaign and fix', { timeout: 180_000 }, () => {
  let pave: RunningPave;
  const load = () =>
    loadRepositoriesDemo(pave.app.repositories, target => pave.app.catalog.locations.register({ type: 'url', target }, { onConflict: 'refresh', author: { actor: pave.app.auth.localOperator() } }), { demoDir: DEMO_REPOSITORIES });
  const facts = async (name: string): Promise<Record<string, unknown>> => {
    const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/${name}`);
    return Object.fromEntries(body.facts.map((fact: any) => [`${fact.source}.${fact.name}`, fact.value]));
  };
  const bare = (name: string) => join(pave.dataDir, 'git', 'larkspur', `${name}.git`);

  beforeAll(async () => {
    pave = await startPave({ demo: true });
    expect(await load()).toEqual(['crate-labels', 'drop-off-booking', 'loyalty-points', 'van-checks']);
    await pave.app.eventConsumers.drain();
    await runDeferred(pave.app);
  });
  afterAll(async () => pave?.close());

  it('hosts each service’s repository, its catalog file pointing the service at the repository’s page', async () => {
    const { body } = await getJson(`${pave.url}/api/repositories`);
    expect(body.items.map((item: any) => item.name ?? `${item.owner}/${item.repo}`)).toEqual(expect.arrayContaining(['larkspur/crate-labels', 'larkspur/drop-off-booking', 'larkspur/loyalty-points', 'larkspur/van-checks']));
    const entity = await pave.app.catalog.entities.byRef('component:default/crate-labels');
    expect(entity?.metadata.annotations?.['backstage.io/source-location']).toBe(`url:${pave.app.repositories.addresses().page}larkspur/crate-labels/`);
  });

  it('collects repository facts from them: files present or not, Node.js and PostgreSQL versions', async () => {
    expect(await facts('loyalty-points')).toMatchObject({ 'repository.readme': true, 'repository.codeowners': true, 'repository.lockfile': true, 'repository.dockerfile': true, 'repository.nodeMajor': 22, 'repository.postgresMajor': 16 });
    expect(await facts('crate-labels')).toMatchObject({ 'repository.readme': true, 'repository.codeowners': false, 'repository.lockfile': false, 'repository.nodeMajor': 16, 'repository.postgresMajor': 15 });
    expect(await facts('van-checks')).toMatchObject({ 'repository.readme': false, 'repository.dockerfile': true, 'repository.nodeMajor': 18, 'repository.postgresMajor': 14 });
  });

  it('the "Move to PostgreSQL 16" campaign targets the services still on an older postgres image', async () => {
    const { body } = await getJson(`${pave.url}/api/scorecards/campaigns/default/move-to-postgres-16`);
    expect(body.progress, JSON.stringify(body.progress.teams)).toMatchObject({ total: 4, done: 2, left: 2 });
    const left = body.progress.teams.flatMap((team: any) => team.entitiesLeft.map((entity: any) => entity.entity)).sort();
    expect(left).toEqual(['component:default/crate-labels', 'component:default/van-checks']);
    expect(body.progress.burnup.at(-1).done).toBe(2);
  });

  it('the CODEOWNERS rule’s fix, run as the portal’s button prefills it, opens a review branch in the service’s repository', async () => {
    const { body } = await getJson(`${pave.url}/api/scorecards/entities/component/default/crate-labels`);
    const rule = body.results.find((result: any) => result.scorecard === 'scorecard:default/repository-basics').rules.find((r: any) => r.id === 'codeowners');
    expect(rule).toMatchObject({ status: 'fail', fix: { template: 'template:default/add-codeowners', values: { repoUrl: 'local?owner=larkspur&repo=crate-labels', team: 'larder-team' } } });
    const response = await fetch(`${pave.url}/api/scaffolder/v2/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ templateRef: rule.fix.template, values: rule.fix.values }) });
    expect(response.status).toBe(201);
    const task = await waitForTask(pave.app, ((await response.json()) as { id: string }).id);
    expect(task.status).toBe('completed');
    const git = async (...args: string[]) => (await runGit(['--git-dir', bare('crate-labels'), ...args])).stdout;
    expect(await git('show', 'pave/add-codeowners:CODEOWNERS')).toContain('* @larkspur/larder-team');
    // Proposed, not merged: the default branch is as it was, and the rule still fails until it is.
    expect(await git('ls-tree', '--name-only', 'main')).not.toContain('CODEOWNERS');
  });

  it('loading again creates nothing and changes nothing', async () => {
    const heads = async () => (await runGit(['--git-dir', bare('loyalty-points'), 'rev-parse', 'main'])).stdout.trim();
    const before = { head: await heads(), locations: (await pave.app.catalog.locations.list()).length };
    await load();
    expect({ head: await heads(), locations: (await pave.app.catalog.locations.list()).length }).toEqual(before);
  });
});
