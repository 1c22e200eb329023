/**
 * The hosted publishers end to end against local stand-ins of GitHub, GitLab, Bitbucket Server and Gitea
 * (their REST APIs as documented, pushes through real git over HTTP): repositories created and pushed,
 * pull and merge requests opened on a branch pushed over the base, the catalog registering what was
 * published; and every bad case a clear step error with the task failed: a name taken, a token without
 * the scope, an unreachable provider, a repository created but not pushed (named in the error).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { commitsOf, fileAt, filesOf, openTestApp, registerTemplate, TESTER, waitForTask, type TestApp } from './support.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { runGit } from '../../src/git/run-git.js';

const ENTITY = (name: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/example' } });

let pave: TestApp;
let standIn: ProviderStandIn;
let dir: string;

/** Registers a template that writes a catalog file, runs `steps` and registers what they published; returns its ref. */
async function template(name: string, steps: unknown[], options: { register?: string } = {}): Promise<string> {
  const doc = {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name },
    spec: {
      owner: 'group:default/example',
      type: 'service',
      parameters: [{ properties: { name: { type: 'string' }, repoUrl: { type: 'string' } } }],
      steps: [
        { id: 'write', action: 'catalog:write', input: { entity: ENTITY('${{ parameters.name }}') } },
        ...steps,
        ...(options.register ? [{ id: 'register', action: 'catalog:register', input: { repoContentsUrl: options.register, catalogInfoPath: '/catalog-info.yaml' } }] : []),
      ],
    },
  };
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, stringify(doc));
  return registerTemplate(pave.app, file);
}

async function run(ref: string, values: Record<string, unknown>, secrets: Record<string, unknown> = {}) {
  const { id } = await pave.app.templates.createTask({ templateRef: ref, values, secrets }, TESTER);
  return waitForTask(pave.app, id);
}

describe('hosted publishers against provider stand-ins', () => {
  let github: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-publishers-'));
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    standIn = await startProviderStandIn({
      root: join(dir, 'git'),
      tokens: { good: ['repo', 'push'], 'read-only': ['read'], 'create-only': ['repo'], 'app-installation-token': ['repo', 'push'] },
      app: { id: 42, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(), installedOn: 'acme', token: 'app-installation-token' },
    });
    await writeFile(join(dir, 'token'), 'good\n');
    await writeFile(join(dir, 'app.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    process.env.PAVE_TEST_GITLAB_TOKEN = 'good';
    const token = { $file: join(dir, 'token') };
    pave = await openTestApp({
      config: { integrations: {
        github: [
          { host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token },
          { host: 'apps.github.test', apiBaseUrl: `${standIn.url}/api/v3`, apps: [{ appId: 42, privateKey: { $file: join(dir, 'app.pem') } }] },
          { host: 'down.github.test', apiBaseUrl: 'http://127.0.0.1:9/api/v3', token },
        ],
        gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token: { $env: 'PAVE_TEST_GITLAB_TOKEN' } }],
        bitbucketServer: [{ host: 'bitbucket.test', apiBaseUrl: `${standIn.url}/rest/api/1.0`, token }],
        gitea: [{ host: 'gitea.test', baseUrl: standIn.url, token }],
      } },
    });
    github = await template('to-github', [{ id: 'publish', action: 'publish:github', input: { repoUrl: '${{ parameters.repoUrl }}', description: 'The ${{ parameters.name }} service', token: '${{ secrets.token }}' } }], {
      register: '${{ steps.publish.output.repoContentsUrl }}',
    });
  });
  afterAll(async () => {
    await pave?.close();
    await standIn?.close();
    delete process.env.PAVE_TEST_GITLAB_TOKEN;
    await rm(dir, { recursive: true, force: true });
  });

  it('publish:github creates the repository, pushes the workspace, protects main, and the catalog registers it', async () => {
    const task = await run(github, { name: 'payments', repoUrl: 'github.com?owner=acme&repo=payments' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    expect(task.status).toBe('completed');
    const repository = standIn.repositories.find(r => r.name === 'payments')!;
    expect(repository).toMatchObject({ provider: 'github', owner: 'acme', body: { private: true, visibility: 'private', description: 'The payments service' } });
    const publish = task.steps.find(s => s.id === 'publish')!;
    expect(publish.output).toEqual({
      remoteUrl: `${standIn.url}/acme/payments.git`,
      repoContentsUrl: `${standIn.url}/acme/payments/blob/main`,
      commitHash: (await commitsOf(standIn.gitDir(repository)))[0],
    });
    expect(await filesOf(standIn.gitDir(repository))).toEqual(['.pave/template.yaml', 'catalog-info.yaml']);
    expect(standIn.protections.get('acme/payments/main')).toMatchObject({ enforce_admins: true, required_pull_request_reviews: { required_approving_review_count: 1 } });
    expect(task.steps.find(s => s.id === 'register')!.output).toMatchObject({ entityRef: 'component:default/payments' });
    expect((await pave.app.catalog.entities.byRefs(['component:default/payments']))[0]?.metadata.name).toBe('payments');
  });

  it('publish:github gives collaborators and teams their access and sets Actions variables, as the GitHub REST API documents', async () => {
    const ref = await template('to-github-access', [
      {
        id: 'publish',
        action: 'publish:github',
        input: {
          repoUrl: '${{ parameters.repoUrl }}',
          protectDefaultBranch: false,
          collaborators: [{ user: 'octocat', access: 'admin' }, { team: 'platform', access: 'push' }, { username: 'hubot', access: 'pull' }],
          repoVariables: { DEPLOY_ENV: 'staging' },
        },
      },
    ]);
    const task = await run(ref, { name: 'with-access', repoUrl: 'github.com?owner=acme&repo=with-access' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    expect(standIn.access.get('acme/with-access')).toEqual([
      { user: 'octocat', permission: 'admin' },
      { team: 'platform', permission: 'push' },
      { user: 'hubot', permission: 'pull' },
    ]);
    expect(standIn.variables.get('acme/with-access')).toEqual({ DEPLOY_ENV: 'staging' });
    const bad = await template('to-github-bad-access', [{ id: 'publish', action: 'publish:github', input: { repoUrl: '${{ parameters.repoUrl }}', collaborators: [{ access: 'push' }] } }]);
    const refused = await run(bad, { name: 'bad-access', repoUrl: 'github.com?owner=acme&repo=bad-access' });
    expect(refused.steps.find(s => s.id === 'publish')!.error?.detail).toMatch(/input\.collaborators\[0\] must name either a user or a team/);
    expect(standIn.repositories.some(r => r.name === 'bad-access')).toBe(false);
  });

  it('publish:github sets Actions secrets sealed for the repository’s public key; their values are never logged or shown', async () => {
    const values = { npmToken: 'npm-s3cret-value-1', deployKey: 'deploy-s3cret-value-2' };
    const ref = await template('to-github-secrets', [
      { id: 'publish', action: 'publish:github', input: { repoUrl: '${{ parameters.repoUrl }}', protectDefaultBranch: false, secrets: { NPM_TOKEN: '${{ secrets.npmToken }}', DEPLOY_KEY: '${{ secrets.deployKey }}' } } },
    ]);
    const task = await run(ref, { name: 'with-secrets', repoUrl: 'github.com?owner=acme&repo=with-secrets' }, values);
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    const sealed = standIn.actionsSecrets.get('acme/with-secrets')!;
    expect(Object.keys(sealed).sort()).toEqual(['DEPLOY_KEY', 'NPM_TOKEN']);
    // Only the stand-in's private key opens them: they were sealed for the key GitHub handed out.
    expect(standIn.openSecret(sealed.NPM_TOKEN!.encrypted_value)).toBe(values.npmToken);
    expect(standIn.openSecret(sealed.DEPLOY_KEY!.encrypted_value)).toBe(values.deployKey);
    expect(standIn.requests).toContain('GET /api/v3/repos/acme/with-secrets/actions/secrets/public-key');
    const shown = JSON.stringify([task, await pave.app.templates.events(task.id)]);
    expect(shown).toContain('Set Actions secrets NPM_TOKEN, DEPLOY_KEY');
    for (const value of Object.values(values)) expect(shown).not.toContain(value);

    // A name GitHub refuses fails the step before anything is created, naming the entry.
    const bad = await template('to-github-bad-secret', [{ id: 'publish', action: 'publish:github', input: { repoUrl: '${{ parameters.repoUrl }}', secrets: { GITHUB_TOKEN: '${{ secrets.npmToken }}' } } }]);
    const refused = await run(bad, { name: 'bad-secret', repoUrl: 'github.com?owner=acme&repo=bad-secret' }, values);
    expect(refused.steps.find(s => s.id === 'publish')!.error).toMatchObject({
      detail: expect.stringMatching(/input\.secrets: "GITHUB_TOKEN" is not a name GitHub takes for a secret/),
      errors: [expect.objectContaining({ pointer: expect.stringContaining('/secrets/GITHUB_TOKEN') })],
    });
    expect(standIn.repositories.some(r => r.name === 'bad-secret')).toBe(false);
  });

  it('a name already taken fails the step with a 409 naming the repository, and nothing is pushed', async () => {
    const existing = await standIn.seed('github', 'acme', 'taken');
    const task = await run(github, { name: 'taken-one', repoUrl: 'github.com?owner=acme&repo=taken' });
    expect(task.status).toBe('failed');
    const step = task.steps.find(s => s.id === 'publish')!;
    expect(step.status).toBe('failed');
    expect(step.error?.detail).toMatch(/The repository acme\/taken on github\.com .* already exists; choose another name/);
    expect(await commitsOf(standIn.gitDir(existing))).toHaveLength(1);
    expect(task.steps.find(s => s.id === 'register')!.status).not.toBe('completed');
  });

  it('a token without the scope fails the step with the provider’s 403, and nothing is created', async () => {
    const task = await run(github, { name: 'no-scope', repoUrl: 'github.com?owner=acme&repo=no-scope' }, { token: 'read-only' });
    expect(task.status).toBe('failed');
    expect(task.steps.find(s => s.id === 'publish')!.error?.detail).toMatch(/GitHub answered 403 .*Resource not accessible by personal access token.*lacks the permission or scope/);
    expect(standIn.repositories.some(r => r.name === 'no-scope')).toBe(false);
  });

  it('an unreachable provider fails the step saying so', async () => {
    const task = await run(github, { name: 'nowhere', repoUrl: 'down.github.test?owner=acme&repo=nowhere' });
    expect(task.status).toBe('failed');
    expect(task.steps.find(s => s.id === 'publish')!.error?.detail).toMatch(/GitHub at http:\/\/127\.0\.0\.1:9 could not be reached/);
  });

  it('a host with no integration is a 422 on repoUrl naming the section to add', async () => {
    const task = await run(github, { name: 'elsewhere', repoUrl: 'git.example.org?owner=acme&repo=elsewhere' });
    expect(task.status).toBe('failed');
    expect(task.steps.find(s => s.id === 'publish')!.error).toMatchObject({
      detail: expect.stringContaining('git.example.org is not a configured GitHub host; add it under integrations.github'),
      errors: [expect.objectContaining({ pointer: expect.stringContaining('repoUrl') })],
    });
  });

  it('a repository created but not pushed is reported with its URL', async () => {
    const task = await run(github, { name: 'half', repoUrl: 'github.com?owner=acme&repo=half' }, { token: 'create-only' });
    expect(task.status).toBe('failed');
    expect(task.steps.find(s => s.id === 'publish')!.error?.detail).toMatch(new RegExp(`Created ${standIn.url}/acme/half, but pushing to it failed: .*remove it, or push to it again`));
    expect(await commitsOf(standIn.gitDir(standIn.repositories.find(r => r.name === 'half')!))).toEqual([]);
  });

  it('a GitHub App installed on the owner signs in when the host has no token', async () => {
    const ref = await template('to-github-app', [{ id: 'create', action: 'github:repo:create', input: { repoUrl: '${{ parameters.repoUrl }}' } }, { id: 'push', action: 'github:repo:push', input: { repoUrl: '${{ parameters.repoUrl }}', protectDefaultBranch: false } }]);
    const task = await run(ref, { name: 'via-app', repoUrl: 'apps.github.test?owner=acme&repo=via-app' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    expect(task.steps.find(s => s.id === 'create')!.output).toEqual({ remoteUrl: `${standIn.url}/acme/via-app.git` });
    expect(await filesOf(standIn.gitDir(standIn.repositories.find(r => r.name === 'via-app')!))).toEqual(['.pave/template.yaml', 'catalog-info.yaml']);
    expect(standIn.protections.has('acme/via-app/main')).toBe(false);
  });

  it('publish:github:pull-request pushes a branch over the base and opens a pull request', async () => {
    const target = await standIn.seed('github', 'acme', 'catalog');
    const ref = await template('pr-to-github', [
      { id: 'pr', action: 'publish:github:pull-request', input: { repoUrl: 'github.com?owner=acme&repo=catalog', branchName: 'add-${{ parameters.name }}', title: 'Add ${{ parameters.name }}', description: 'Registers it', targetPath: 'services/${{ parameters.name }}', reviewers: ['ada'] } },
    ]);
    const task = await run(ref, { name: 'ledger' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    const pull = standIn.reviews.find(r => r.repository === 'acme/catalog')!.body;
    expect(pull).toMatchObject({ head: 'add-ledger', base: 'main', title: 'Add ledger', body: 'Registers it', requested_reviewers: { reviewers: ['ada'] } });
    expect(task.steps[1]!.output).toMatchObject({ remoteUrl: pull.html_url, pullRequestUrl: pull.html_url, pullRequestNumber: 1, targetBranchName: 'main' });
    expect(await filesOf(standIn.gitDir(target), 'add-ledger')).toEqual(['README.md', 'services/ledger/catalog-info.yaml']);
    expect(await commitsOf(standIn.gitDir(target), 'main')).toHaveLength(1);
    // Other changes for the same branch, without update: the step says the branch exists. (The very same commit
    // again — same files, made in the same second — would be the branch as it is, which a resumed task relies on.)
    const elsewhere = await template('pr-to-github-elsewhere', [
      { id: 'pr', action: 'publish:github:pull-request', input: { repoUrl: 'github.com?owner=acme&repo=catalog', branchName: 'add-${{ parameters.name }}', title: 'Add ${{ parameters.name }}', description: 'Registers it elsewhere', targetPath: 'apps/${{ parameters.name }}' } },
    ]);
    const again = await run(elsewhere, { name: 'ledger' });
    expect(again.steps[1]!.error?.detail).toMatch(/already has a branch add-ledger .*set update: true/);
  });

  it('publish:gitlab creates a project in the group and publish:gitlab:merge-request opens a merge request', async () => {
    const ref = await template('to-gitlab', [
      { id: 'publish', action: 'publish:gitlab', input: { repoUrl: '${{ parameters.repoUrl }}', repoVisibility: 'internal' } },
      { id: 'mr', action: 'publish:gitlab:merge-request', input: { repoUrl: '${{ parameters.repoUrl }}', branchName: 'docs', title: 'Docs', description: 'Adds docs', targetPath: 'docs', assignee: 'ada', removeSourceBranch: true } },
    ]);
    const task = await run(ref, { name: 'billing', repoUrl: 'gitlab.com?owner=acme/finance&repo=billing' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    const project = standIn.repositories.find(r => r.provider === 'gitlab' && r.name === 'billing')!;
    expect(project).toMatchObject({ owner: 'acme/finance', body: { visibility: 'internal' } });
    expect(task.steps[1]!.output).toMatchObject({ remoteUrl: `${standIn.url}/acme/finance/billing`, repoContentsUrl: `${standIn.url}/acme/finance/billing/-/blob/main`, created: true, projectId: project.id });
    expect(task.steps[2]!.output).toMatchObject({ projectid: 'acme/finance/billing', targetBranchName: 'main', mergeRequestUrl: `${standIn.url}/acme/finance/billing/-/merge_requests/1` });
    expect(standIn.reviews.find(r => r.provider === 'gitlab')!.body).toMatchObject({ source_branch: 'docs', target_branch: 'main', assignee_ids: [501], remove_source_branch: true });
    expect(await filesOf(standIn.gitDir(project), 'docs')).toEqual(['.pave/template.yaml', 'catalog-info.yaml', 'docs/catalog-info.yaml']);
    // The path taken: a clear 409, unless skipExisting.
    const again = await run(ref, { name: 'billing', repoUrl: 'gitlab.com?owner=acme/finance&repo=billing' });
    expect(again.steps[1]!.error?.detail).toMatch(/The project acme\/finance\/billing on gitlab\.com already exists; choose another name, or set skipExisting/);
  });

  it('a pull or merge request already open from the branch is updated and reused, not a failure', async () => {
    // GitHub: the second run replaces the branch (update: true); GitHub answers its POST with 422 "A pull request already exists".
    const catalog = await standIn.seed('github', 'acme', 'reused-pr');
    const pr = (text: string) =>
      template(`pr-reused-${text}`, [
        { id: 'write-more', action: 'catalog:write', input: { filePath: 'NOTES.md', entity: { note: text } } },
        { id: 'pr', action: 'publish:github:pull-request', input: { repoUrl: 'github.com?owner=acme&repo=reused-pr', branchName: 'add-notes', title: `Notes (${text})`, description: text, update: true } },
      ]);
    const first = await run(await pr('first'), { name: 'notes-one' });
    expect(first.error, JSON.stringify(first.error)).toBeUndefined();
    const second = await run(await pr('second'), { name: 'notes-two' });
    expect(second.error, JSON.stringify(second.error)).toBeUndefined();
    const pulls = standIn.reviews.filter(r => r.repository === 'acme/reused-pr');
    expect(pulls).toHaveLength(1);
    expect(second.steps.find(s => s.id === 'pr')!.output).toMatchObject({ pullRequestUrl: pulls[0]!.body.html_url, pullRequestNumber: 1 });
    expect(pulls[0]!.body).toMatchObject({ title: 'Notes (second)', body: 'second', state: 'open' });
    expect(await fileAt(standIn.gitDir(catalog), 'NOTES.md', 'add-notes')).toContain('second');
    expect(standIn.requests).toContain('PATCH /api/v3/repos/acme/reused-pr/pulls/1');

    // GitLab: with update: true the branch is replaced, and GitLab's 409 leads to the merge request open from it.
    const project = await standIn.seed('gitlab', 'acme', 'reused-mr');
    const mr = (text: string, update = true) =>
      template(`mr-reused-${text}`, [
        { id: 'write-more', action: 'catalog:write', input: { filePath: 'NOTES.md', entity: { note: text } } },
        { id: 'mr', action: 'publish:gitlab:merge-request', input: { repoUrl: 'gitlab.com?owner=acme&repo=reused-mr', branchName: 'add-notes', title: `Notes (${text})`, description: text, update } },
      ]);
    expect((await run(await mr('first'), { name: 'mr-one' })).error).toBeUndefined();
    const again = await run(await mr('second'), { name: 'mr-two' });
    expect(again.error, JSON.stringify(again.error)).toBeUndefined();
    const requests = standIn.reviews.filter(r => r.repository === 'acme/reused-mr');
    expect(requests).toHaveLength(1);
    expect(again.steps.find(s => s.id === 'mr')!.output).toMatchObject({ mergeRequestUrl: `${standIn.url}/acme/reused-mr/-/merge_requests/1` });
    expect(requests[0]!.body).toMatchObject({ title: 'Notes (second)', description: 'second', state: 'opened' });
    expect(await fileAt(standIn.gitDir(project), 'NOTES.md', 'add-notes')).toContain('second');
    expect(standIn.requests).toContain(`PUT /api/v4/projects/${project.id}/merge_requests/1`);

    // Without update, the branch that exists is a conflict, open merge request or not (SECURITY.md §25: it may be someone else's).
    const closed = await run(await mr('third', false), { name: 'mr-three' });
    expect(closed.steps.find(s => s.id === 'mr')!.error?.detail).toMatch(/already has a branch add-notes/);
  });

  it('publish:gitlab with skipExisting looks for the project at the path it would create (settings.path)', async () => {
    const existing = await standIn.seed('gitlab', 'acme', 'ledger-svc');
    const ref = await template('to-gitlab-path', [{ id: 'publish', action: 'publish:gitlab', input: { repoUrl: 'gitlab.com?owner=acme&repo=ledger', settings: { path: 'ledger-svc' }, skipExisting: true } }]);
    const task = await run(ref, { name: 'ledger' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    expect(task.steps.find(s => s.id === 'publish')!.output).toMatchObject({ projectId: existing.id, created: false });
    expect(standIn.repositories.filter(r => r.provider === 'gitlab' && r.owner === 'acme' && r.name.startsWith('ledger')).map(r => r.name)).toEqual(['ledger-svc']);
  });

  it('an open pull or merge request from the branch into another base is left alone: only the one into the same base is reused', async () => {
    for (const provider of ['github', 'gitlab'] as const) {
      const name = `two-bases-${provider}`;
      const repository = await standIn.seed(provider, 'acme', name);
      // Someone's review from the same branch name into `develop`, opened first.
      const work = join(dir, `${name}-work`);
      await runGit(['clone', '--quiet', standIn.gitDir(repository), work]);
      await runGit(['-C', work, 'push', '--quiet', 'origin', 'main:develop', 'main:add-notes']);
      const api = provider === 'github' ? `${standIn.url}/api/v3/repos/acme/${name}/pulls` : `${standIn.url}/api/v4/projects/${repository.id}/merge_requests`;
      const fields = provider === 'github' ? { head: 'add-notes', base: 'develop', title: 'Into develop', body: '' } : { source_branch: 'add-notes', target_branch: 'develop', title: 'Into develop', description: '' };
      expect((await fetch(api, { method: 'POST', headers: { authorization: 'token good', 'content-type': 'application/json' }, body: JSON.stringify(fields) })).status).toBe(201);
      const propose = (text: string) =>
        template(`${name}-${text}`, [
          { id: 'write-more', action: 'catalog:write', input: { filePath: 'NOTES.md', entity: { note: text } } },
          provider === 'github'
            ? { id: 'review', action: 'publish:github:pull-request', input: { repoUrl: `github.com?owner=acme&repo=${name}`, branchName: 'add-notes', title: `Notes (${text})`, description: text, update: true } }
            : { id: 'review', action: 'publish:gitlab:merge-request', input: { repoUrl: `gitlab.com?owner=acme&repo=${name}`, branchName: 'add-notes', title: `Notes (${text})`, description: text, update: true } },
        ]);
      for (const text of ['first', 'second']) {
        const task = await run(await propose(text), { name: `${name}-${text}` });
        expect(task.error, JSON.stringify(task.error)).toBeUndefined();
      }
      const reviews = standIn.reviews.filter(r => r.repository === `acme/${name}`).map(r => r.body);
      expect(reviews, provider).toHaveLength(2);
      expect(reviews[0], provider).toMatchObject({ title: 'Into develop' });
      expect(reviews[1], provider).toMatchObject({ title: 'Notes (second)' });
    }
  });

  it('publish:gitlab applies settings, creates and protects branches and sets masked and protected project variables, as GitLab documents', async () => {
    const apiToken = 'glpat-Secret_Value.12345';
    const ref = await template('to-gitlab-settings', [
      {
        id: 'publish',
        action: 'publish:gitlab',
        input: {
          repoUrl: '${{ parameters.repoUrl }}',
          settings: { visibility: 'internal', merge_method: 'ff', squash_option: 'always', topics: ['payments'], only_allow_merge_if_pipeline_succeeds: true, ci_config_path: 'ci/.gitlab-ci.yml' },
          branches: [{ name: 'develop', create: true, protect: true }, { name: 'main', protect: true }],
          projectVariables: [{ key: 'DEPLOY_ENV', value: 'staging' }, { key: 'API_TOKEN', value: '${{ secrets.apiToken }}', masked: true, protected: true, environment_scope: 'production' }],
        },
      },
    ]);
    const task = await run(ref, { name: 'ledger-gl', repoUrl: 'gitlab.com?owner=acme&repo=ledger-gl' }, { apiToken });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    const project = standIn.repositories.find(r => r.provider === 'gitlab' && r.name === 'ledger-gl')!;
    expect(project.body).toMatchObject({ visibility: 'internal', merge_method: 'ff', squash_option: 'always', topics: ['payments'], only_allow_merge_if_pipeline_succeeds: true, ci_config_path: 'ci/.gitlab-ci.yml' });
    const [main] = await commitsOf(standIn.gitDir(project), 'main');
    expect(await commitsOf(standIn.gitDir(project), 'develop')).toEqual([main]);
    expect([...standIn.protections.keys()].filter(key => key.startsWith('acme/ledger-gl/')).sort()).toEqual(['acme/ledger-gl/develop', 'acme/ledger-gl/main']);
    expect(standIn.projectVariables.get('acme/ledger-gl')).toEqual([
      expect.objectContaining({ key: 'DEPLOY_ENV', value: 'staging', masked: false, protected: false, variable_type: 'env_var', environment_scope: '*' }),
      expect.objectContaining({ key: 'API_TOKEN', value: apiToken, masked: true, protected: true, environment_scope: 'production' }),
    ]);
    const shown = JSON.stringify([task, await pave.app.templates.events(task.id)]);
    expect(shown).toContain('Set project variables DEPLOY_ENV, API_TOKEN');
    expect(shown).not.toContain(apiToken);

    // A masked value GitLab cannot mask fails the step before anything is created, naming the entry.
    const masked = await template('to-gitlab-bad-mask', [{ id: 'publish', action: 'publish:gitlab', input: { repoUrl: '${{ parameters.repoUrl }}', projectVariables: [{ key: 'PIN', value: 'short', masked: true }] } }]);
    const refused = await run(masked, { name: 'bad-mask', repoUrl: 'gitlab.com?owner=acme&repo=bad-mask' });
    expect(refused.steps.find(s => s.id === 'publish')!.error).toMatchObject({ detail: expect.stringMatching(/PIN\) is masked, so its value must be one line of at least 8 characters/), errors: [expect.objectContaining({ pointer: expect.stringContaining('/projectVariables/0/value') })] });
    expect(standIn.repositories.some(r => r.name === 'bad-mask')).toBe(false);
    // A setting outside Backstage's list is refused by the input schema, before anything is created.
    const unknown = await template('to-gitlab-bad-setting', [{ id: 'publish', action: 'publish:gitlab', input: { repoUrl: '${{ parameters.repoUrl }}', settings: { merge_method: 'squash' } } }]);
    expect((await run(unknown, { name: 'bad-setting', repoUrl: 'gitlab.com?owner=acme&repo=bad-setting' })).steps.find(s => s.id === 'publish')!.error?.errors?.[0]?.pointer).toContain('/settings/merge_method');
    expect(standIn.repositories.some(r => r.name === 'bad-setting')).toBe(false);
    // A branch GitLab cannot create (its ref does not exist) happens after creation: the error names the project made.
    const badRef = await template('to-gitlab-bad-ref', [{ id: 'publish', action: 'publish:gitlab', input: { repoUrl: '${{ parameters.repoUrl }}', branches: [{ name: 'develop', create: true, ref: 'no-such-branch' }] } }]);
    const half = await run(badRef, { name: 'bad-ref', repoUrl: 'gitlab.com?owner=acme&repo=bad-ref' });
    expect(half.steps.find(s => s.id === 'publish')!.error?.detail).toMatch(new RegExp(`Created ${standIn.url}/acme/bad-ref, but setting up its branches and variables failed: .*Invalid reference name.*remove it, or set them up by hand`));
  });

  it('publish:bitbucketServer and publish:gitea create and push', async () => {
    const ref = await template('to-others', [
      { id: 'bitbucket', action: 'publish:bitbucketServer', input: { repoUrl: 'bitbucket.test?project=PLAT&repo=${{ parameters.name }}', description: 'Bitbucket copy' } },
      { id: 'gitea', action: 'publish:gitea', input: { repoUrl: 'gitea.test?owner=acme&repo=${{ parameters.name }}', repoVisibility: 'public' } },
    ]);
    const task = await run(ref, { name: 'search' });
    expect(task.error, JSON.stringify(task.error)).toBeUndefined();
    const [bitbucket, gitea] = (['bitbucketServer', 'gitea'] as const).map(p => standIn.repositories.find(r => r.provider === p && r.name === 'search')!);
    expect(task.steps[1]!.output).toMatchObject({ remoteUrl: `${standIn.url}/scm/plat/search.git`, repoContentsUrl: `${standIn.url}/projects/PLAT/repos/search/browse` });
    expect(task.steps[2]!.output).toMatchObject({ remoteUrl: `${standIn.url}/acme/search.git`, repoContentsUrl: `${standIn.url}/acme/search/src/branch/main/` });
    expect(gitea!.body).toMatchObject({ private: false });
    for (const repository of [bitbucket!, gitea!]) expect(await fileAt(standIn.gitDir(repository), 'catalog-info.yaml')).toContain('name: search');
    const again = await run(ref, { name: 'search' });
    expect(again.steps[1]!.error?.detail).toMatch(/The repository search in project PLAT on bitbucket\.test already exists/);
  });

  it('no silent clash: registering an entity the catalog has already fails the step and the task, registering nothing', async () => {
    const task = await run(github, { name: 'payments', repoUrl: 'github.com?owner=acme&repo=payments-again' });
    expect(task.status).toBe('failed');
    const register = task.steps.find(s => s.id === 'register')!;
    expect(register.status).toBe('failed');
    expect(register.error).toMatchObject({
      detail: expect.stringMatching(/defines component:default\/payments, which the catalog already has from elsewhere/),
      errors: [expect.objectContaining({ rule: 'entity-exists' })],
    });
    const locations = await pave.app.catalog.locations.list();
    expect(locations.filter(l => l.target.includes('payments-again'))).toEqual([]);
    // The dry run says so too, before anything is created.
    const preview = await pave.app.templates.dryRun({ templateRef: github, values: { name: 'payments', repoUrl: 'github.com?owner=acme&repo=payments-3' } });
    expect(preview.status).toBe('failed');
    expect(preview.error?.detail ?? JSON.stringify(preview.steps)).toMatch(/already has from elsewhere/);
  });

  it('a dry run calls no provider and shows where it would publish', async () => {
    const before = standIn.repositories.length;
    const result = await pave.app.templates.dryRun({ templateRef: github, values: { name: 'preview', repoUrl: 'github.com?owner=acme&repo=preview' } });
    expect(result.status).toBe('completed');
    expect(result.steps.find(s => s.id === 'publish')!.output).toMatchObject({ remoteUrl: 'https://github.com/acme/preview.git', repoContentsUrl: 'https://github.com/acme/preview/blob/main' });
    expect(standIn.repositories.length).toBe(before);
  });
});
