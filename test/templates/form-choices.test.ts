/**
 * Forms as Backstage renders them, on the server's side (the rest of conditional-forms.test.ts): Secret fields in
 * a nested object and in the objects of a list are checked from the task's secrets (keyed by their path), never
 * stored with the parameters, logged or answered back, over real HTTP; `backstage:featureFlag` pages and fields
 * are asked, and validated, only for the flags the request names; an array of an enum is held to its minItems
 * and maxItems in words the portal uses too.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretPatterns, withSecrets, withoutSecrets } from '../../src/templates/model/secret-fields.js';
import { declaredFeatureFlags, gateByFeatureFlags } from '../../src/templates/model/feature-flags.js';
import { parameterPages } from '../../src/templates/model/parameters.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { registerTemplate, waitForTask } from './support.js';
import { parse } from 'yaml';
import { readFile } from 'node:fs/promises';

const TEMPLATE = fileURLToPath(new URL('./fixtures/form-choices/template.yaml', import.meta.url));
const DEPLOY = 'dep-91c4-nested-secret';
const API_KEY = 'key-3b7e-array-secret';
const PASSWORD = 'pw-5d20-branch-secret';

const valid = {
  name: 'orders',
  storage: { engine: 'postgres' },
  regions: ['eu'],
  channels: ['email', 'chat'],
  deploy: { target: 'prod' },
  services: [{ service: 'api' }, { service: 'web' }],
};
const secrets = { 'deploy.token': DEPLOY, 'services.0.apiKey': API_KEY, 'services.1.apiKey': `${API_KEY}-2`, 'storage.password': PASSWORD };

describe('Secret fields at any depth, and feature flags', () => {
  let pages: Record<string, unknown>[];
  beforeAll(async () => {
    pages = parameterPages((parse(await readFile(TEMPLATE, 'utf8')) as { spec: { parameters: unknown } }).spec.parameters);
  });

  it('finds every Secret field, whichever object, list or branch holds it', () => {
    expect(secretPatterns(pages)).toEqual([['storage', 'password'], ['deploy', 'token'], ['services', '*', 'apiKey']]);
  });

  it('puts secrets where their fields stand to be checked, and takes anything there out of the values kept', () => {
    const patterns = secretPatterns(pages);
    const sent = { ...valid, deploy: { target: 'prod', token: '******' }, services: [{ service: 'api', apiKey: 'leaked' }] };
    expect(withoutSecrets(sent, patterns)).toEqual({ ...valid, services: [{ service: 'api' }] });
    const checked = withSecrets(sent, { 'deploy.token': 'd', 'services.0.apiKey': 'k', 'services.5.apiKey': 'none', other: 'x' }, patterns);
    expect(checked.deploy).toEqual({ target: 'prod', token: 'd' });
    // An item of a list is never made up for a secret; a nested object is (its Secret may be required).
    expect(checked.services).toEqual([{ service: 'api', apiKey: 'k' }]);
    expect(withSecrets({ name: 'x' }, { 'deploy.token': 'd' }, patterns)).toEqual({ name: 'x', deploy: { token: 'd' } });
  });

  it('gates pages and fields by the flags that are on, and lists the flags a template declares', () => {
    expect(declaredFeatureFlags(pages)).toEqual(['beta-fields', 'experimental-pages']);
    const off = gateByFeatureFlags(pages, []);
    expect(off.asked).toEqual([true, true, false]);
    expect(Object.keys(off.pages[1]!.properties as object)).toEqual(['deploy', 'services']);
    expect(off.pages[1]!.required).toEqual([]);
    const on = gateByFeatureFlags(pages, ['beta-fields', 'experimental-pages']);
    expect(on.asked).toEqual([true, true, true]);
    expect(on.pages[1]).toBe(pages[1]);
  });

  describe('over HTTP', () => {
    let pave: RunningPave;
    let ref: string;
    const post = (body: unknown) => fetch(`${pave.url}/api/scaffolder/v2/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    beforeAll(async () => {
      pave = await startPave({ portalDir: '/nonexistent' });
      ref = await registerTemplate(pave.app, TEMPLATE);
    });
    afterAll(async () => pave?.close());

    it('checks nested Secret fields from the secrets, by path, and neither stores, logs nor answers them', async () => {
      const missing = await post({ templateRef: ref, values: { ...valid, services: [{ service: 'api', apiKey: API_KEY }] }, secrets: { 'storage.password': 'short' } });
      expect(missing.status).toBe(422);
      const problem = (await missing.json()) as { errors: Array<{ pointer: string; rule: string }> };
      // A secret sent among the values does not count: it is taken out before the check. (The bucket is
      // reported too: ajv says why each alternative of a oneOf fails.)
      expect(problem.errors.map(e => `${e.pointer} ${e.rule}`)).toEqual(expect.arrayContaining(['/values/services/0/apiKey required', '/values/storage/password min-length']));
      expect(JSON.stringify(problem)).not.toContain(API_KEY);

      const created = await post({ templateRef: ref, values: { ...valid, deploy: { target: 'prod', token: '*'.repeat(DEPLOY.length) } }, secrets });
      expect(created.status, await created.clone().text()).toBe(201);
      const { id } = (await created.json()) as { id: string };
      const task = await waitForTask(pave.app, id);
      expect(task.status, JSON.stringify(task.error)).toBe('completed');
      expect(task.spec.parameters).toEqual(valid);
      const log = (await pave.app.templates.events(id)).map(e => JSON.stringify(e.body)).join('\n');
      expect(log).toContain('Deploying orders with *** and *** and ***');
      const answered = await (await fetch(`${pave.url}/api/scaffolder/v2/tasks/${id}`)).text();
      const events = await (await fetch(`${pave.url}/api/scaffolder/v2/tasks/${id}/events`)).text();
      const stored = await pave.app.store.db.selectFrom('scaffolder_tasks').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      for (const seen of [log, answered, events, JSON.stringify(stored)]) for (const secret of [DEPLOY, API_KEY, PASSWORD]) expect(seen).not.toContain(secret);
    });

    it("asks a flagged page's and field's required values only when the request names the flag", async () => {
      const off = await post({ templateRef: ref, values: valid, secrets });
      expect(off.status).toBe(201);
      const on = await post({ templateRef: ref, values: valid, secrets, featureFlags: ['beta-fields', 'experimental-pages'] });
      expect(on.status).toBe(422);
      const problem = (await on.json()) as { errors: Array<{ pointer: string; rule: string }> };
      expect(problem.errors.map(e => `${e.pointer} ${e.rule}`).sort()).toEqual(['/values/beta required', '/values/experiment required']);
      const both = await post({ templateRef: ref, values: { ...valid, beta: 'b', experiment: 'x' }, secrets, featureFlags: ['beta-fields', 'experimental-pages'] });
      expect(both.status).toBe(201);
    });

    it('holds an array of an enum to its minItems and maxItems, in words', async () => {
      const response = await post({ templateRef: ref, values: { ...valid, regions: ['eu', 'us', 'ap'], channels: ['email'] }, secrets });
      expect(response.status).toBe(422);
      const problem = (await response.json()) as { errors: Array<{ pointer: string; detail: string }> };
      expect(problem.errors.map(e => `${e.pointer}: ${e.detail}`).sort()).toEqual([
        '/values/channels: Notification channels (channels) must have at least 2 items',
        '/values/regions: Regions (regions) must have at most 2 items',
      ]);
    });
  });
});
