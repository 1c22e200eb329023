/**
 * Forms as Backstage renders them, on the server's side: a page's own `if:` decides whether it is asked (and
 * validated), evaluated by the sandboxed engine; a `ui:field: Secret` value travels as a secret, is checked
 * against its field, and is never stored with the parameters or written to the log.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPaveError } from '../../src/core/problem.js';
import { TESTER, openTestApp, registerTemplate, waitForTask, type TestApp } from './support.js';

const TEMPLATE = fileURLToPath(new URL('./fixtures/conditional-form/template.yaml', import.meta.url));

describe('conditional forms and Secret fields', () => {
  let pave: TestApp;
  let ref: string;
  beforeAll(async () => {
    pave = await openTestApp();
    ref = await registerTemplate(pave.app, TEMPLATE);
  });
  afterAll(async () => pave?.close());

  it('reads a template whose page has an if: expression (no problem, runnable)', async () => {
    const { summary } = await pave.app.templates.getTemplate(ref);
    expect(summary.problems).toEqual([]);
    expect(summary.runnable).toBe(true);
  });

  it("answers which pages are asked, evaluating each page's if: with the values as parameters", async () => {
    expect(await pave.app.templates.shownPages(ref, { kind: 'service' })).toEqual([true, true, true]);
    expect(await pave.app.templates.shownPages(ref, { kind: 'library' })).toEqual([true, false, true]);
    expect(await pave.app.templates.shownPages(ref, {})).toEqual([true, false, true]);
  });

  it('validates only the pages asked, with the dependencies and if/then of the values', async () => {
    // A library skips Deployment (its required environment is not asked for) but needs a language (oneOf dependency).
    const error = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'lib', kind: 'library' }, secrets: { apiToken: 't' } }, TESTER).catch(e => e);
    expect(isPaveError(error)).toBe(true);
    const pointers = error.problem.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toContain('/values/language');
    expect(pointers).not.toContain('/values/environment');
    // A service is asked for Deployment; prod needs replicas of at least 2 (allOf if/then).
    const prod = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'svc', kind: 'service', port: 80, environment: 'prod', replicas: 1 }, secrets: { apiToken: 't' } }, TESTER).catch(e => e);
    expect(prod.problem.errors).toEqual([expect.objectContaining({ pointer: '/values/replicas', rule: 'minimum' })]);
  });

  it('checks a Secret field against the secrets, and neither stores nor logs its value', async () => {
    const missing = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'lib', kind: 'library', language: 'go', apiToken: '******' } }, TESTER).catch(e => e);
    expect(missing.problem.errors).toEqual([expect.objectContaining({ pointer: '/values/apiToken', rule: 'required' })]);

    const secret = 'tok-7f3a9c-very-secret';
    // What Backstage's form leaves among the values in a Secret field's place is dropped.
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'lib', kind: 'library', language: 'go', apiToken: '*'.repeat(secret.length) }, secrets: { apiToken: secret } }, TESTER);
    const task = await waitForTask(pave.app, id);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    expect(task.spec.parameters).toEqual({ name: 'lib', kind: 'library', language: 'go', trackingId: 'golden-path', createdBy: 'the portal' });
    const log = (await pave.app.templates.events(id)).map(e => JSON.stringify(e.body)).join('\n');
    expect(log).toContain('Creating lib with token');
    expect(log).not.toContain(secret);
    const stored = await pave.app.store.db.selectFrom('scaffolder_tasks').select(['spec', 'secrets']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(secret);
  });
});
