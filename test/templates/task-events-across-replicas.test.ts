/**
 * A golden-path task run by one replica, streamed live from another (PostgreSQL): the watching replica's
 * stream polls only every ten minutes here, so it can only follow the task through the store's event bus.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import type { TaskEvent } from '../../src/templates/tasks/task-types.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { TESTER, registerTemplate, testConfig, writeTree } from './support.js';

const factory = await postgresFactory();

describe.skipIf(Boolean(factory.unavailable) && !requireAll)('task events across replicas (PostgreSQL)', () => {
  const schema = `pave_tev_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  let dir: string;
  let watcher: PaveApp;
  let worker: PaveApp;

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    dir = await mkdtemp(join(tmpdir(), 'pave-tev-'));
    const config = { ...testConfig(join(dir, 'data')), databaseUrl: POSTGRES_URL, databaseSchema: schema };
    watcher = await createApp(config, { logger: createLogger('silent') });
    worker = await createApp(config, { logger: createLogger('silent'), taskWorker: { pollMs: 50, watchMs: 100 }, workers: ['templates.tasks'] });
    await writeTree(dir, {
      'template.yaml': stringify({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'relay' },
        spec: {
          type: 'x',
          steps: [
            { id: 'pause', action: 'debug:wait', input: { milliseconds: 300 } },
            { id: 'first', action: 'debug:log', input: { message: 'first message' } },
            { id: 'pause-again', action: 'debug:wait', input: { milliseconds: 300 } },
            { id: 'second', action: 'debug:log', input: { message: 'second message' } },
          ],
        },
      }),
    });
  });
  afterAll(async () => {
    await worker?.close();
    await watcher?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await rm(dir, { recursive: true, force: true });
  });

  it('follows a task the other replica runs, to its completion', async () => {
    const ref = await registerTemplate(watcher, join(dir, 'template.yaml'));
    await watcher.store.events.ready();
    const { id } = await watcher.templates.createTask({ templateRef: ref, values: {} }, TESTER);
    const seen: TaskEvent[] = [];
    for await (const event of watcher.templates.streamEvents(id, { pollMs: 600_000 })) seen.push(event);

    expect(seen.at(-1)).toMatchObject({ type: 'completion', body: { status: 'completed' } });
    const messages = seen.map(e => e.body.message).join('\n');
    expect(messages.indexOf('first message')).toBeGreaterThan(-1);
    expect(messages.indexOf('second message')).toBeGreaterThan(messages.indexOf('first message'));
    // Everything the worker wrote, in order, each once.
    expect(seen.map(e => e.id)).toEqual((await worker.templates.events(id)).map(e => e.id));
  });
});
