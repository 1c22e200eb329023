/**
 * Golden-path tasks are facts (DESIGN.md, principle 7). Over real HTTP with auth on and Pave's default policy,
 * creating a task records one audit entry (`templates.task.create`, the task's ref, the template — never its
 * values or secrets) and appends `templates.task.created` naming the caller; cancelling records
 * `templates.task.cancel`, and `templates.task.cancelled` once the task ends cancelled; cancelling a task
 * that has ended, or being refused, records nothing. The worker's work appends `started`, `step-finished`,
 * `completed` and `failed` (the error's title only) naming nobody, with no audit entry. A task, its audit
 * entry and its event commit together or not at all, on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '../../src/core/entity.js';
import { createLogger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import type { PaveEvent } from '../../src/store/event-log.js';
import { TASK_QUEUE } from '../../src/templates/tasks/task-worker.js';
import type { TaskStatus } from '../../src/templates/tasks/task-types.js';
import { ORG, bearer, seedOrg, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { recording as record } from '../support/recording.js';
import { refuseInserts } from '../support/refuse-inserts.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { TESTER, testConfig } from './support.js';

const BOB = 'user:default/bob';
const DAVE = 'user:default/dave';
const VALUE = 'a-form-value-nobody-else-sees';
const SECRET = 'a-secret-that-stays-secret';

const template = (name: string, steps: unknown[]): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name },
  spec: { owner: 'group:default/platform-team', type: 'service', parameters: [{ title: 'Values', properties: { greeting: { type: 'string', default: 'hi' } } }], steps },
});
const TEMPLATES = [
  template('says-hello', [{ id: 'hello', name: 'Hello', action: 'debug:log', input: { message: 'hello ${{ parameters.greeting }}' } }]),
  template('waits', [
    { id: 'wait', name: 'Wait', action: 'debug:wait', input: { seconds: 60 } },
    { id: 'after', name: 'After', action: 'debug:log', input: { message: 'never' } },
  ]),
  template('fails', [{ id: 'boom', name: 'Boom', action: 'debug:wait', input: { minutes: 100000 } }]),
];
const TASKS = '/api/scaffolder/v2/tasks';

describe('template task changes over HTTP: one audit entry and their events each', { timeout: 120_000 }, () => {
  let pave: AuthPave;
  const tokens = new Map<string, string>();

  const recording = <T>(work: () => Promise<T>) => record(pave.app, ['templates.*'], work);
  async function call(who: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(pave.url + path, { method: 'POST', headers: { ...bearer(tokens.get(who)!), 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    return { status: response.status, body: await response.json() };
  }
  /** Creates a task; `since` is the event log's position before it, for eventsSince. */
  const created = async (who: string, name: string, extra: Record<string, unknown> = {}) => {
    const since = await pave.app.eventLog.latest();
    return { since, ...(await recording(() => call(who, TASKS, { templateRef: `template:default/${name}`, ...extra }))) };
  };
  /** The task events since `after`, read in one go once the work is done: one appended between two recordings' reads would be in neither. */
  const eventsSince = (after: number) => pave.app.eventLog.read({ after, types: ['templates.*'], limit: 1000 });
  async function until(id: string, statuses: TaskStatus[]): Promise<void> {
    await expect.poll(async () => (await pave.app.templates.tasks.get(id)).status, { timeout: 60_000 }).toSatisfy(status => statuses.includes(status as TaskStatus));
  }
  const facts = (id: string, name: string) => ({ kind: 'task', namespace: 'default', task: id, template: `template:default/${name}`, creator: BOB, owner: BOB });
  const appended = (events: PaveEvent[]) => events.map(event => ({ type: event.type, actor: event.actor, subject: event.subject, payload: event.payload }));

  beforeAll(async () => {
    pave = await startAuthPave({ seed: false });
    await seedOrg(pave.app.catalog, [...ORG, ...TEMPLATES]);
    for (const user of [BOB, DAVE]) tokens.set(user, await tokenFor(pave.app, user));
  });
  afterAll(async () => pave?.close());

  it('creates a task as its creator, and the worker’s progress names nobody; values and secrets appear nowhere', async () => {
    const { result, audit, since } = await created(BOB, 'says-hello', { values: { greeting: VALUE }, secrets: { token: SECRET } });
    expect(result.status).toBe(201);
    const { id } = result.body as { id: string };
    const ref = `task:default/${id}`;
    expect(audit.map(entry => ({ actor: entry.actor, action: entry.action, entityRef: entry.entityRef, detail: entry.detail }))).toEqual([
      { actor: BOB, action: 'templates.task.create', entityRef: ref, detail: { template: 'template:default/says-hello' } },
    ]);
    expect(audit[0]).toMatchObject({ ip: expect.any(String), requestId: expect.any(String) });

    // The worker may start the task before the answer arrives: the events are read across both.
    const worked = await recording(() => until(id, ['completed']));
    expect(worked.audit).toEqual([]);
    expect(appended(await eventsSince(since))).toEqual([
      { type: 'templates.task.created', actor: BOB, subject: ref, payload: facts(id, 'says-hello') },
      { type: 'templates.task.started', actor: undefined, subject: ref, payload: { ...facts(id, 'says-hello'), resumed: false } },
      { type: 'templates.task.step-finished', actor: undefined, subject: ref, payload: { ...facts(id, 'says-hello'), step: 'hello', status: 'completed' } },
      { type: 'templates.task.completed', actor: undefined, subject: ref, payload: facts(id, 'says-hello') },
    ]);

    const everything = JSON.stringify([await pave.app.eventLog.read({ limit: 1000 }), (await pave.app.audit.query({ limit: 1000 })).items]);
    expect(everything).not.toContain(VALUE);
    expect(everything).not.toContain(SECRET);
  });

  it('appends templates.task.failed with the error’s title only', async () => {
    const { result, since } = await created(BOB, 'fails');
    const { id } = result.body as { id: string };
    const worked = await recording(() => until(id, ['failed']));
    expect(worked.audit).toEqual([]);
    const all = await eventsSince(since);
    expect(all.map(event => [event.type, event.payload.status ?? event.payload.error ?? null])).toEqual([
      ['templates.task.created', null],
      ['templates.task.started', null],
      ['templates.task.step-finished', 'failed'],
      ['templates.task.failed', 'Step failed'],
    ]);
    expect(all[3]!.payload).toEqual({ ...facts(id, 'fails'), error: 'Step failed' });
  });

  it('cancels a running task: templates.task.cancel as the caller, templates.task.cancelled when the worker stops it', async () => {
    const { result } = await created(BOB, 'waits');
    const { id } = result.body as { id: string };
    await expect.poll(async () => (await pave.app.templates.tasks.steps(id))[0]?.status, { timeout: 60_000 }).toBe('processing');

    const refused = await recording(() => call(DAVE, `${TASKS}/${id}/cancel`));
    expect(refused.result.status).toBe(403);
    expect([refused.audit, refused.events]).toEqual([[], []]);

    const beforeCancel = await pave.app.eventLog.latest();
    const cancelled = await recording(() => call(BOB, `${TASKS}/${id}/cancel`));
    expect(cancelled.result.status).toBe(200);
    expect(cancelled.audit.map(entry => [entry.actor, entry.action, entry.entityRef, entry.detail])).toEqual([
      [BOB, 'templates.task.cancel', `task:default/${id}`, { template: 'template:default/waits', status: 'processing' }],
    ]);
    const stopped = await recording(() => until(id, ['cancelled']));
    expect(stopped.audit).toEqual([]);
    expect((await eventsSince(beforeCancel)).map(event => [event.type, event.actor, event.payload.step ?? null, event.payload.status ?? null])).toEqual([
      ['templates.task.step-finished', undefined, 'wait', 'cancelled'],
      ['templates.task.cancelled', undefined, null, null],
    ]);
  });

  it('cancels a queued task at once, naming the caller; cancelling an ended task records nothing', async () => {
    // No worker: the task stays queued.
    await pave.app.workers.stop();
    const { result } = await created(BOB, 'says-hello');
    const { id } = result.body as { id: string };
    const cancelled = await recording(() => call(BOB, `${TASKS}/${id}/cancel`));
    expect(cancelled.result).toEqual({ status: 200, body: { status: 'cancelled' } });
    expect(cancelled.audit.map(entry => [entry.actor, entry.action, entry.entityRef, entry.detail])).toEqual([
      [BOB, 'templates.task.cancel', `task:default/${id}`, { template: 'template:default/says-hello', status: 'open' }],
    ]);
    expect(appended(cancelled.events)).toEqual([{ type: 'templates.task.cancelled', actor: BOB, subject: `task:default/${id}`, payload: facts(id, 'says-hello') }]);

    const again = await recording(() => call(BOB, `${TASKS}/${id}/cancel`));
    expect(again.result).toEqual({ status: 200, body: { status: 'cancelled' } });
    expect([again.audit, again.events]).toEqual([[], []]);
  });
});

const postgres = await postgresFactory();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && Boolean(postgres.unavailable) && !requireAll)(`a task and its audit entry and event commit together (${database})`, { timeout: 120_000 }, () => {
    const schema = `pave_atomic_tasks_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    let dir: string;
    let app: PaveApp;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'pave-atomic-tasks-'));
      if (database === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`);
      const config = { ...testConfig(join(dir, 'data')), ...(database === 'postgres' ? { databaseUrl: POSTGRES_URL, databaseSchema: schema } : {}) };
      app = await createApp(config, { logger: createLogger('silent') });
      await app.catalog.saveEntity(TEMPLATES[0]!);
    });
    afterAll(async () => {
      await app?.close();
      if (database === 'postgres') await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await rm(dir, { recursive: true, force: true });
    });

    it('leaves no task, no audit entry, no event and no job when the event cannot be written', async () => {
      const after = await app.eventLog.latest();
      const restore = await refuseInserts(app.store, 'events', 'type', 'templates.task.created');
      await expect(app.templates.createTask({ templateRef: 'template:default/says-hello', values: {} }, TESTER)).rejects.toThrow('injected failure');
      await restore();
      expect(await app.store.db.selectFrom('scaffolder_tasks').select('id').execute()).toEqual([]);
      expect(await app.store.db.selectFrom('scaffolder_task_steps').select('task_id').execute()).toEqual([]);
      expect((await app.audit.query({ action: 'templates.task.create' })).items).toEqual([]);
      expect(await app.eventLog.read({ after, types: ['templates.*'] })).toEqual([]);
      expect(await app.queue.list(TASK_QUEUE)).toEqual([]);

      const { id } = await app.templates.createTask({ templateRef: 'template:default/says-hello', values: {} }, TESTER);
      expect((await app.audit.query({ action: 'templates.task.create' })).items.map(entry => [entry.actor, entry.entityRef])).toEqual([[TESTER.actor, `task:default/${id}`]]);
      expect((await app.eventLog.read({ after, types: ['templates.*'] })).map(event => event.type)).toEqual(['templates.task.created']);
      expect((await app.queue.list(TASK_QUEUE)).map(job => job.key)).toEqual([id]);
    });
  });
}
