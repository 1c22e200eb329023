/**
 * The event feed over real HTTP with authorization on: `GET /api/events` pages through the log showing each
 * caller only the events about what they may read (an entity hidden from them by a rule, token events for
 * admins only), its cursor moves past what it hides, bad cursors are 400s naming the field, and
 * `GET /api/events/stream` delivers the same live, resuming after `Last-Event-ID`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaveEvent } from '../../src/store/event-log.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { expectProblem, json } from '../api/support.js';
import { listen } from '../support/sse.js';

describe('the event feed', () => {
  let pave: AuthPave;
  const tokens: Record<string, string> = {};
  let start: number;
  const call = (who: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(pave.url + path, {
      method: init.method ?? 'GET',
      headers: { ...bearer(tokens[who]!), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
    });
  const save = (who: string, name: string, owner: string) =>
    call(who, `/api/catalog/entities/by-name/component/default/${name}`, {
      method: 'PUT',
      body: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, namespace: 'default' }, spec: { type: 'service', lifecycle: 'production', owner } },
    });
  const feed = async (who: string, query: string) => json<{ items: PaveEvent[]; nextCursor: number }>(await call(who, `/api/events?${query}`));

  beforeAll(async () => {
    pave = await startAuthPave({
      auth: {
        rules: [
          { id: 'hide-platform', description: 'dave does not see what the platform team owns', effect: 'deny', actions: ['catalog.entity.read'], subjects: ['user:default/dave'], resource: { owners: ['group:default/platform-team'] } },
        ],
      },
    });
    for (const name of ['alice', 'bob', 'dave']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
    start = await pave.app.eventLog.latest();
    expect((await save('bob', 'basket', 'checkout-team')).status).toBe(200);
    expect((await save('alice', 'vault', 'platform-team')).status).toBe(200);
    expect((await call('bob', '/api/auth/tokens', { method: 'POST', body: { name: 'feed' } })).status).toBe(201);
  });
  afterAll(async () => pave?.close());

  it('shows each caller the events about what they may read', async () => {
    const subjects = async (who: string) => (await feed(who, `after=${start}`)).items.map(e => `${e.type} ${e.subject}`);
    expect(await subjects('alice')).toEqual(['catalog.entity.created component:default/basket', 'catalog.entity.created component:default/vault', expect.stringMatching(/^auth\.token\.created token:/)]);
    expect(await subjects('bob')).toEqual(['catalog.entity.created component:default/basket', 'catalog.entity.created component:default/vault']);
    expect(await subjects('dave')).toEqual(['catalog.entity.created component:default/basket']);
  });

  it('pages with a cursor that moves past what it hides, filtered by type and subject', async () => {
    const first = await feed('dave', `after=${start}&limit=2`);
    expect(first.items.map(e => e.subject)).toEqual(['component:default/basket']);
    expect(first.nextCursor).toBe(start + 2);
    const second = await feed('dave', `after=${first.nextCursor}&limit=2`);
    expect(second.items).toEqual([]);
    expect(second.nextCursor).toBe(start + 3);
    expect((await feed('alice', `after=${start}&types=auth.*`)).items.map(e => e.type)).toEqual(['auth.token.created']);
    expect((await feed('alice', `after=${start}&subject=component:default/vault`)).items).toHaveLength(1);
  });

  it('refuses a cursor that is not a seq, or one from the future, naming the field', async () => {
    for (const after of ['abc', '-3', String((await pave.app.eventLog.latest()) + 10)]) {
      const problem = await expectProblem(await call('bob', `/api/events?after=${encodeURIComponent(after)}`), 400);
      expect(problem.errors?.[0]?.pointer).toBe('/after');
    }
  });

  it('streams the same live, resuming after Last-Event-ID, without what the caller may not read', async () => {
    const stream = listen(`${pave.url}/api/events/stream`, { ...bearer(tokens.dave!), 'last-event-id': String(start) });
    await stream.connected;
    expect((await save('bob', 'checkout-api', 'checkout-team')).status).toBe(200);
    expect((await save('alice', 'secrets-vault', 'platform-team')).status).toBe(200);
    expect((await save('bob', 'checkout-ui', 'checkout-team')).status).toBe(200);
    await expect.poll(() => stream.events.map(e => e.data.subject)).toEqual(['component:default/basket', 'component:default/checkout-api', 'component:default/checkout-ui']);
    await stream.stop();
    expect(stream.events.every(e => e.event === 'catalog.entity.created' && e.id === String(e.data.seq))).toBe(true);
  });
});
