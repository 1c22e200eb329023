import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRule } from '../../src/auth/auth-rule.js';
import type { Entity } from '../../src/core/entity.js';
import { entityRefOf } from '../../src/core/entity-ref.js';
import type { TaskView } from '../../src/templates/tasks/task-types.js';
import { expectProblem, json } from '../api/support.js';
import { CookieJar, ORG, bearer, seedOrg, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * Golden paths read the catalog as the person who runs them, over real HTTP with auth on: the gallery
 * and the template views leave out (404) a template the caller may not read, and `catalog:fetch` in a
 * task or a dry run reads with its creator's read scope, so an entity hidden from the creator fails the
 * step (or gives null when optional) exactly as a missing one does. Tasks made by someone who may read
 * the entity, by a service token acting for such a group, by the local operator, or with auth off read it.
 * The creator is who it was, not only its name: a guest's runs keep the guest role and a token's runs
 * its scopes, and a task decides again when it runs, so a creator that can no longer act reads nothing.
 */

const READ = 'catalog.entity.read';
const RULES: AuthRule[] = [
  { id: 'read-default', description: 'everyone reads the default namespace', effect: 'allow', actions: [READ], subjects: ['role:signed-in'], resource: { namespaces: ['default'] } },
  { id: 'platform-secrets', description: 'platform-team reads the secret namespace', effect: 'allow', actions: [READ], subjects: ['group:default/platform-team'], resource: { namespaces: ['secret'] } },
  { id: 'golden-paths', description: 'everyone runs golden paths', effect: 'allow', actions: ['templates.*'], subjects: ['role:signed-in'] },
  { id: 'guests-no-secrets', description: 'a guest never reads the secret namespace', effect: 'deny', actions: [READ], subjects: ['role:guest'], resource: { namespaces: ['secret'] } },
];

/** A template that fetches `parameters.ref` (optionally) and shows what it got. */
const fetchTemplate = (name: string, namespace = 'default'): Entity => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name, namespace, title: `Fetch ${name}` },
  spec: {
    owner: 'group:default/platform-team',
    type: 'service',
    parameters: [{ title: 'What', required: ['ref'], properties: { ref: { type: 'string' }, optional: { type: 'boolean', default: false } } }],
    steps: [{ id: 'fetch', name: 'Fetch', action: 'catalog:fetch', input: { entityRef: '${{ parameters.ref }}', optional: '${{ parameters.optional }}' } }],
  },
});
const VAULT: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'vault', namespace: 'secret' }, spec: { type: 'service', lifecycle: 'production', owner: 'group:default/platform-team' } };
const VISIBLE_TEMPLATE = 'template:default/fetch-path';
const HIDDEN_TEMPLATE = 'template:secret/vault-path';
const HIDDEN = 'component:secret/vault';
const MISSING = 'component:secret/no-such-vault';

/** A problem or failed task with the ref it names swapped for a placeholder, to compare hidden with missing. */
const withoutRef = (value: unknown, ref: string) => JSON.parse(JSON.stringify(value).replaceAll(ref, '<ref>')) as unknown;

describe('golden paths read the catalog as their caller', { timeout: 120_000 }, () => {
  let pave: AuthPave;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    // The guest acts as alice, who may read the vault, but the guest role may not.
    pave = await startAuthPave({ auth: { defaultPolicy: false, rules: RULES, guest: true, guestUser: 'user:default/alice' }, seed: false });
    await seedOrg(pave.app.catalog, [...ORG, VAULT, fetchTemplate('fetch-path'), fetchTemplate('vault-path', 'secret')]);
    for (const name of ['alice', 'bob']) tokens.set(name, await tokenFor(pave.app, `user:default/${name}`));
    const service = await pave.app.auth.tokens.create(pave.app.auth.localOperator(), { name: 'ci', kind: 'service', service: 'ci', groups: ['group:default/platform-team'] });
    tokens.set('ci', service.token);
    tokens.set('operator', pave.app.auth.localOperatorBearer());
  });
  afterAll(async () => pave?.close());

  const get = (who: string, path: string) => fetch(`${pave.url}/api/scaffolder/v2${path}`, { headers: bearer(tokens.get(who)!) });
  const post = (who: string, path: string, body: unknown) =>
    fetch(`${pave.url}/api/scaffolder/v2${path}`, { method: 'POST', headers: { ...bearer(tokens.get(who)!), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const readable = async (userRef: string, ref: string) => (await pave.app.auth.permissions.decide(await pave.app.auth.permissions.identityForUser(userRef, 'token'), READ, ref)).allowed;

  /** Starts the fetch template over HTTP as someone (a token name, or headers); answers the task id. */
  async function startFetch(base: string, who: string | Record<string, string>, ref: string, optional = false): Promise<string> {
    const headers = typeof who === 'string' ? (tokens.has(who) ? bearer(tokens.get(who)!) : {}) : who;
    const created = await fetch(`${base}/api/scaffolder/v2/tasks`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ templateRef: VISIBLE_TEMPLATE, values: { ref, optional } }),
    });
    return (await json<{ id: string }>(created, 201)).id;
  }
  /** Waits for a task to end, reading it over HTTP as someone (by default the local operator). */
  async function finished(base: string, id: string, headers: Record<string, string> = bearer(tokens.get('operator')!)): Promise<TaskView> {
    for (;;) {
      const task = await json<TaskView>(await fetch(`${base}/api/scaffolder/v2/tasks/${id}`, { headers }));
      if (['completed', 'failed', 'cancelled'].includes(task.status)) return task;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }
  /** Runs the fetch template over HTTP as someone and waits for the task to end. */
  async function runFetch(base: string, who: string, ref: string, optional = false): Promise<TaskView> {
    return finished(base, await startFetch(base, who, ref, optional), tokens.has(who) ? bearer(tokens.get(who)!) : {});
  }
  const fetched = (task: TaskView) => task.steps[0]?.output?.entity as Entity | null | undefined;
  /** What a task's steps did, without when. */
  const stepsOf = (task: TaskView) => task.steps.map(({ startedAt: _s, finishedAt: _f, ...step }) => step);

  it('hides the vault and its template from bob but not from alice (the premise of the other tests)', async () => {
    expect(await readable('user:default/bob', HIDDEN)).toBe(false);
    expect(await readable('user:default/bob', HIDDEN_TEMPLATE)).toBe(false);
    expect(await readable('user:default/bob', VISIBLE_TEMPLATE)).toBe(true);
    expect(await readable('user:default/alice', HIDDEN)).toBe(true);
    expect(await readable('user:default/alice', HIDDEN_TEMPLATE)).toBe(true);
  });

  it('lists in the gallery only the templates the caller may read', async () => {
    const templates = await pave.app.catalog.entities.list({ filter: ['kind=template'] });
    for (const name of ['alice', 'bob']) {
      const identity = await pave.app.auth.permissions.identityForUser(`user:default/${name}`, 'token');
      const expected = (await pave.app.auth.permissions.filter(identity, READ, templates, entity => entity)).map(entityRefOf).sort();
      const { items } = await json<{ items: Array<{ ref: string }> }>(await get(name, '/templates'));
      expect(items.map(t => t.ref).sort()).toEqual(expected);
    }
    const bobs = await json<{ items: Array<{ ref: string }> }>(await get('bob', '/templates'));
    expect(bobs.items.map(t => t.ref)).toContain(VISIBLE_TEMPLATE);
    expect(bobs.items.map(t => t.ref)).not.toContain(HIDDEN_TEMPLATE);
  });

  it('answers a hidden template as a missing one: view, parameter schema, task and dry run', async () => {
    expect((await json<{ summary: { ref: string } }>(await get('alice', '/templates/secret/template/vault-path'))).summary.ref).toBe(HIDDEN_TEMPLATE);
    for (const path of ['', '/parameter-schema']) {
      const hidden = await expectProblem(await get('bob', `/templates/secret/template/vault-path${path}`), 404);
      const missing = await expectProblem(await get('bob', `/templates/secret/template/no-such-path${path}`), 404);
      expect(withoutRef({ ...hidden, instance: undefined }, HIDDEN_TEMPLATE)).toEqual(withoutRef({ ...missing, instance: undefined }, 'template:secret/no-such-path'));
    }
    const values = { ref: 'component:default/payments' };
    const task = await expectProblem(await post('bob', '/tasks', { templateRef: HIDDEN_TEMPLATE, values }), 404);
    const missingTask = await expectProblem(await post('bob', '/tasks', { templateRef: 'template:secret/no-such-path', values }), 404);
    expect(withoutRef({ ...task, instance: undefined }, HIDDEN_TEMPLATE)).toEqual(withoutRef({ ...missingTask, instance: undefined }, 'template:secret/no-such-path'));
    await expectProblem(await post('bob', '/dry-run', { templateRef: HIDDEN_TEMPLATE, values }), 404);
    expect((await json<{ status: string }>(await post('alice', '/dry-run', { templateRef: HIDDEN_TEMPLATE, values }))).status).toBe('completed');
  });

  it("fails catalog:fetch on an entity its creator may not read exactly as on a missing one, and reads it for a creator who may", async () => {
    const hidden = await runFetch(pave.url, 'bob', HIDDEN);
    const missing = await runFetch(pave.url, 'bob', MISSING);
    expect(hidden.status).toBe('failed');
    expect(hidden.error?.detail).toContain(`no entity ${HIDDEN} in the catalog`);
    expect(withoutRef(hidden.error, HIDDEN)).toEqual(withoutRef(missing.error, MISSING));
    expect(withoutRef(stepsOf(hidden), HIDDEN)).toEqual(withoutRef(stepsOf(missing), MISSING));

    const optionalHidden = await runFetch(pave.url, 'bob', HIDDEN, true);
    const optionalMissing = await runFetch(pave.url, 'bob', MISSING, true);
    expect(optionalHidden.status).toBe('completed');
    expect(fetched(optionalHidden)).toBeNull();
    expect(withoutRef(stepsOf(optionalHidden), HIDDEN)).toEqual(withoutRef(stepsOf(optionalMissing), MISSING));

    const visible = await runFetch(pave.url, 'bob', 'component:default/payments');
    expect(visible.status).toBe('completed');
    expect(fetched(visible)?.metadata.name).toBe('payments');
    const alices = await runFetch(pave.url, 'alice', HIDDEN);
    expect(alices.status, JSON.stringify(alices.error)).toBe('completed');
    expect(fetched(alices)?.metadata.name).toBe('vault');
  });

  it('reads with the groups of a service token, and as the local operator, everything', async () => {
    for (const who of ['ci', 'operator']) {
      const task = await runFetch(pave.url, who, HIDDEN);
      expect(task.createdBy).toMatch(who === 'ci' ? /^service:ci$/ : /^cli:/);
      expect({ who, status: task.status }).toEqual({ who, status: 'completed' });
      expect(fetched(task)?.metadata.name).toBe('vault');
    }
  });

  it('fetches in a dry run as the caller too, so an uploaded template cannot read around the rules', async () => {
    const template = { ...fetchTemplate('uploaded'), metadata: { name: 'uploaded' } };
    const dryRun = (who: string, ref: string) => post(who, '/dry-run', { template, values: { ref } });
    const hidden = await json<{ status: string; error?: unknown; steps: Array<{ output?: { entity?: Entity } }> }>(await dryRun('bob', HIDDEN));
    const missing = await json<{ status: string; error?: unknown }>(await dryRun('bob', MISSING));
    expect(hidden.status).toBe('failed');
    expect(withoutRef(hidden.error, HIDDEN)).toEqual(withoutRef(missing.error, MISSING));
    const alices = await json<{ status: string; steps: Array<{ output?: { entity?: Entity } }> }>(await dryRun('alice', HIDDEN));
    expect(alices.status).toBe('completed');
    expect(alices.steps[0]?.output?.entity?.metadata.name).toBe('vault');
  });

  it("keeps the guest role: a rule hiding the vault from guests hides it from a guest's dry run and task, not from the same user's token", async () => {
    const jar = new CookieJar();
    await json((await jar.fetch(`${pave.url}/api/auth/login?method=guest&returnTo=/api/health`)).response);
    const guest = { cookie: jar.header(pave.url), 'x-pave-csrf': jar.get('pave_csrf')! };
    const template = { ...fetchTemplate('uploaded'), metadata: { name: 'uploaded' } };
    const dryRun = async (ref: string) =>
      json<{ status: string; error?: unknown }>(
        await fetch(`${pave.url}/api/scaffolder/v2/dry-run`, { method: 'POST', headers: { ...guest, 'content-type': 'application/json' }, body: JSON.stringify({ template, values: { ref } }) }),
      );
    const hiddenDryRun = await dryRun(HIDDEN);
    expect(hiddenDryRun.status).toBe('failed');
    expect(withoutRef(hiddenDryRun.error, HIDDEN)).toEqual(withoutRef((await dryRun(MISSING)).error, MISSING));

    const hidden = await finished(pave.url, await startFetch(pave.url, guest, HIDDEN));
    const missing = await finished(pave.url, await startFetch(pave.url, guest, MISSING));
    expect(hidden.spec.identity).toEqual({ principal: 'user:default/alice', via: 'guest' });
    expect(hidden.status).toBe('failed');
    expect(withoutRef(hidden.error, HIDDEN)).toEqual(withoutRef(missing.error, MISSING));
    const visible = await finished(pave.url, await startFetch(pave.url, guest, 'component:default/payments'));
    expect(fetched(visible)?.metadata.name).toBe('payments');
    expect(fetched(await runFetch(pave.url, 'alice', HIDDEN))?.metadata.name).toBe('vault');
  });

  it("keeps a token's scopes: without catalog.entity.read it starts no task and no dry run; with it, its task reads as its user", async () => {
    const narrow = await tokenFor(pave.app, 'user:default/alice', { scopes: ['templates.*'] });
    const asNarrow = (path: string, body: unknown) =>
      fetch(`${pave.url}/api/scaffolder/v2${path}`, { method: 'POST', headers: { ...bearer(narrow), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const refused = await expectProblem(await asNarrow('/tasks', { templateRef: VISIBLE_TEMPLATE, values: { ref: HIDDEN } }), 404);
    const missingTemplate = await expectProblem(await post('alice', '/tasks', { templateRef: 'template:default/no-such-path', values: { ref: HIDDEN } }), 404);
    expect(withoutRef({ ...refused, instance: undefined }, VISIBLE_TEMPLATE)).toEqual(withoutRef({ ...missingTemplate, instance: undefined }, 'template:default/no-such-path'));
    await expectProblem(await asNarrow('/dry-run', { templateRef: VISIBLE_TEMPLATE, values: { ref: HIDDEN } }), 404);
    const uploaded = await json<{ status: string; error?: unknown }>(await asNarrow('/dry-run', { template: { ...fetchTemplate('uploaded'), metadata: { name: 'uploaded' } }, values: { ref: HIDDEN } }));
    expect(uploaded.status).toBe('failed');
    expect(JSON.stringify(uploaded.error)).toContain(`no entity ${HIDDEN} in the catalog`);

    tokens.set('alice-reads', await tokenFor(pave.app, 'user:default/alice', { scopes: ['templates.*', READ] }));
    const task = await runFetch(pave.url, 'alice-reads', HIDDEN);
    expect(task.status).toBe('completed');
    expect(fetched(task)?.metadata.name).toBe('vault');
    expect(task.spec.identity).toMatchObject({ principal: 'user:default/alice', via: 'token', scopes: ['templates.*', READ] });
  });

  it('decides again when the task runs: a revoked token or a user gone from the catalog reads nothing, a live token still reads', async () => {
    const frank: Entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'frank' }, spec: { memberOf: ['platform-team'] } };
    await pave.app.catalog.saveEntity(structuredClone(frank));
    const revokedToken = await pave.app.auth.tokens.create(pave.app.auth.localOperator(), { name: 'soon-revoked', user: 'user:default/alice' });
    tokens.set('alice-revoked', revokedToken.token);
    tokens.set('frank', await tokenFor(pave.app, 'user:default/frank'));
    // The worker waits while the creators change, so every task below runs after the change.
    await pave.app.templates.worker.stop();
    let ids: { revoked: string; removed: string; live: string };
    try {
      ids = { revoked: await startFetch(pave.url, 'alice-revoked', HIDDEN), removed: await startFetch(pave.url, 'frank', HIDDEN), live: await startFetch(pave.url, 'alice', HIDDEN) };
      await pave.app.auth.tokens.revoke(pave.app.auth.localOperator(), revokedToken.record.id);
      await pave.app.catalog.deleteByUid((await pave.app.catalog.entities.byRef('user:default/frank'))!.metadata.uid!);
    } finally {
      pave.app.templates.worker.start();
    }
    const revoked = await finished(pave.url, ids.revoked);
    const removed = await finished(pave.url, ids.removed);
    for (const task of [revoked, removed]) {
      expect({ createdBy: task.createdBy, status: task.status }).toEqual({ createdBy: task.createdBy, status: 'failed' });
      expect(task.error?.detail).toContain(`no entity ${HIDDEN} in the catalog`);
    }
    expect(fetched(await finished(pave.url, ids.live))?.metadata.name).toBe('vault');
  });

  it('reads everything for tasks made while auth is off', async () => {
    const open = await startAuthPave({ auth: { enabled: false, defaultPolicy: false, rules: RULES }, seed: false });
    try {
      await seedOrg(open.app.catalog, [...ORG, VAULT, fetchTemplate('fetch-path')]);
      const task = await runFetch(open.url, 'nobody', HIDDEN);
      expect(task.createdBy).toBeUndefined();
      expect(task.status).toBe('completed');
      expect(fetched(task)?.metadata.name).toBe('vault');
    } finally {
      await open.close();
    }
  });
});
