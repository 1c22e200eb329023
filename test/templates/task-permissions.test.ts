import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import type { TaskSpec, TaskSummary, TaskView } from '../../src/templates/tasks/task-types.js';
import { expectProblem, json } from '../api/support.js';
import { ORG, bearer, seedOrg, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { openTestApp } from './support.js';

/**
 * Who sees a template task, over real HTTP with auth on and Pave's default policy: a task is a resource
 * owned by its creator, so its creator (a person, or a service through its token) reads, follows and
 * cancels it; another signed-in person gets 403 on the task, its events and its stream, and does not
 * find it in the list (totals and pages included), unless a rule lets them read that task; admins read
 * every task. A task's step outputs hold what its creator could read, so this keeps them with the creator.
 */

const FETCH_TEMPLATE: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'fetch-owner' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'service',
    parameters: [{ title: 'What', properties: { ref: { type: 'string', default: 'component:default/payments' } } }],
    steps: [{ id: 'fetch', name: 'Fetch', action: 'catalog:fetch', input: { entityRef: '${{ parameters.ref }}' } }],
  },
};
const TASKS = '/api/scaffolder/v2/tasks';

describe('template tasks are their creators’', { timeout: 120_000 }, () => {
  let pave: AuthPave;
  const tokens = new Map<string, string>();
  /** Task ids by creator. */
  const made = new Map<string, string[]>();

  const call = (who: string, path: string, init: RequestInit = {}) =>
    fetch(`${pave.url}${path}`, { ...init, headers: { ...bearer(tokens.get(who)!), ...(init.body ? { 'content-type': 'application/json' } : {}) } });
  const list = async (who: string, query = '') => json<{ tasks: TaskSummary[]; totalTasks: number }>(await call(who, `${TASKS}${query}`));
  async function finished(who: string, id: string): Promise<TaskView> {
    for (;;) {
      const task = await json<TaskView>(await call(who, `${TASKS}/${id}`));
      if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    pave = await startAuthPave({ seed: false });
    await seedOrg(pave.app.catalog, [...ORG, FETCH_TEMPLATE]);
    for (const name of ['alice', 'bob', 'carol', 'dave']) tokens.set(name, await tokenFor(pave.app, `user:default/${name}`));
    // A service acting for no group: it owns its tasks all the same.
    tokens.set('ci', (await pave.app.auth.tokens.create(pave.app.auth.localOperator(), { name: 'ci', kind: 'service', service: 'ci' })).token);
    for (const [who, count] of [['bob', 2], ['carol', 2], ['ci', 1]] as const) {
      for (let i = 0; i < count; i++) {
        const { id } = await json<{ id: string }>(await call(who, TASKS, { method: 'POST', body: JSON.stringify({ templateRef: 'template:default/fetch-owner', values: {} }) }), 201);
        made.set(who, [...(made.get(who) ?? []), id]);
      }
    }
    for (const [who, ids] of made) for (const id of ids) expect((await finished(who, id)).status).toBe('completed');
  });
  afterAll(async () => pave?.close());

  const bobsTask = () => made.get('bob')![0]!;

  it("shows a task, its events and its stream to its creator, whose step output holds the entity it fetched", async () => {
    const task = await json<TaskView>(await call('bob', `${TASKS}/${bobsTask()}`));
    expect(task.createdBy).toBe('user:default/bob');
    expect((task.steps[0]?.output?.entity as Entity | undefined)?.metadata.name).toBe('payments');
    expect((await json<unknown[]>(await call('bob', `${TASKS}/${bobsTask()}/events`))).length).toBeGreaterThan(0);
    const stream = await call('bob', `${TASKS}/${bobsTask()}/eventstream`);
    expect(stream.status).toBe(200);
    expect(await stream.text()).toContain('event: completion');
    const ci = made.get('ci')![0]!;
    expect((await json<TaskView>(await call('ci', `${TASKS}/${ci}`))).createdBy).toBe('service:ci');
  });

  it("refuses another signed-in person (403 naming the action) the task, its events, its stream and cancelling it; a missing task stays 404", async () => {
    for (const who of ['carol', 'dave']) {
      for (const path of ['', '/events', '/eventstream']) {
        const problem = await expectProblem(await call(who, `${TASKS}/${bobsTask()}${path}`), 403);
        expect(problem).toMatchObject({ action: 'templates.task.read', resourceRef: `task:default/${bobsTask()}` });
      }
      const cancel = await expectProblem(await call(who, `${TASKS}/${bobsTask()}/cancel`, { method: 'POST', body: '{}' }), 403);
      expect(cancel).toMatchObject({ action: 'templates.task.cancel' });
    }
    await expectProblem(await call('bob', `${TASKS}/${made.get('ci')![0]!}`), 403);
    await expectProblem(await call('carol', `${TASKS}/no-such-task`), 404);
    expect((await json<{ status: string }>(await call('bob', `${TASKS}/${bobsTask()}/cancel`, { method: 'POST', body: '{}' }))).status).toBe('completed');
  });

  it('lists only the tasks the caller may read, with totals and pages that agree; admins list every task', async () => {
    const everyTask = (await pave.app.templates.listTasks()).tasks.map(t => t.id);
    expect(everyTask.length).toBe([...made.values()].flat().length);
    for (const who of ['bob', 'carol', 'ci']) {
      const own = made.get(who)!;
      const { tasks, totalTasks } = await list(who);
      expect(tasks.map(t => t.id).sort()).toEqual([...own].sort());
      expect(totalTasks).toBe(own.length);
      const pages = [await list(who, '?limit=1'), await list(who, '?limit=1&offset=1')];
      expect(pages.map(page => page.totalTasks)).toEqual([own.length, own.length]);
      expect(pages.flatMap(page => page.tasks.map(t => t.id))).toEqual(tasks.map(t => t.id));
    }
    expect(await list('dave')).toEqual({ tasks: [], totalTasks: 0 });
    expect(await list('carol', '?createdBy=user:default/bob')).toEqual({ tasks: [], totalTasks: 0 });
    // alice is in the admin group (the default policy's admins read everything).
    const admins = await list('alice');
    expect(admins.tasks.map(t => t.id)).toEqual(everyTask);
    expect(admins.totalTasks).toBe(everyTask.length);
    // Filtered by template (what /create/tasks offers): all of them are fetch-owner's, none another's.
    expect((await list('alice', '?templateRef=template:default/fetch-owner')).totalTasks).toBe(everyTask.length);
    expect(await list('bob', '?templateRef=template:default/fetch-owner&status=completed')).toMatchObject({ totalTasks: 2 });
    expect(await list('alice', '?templateRef=template:default/no-such-template')).toEqual({ tasks: [], totalTasks: 0 });
    expect((await json<TaskView>(await call('alice', `${TASKS}/${bobsTask()}`))).createdBy).toBe('user:default/bob');
  });

  it("lets others read a task where a rule allows it on that task (here: bob's tasks, to his team), and only read it", async () => {
    const operator = pave.app.auth.localOperator();
    await pave.app.auth.permissions.saveRule(operator, {
      id: 'checkout-reads-bobs-tasks',
      description: "checkout-team follows bob's golden paths",
      effect: 'allow',
      actions: ['templates.task.read'],
      subjects: ['group:default/checkout-team'],
      resource: { owners: ['user:default/bob'] },
    });
    try {
      // carol is in checkout-payments, a child of checkout-team; dave is in no team.
      expect((await json<TaskView>(await call('carol', `${TASKS}/${bobsTask()}`))).createdBy).toBe('user:default/bob');
      expect((await list('carol')).tasks.map(t => t.id).sort()).toEqual([...made.get('bob')!, ...made.get('carol')!].sort());
      await expectProblem(await call('carol', `${TASKS}/${bobsTask()}/cancel`, { method: 'POST', body: '{}' }), 403);
      await expectProblem(await call('dave', `${TASKS}/${bobsTask()}`), 403);
      const explained = await pave.app.auth.permissions.decide(await pave.app.auth.permissions.identityForUser('user:default/carol', 'token'), 'templates.task.read', await pave.app.templates.taskResource(bobsTask()));
      expect(explained.rule?.id).toBe('checkout-reads-bobs-tasks');
    } finally {
      await pave.app.auth.permissions.deleteRule(operator, 'checkout-reads-bobs-tasks');
    }
    await expectProblem(await call('carol', `${TASKS}/${bobsTask()}`), 403);
  });
});

describe('a filtered task list', () => {
  it('reads every batch, so totals and pages count exactly the tasks kept, across batches and equal creation times', async () => {
    const test = await openTestApp({ taskWorker: false });
    try {
      const spec: TaskSpec = { apiVersion: 'scaffolder.backstage.io/v1beta3', steps: [], output: {}, parameters: {}, user: {}, templateInfo: { entityRef: 'template:default/x', baseUrl: '', entity: { metadata: { name: 'x' } } } };
      // More than two batches of the filtered read (500), many created within the same millisecond.
      for (let i = 0; i < 1234; i++) await test.app.templates.tasks.create(test.app.store.db, { templateRef: 'template:default/x', spec });
      const every = (await test.app.templates.listTasks({ limit: 1000 })).tasks.concat((await test.app.templates.listTasks({ limit: 1000, offset: 1000 })).tasks);
      expect(new Set(every.map(t => t.id)).size).toBe(1234);
      const kept = new Set(every.filter((_, i) => i % 3 === 0).map(t => t.id));
      const keep = async (tasks: TaskSummary[]) => tasks.filter(t => kept.has(t.id));
      const expected = every.filter(t => kept.has(t.id)).map(t => t.id);
      const first = await test.app.templates.listTasks({ limit: 300 }, keep);
      const second = await test.app.templates.listTasks({ limit: 300, offset: 300 }, keep);
      expect([first.totalTasks, second.totalTasks]).toEqual([expected.length, expected.length]);
      expect([...first.tasks, ...second.tasks].map(t => t.id)).toEqual(expected.slice(0, 600));
    } finally {
      await test.close();
    }
  });
});
