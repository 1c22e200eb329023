/**
 * A queued task cancelled while a worker (another replica's, on PostgreSQL) picks it up: the worker read it open
 * before the cancellation committed, and must not then start it over the cancellation. The task's row is held
 * locked; the cancellation and the worker's start queue behind it in that order (seen in pg_stat_activity).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { TESTER, openTestApp, registerTemplate, waitForTask, writeTree } from './support.js';

const pg = await postgresFactory();

const TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'turns' },
  spec: { owner: 'team-a', type: 'service', parameters: [], steps: [{ id: 'say', name: 'Say', action: 'debug:log', input: { message: 'ran' } }] },
};

describe.skipIf(Boolean(pg.unavailable))('a task cancelled as a worker starts it: postgres', { timeout: 60_000 }, () => {
  it('stays cancelled, and runs no step, when the cancellation committed first', async () => {
    const schema = `pave_task_turns_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const dir = await mkdtemp(join(tmpdir(), 'pave-task-turns-'));
    const pave = await openTestApp({ taskWorker: false, config: { databaseUrl: POSTGRES_URL, databaseSchema: schema } });
    try {
      await writeTree(dir, { 'template.yaml': stringify(TEMPLATE) });
      await registerTemplate(pave.app, join(dir, 'template.yaml'));
      const { id } = await pave.app.templates.createTask({ templateRef: 'template:default/turns', values: {} }, TESTER);
      const { store } = pave.app;
      const held = await holdRows(store, trx => trx.selectFrom('scaffolder_tasks').select('id').where('id', '=', id).forUpdate().execute());
      let cancelled: Promise<unknown>;
      try {
        cancelled = pave.app.templates.cancel(id, TESTER);
        await expect.poll(() => waitersBehind(store.db, held.pid)).toBe(1);
        // The worker reads the task open (the cancellation has not committed) and queues its start behind it.
        pave.app.templates.worker.start();
        await expect.poll(() => waitersBehind(store.db, held.pid)).toBe(2);
      } finally {
        held.release();
        await held.done;
      }
      expect(await cancelled).toEqual({ status: 'cancelled' });
      await expect.poll(async () => (await pave.app.queue.list('scaffolder.task')).length).toBe(0);
      const task = await waitForTask(pave.app, id);
      expect(task.status).toBe('cancelled');
      expect(task.steps.map(step => step.status)).toEqual(['cancelled']);
      expect(await store.db.selectFrom('events').select('seq').where('type', '=', 'templates.task.started').execute()).toEqual([]);
    } finally {
      await pave.close();
      await rm(dir, { recursive: true, force: true });
      await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    }
  });
});
