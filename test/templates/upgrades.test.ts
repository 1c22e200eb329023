/**
 * Template upgrades end to end with real git: three repositories created from a template in Pave's own
 * repositories, one changed by hand where the template changes too, another changed elsewhere; the
 * template changes; the upgrade gives two clean review branches and one with the conflict marked and
 * listed. A repository takes the new version once its review branch is merged (a deleted one is declined);
 * the render history is a chain: after a merged upgrade the next one proposes only what changed since. A
 * repository on GitHub (the provider stand-in) gets a pull request, one on GitLab a merge request; the
 * review watcher's job sees one merged and the other closed.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runGit } from '../../src/git/run-git.js';
import { defaultConfig } from '../../src/pave-config.js';
import type { GeneratedRepository } from '../../src/templates/upgrades/upgrade-views.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { fileAt, filesOf, openTestApp, registerTemplate, TESTER, waitForTask, writeTree, type TestApp } from './support.js';
import { refreshTemplate, writeUpgradableTemplate } from './upgradable-template.js';

const README = (run: string) => `# \${{ values.name }}\n\nOwned by the example team.\n\n## Running\n\n${run}\n`;
const CATALOG = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/example\n';

/** The template with its skeleton's files; `publisher` and `repoUrl` say where it publishes. */
async function writeTemplate(dir: string, version: string, files: Record<string, string>, repoUrl?: string, publisher = 'publish:git'): Promise<string> {
  await rm(join(dir, 'skeleton'), { recursive: true, force: true });
  await writeTree(join(dir, 'skeleton'), { 'catalog-info.yaml': CATALOG, ...files });
  return writeUpgradableTemplate(dir, { name: `service-${publisher.replace(/\W/g, '-')}`, version, publisher, register: true, ...(repoUrl ? { repoUrl } : {}) });
}

/** Commits a change to a bare repository's branch through a clone, as a person would. */
async function changeByHand(bare: string, path: string, edit: (text: string) => string, branch = 'main'): Promise<void> {
  const clone = await mkdtemp(join(tmpdir(), 'pave-hand-'));
  try {
    await runGit(['clone', '--quiet', '--branch', branch, '--', bare, clone]);
    const file = join(clone, path);
    await writeFile(file, edit(await readFile(file, 'utf8').catch(() => '')));
    await runGit(['add', '--all'], { cwd: clone });
    await runGit(['commit', '--quiet', '-m', `Change ${path} by hand`], { cwd: clone, env: { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' } });
    await runGit(['push', '--quiet', 'origin', branch], { cwd: clone });
  } finally {
    await rm(clone, { recursive: true, force: true });
  }
}

const branchesOf = async (bare: string) => (await runGit(['--git-dir', bare, 'branch', '--format=%(refname:short)'])).stdout.trim().split('\n').filter(Boolean).sort();

describe('template upgrades of the repositories a golden path created', () => {
  let pave: TestApp;
  let dir: string;
  let templateFile: string;
  let ref: string;
  const repo = (name: string) => join(pave.dataDir, 'git', 'example', `${name}.git`);
  const byName = (items: GeneratedRepository[], name: string) => items.find(item => item.values?.name === name)!;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-upgrades-'));
    pave = await openTestApp();
    templateFile = await writeTemplate(dir, '1.0.0', { 'README.md': README('npm start'), 'config.txt': 'port=8080\nlog=info\n' });
    ref = await registerTemplate(pave.app, templateFile);
    for (const name of ['alpha', 'beta', 'gamma']) {
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name } }, TESTER);
      expect((await waitForTask(pave.app, id)).status).toBe('completed');
    }
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('records each repository with its template, version and values, up to date', async () => {
    const items = await pave.app.templates.upgrades.list({ templateRef: ref });
    expect(items.map(item => item.values?.name)).toEqual(['alpha', 'beta', 'gamma']);
    for (const item of items) {
      expect(item).toMatchObject({ templateRef: ref, templateVersion: '1.0.0', currentVersion: '1.0.0', behind: false, publisher: 'publish:git', branch: 'main' });
      expect(item.webUrl).not.toContain(pave.dataDir);
      // The repository says so itself, from its first commit.
      expect(parse(await fileAt(repo(String(item.values?.name)), '.pave/template.yaml'))).toEqual({ template: ref, version: '1.0.0', values: { name: item.values?.name } });
    }
    // The entity the golden path registered leads to its repository (by its task).
    const [fromEntity] = await pave.app.templates.upgrades.list({ entityRef: 'component:default/beta' });
    expect(fromEntity?.values?.name).toBe('beta');
  });

  it('after a template change: two clean review branches and one with the conflict marked and listed', async () => {
    await changeByHand(repo('gamma'), 'README.md', text => text.replace('npm start', 'npm run dev'));
    await changeByHand(repo('beta'), 'NOTES.md', () => 'Kept by hand.\n');
    await writeTemplate(dir, '1.1.0', { 'README.md': README('npm run serve'), 'config.txt': 'port=8080\nlog=warn\n' });
    await refreshTemplate(pave.app, ref);

    const behind = await pave.app.templates.upgrades.list({ templateRef: ref, behind: true });
    expect(behind.map(item => [item.values?.name, item.templateVersion, item.currentVersion])).toEqual([
      ['alpha', '1.0.0', '1.1.0'],
      ['beta', '1.0.0', '1.1.0'],
      ['gamma', '1.0.0', '1.1.0'],
    ]);

    const caller = { author: TESTER, authority: (await import('../../src/auth/acting-authority.js')).UNRESTRICTED };
    const preview = await pave.app.templates.upgrades.upgrade(byName(behind, 'alpha').id, caller, { dryRun: true });
    expect(preview).toMatchObject({ outcome: 'clean', dryRun: true, fromVersion: '1.0.0', toVersion: '1.1.0', conflicts: [] });
    expect(await branchesOf(repo('alpha'))).toEqual(['main']);

    const results = Object.fromEntries(await Promise.all(behind.map(async item => [item.values?.name, await pave.app.templates.upgrades.upgrade(item.id, caller)] as const)));
    const branch = 'pave/upgrade-service-publish-git-1.1.0';
    expect(results.alpha).toMatchObject({ outcome: 'clean', branch, conflicts: [] });
    expect(results.beta).toMatchObject({ outcome: 'clean', branch, conflicts: [] });
    expect(results.gamma).toMatchObject({ outcome: 'conflicts', branch, conflicts: ['README.md'] });
    expect(results.alpha!.changed.sort()).toEqual(['.pave/template.yaml', 'README.md', 'config.txt']);
    expect(results.alpha!.reviewUrl).toMatch(/\/repositories\/example\/alpha\?ref=pave%2Fupgrade-service-publish-git-1\.1\.0$/);

    // The clean ones carry the template's change and keep what people changed; main is untouched.
    expect(await fileAt(repo('alpha'), 'README.md', branch)).toContain('npm run serve');
    expect(await fileAt(repo('alpha'), 'config.txt', branch)).toBe('port=8080\nlog=warn\n');
    expect(parse(await fileAt(repo('alpha'), '.pave/template.yaml', branch))).toEqual({ template: ref, version: '1.1.0', values: { name: 'alpha' } });
    expect(await fileAt(repo('alpha'), 'README.md')).toContain('npm start');
    expect(await fileAt(repo('beta'), 'NOTES.md', branch)).toBe('Kept by hand.\n');
    expect(await filesOf(repo('beta'), branch)).toEqual(['.pave/template.yaml', 'NOTES.md', 'README.md', 'catalog-info.yaml', 'config.txt']);
    // The conflict is shown, never forced: both sides are in the file, between git's markers; the rest merged.
    const conflicted = await fileAt(repo('gamma'), 'README.md', branch);
    expect(conflicted).toMatch(/<<<<<<< [^\n]*\nnpm run dev\n=======\nnpm run serve\n>>>>>>> /);
    expect(await fileAt(repo('gamma'), 'config.txt', branch)).toBe('port=8080\nlog=warn\n');
    expect(await fileAt(repo('gamma'), 'README.md')).toContain('npm run dev');

    // Each is recorded, audited and announced, its review open; each stays behind until its review is merged.
    const after = await pave.app.templates.upgrades.list({ templateRef: ref });
    expect(after.every(item => item.behind && item.templateVersion === '1.0.0' && item.lastUpgrade?.branch === branch)).toBe(true);
    expect(after.map(item => item.review)).toEqual(after.map(item => ({ state: 'open', toVersion: '1.1.0', branch, url: item.lastUpgrade!.reviewUrl, openedAt: item.lastUpgrade!.at })));
    expect(byName(after, 'gamma').lastUpgrade).toMatchObject({ outcome: 'conflicts', conflicts: ['README.md'] });
    const events = await pave.app.eventLog.read({ types: ['templates.repository.upgraded'] });
    expect(events.map(event => [event.payload.outcome, event.payload.conflicts]).sort()).toEqual([['clean', 0], ['clean', 0], ['conflicts', 1]]);
    const audit = await pave.app.audit.query({ action: 'templates.repository.upgrade' });
    expect(audit.items).toHaveLength(3);
    expect(audit.items.every(entry => entry.actor === TESTER.actor && entry.detail?.to === '1.1.0')).toBe(true);
  });

  it('an open branch review whose repository branch has not moved is looked at with ls-remote only, nothing fetched', async () => {
    const beta = byName(await pave.app.templates.upgrades.list({ templateRef: ref }), 'beta');
    expect(await pave.app.templates.upgrades.checkReview(beta.id)).toBe('open');
    // Its objects out of reach: refs still answer (ls-remote), any fetch fails ("not our ref").
    const objects = join(repo('beta'), 'objects');
    const away = join(dir, 'beta-objects');
    await rename(objects, away);
    await mkdir(join(objects, 'pack'), { recursive: true });
    try {
      expect(await pave.app.templates.upgrades.checkReview(beta.id)).toBe('open');
    } finally {
      await rm(objects, { recursive: true, force: true });
      await rename(away, objects);
    }
  });

  it('a review branch merged into main takes the repository to the new version; one deleted unmerged is declined', async () => {
    const items = await pave.app.templates.upgrades.list({ templateRef: ref });
    const [alpha, gamma] = [byName(items, 'alpha'), byName(items, 'gamma')];
    // Asked again while its review is open: the same review, nothing pushed over it.
    const before = await runGit(['--git-dir', repo('alpha'), 'rev-parse', `refs/heads/${alpha.lastUpgrade!.branch}`]);
    const again = await pave.app.templates.upgrades.upgrade(alpha.id, { author: TESTER, authority: (await import('../../src/auth/acting-authority.js')).UNRESTRICTED });
    expect(again).toMatchObject({ alreadyOpen: true, outcome: 'clean', branch: alpha.lastUpgrade!.branch, reviewUrl: alpha.lastUpgrade!.reviewUrl });
    expect((await runGit(['--git-dir', repo('alpha'), 'rev-parse', `refs/heads/${alpha.lastUpgrade!.branch}`])).stdout).toBe(before.stdout);
    expect(await pave.app.templates.upgrades.checkReview(alpha.id)).toBe('open');

    // alpha's review branch is merged (fast-forward: the merge commit is on top of main); gamma's is deleted.
    await runGit(['--git-dir', repo('alpha'), 'update-ref', 'refs/heads/main', `refs/heads/${alpha.lastUpgrade!.branch}`]);
    // Deeper than the first fetch (32 commits): the look goes deeper until it finds the render.
    for (let i = 0; i < 40; i++) {
      const next = (await runGit(['--git-dir', repo('alpha'), 'commit-tree', 'main^{tree}', '-p', 'main', '-m', `Work ${i}`], { env: { GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' } })).stdout.trim();
      await runGit(['--git-dir', repo('alpha'), 'update-ref', 'refs/heads/main', next]);
    }
    await runGit(['--git-dir', repo('gamma'), 'branch', '-D', gamma.lastUpgrade!.branch!]);
    expect(await pave.app.templates.upgrades.checkReview(alpha.id)).toBe('merged');
    expect(await pave.app.templates.upgrades.checkReview(gamma.id)).toBe('closed');
    expect(await pave.app.templates.upgrades.checkReview(alpha.id)).toBeUndefined();

    const now = await pave.app.templates.upgrades.list({ templateRef: ref });
    expect(byName(now, 'alpha')).toMatchObject({ behind: false, templateVersion: '1.1.0', review: { state: 'merged', toVersion: '1.1.0', decidedAt: expect.any(String) } });
    expect(byName(now, 'gamma')).toMatchObject({ behind: true, templateVersion: '1.0.0', review: { state: 'closed', toVersion: '1.1.0' } });
    const events = await pave.app.eventLog.read({ types: ['templates.repository.upgrade-merged', 'templates.repository.upgrade-declined'] });
    expect(events.map(event => [event.type, event.payload.repository, event.payload.toVersion])).toEqual([
      ['templates.repository.upgrade-merged', alpha.id, '1.1.0'],
      ['templates.repository.upgrade-declined', gamma.id, '1.1.0'],
    ]);
  });

  it('the next upgrade of a repository that took the last one in proposes only what changed since', async () => {
    const alpha = byName(await pave.app.templates.upgrades.list({ templateRef: ref }), 'alpha');
    await writeTemplate(dir, '1.2.0', { 'README.md': README('npm run serve'), 'config.txt': 'port=9090\nlog=warn\n' });
    await refreshTemplate(pave.app, ref);
    const { UNRESTRICTED } = await import('../../src/auth/acting-authority.js');
    const result = await pave.app.templates.upgrades.upgrade(alpha.id, { author: TESTER, authority: UNRESTRICTED });
    expect(result).toMatchObject({ outcome: 'clean', fromVersion: '1.1.0', toVersion: '1.2.0', conflicts: [] });
    expect(result.changed.sort()).toEqual(['.pave/template.yaml', 'config.txt']);
    expect(await fileAt(repo('alpha'), 'config.txt', result.branch)).toBe('port=9090\nlog=warn\n');
  });

  it('an upgrade with nothing new is up to date and pushes nothing', async () => {
    const beta = byName(await pave.app.templates.upgrades.list({ templateRef: ref }), 'beta');
    await runGit(['--git-dir', repo('beta'), 'update-ref', 'refs/heads/main', `refs/heads/${beta.lastUpgrade!.branch}`]);
    expect(await pave.app.templates.upgrades.checkReview(beta.id)).toBe('merged');
    await writeTemplate(dir, '1.2.1', { 'README.md': README('npm run serve'), 'config.txt': 'port=9090\nlog=warn\n' });
    await refreshTemplate(pave.app, ref);
    // beta took 1.1.0 in; 1.2.1 renders what 1.2.0 did (the port) with a new recorded version.
    const { UNRESTRICTED } = await import('../../src/auth/acting-authority.js');
    const first = await pave.app.templates.upgrades.upgrade(beta.id, { author: TESTER, authority: UNRESTRICTED });
    expect(first.outcome).toBe('clean');
    await runGit(['--git-dir', repo('beta'), 'update-ref', 'refs/heads/main', `refs/heads/${first.branch}`]);
    expect(await pave.app.templates.upgrades.checkReview(beta.id)).toBe('merged');
    const again = await pave.app.templates.upgrades.upgrade(beta.id, { author: TESTER, authority: UNRESTRICTED });
    expect(again).toMatchObject({ outcome: 'up-to-date', changed: [], conflicts: [] });
    expect(again.branch).toBeUndefined();
  });
});

describe('looking at a branch review within reading.maxCloneBytes', () => {
  it('a look that would fetch more history than the limit fails naming the setting', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pave-upgrades-limit-'));
    const pave = await openTestApp({ config: { reading: { ...defaultConfig().reading, maxCloneBytes: 300 } } });
    try {
      const ref = await registerTemplate(pave.app, await writeTemplate(dir, '1.0.0', { 'README.md': README('npm start') }));
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'delta' } }, TESTER);
      expect((await waitForTask(pave.app, id)).status).toBe('completed');
      await writeTemplate(dir, '1.1.0', { 'README.md': README('npm run serve') });
      await refreshTemplate(pave.app, ref);
      const [item] = await pave.app.templates.upgrades.list({ templateRef: ref });
      const { UNRESTRICTED } = await import('../../src/auth/acting-authority.js');
      expect(await pave.app.templates.upgrades.upgrade(item!.id, { author: TESTER, authority: UNRESTRICTED })).toMatchObject({ outcome: 'clean' });
      await expect(pave.app.templates.upgrades.checkReview(item!.id)).rejects.toThrow(/larger than 300 bytes \(reading\.maxCloneBytes\)/);
    } finally {
      await pave.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the record of a repository\'s review', () => {
  it('an outcome seen for a review that a newer upgrade replaced meanwhile is not recorded over the newer one', async () => {
    const pave = await openTestApp({ taskWorker: false });
    try {
      const repositories = pave.app.templates.upgrades.repositories;
      const id = await repositories.record({ taskId: 'task-1', stepId: 'publish', templateRef: 'template:default/service', templateVersion: '1', values: {}, publisher: 'publish:github', repoUrl: 'github.com?owner=acme&repo=shop', cloneUrl: 'https://github.com/acme/shop.git', branch: 'main', sourcePath: '.', renderCommit: 'r1', createdAt: '2026-01-01T00:00:00.000Z' });
      const review = (version: string) => ({ state: 'open' as const, toVersion: version, branch: `pave/upgrade-${version}`, openedAt: `2026-01-0${version}T00:00:00.000Z`, renderCommit: `r${version}`, number: Number(version) });
      const result = (version: string) => ({ repository: id, fromVersion: '1', toVersion: version, outcome: 'clean' as const, dryRun: false, branch: `pave/upgrade-${version}`, changed: [], conflicts: [], at: review(version).openedAt });
      await repositories.opened(pave.app.store.db, id, result('2'), review('2'));
      // The watcher read the record with the review to 2 open, and asked the provider...
      const seen = await repositories.get(id);
      // ...while an upgrade to 3 replaced that review.
      await repositories.opened(pave.app.store.db, id, result('3'), review('3'));
      expect(await repositories.decided(pave.app.store.db, seen, 'merged', '2026-01-05T00:00:00.000Z')).toBe(false);
      expect(await repositories.get(id)).toMatchObject({ templateVersion: '1', renderCommit: 'r1', review: review('3') });
      // The review it did see is still decided.
      expect(await repositories.decided(pave.app.store.db, await repositories.get(id), 'closed', '2026-01-06T00:00:00.000Z')).toBe(true);
      expect(await repositories.get(id)).toMatchObject({ templateVersion: '1', review: { ...review('3'), state: 'closed' } });
    } finally {
      await pave.close();
    }
  });
});

describe('template upgrades on a hosted provider', () => {
  let pave: TestApp;
  let standIn: ProviderStandIn;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-upgrades-hosted-'));
    standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { good: ['repo', 'push'] } });
    await writeFile(join(dir, 'token'), 'good\n');
    const token = { $file: join(dir, 'token') };
    pave = await openTestApp({
      config: {
        integrations: { github: [{ host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token }], gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token }], bitbucketServer: [], gitea: [] },
        templates: { ...defaultConfig().templates, upgrades: { reviewCheckSeconds: 1 } },
      },
    });
    // The worker that follows open reviews, as a server runs it.
    await pave.app.workers.start(['templates.upgrade-reviews']);
  });
  afterAll(async () => {
    await pave?.close();
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const CASES = [
    { provider: 'github', publisher: 'publish:github', name: 'shop', review: (n: number) => `${standIn.url}/acme/shop/pull/${n}`, opened: (branch: string) => ({ head: branch, base: 'main' }), decision: 'merged' },
    { provider: 'gitlab', publisher: 'publish:gitlab', name: 'till', review: (n: number) => `${standIn.url}/acme/till/-/merge_requests/${n}`, opened: (branch: string) => ({ source_branch: branch, target_branch: 'main' }), decision: 'closed' },
  ] as const;

  /** The record once the review watcher has recorded the review decided: its event, appended with the record's change. */
  async function decided(ref: string, repository: string): Promise<GeneratedRepository> {
    const types = ['templates.repository.upgrade-merged', 'templates.repository.upgrade-declined'];
    await expect.poll(async () => (await pave.app.eventLog.read({ types })).some(event => event.payload.repository === repository), { timeout: 60_000 }).toBe(true);
    const [item] = await pave.app.templates.upgrades.list({ templateRef: ref });
    return item!;
  }

  for (const c of CASES) {
    it(`opens a ${c.provider === 'github' ? 'pull' : 'merge'} request with the merged render, through the configured integration (${c.provider})`, async () => {
      const repoUrl = `${c.provider}.com?owner=acme&repo=\${{ parameters.name }}`;
      const file = await writeTemplate(join(dir, c.provider), '1', { 'README.md': README('npm start') }, repoUrl, c.publisher);
      const ref = await registerTemplate(pave.app, file);
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: c.name } }, TESTER);
      expect((await waitForTask(pave.app, id)).status).toBe('completed');
      const [recorded] = await pave.app.templates.upgrades.list({ templateRef: ref });
      expect(recorded).toMatchObject({ publisher: c.publisher, repoUrl: `${c.provider}.com?owner=acme&repo=${c.name}`, templateVersion: '1', behind: false });

      await writeTemplate(join(dir, c.provider), '2', { 'README.md': README('npm run serve') }, repoUrl, c.publisher);
      await refreshTemplate(pave.app, ref);
      const { UNRESTRICTED } = await import('../../src/auth/acting-authority.js');
      const branch = `pave/upgrade-service-${c.publisher.replace(/\W/g, '-')}-2`;
      const result = await pave.app.templates.upgrades.upgrade(recorded!.id, { author: TESTER, authority: UNRESTRICTED });
      expect(result).toMatchObject({ outcome: 'clean', branch, reviewUrl: c.review(1) });
      const reviews = standIn.reviews.filter(r => r.provider === c.provider);
      expect(reviews).toHaveLength(1);
      expect(reviews[0]).toMatchObject({ repository: `acme/${c.name}`, body: c.opened(branch) });
      expect(String(reviews[0]!.body.body ?? reviews[0]!.body.description)).toContain('1 → 2');
      const bare = standIn.gitDir(standIn.repositories.find(r => r.name === c.name)!);
      expect(await fileAt(bare, 'README.md', branch)).toContain('npm run serve');
      expect(await fileAt(bare, 'README.md', 'main')).toContain('npm start');

      // Asked again while it is open: the same review request, nothing pushed, no second one.
      expect(await pave.app.templates.upgrades.upgrade(recorded!.id, { author: TESTER, authority: UNRESTRICTED })).toMatchObject({ alreadyOpen: true, reviewUrl: c.review(1) });
      expect(standIn.reviews.filter(r => r.provider === c.provider)).toHaveLength(1);

      // Someone merges (GitHub) or closes (GitLab) it: the watcher's durable job sees it.
      await standIn.decide(c.provider, `acme/${c.name}`, 1, c.decision);
      const after = await decided(ref, recorded!.id);
      if (c.decision === 'merged') {
        expect(after).toMatchObject({ behind: false, templateVersion: '2', review: { state: 'merged', toVersion: '2', url: c.review(1) } });
        expect(await fileAt(bare, 'README.md', 'main')).toContain('npm run serve');
        // Taken in, nothing is left to propose.
        expect((await pave.app.templates.upgrades.upgrade(recorded!.id, { author: TESTER, authority: UNRESTRICTED })).outcome).toBe('up-to-date');
      } else {
        expect(after).toMatchObject({ behind: true, templateVersion: '1', review: { state: 'closed', toVersion: '2' } });
      }
    });
  }
});
