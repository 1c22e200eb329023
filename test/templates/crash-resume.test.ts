/**
 * Durability: a worker process killed with SIGKILL in the middle of a task (same SQLite file) loses
 * nothing. After a restart the task resumes from its last completed step: the workspace is rebuilt by
 * replaying workspace steps, the completed push is not repeated, the wait that was interrupted runs
 * again, and the task finishes with the repository pushed once and the component in the catalog.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { startTsChild, type TsChild } from '../support/ts-child.js';
import { TESTER, commitsOf, filesOf, openTestApp, registerTemplate, writeTree, type TestApp } from './support.js';


/** A task worker in its own process, for the given tasks. */
function startWorker(dataDir: string, ...taskIds: string[]): TsChild {
  return startTsChild(new URL('./fixtures/task-worker.ts', import.meta.url), { args: taskIds, env: { PAVE_DATA_DIR: dataDir } });
}

const TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'durable' },
  spec: {
    type: 'service',
    parameters: { required: ['name'], properties: { name: { type: 'string' } } },
    steps: [
      { id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
      { id: 'rename', name: 'Rename', action: 'fs:rename', input: { files: [{ from: 'NOTES.md', to: 'docs/NOTES.md' }] } },
      { id: 'publish', name: 'Publish', action: 'publish:git', input: { repoUrl: 'local?owner=durable&repo=${{ parameters.name }}' } },
      { id: 'wait', name: 'Wait', action: 'debug:wait', input: { seconds: 2 } },
      { id: 'register', name: 'Register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}' } },
    ],
    output: { links: [{ title: 'Repository', url: '${{ steps.publish.output.remoteUrl }}' }, { title: 'Catalog', entityRef: '${{ steps.register.output.entityRef }}' }] },
  },
};

describe('a task survives its worker being killed', () => {
  let pave: TestApp;
  let dir: string;

  beforeAll(async () => {
    pave = await openTestApp({ taskWorker: false });
    dir = await mkdtemp(join(tmpdir(), 'pave-durable-'));
    await writeTree(dir, {
      'template.yaml': stringify(TEMPLATE),
      'skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-a\n',
      'skeleton/NOTES.md': 'notes for ${{ values.name }}',
    });
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGKILL mid-task, restart: finishes without repeating completed side effects', async () => {
    const ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'phoenix' } }, TESTER);

    const first = startWorker(pave.dataDir, id);
    // Kill it once the push is done and the wait has begun.
    const until = Date.now() + 60_000;
    for (;;) {
      const steps = await pave.app.templates.tasks.steps(id);
      if (steps[3]!.status === 'processing') break;
      if (Date.now() > until) throw new Error(`the wait step never started: ${JSON.stringify(steps)}`);
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    await expect.poll(async () => (await pave.app.templates.events(id)).some(e => e.body.message === 'Beginning step Wait')).toBe(true);
    first.child.kill('SIGKILL');
    expect(await first.exited).toBeNull();

    const interrupted = await pave.app.templates.getTask(id);
    expect(interrupted.status).toBe('processing');
    expect(interrupted.steps.map(s => s.status)).toEqual(['completed', 'completed', 'completed', 'processing', 'open']);
    const repo = join(pave.dataDir, 'git', 'durable', 'phoenix.git');
    const pushed = await commitsOf(repo);
    expect(pushed).toHaveLength(1);

    const second = startWorker(pave.dataDir, id);
    expect(await second.exited, second.stderr()).toBe(0);

    const task = await pave.app.templates.getTask(id);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    // The push ran once; the interrupted wait ran twice; replayed workspace steps are not new attempts.
    expect(task.steps.map(s => [s.id, s.status, s.attempts])).toEqual([
      ['fetch', 'completed', 1],
      ['rename', 'completed', 1],
      ['publish', 'completed', 1],
      ['wait', 'completed', 2],
      ['register', 'completed', 1],
    ]);
    expect(await commitsOf(repo)).toEqual(pushed);
    expect(await filesOf(repo)).toEqual(['.pave/template.yaml', 'catalog-info.yaml', 'docs/NOTES.md']);
    const events = await pave.app.templates.events(id);
    expect(events.filter(e => e.type === 'recovered')).toHaveLength(1);
    expect(events.filter(e => /^Pushed commit/.test(e.body.message))).toHaveLength(1);
    expect(events.filter(e => e.body.message === 'Beginning step Publish')).toHaveLength(1);
    expect(events.filter(e => e.body.message === 'Beginning step Wait')).toHaveLength(2);
    expect(task.output?.links).toEqual([
      { title: 'Repository', url: `file://${repo}` },
      { title: 'Catalog', entityRef: 'component:default/phoenix' },
    ]);
    expect(await pave.app.catalog.entities.byRef('component:default/phoenix')).toBeDefined();
    expect(await pave.app.queue.list('scaffolder.task')).toEqual([]);
  }, 120_000);

  it('a step handed back on shutdown is reopened, and its start does not count as an attempt', async () => {
    const ref = await registerTemplate(pave.app, await oneStepTemplate('patient', { id: 'wait', name: 'Wait', action: 'debug:wait', input: { seconds: 30 } }));
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: {} }, TESTER);
    await pave.app.templates.start();
    await waitForStep(id, step => step.status === 'processing');
    await pave.app.templates.stop();
    const steps = await pave.app.templates.tasks.steps(id);
    expect(steps.map(s => [s.status, s.attempts])).toEqual([['open', 0]]);
    await pave.app.templates.cancel(id, TESTER);
  });

  it('a step that was running when its server process died twice is not run a third time; the worker goes on', async () => {
    const fragileRef = await registerTemplate(pave.app, await oneStepTemplate('fragile', { id: 'wait', name: 'Wait', action: 'debug:wait', input: { seconds: 30 } }));
    const quickRef = await registerTemplate(pave.app, await oneStepTemplate('quick', { id: 'log', name: 'Log', action: 'debug:log', input: { message: 'quick one' } }));
    const { id } = await pave.app.templates.createTask({ templateRef: fragileRef, values: {} }, TESTER);
    // The step takes its process down twice (a SIGKILL stands in for an out-of-memory abort).
    for (const death of [1, 2]) {
      const worker = startWorker(pave.dataDir, id);
      await waitForStep(id, step => step.status === 'processing' && step.attempts === death);
      // The step is marked started just before its "Beginning" line is logged: kill only once both are there.
      await expect.poll(async () => (await pave.app.templates.events(id)).filter(e => e.body.message === 'Beginning step Wait').length).toBe(death);
      worker.child.kill('SIGKILL');
      expect(await worker.exited).toBeNull();
    }
    const { id: next } = await pave.app.templates.createTask({ templateRef: quickRef, values: {} }, TESTER);
    const third = startWorker(pave.dataDir, id, next);
    expect(await third.exited, third.stderr()).toBe(0);

    const task = await pave.app.templates.getTask(id);
    expect(task.status).toBe('failed');
    expect(task.error?.detail).toMatch(/^Step "Wait" \(debug:wait\) was running when the server process died, 2 times; it is not run again/);
    expect(task.steps.map(s => [s.status, s.attempts])).toEqual([['failed', 2]]);
    const events = await pave.app.templates.events(id);
    expect(events.filter(e => e.body.message === 'Beginning step Wait')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'completion', body: { status: 'failed' } });
    expect((await pave.app.templates.getTask(next)).status).toBe('completed');
    expect(await pave.app.queue.list('scaffolder.task')).toEqual([]);
  }, 120_000);

  /** Writes a one-step template into its own folder; returns the file. */
  async function oneStepTemplate(name: string, step: Record<string, unknown>): Promise<string> {
    await writeTree(dir, { [`${name}/template.yaml`]: stringify({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name }, spec: { type: 'service', steps: [step] } }) });
    return join(dir, name, 'template.yaml');
  }

  /** Waits until the task's first step is in the state `until` wants. */
  async function waitForStep(id: string, until: (step: { status: string; attempts: number }) => boolean): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const [step] = await pave.app.templates.tasks.steps(id);
      if (step && until(step)) return;
      if (Date.now() > deadline) throw new Error(`the step never got there: ${JSON.stringify(step)}`);
      await new Promise(resolve => setTimeout(resolve, 20));
    }
  }
});
