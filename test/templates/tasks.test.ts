/**
 * Tasks through the service API: values validated against the template's parameters (each mistake
 * naming its field), templates with problems refused, steps with if/each and recorded outputs, failures
 * located by pointer, cancellation (queued and running), and publish:git's idempotence against a real
 * git HTTP server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { publishGitAction } from '../../src/templates/actions/publish-git.js';
import type { ActionContext } from '../../src/templates/actions/action.js';
import { Workspace } from '../../src/templates/workspace/workspace.js';
import { TemplateFiles } from '../../src/templates/workspace/template-files.js';
import { UNRESTRICTED } from '../../src/auth/acting-authority.js';
import { initBareRepository } from '../../src/git/bare-repository.js';
import { TESTER, commitsOf, fileAt, filesOf, openTestApp, registerTemplate, startGitHttpServer, waitForTask, writeTree, type TestApp } from './support.js';
import { EvaluatorPool, ExpressionEvaluator } from '../../src/expressions/index.js';

const TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'lifecycle', title: 'Lifecycle' },
  spec: {
    type: 'service',
    parameters: [
      {
        title: 'About',
        required: ['name'],
        properties: {
          name: { title: 'Name', type: 'string', pattern: '^[a-z-]+$', 'ui:autofocus': true },
          tags: { title: 'Tags', type: 'array', items: { type: 'string' }, default: ['a', 'b'] },
          wait: { type: 'number', default: 0 },
        },
      },
      { title: 'More', properties: { extra: { type: 'boolean', default: false } } },
    ],
    steps: [
      { id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
      { id: 'per-tag', name: 'Per tag', action: 'fetch:template:file', each: '${{ parameters.tags }}', input: { url: './tag.txt', targetPath: 'tags/${{ each.value }}.txt', values: { tag: '${{ each.value }}', index: '${{ each.key }}' } } },
      { id: 'skipped', name: 'Only with extra', if: '${{ parameters.extra }}', action: 'debug:log', input: { message: 'extra!' } },
      { id: 'wait', name: 'Wait', action: 'debug:wait', input: { milliseconds: '${{ parameters.wait }}' } },
      { id: 'rename', name: 'Rename', action: 'fs:rename', input: { files: [{ from: 'README.md', to: 'docs/README.md' }] } },
      { id: 'write', name: 'Write', action: 'catalog:write', input: { entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: '${{ parameters.name }}' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'team-a' } } } },
      { id: 'list', name: 'List', action: 'debug:log', input: { listWorkspace: true } },
    ],
    output: {
      links: [
        { title: 'Always', url: 'https://example.com/${{ parameters.name }}' },
        { title: 'Never', if: '${{ parameters.extra }}', url: 'https://example.com/extra' },
      ],
      tagFiles: '${{ parameters.tags | length }}',
    },
  },
};

describe('tasks', () => {
  let pave: TestApp;
  let dir: string;
  let ref: string;

  beforeAll(async () => {
    pave = await openTestApp();
    dir = await mkdtemp(join(tmpdir(), 'pave-tasks-'));
    await writeTree(dir, {
      'template.yaml': stringify(TEMPLATE),
      'skeleton/README.md': '# ${{ values.name }}',
      'tag.txt': 'tag ${{ values.tag }} at ${{ values.index }}',
      'broken.yaml': stringify({ ...TEMPLATE, metadata: { name: 'broken' }, spec: { ...TEMPLATE.spec, steps: [{ id: 'x', action: 'publish:azure', input: {} }, { id: 'y', action: 'debug:log', input: { message: '${{ parameters.name | nope }}' } }] } }),
    });
    ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
    await registerTemplate(pave.app, join(dir, 'broken.yaml'));
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists templates with their problems: unsupported actions and expression errors, each located', async () => {
    const templates = await pave.app.templates.listTemplates();
    const broken = templates.find(t => t.name === 'broken')!;
    expect(broken.runnable).toBe(false);
    expect(broken.problems).toEqual([
      { pointer: '/spec/steps/0/action', detail: 'unsupported action publish:azure', rule: 'unsupported-action' },
      expect.objectContaining({ pointer: '/spec/steps/1/input/message', detail: expect.stringMatching(/unknown filter "nope"/) }),
    ]);
    expect(templates.find(t => t.name === 'lifecycle')).toMatchObject({ runnable: true, problems: [], title: 'Lifecycle' });
    await expect(pave.app.templates.createTask({ templateRef: 'template:default/broken', values: { name: 'x' } }, TESTER)).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/cannot run: unsupported action publish:azure/),
    });
  });

  it('serves the parameter schema as Backstage does: one page per step, hints kept', async () => {
    const schema = await pave.app.templates.parameterSchema(ref);
    expect(schema.title).toBe('Lifecycle');
    expect(schema.steps.map(s => s.title)).toEqual(['About', 'More']);
    expect((schema.steps[0]!.schema.properties as Record<string, Record<string, unknown>>).name!['ui:autofocus']).toBe(true);
  });

  it('refuses values that do not fit, naming each field and rule', async () => {
    const error = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'Not Valid', tags: 'x', extra: 'yes' } }, TESTER).catch(e => e);
    expect(error.status).toBe(422);
    expect(error.problem.type).toBe('https://pave.dev/problems/invalid-input');
    expect(error.problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/values/name', rule: 'pattern', detail: expect.stringMatching(/^Name \(name\) must match pattern/) }),
        expect.objectContaining({ pointer: '/values/tags', rule: 'type', detail: 'Tags (tags) must be an array (found string)' }),
        expect.objectContaining({ pointer: '/values/extra', rule: 'type' }),
      ]),
    );
    const missing = await pave.app.templates.createTask({ templateRef: ref, values: {} }, TESTER).catch(e => e);
    expect(missing.problem.errors).toEqual([{ pointer: '/values/name', detail: 'Name (name) is required', rule: 'required' }]);
    await expect(pave.app.templates.createTask({ templateRef: 'template:default/nope', values: {} }, TESTER)).rejects.toMatchObject({ status: 404 });
  });

  it('runs steps with each and if, records outputs and statuses, renders the output', async () => {
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'orders', tags: ['red', 'blue'] } }, TESTER);
    const task = await waitForTask(pave.app, id);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    expect(task.steps.map(s => [s.id, s.status])).toEqual([
      ['fetch', 'completed'],
      ['per-tag', 'completed'],
      ['skipped', 'skipped'],
      ['wait', 'completed'],
      ['rename', 'completed'],
      ['write', 'completed'],
      ['list', 'completed'],
    ]);
    expect(task.output).toEqual({ links: [{ title: 'Always', url: 'https://example.com/orders' }], tagFiles: 2 });
    expect(task.spec.parameters).toEqual({ name: 'orders', tags: ['red', 'blue'], wait: 0, extra: false });
    const events = await pave.app.templates.events(id);
    const messages = events.map(e => e.body.message);
    expect(messages).toContain('Skipping step skipped because its if condition was false');
    expect(messages).toContain('tags/red.txt');
    expect(messages).toContain('docs/README.md');
    expect(messages).toContain('catalog-info.yaml');
    expect(events.at(-1)).toMatchObject({ type: 'completion', body: { status: 'completed' } });
    expect(events.map(e => e.id)).toEqual([...events.map(e => e.id)].sort((a, b) => a - b));
  });

  it('a failing step fails the task with a located problem; later steps do not run', async () => {
    const failing = { ...TEMPLATE, metadata: { name: 'failing' }, spec: { ...TEMPLATE.spec, steps: [{ id: 'mv', name: 'Move', action: 'fs:rename', input: { files: [{ from: 'nope.txt', to: 'x' }] } }, { id: 'after', action: 'debug:log', input: { message: 'never' } }] } };
    await writeTree(dir, { 'failing.yaml': stringify(failing) });
    const failingRef = await registerTemplate(pave.app, join(dir, 'failing.yaml'));
    const task = await waitForTask(pave.app, (await pave.app.templates.createTask({ templateRef: failingRef, values: { name: 'x' } }, TESTER)).id);
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toBe('Step "Move" (fs:rename) failed: input.files[0].from "nope.txt" does not exist in the workspace');
    expect(task.steps.map(s => s.status)).toEqual(['failed', 'open']);
    expect(task.steps[0]!.error?.errors?.[0]?.pointer).toBe('/spec/steps/0');
  });

  it('an input that does not fit the action schema is named by pointer', async () => {
    const bad = { ...TEMPLATE, metadata: { name: 'bad-input' }, spec: { ...TEMPLATE.spec, steps: [{ id: 'w', action: 'debug:wait', input: { seconds: 'soon' } }] } };
    const result = await pave.app.templates.dryRun({ template: bad, values: { name: 'x' } });
    expect(result.status).toBe('failed');
    expect(result.error?.errors).toContainEqual(expect.objectContaining({ pointer: '/spec/steps/0/input/seconds', detail: 'input.seconds must be a number (found string)' }));
  });

  it('cancels a running task at once, even in a long action; the rest is marked cancelled', async () => {
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'slow', wait: 60_000 } }, TESTER);
    const until = Date.now() + 10_000;
    while ((await pave.app.templates.getTask(id)).steps[3]!.status !== 'processing') {
      if (Date.now() > until) throw new Error('the wait step never started');
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    const started = Date.now();
    await pave.app.templates.cancel(id, TESTER);
    const task = await waitForTask(pave.app, id, 5_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(task.status).toBe('cancelled');
    expect(task.steps.slice(3).map(s => s.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    const types = (await pave.app.templates.events(id)).map(e => e.type);
    expect(types.slice(-2)).toEqual(['cancelled', 'completion']);
    expect(await pave.app.templates.cancel(id, TESTER)).toEqual({ status: 'cancelled' });
  });

  it('cancels a queued task before any step runs', async () => {
    const idle = await openTestApp({ taskWorker: false });
    try {
      await registerTemplate(idle.app, join(dir, 'template.yaml'));
      const { id } = await idle.app.templates.createTask({ templateRef: ref, values: { name: 'queued' } }, TESTER);
      expect(await idle.app.templates.cancel(id, TESTER)).toEqual({ status: 'cancelled' });
      const task = await idle.app.templates.getTask(id);
      expect(task.steps.every(s => s.status === 'cancelled')).toBe(true);
      expect(await idle.app.queue.list('scaffolder.task')).toEqual([]);
    } finally {
      await idle.close();
    }
  });

  it('reads the skeleton of a template registered from a git repository (a fresh clone per run)', async () => {
    const { runGit } = await import('../../src/git/run-git.js');
    const repo = join(dir, 'git-source');
    await writeTree(repo, {
      'templates/svc/template.yaml': stringify({ ...TEMPLATE, metadata: { name: 'from-git' }, spec: { ...TEMPLATE.spec, steps: [TEMPLATE.spec.steps[0]] } }),
      'templates/svc/skeleton/README.md': '# ${{ values.name }} from git',
    });
    await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: repo });
    await runGit(['add', '.'], { cwd: repo });
    await runGit(['commit', '--quiet', '-m', 'template'], { cwd: repo });
    const registered = await pave.app.catalog.locations.register({ type: 'url', target: `file://${repo}#main:templates/svc/template.yaml` });
    expect(registered.entities.map(e => e.metadata.name)).toEqual(['from-git']);
    const result = await pave.app.templates.dryRun({ templateRef: 'template:default/from-git', values: { name: 'gitty' } });
    expect(result.status, JSON.stringify(result.error)).toBe('completed');
    expect(result.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString()])).toEqual([['README.md', '# gitty from git']]);
    const task = await waitForTask(pave.app, (await pave.app.templates.createTask({ templateRef: 'template:default/from-git', values: { name: 'gitty' } }, TESTER)).id);
    expect(task.status).toBe('completed');
    expect(task.spec.templateInfo.baseUrl).toBe(`url:file://${repo}#main:templates/svc/template.yaml`);
  });

  it('streams events live and ends after completion', async () => {
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'stream' } }, TESTER);
    const seen: string[] = [];
    for await (const event of pave.app.templates.streamEvents(id)) seen.push(event.type);
    expect(seen.at(-1)).toBe('completion');
    expect(seen.filter(t => t === 'completion')).toHaveLength(1);
  });
});

describe('publish:git', () => {
  let root: string;
  let workspace: Workspace;
  const logs: string[] = [];
  const context = (input: Record<string, unknown>, createdAt = '2025-01-02T03:04:05.000Z') => {
    const outputs: Record<string, unknown> = {};
    const ctx: ActionContext<never> = {
      input: input as never,
      workspace,
      templateFiles: TemplateFiles.none('not used'),
      log: { info: m => void logs.push(m), warn: m => void logs.push(m) },
      output: (name, value) => void (outputs[name] = value),
      signal: new AbortController().signal,
      dryRun: false,
      task: { id: 't', createdAt, templateRef: 'template:default/publisher', values: {} },
      creator: UNRESTRICTED,
      step: { id: 'publish', name: 'Publish' },
      secrets: {},
      // publish:git renders nothing: an evaluator whose processes never start.
      expressions: new ExpressionEvaluator(new EvaluatorPool()),
      replay: false,
      rerun: false,
    };
    return { ctx, outputs };
  };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pave-publish-'));
    workspace = new Workspace(join(root, 'workspace'));
    await workspace.ensureRoot();
    await workspace.writeFile('README.md', '# hello');
    await workspace.writeFile('bin/run.sh', '#!/bin/sh\necho hi', { executable: true });
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it("creates a local repository under the git root, pushes once, and recognises its own commit when run again", async () => {
    const action = publishGitAction({ localRoot: join(root, 'git') });
    const first = context({ repoUrl: 'local?owner=acme&repo=api', description: 'The API' });
    await action.handler(first.ctx);
    const repo = join(root, 'git', 'acme', 'api.git');
    expect(first.outputs).toEqual({ remoteUrl: `file://${repo}`, cloneUrl: `file://${repo}`, repoContentsUrl: `file://${repo}#main`, commitHash: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(await commitsOf(repo)).toEqual([first.outputs.commitHash]);
    expect(await filesOf(repo)).toEqual(['.pave/template.yaml', 'README.md', 'bin/run.sh']);

    const again = context({ repoUrl: 'local?owner=acme&repo=api', description: 'The API' });
    await action.handler(again.ctx);
    expect(again.outputs.commitHash).toBe(first.outputs.commitHash);
    expect(logs.at(-1)).toMatch(/already has commit [0-9a-f]{12} on main; not pushing again/);
    expect(await commitsOf(repo)).toHaveLength(1);

    await workspace.writeFile('README.md', '# changed');
    const other = context({ repoUrl: 'local?owner=acme&repo=api' });
    await expect(action.handler(other.ctx)).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/already has a main branch .* with other content/) });
    await workspace.writeFile('README.md', '# hello');
  });

  it('pushes to an HTTP(S) git server with a token, once, and never shows the token', async () => {
    const served = join(root, 'served');
    await initBareRepository(join(served, 'team', 'svc.git'));
    const token = 'http-t0ken-abc123';
    const server = await startGitHttpServer(served, { token });
    try {
      const action = publishGitAction({ localRoot: join(root, 'git') });
      const url = `${server.url}/team/svc.git`;
      const first = context({ repoUrl: url, token, defaultBranch: 'trunk', gitCommitMessage: 'Hello from Pave' });
      await action.handler(first.ctx);
      const second = context({ repoUrl: url, token, defaultBranch: 'trunk', gitCommitMessage: 'Hello from Pave' });
      await action.handler(second.ctx);
      expect(server.pushes.get('/team/svc.git')).toBe(1);
      expect(await commitsOf(join(served, 'team', 'svc.git'), 'trunk')).toEqual([first.outputs.commitHash]);
      expect(await fileAt(join(served, 'team', 'svc.git'), 'README.md', 'trunk')).toBe('# hello');
      expect(first.outputs.repoContentsUrl).toBe(`${url}#trunk`);
      expect(logs.join('\n')).not.toContain(token);

      const refused = context({ repoUrl: url, token: 'wrong-token' });
      const error = await action.handler(refused.ctx).catch(e => e as Error);
      expect(String(error?.message)).not.toContain('wrong-token');
      await expect(action.handler(context({ repoUrl: url, allowedHosts: ['github.com'] }).ctx)).rejects.toMatchObject({ message: expect.stringMatching(/is not in allowedHosts/) });
    } finally {
      await server.close();
    }
  });
});
