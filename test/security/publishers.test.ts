/**
 * Attacks on the hosted publishers (SECURITY.md, boundary 20): a template cannot make Pave send a
 * provider's credentials anywhere but the configured API, nor write through a link planted in a target
 * repository; configured secrets are only references; tokens never appear in a task's log or error.
 */
import { mkdtemp, readdir, rm, symlink, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/pave-config.js';
import { runGit } from '../../src/git/run-git.js';
import { commitsOf, openTestApp, registerTemplate, TESTER, waitForTask, type TestApp } from '../templates/support.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';

const TOKEN = 'sekret-provider-token-7f3a';

describe('hosted publishers: credentials and repositories', () => {
  let pave: TestApp;
  let standIn: ProviderStandIn;
  let dir: string;
  let ref: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-publishers-attack-'));
    standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { [TOKEN]: ['repo', 'push'] } });
    await writeFile(join(dir, 'token'), TOKEN);
    pave = await openTestApp({ config: { integrations: { github: [{ host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token: { $file: join(dir, 'token') } }], gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token: { $file: join(dir, 'token') } }], bitbucketServer: [], gitea: [] } } });
    const template = {
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'attack' },
      spec: {
        owner: 'group:default/example',
        type: 'service',
        parameters: [{ properties: { repoUrl: { type: 'string' }, action: { type: 'string' }, targetPath: { type: 'string' } } }],
        steps: [
          { id: 'write', action: 'debug:log', input: { message: 'start' } },
          { id: 'files', action: 'catalog:write', input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'attack' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/example' } } } },
          { id: 'publish', if: "${{ parameters.action === 'create' }}", action: 'publish:github', input: { repoUrl: '${{ parameters.repoUrl }}', protectDefaultBranch: false } },
          { id: 'propose', if: "${{ parameters.action === 'propose' }}", action: 'publish:github:pull-request', input: { repoUrl: '${{ parameters.repoUrl }}', branchName: 'attack', title: 'x', description: 'x', targetPath: '${{ parameters.targetPath }}' } },
          { id: 'propose-mr', if: "${{ parameters.action === 'propose-mr' }}", action: 'publish:gitlab:merge-request', input: { repoUrl: '${{ parameters.repoUrl }}', branchName: 'feature', title: 'x', description: 'x' } },
        ],
      },
    };
    await writeFile(join(dir, 'template.yaml'), stringify(template));
    ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
  });
  afterAll(async () => {
    await pave?.close();
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = async (values: Record<string, unknown>) => waitForTask(pave.app, (await pave.app.templates.createTask({ templateRef: ref, values }, TESTER)).id);

  it('a repoUrl naming a host that is not configured, or smuggling a URL, reaches no server and sends no token', async () => {
    const before = standIn.requests.length;
    for (const repoUrl of [`127.0.0.1:${new URL(standIn.url).port}?owner=acme&repo=x`, 'evil.example?owner=acme&repo=x', 'github.com/../evil?owner=acme&repo=x', 'user:pw@github.com?owner=acme&repo=x', 'github.com?owner=..&repo=x', 'github.com?owner=acme&repo=../../x']) {
      const task = await run({ repoUrl, action: 'create' });
      expect(task.status, repoUrl).toBe('failed');
      expect(task.steps.find(s => s.id === 'publish')!.error?.detail, repoUrl).toMatch(/input\.repoUrl/);
    }
    expect(standIn.requests.length).toBe(before);
  });

  it('the token never appears in a task’s events, outputs or errors, even when the step fails', async () => {
    const ok = await run({ repoUrl: 'github.com?owner=acme&repo=fine', action: 'create' });
    expect(ok.status).toBe('completed');
    await standIn.seed('github', 'acme', 'occupied');
    const failed = await run({ repoUrl: 'github.com?owner=acme&repo=occupied', action: 'create' });
    expect(failed.status).toBe('failed');
    for (const task of [ok, failed]) {
      const events = await pave.app.templates.events(task.id);
      expect(JSON.stringify([task, events])).not.toContain(TOKEN);
      expect(JSON.stringify([task, events])).not.toContain(Buffer.from(`x-access-token:${TOKEN}`).toString('base64'));
    }
  });

  it('a symbolic link in the target repository cannot carry the proposed files out of the clone', async () => {
    const target = await standIn.seed('github', 'acme', 'linked');
    const outside = join(dir, 'outside');
    await mkdir(outside);
    const work = join(dir, 'work');
    await runGit(['clone', '--quiet', standIn.gitDir(target), work]);
    await symlink(outside, join(work, 'docs'));
    await runGit(['-C', work, 'add', '.']);
    await runGit(['-C', work, '-c', 'user.name=x', '-c', 'user.email=x@x', 'commit', '--quiet', '-m', 'link']);
    await runGit(['-C', work, 'push', '--quiet', 'origin', 'main']);
    const task = await run({ repoUrl: 'github.com?owner=acme&repo=linked', action: 'propose', targetPath: 'docs' });
    expect(task.status).toBe('failed');
    expect(task.steps.find(s => s.id === 'propose')!.error?.detail).toMatch(/symbolic link/);
    expect(await readdir(outside)).toEqual([]);
  });

  it('a merge request someone else has open is no licence to force-push over its branch: without update: true the step fails with the conflict', async () => {
    // Someone's branch `feature`, with their own commit, and their merge request open from it.
    const project = await standIn.seed('gitlab', 'acme', 'their-mr');
    const work = join(dir, 'their-work');
    await runGit(['clone', '--quiet', standIn.gitDir(project), work]);
    await writeFile(join(work, 'THEIRS.md'), 'their work\n');
    await runGit(['-C', work, 'checkout', '--quiet', '-b', 'feature']);
    await runGit(['-C', work, 'add', '.']);
    await runGit(['-C', work, '-c', 'user.name=Them', '-c', 'user.email=them@example.com', 'commit', '--quiet', '-m', 'theirs']);
    await runGit(['-C', work, 'push', '--quiet', 'origin', 'feature']);
    const opened = await fetch(`${standIn.url}/api/v4/projects/${project.id}/merge_requests`, {
      method: 'POST',
      headers: { 'private-token': TOKEN, 'content-type': 'application/json' },
      body: JSON.stringify({ source_branch: 'feature', target_branch: 'main', title: 'Their change', description: 'theirs' }),
    });
    expect(opened.status).toBe(201);
    const before = await commitsOf(standIn.gitDir(project), 'feature');

    const task = await run({ repoUrl: 'gitlab.com?owner=acme&repo=their-mr', action: 'propose-mr' });
    expect(task.status).toBe('failed');
    // The conflict review-branch.ts raises (409) when a branch exists and update is not set.
    expect(task.steps.find(s => s.id === 'propose-mr')!.error?.detail).toMatch(/already has a branch feature .*set update: true/);
    expect(await commitsOf(standIn.gitDir(project), 'feature')).toEqual(before);
    expect(standIn.reviews.find(r => r.repository === 'acme/their-mr')!.body).toMatchObject({ title: 'Their change', description: 'theirs' });
  });

  it('the configuration refuses a secret written in the file: only { $env } or { $file } references', async () => {
    await writeFile(join(dir, 'pave.config.yaml'), stringify({ integrations: { github: [{ host: 'github.com', token: 'ghp_plain' }], gitlab: [{ host: 'gitlab.com', token: { $file: 'relative/path' } }] } }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(expect.objectContaining({
      problem: expect.objectContaining({
        errors: expect.arrayContaining([
          expect.objectContaining({ pointer: '/integrations/github/0/token', detail: expect.stringContaining('{ $env: VARIABLE } or { $file: /absolute/path }') }),
          expect.objectContaining({ pointer: '/integrations/gitlab/0/token' }),
        ]),
      }),
    }));
  });
});
