/**
 * Reads never wait for a refresh (#18): while a refresh's transaction is open, by-name, by-query, search and
 * the health check's ping answer with what is committed, and see the refresh once it commits. On SQLite the
 * reads have a read-only connection of their own (the writer's is held by the transaction); PostgreSQL's
 * pool gives them another connection. Were they waiting, the open transaction (released only after they
 * answer) would never end and the test would time out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { defaultConfig } from '../../src/pave-config.js';
import { CatalogChanges } from '../../src/catalog/catalog-changes.js';
import { applyLocationContent } from '../../src/catalog/location-refresh.js';
import { ingestionFingerprint } from '../../src/catalog/ingestion-fingerprint.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { EventLog } from '../../src/store/event-log.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type: 'service', lifecycle: 'production', owner: 'team-a' },
});

await catalogOnEachStore('reads during a refresh', {
  folder: 'pave-reads-',
  seed: async ({ catalog, dir }) => {
    await catalog.prepareSearch();
    writeFileSync(join(dir, 'catalog-info.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: before\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n');
  },
}, on => {
  it('answers by-name, by-query and the ping from what is committed while the refresh writes, then the refresh', async () => {
    const { store } = on;
    const { location } = await on.catalog.locations.register({ type: 'file', target: join(on.dir, 'catalog-info.yaml') });
    const source = `file:${join(on.dir, 'catalog-info.yaml')}`;
    const entities = ['before', 'during-1', 'during-2'].map((name, document) => ({ entity: component(name), source, document }));

    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    let inside!: () => void;
    const writing = new Promise<void>(resolve => (inside = resolve));
    const refresh = applyLocationContent(store, location, { entities, errors: [], files: 1, kept: [], skippable: [] }, {
      orphanStrategy: 'delete',
      fingerprint: ingestionFingerprint(defaultConfig().catalog),
      now: new Date().toISOString(),
      changes: new CatalogChanges(store, new EventLog(store), new AuditLog(store)),
      // The entities are written; the transaction stays open until the reads below have answered.
      then: async () => {
        inside();
        await released;
      },
    });
    await writing;
    expect((await on.catalog.entities.byRef('component:default/before'))?.metadata.name).toBe('before');
    expect(await on.catalog.entities.byRef('component:default/during-1')).toBeUndefined();
    expect((await on.catalog.entities.query({ filter: ['kind=component'] })).totalItems).toBe(1);
    expect((await on.catalog.search({ query: 'before' })).results.map(hit => hit.entityRef)).toEqual(['component:default/before']);
    await store.ping();
    release();
    expect(await refresh).toMatchObject({ created: 2 });
    expect((await on.catalog.entities.query({ filter: ['kind=component'] })).items.map(e => e.metadata.name)).toEqual(['before', 'during-1', 'during-2']);
  });
});
