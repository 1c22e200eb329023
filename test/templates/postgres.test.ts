/**
 * The same task code on PostgreSQL: a task with a push, a registration and recorded outputs runs to
 * completion, its events stream in order, and a second app on the same database (a replica) sees it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createLogger } from '../../src/core/logger.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { TESTER, commitsOf, registerTemplate, testConfig, waitForTask, writeTree } from './support.js';

const factory = await postgresFactory();

describe.skipIf(Boolean(factory.unavailable) && !requireAll)('tasks on PostgreSQL', () => {
  const schema = `pave_tpl_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  let dir: string;
  let app: PaveApp;
  let replica: PaveApp;

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    dir = await mkdtemp(join(tmpdir(), 'pave-tpl-pg-'));
    const config = { ...testConfig(join(dir, 'data')), databaseUrl: POSTGRES_URL, databaseSchema: schema };
    app = await createApp(config, { logger: createLogger('silent'), taskWorker: { pollMs: 50, watchMs: 100 }, workers: ['templates.tasks'] });
    replica = await createApp(config, { logger: createLogger('silent') });
    await writeTree(dir, {
      'template.yaml': stringify({
        apiVersion: 'scaffolder.backstage.io/v1beta3',
        kind: 'Template',
        metadata: { name: 'pg' },
        spec: {
          type: 'x',
          parameters: { properties: { name: { type: 'string' } } },
          steps: [
            { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
            { id: 'publish', action: 'publish:git', input: { repoUrl: 'local?owner=pg&repo=${{ parameters.name }}' } },
            { id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}' } },
          ],
          output: { links: [{ title: 'Catalog', entityRef: '${{ steps.register.output.entityRef }}' }] },
        },
      }),
      'skeleton/catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-a\n',
    });
  });
  afterAll(async () => {
    await replica?.close();
    await app?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a task end to end; a replica reads the same task and events', async () => {
    const ref = await registerTemplate(app, join(dir, 'template.yaml'));
    const { id } = await replica.templates.createTask({ templateRef: ref, values: { name: 'elephant' } }, TESTER);
    const task = await waitForTask(app, id);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    expect(task.output).toEqual({ links: [{ title: 'Catalog', entityRef: 'component:default/elephant' }] });
    expect(await commitsOf(join(dir, 'data', 'git', 'pg', 'elephant.git'))).toHaveLength(1);
    const seen = await replica.templates.getTask(id);
    expect(seen.steps.map(s => s.status)).toEqual(['completed', 'completed', 'completed']);
    const events = await replica.templates.events(id);
    expect(events.map(e => e.id)).toEqual([...events.map(e => e.id)].sort((a, b) => a - b));
    expect(typeof events[0]!.id).toBe('number');
    expect((await replica.templates.listTasks({ status: ['completed'] })).totalTasks).toBe(1);
  });
});
