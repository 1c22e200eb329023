/**
 * Every change to the catalog and to auth is a fact: over real HTTP with authorization on, each write
 * records exactly one audit entry (actor, action, target) and appends its events (actor, subject, a small
 * payload), in the change's own transaction — on SQLite and on PostgreSQL. A change whose event cannot be
 * written leaves nothing behind: not the change, not its audit entry. Work nobody asked for (a periodic
 * refresh) appends events and records no audit entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { expectProblem, json } from './support.js';
import { recording } from '../support/recording.js';
import { refuseInserts } from '../support/refuse-inserts.js';

const pg = await postgresFactory();

const component = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', ...extra },
  spec: { type: 'service', lifecycle: 'production', owner: 'checkout-team' },
});

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && Boolean(pg.unavailable))(`changes are recorded: ${database}`, () => {
    let pave: AuthPave;
    let files: string;
    const schema = `pave_changes_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
    const tokens: Record<string, string> = {};
    const call = (who: string, path: string, init: { method?: string; body?: unknown } = {}) =>
      fetch(pave.url + path, {
        method: init.method ?? 'GET',
        headers: { ...bearer(tokens[who]!), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
      });

    /** What one step adds to the audit log and the event log. */
    const recorded = <T>(step: () => Promise<T>) => recording(pave.app, [], step);

    beforeAll(async () => {
      if (database === 'postgres') await adminQuery(`CREATE SCHEMA ${schema}`);
      pave = await startAuthPave(database === 'postgres' ? { config: { databaseUrl: POSTGRES_URL, databaseSchema: schema } } : {});
      for (const name of ['alice', 'bob', 'carol']) tokens[name] = await tokenFor(pave.app, `user:default/${name}`);
      files = mkdtempSync(join(tmpdir(), 'pave-changes-'));
      writeFileSync(join(files, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: filed\nspec:\n  type: service\n  lifecycle: production\n  owner: checkout-team\n');
    });
    afterAll(async () => {
      await pave?.close();
      if (files) rmSync(files, { recursive: true, force: true });
      if (database === 'postgres') await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
    });

    it('an entity saved, changed and deleted through the API: one audit entry and one event each', async () => {
      const created = await recorded(() => call('bob', '/api/catalog/entities/by-name/component/default/ledger', { method: 'PUT', body: component('ledger') }));
      expect(created.result.status).toBe(200);
      expect(created.audit).toMatchObject([{ actor: 'user:default/bob', action: 'catalog.entity.write', entityRef: 'component:default/ledger' }]);
      expect(created.audit[0]!.afterHash).toBeTruthy();
      expect(created.events).toMatchObject([
        { type: 'catalog.entity.created', subject: 'component:default/ledger', actor: 'user:default/bob', payload: { kind: 'Component', namespace: 'default', name: 'ledger', owner: 'checkout-team' } },
      ]);

      const changed = await recorded(() => call('bob', '/api/catalog/entities/by-name/component/default/ledger', { method: 'PUT', body: component('ledger', { description: 'Money in, money out' }) }));
      expect(changed.audit).toMatchObject([{ actor: 'user:default/bob', action: 'catalog.entity.write' }]);
      expect(changed.events).toMatchObject([{ type: 'catalog.entity.updated', subject: 'component:default/ledger', payload: { previousEtag: created.events[0]!.payload.etag } }]);

      const uid = (await json<{ metadata: { uid: string } }>(await call('bob', '/api/catalog/entities/by-name/component/default/ledger'))).metadata.uid;
      const deleted = await recorded(() => call('bob', `/api/catalog/entities/by-uid/${uid}`, { method: 'DELETE' }));
      expect(deleted.result.status).toBe(204);
      expect(deleted.audit).toMatchObject([{ actor: 'user:default/bob', action: 'catalog.entity.delete', entityRef: 'component:default/ledger' }]);
      expect(deleted.events).toMatchObject([{ type: 'catalog.entity.deleted', subject: 'component:default/ledger', actor: 'user:default/bob', payload: { owner: 'checkout-team' } }]);
    });

    it('a location registered, edited in its file, refreshed and removed: one audit entry per request, events for everything it changed', async () => {
      const registered = await recorded(() => call('alice', '/api/catalog/locations', { method: 'POST', body: { type: 'file', target: join(files, 'catalog-info.yaml') } }));
      expect(registered.result.status).toBe(201);
      const { location } = await json<{ location: { id: string } }>(registered.result, 201);
      expect(registered.audit).toMatchObject([{ actor: 'user:default/alice', action: 'catalog.location.create', entityRef: `location:${location.id}` }]);
      expect(registered.events.map(e => [e.type, e.subject, e.actor])).toEqual([
        ['catalog.entity.created', 'component:default/filed', 'user:default/alice'],
        ['catalog.location.registered', `location:${location.id}`, 'user:default/alice'],
      ]);

      const entity = await json<ReturnType<typeof component>>(await call('bob', '/api/catalog/entities/by-name/component/default/filed'));
      const edited = await recorded(() => call('bob', '/api/catalog/entities/by-name/component/default/filed', { method: 'PUT', body: { ...entity, metadata: { ...entity.metadata, description: 'Edited in its file' } } }));
      expect(edited.result.status).toBe(200);
      expect(edited.audit).toMatchObject([{ actor: 'user:default/bob', action: 'catalog.entity.write', entityRef: 'component:default/filed' }]);
      expect(edited.events.map(e => [e.type, e.actor])).toEqual([
        ['catalog.entity.updated', 'user:default/bob'],
        ['catalog.location.refreshed', 'user:default/bob'],
      ]);

      const refreshed = await recorded(() => call('alice', `/api/catalog/locations/${location.id}/refresh`, { method: 'POST', body: {} }));
      expect(refreshed.audit).toMatchObject([{ actor: 'user:default/alice', action: 'catalog.location.refresh' }]);
      expect(refreshed.events).toMatchObject([{ type: 'catalog.location.refreshed', payload: { created: 0, updated: 0, removed: 0 } }]);

      const entityRefresh = await recorded(() => call('bob', '/api/catalog/refresh', { method: 'POST', body: { entityRef: 'component:default/filed' } }));
      expect(entityRefresh.audit).toMatchObject([{ actor: 'user:default/bob', action: 'catalog.entity.refresh', entityRef: 'component:default/filed' }]);

      // Nobody asked for a periodic refresh: events, and no audit entry.
      writeFileSync(join(files, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: filed\n  description: Changed in git\nspec:\n  type: service\n  lifecycle: production\n  owner: checkout-team\n');
      const periodic = await recorded(() => pave.app.catalog.locations.refresh(location.id));
      expect(periodic.audit).toEqual([]);
      expect(periodic.events.map(e => [e.type, e.actor])).toEqual([
        ['catalog.entity.updated', undefined],
        ['catalog.location.refreshed', undefined],
      ]);

      const removed = await recorded(() => call('alice', `/api/catalog/locations/${location.id}`, { method: 'DELETE' }));
      expect(removed.audit).toMatchObject([{ actor: 'user:default/alice', action: 'catalog.location.delete', entityRef: `location:${location.id}` }]);
      expect(removed.events.map(e => [e.type, e.subject])).toEqual([
        ['catalog.entity.deleted', 'component:default/filed'],
        ['catalog.location.removed', `location:${location.id}`],
      ]);
    });

    it('tokens and rules: one audit entry and one event each, never the secret', async () => {
      const created = await recorded(() => call('bob', '/api/auth/tokens', { method: 'POST', body: { name: 'laptop' } }));
      const { token, id } = await json<{ token: string; id: string }>(created.result, 201);
      const record = { id };
      expect(created.audit).toMatchObject([{ actor: 'user:default/bob', action: 'auth.token.create', entityRef: `token:${record.id}` }]);
      expect(created.events).toMatchObject([{ type: 'auth.token.created', subject: `token:${record.id}`, actor: 'user:default/bob' }]);
      expect(JSON.stringify(created.events)).not.toContain(token);
      const revoked = await recorded(() => call('bob', `/api/auth/tokens/${record.id}`, { method: 'DELETE' }));
      expect(revoked.audit).toMatchObject([{ action: 'auth.token.revoke' }]);
      expect(revoked.events).toMatchObject([{ type: 'auth.token.revoked', subject: `token:${record.id}` }]);

      const written = await recorded(() => call('alice', '/api/permissions/rules/changes.test', { method: 'PUT', body: { description: 'recorded', effect: 'allow', actions: ['x.y.z'], subjects: ['role:signed-in'] } }));
      expect(written.audit).toMatchObject([{ actor: 'user:default/alice', action: 'auth.rule.write', entityRef: 'rule:changes.test' }]);
      expect(written.events).toMatchObject([{ type: 'auth.rule.written', payload: { id: 'changes.test', created: true } }]);
      const removed = await recorded(() => call('alice', '/api/permissions/rules/changes.test', { method: 'DELETE' }));
      expect(removed.audit).toMatchObject([{ action: 'auth.rule.delete' }]);
      expect(removed.events).toMatchObject([{ type: 'auth.rule.deleted' }]);
    });

    it('a change whose event cannot be written leaves nothing: not the entity, not its audit entry, not its events', async () => {
      const restore = await refuseInserts(pave.app.store, 'events', 'subject', 'component:default/doomed');
      try {
        const attempt = await recorded(() => call('bob', '/api/catalog/entities/by-name/component/default/doomed', { method: 'PUT', body: component('doomed') }));
        expect(attempt.result.status).toBe(500);
        expect(attempt.audit).toEqual([]);
        expect(attempt.events).toEqual([]);
        await expectProblem(await call('bob', '/api/catalog/entities/by-name/component/default/doomed'), 404);
      } finally {
        await restore();
      }
      const retried = await recorded(() => call('bob', '/api/catalog/entities/by-name/component/default/doomed', { method: 'PUT', body: component('doomed') }));
      expect(retried.result.status).toBe(200);
      expect(retried.audit).toHaveLength(1);
      expect(retried.events).toHaveLength(1);
    });
  });
}
