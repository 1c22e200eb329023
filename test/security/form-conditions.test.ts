/**
 * Attacks through a template's form (boundary 21): a page's own `if:` is evaluated by the server with the
 * caller's values, and Secret fields carry credentials. Over real HTTP with authorization on, an ordinary
 * developer tries to get a value evaluated as an expression, to stall or exhaust the server through a page
 * condition, to flood the evaluation route, and to see a Secret field's value again once sent (a top-level
 * one, and one in a nested object or in an item of a list).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../src/auth/auth-config.js';
import type { TaskView } from '../../src/templates/tasks/task-types.js';
import { expectProblem, json } from '../api/support.js';
import { waitForTask } from '../templates/support.js';
import { startDemoPave, type DemoPave } from './demo-org.js';

const TEMPLATES = '/api/scaffolder/v2/templates/default/template';
const SECRET = 'glpat-attack-9c1e-secret';

const template = (name: string, pageIf: string) => `apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: ${name}
spec:
  owner: group:default/platform-team
  type: service
  parameters:
    - title: First
      properties:
        kind: { type: string }
        token: { title: Token, type: string, 'ui:field': Secret }
        auth:
          type: object
          properties:
            key: { type: string, 'ui:field': Secret }
        hooks:
          type: array
          items:
            type: object
            properties:
              url: { type: string }
              signingKey: { type: string, 'ui:field': Secret }
      required: [token]
    - title: Only for APIs
      if: ${JSON.stringify(pageIf)}
      properties:
        spec: { type: string }
  steps:
    - id: log
      name: Log
      action: debug:log
      input:
        message: kind \${{ parameters.kind }} token \${{ secrets.token }}
`;

describe('form conditions and Secret fields under attack', { timeout: 120_000 }, () => {
  let demo: DemoPave;
  let dir: string;
  beforeAll(async () => {
    demo = await startDemoPave({ rateLimit: { ...DEFAULT_RATE_LIMITS, rendersPerMinute: 8 } });
    dir = mkdtempSync(join(tmpdir(), 'pave-form-attacks-'));
    writeFileSync(join(dir, 'api-form.yaml'), template('api-form', "${{ parameters.kind === 'api' }}"));
    writeFileSync(join(dir, 'heavy-form.yaml'), template('heavy-form', "${{ 'a'.repeat(1000) | replace(r/a/g, '$&'.repeat(200000)) | length > 0 }}"));
    for (const file of ['api-form.yaml', 'heavy-form.yaml']) await demo.pave.app.catalog.locations.register({ type: 'file', target: join(dir, file) });
  });
  afterAll(async () => {
    await demo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a value is data: text that looks like an expression is compared, never evaluated', async () => {
    const shown = async (kind: string) => (await json<{ shown: boolean[] }>(await demo.developer(`${TEMPLATES}/api-form/parameter-schema/shown`, { method: 'POST', body: { values: { kind } } }))).shown;
    expect(await shown('api')).toEqual([true, true]);
    expect(await shown("${{ 'api' }}")).toEqual([true, false]);
  });

  it('a page condition that runs away answers 422 naming the limit, and the server goes on', async () => {
    const problem = await expectProblem(await demo.developer(`${TEMPLATES}/heavy-form/parameter-schema/shown`, { method: 'POST', body: { values: {} } }), 422);
    expect(JSON.stringify(problem)).toMatch(/\/spec\/parameters\/1\/if/);
    expect(JSON.stringify(problem)).toMatch(/maxOutputSize/);
    expect((await demo.developer('/api/health')).status).toBe(200);
  });

  it("a Secret field's value is never stored, logged or answered, even when also sent among the values", async () => {
    const { id } = await json<{ id: string }>(
      await demo.developer('/api/scaffolder/v2/tasks', { method: 'POST', body: { templateRef: 'template:default/api-form', values: { kind: 'lib', token: SECRET }, secrets: { token: SECRET } } }),
      201,
    );
    expect((await waitForTask(demo.pave.app, id)).status).toBe('completed');
    const task = await json<TaskView>(await demo.developer(`/api/scaffolder/v2/tasks/${id}`));
    expect(task.spec.parameters).toEqual({ kind: 'lib' });
    const events = await (await demo.developer(`/api/scaffolder/v2/tasks/${id}/events`)).text();
    expect(events).toContain('kind lib token');
    expect(events).not.toContain(SECRET);
    const row = await demo.pave.app.store.db.selectFrom('scaffolder_tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SECRET);
  });

  it("a nested Secret field's value sent among the values (in an object, in an item of a list) is dropped, never stored or answered", async () => {
    const { id } = await json<{ id: string }>(
      await demo.developer('/api/scaffolder/v2/tasks', {
        method: 'POST',
        body: { templateRef: 'template:default/api-form', values: { kind: 'lib', auth: { key: SECRET }, hooks: [{ url: 'https://hooks.example', signingKey: SECRET }] }, secrets: { token: 'tok', 'hooks.0.signingKey': SECRET } },
      }),
      201,
    );
    expect((await waitForTask(demo.pave.app, id)).status).toBe('completed');
    const task = await json<TaskView>(await demo.developer(`/api/scaffolder/v2/tasks/${id}`));
    expect(task.spec.parameters).toEqual({ kind: 'lib', auth: {}, hooks: [{ url: 'https://hooks.example' }] });
    const row = await demo.pave.app.store.db.selectFrom('scaffolder_tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(SECRET);
    expect(await (await demo.developer(`/api/scaffolder/v2/tasks/${id}/events`)).text()).not.toContain(SECRET);
  });

  it('the evaluation route counts against the caller’s render limit', async () => {
    let status = 200;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await demo.developer(`${TEMPLATES}/api-form/parameter-schema/shown`, { method: 'POST', body: { values: {} } })).status;
    expect(status).toBe(429);
  });
});
