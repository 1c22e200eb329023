/**
 * A refresh that replaces entities rewrites only the search rows and relations that changed (derived-rows-diff.ts):
 * afterwards the derived tables hold exactly what a first load of the new files writes, whatever changed — a value, a
 * list's items, a key gone or new, a value grown past what is indexed, an owner (relations), nothing but the etag.
 * On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';
import { catalogServiceOver } from '../support/catalog-service.js';

const pg = await postgresFactory();

const component = (name: string, fields: { description?: string; tags?: string[]; owner: string; dependsOn?: string[]; annotations?: Record<string, string> }) =>
  JSON.stringify({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, ...(fields.description === undefined ? {} : { description: fields.description }), ...(fields.tags ? { tags: fields.tags } : {}), ...(fields.annotations ? { annotations: fields.annotations } : {}) },
    spec: { type: 'service', lifecycle: 'production', owner: fields.owner, ...(fields.dependsOn ? { dependsOn: fields.dependsOn } : {}) },
  });

const before = [
  component('described', { description: 'the first words', owner: 'team-a' }),
  component('tagged', { tags: ['alpha', 'beta'], owner: 'team-a' }),
  component('moved', { owner: 'team-a', dependsOn: ['resource:db'] }),
  component('cut', { owner: 'team-b', dependsOn: ['resource:db', 'component:described'], description: 'goes away' }),
  component('annotated', { owner: 'team-b' }),
  component('grown', { owner: 'team-b', description: 'short' }),
  component('same', { owner: 'team-c', tags: ['x'] }),
  ...Array.from({ length: 30 }, (_, i) => component(`many-${i}`, { owner: `team-${i % 3}`, description: `number ${i}`, tags: [`t${i % 4}`] })),
];
const after = [
  component('described', { description: 'other words', owner: 'team-a' }),
  component('tagged', { tags: ['beta', 'gamma'], owner: 'team-a' }),
  component('moved', { owner: 'team-z', dependsOn: ['resource:db'] }),
  component('cut', { owner: 'team-b' }),
  component('annotated', { owner: 'team-b', annotations: { 'example.com/new': 'yes' } }),
  component('grown', { owner: 'team-b', description: 'long '.repeat(60) }),
  component('same', { owner: 'team-c', tags: ['x'] }),
  component('added', { owner: 'team-a', dependsOn: ['component:same'] }),
  ...Array.from({ length: 30 }, (_, i) => component(`many-${i}`, { owner: `team-${(i + 1) % 3}`, description: `number ${i}${i % 2 ? ' again' : ''}`, tags: [`t${(i + i % 3) % 4}`] })),
];

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(pg.unavailable) && factory === pg)(`replaced entities' derived rows: ${factory.name}`, () => {
    const handles: TestStore[] = [];
    const dirs: string[] = [];
    afterAll(async () => {
      for (const handle of handles) await handle.dispose();
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });

    /**
     * A catalog with one location holding `documents` (the same file for every catalog: its path is in the rows);
     * answers it and a way to rewrite the file and refresh.
     */
    const dir = mkdtempSync(join(tmpdir(), 'pave-replaced-rows-'));
    dirs.push(dir);
    const file = join(dir, 'catalog-info.yaml');
    const catalogOf = async (documents: string[]) => {
      const handle = await factory.open();
      handles.push(handle);
      const catalog = catalogServiceOver(handle.store);
      writeFileSync(file, documents.join('\n---\n'));
      const { location } = await catalog.locations.register({ type: 'file', target: file });
      const rewrite = async (next: string[]) => {
        writeFileSync(file, next.join('\n---\n'));
        return catalog.locations.refresh(location.id);
      };
      /** Every derived row, named by entity ref rather than id (ids differ between catalogs). */
      const derived = async () => {
        const search = await sql<{ ref: string; key: string; value: string | null; original_value: string | null }>`
          SELECT e.ref, s.key, s.value, s.original_value FROM entity_search s JOIN entities e ON e.id = s.entity_id`.execute(handle.store.db);
        const relations = await sql<{ ref: string; source_ref: string; type: string; target_ref: string }>`
          SELECT e.ref, r.source_ref, r.type, r.target_ref FROM relations r JOIN entities e ON e.id = r.origin_id`.execute(handle.store.db);
        return {
          search: search.rows.map(row => JSON.stringify([row.ref, row.key, row.value, row.original_value])).sort(),
          relations: relations.rows.map(row => JSON.stringify([row.ref, row.source_ref, row.type, row.target_ref])).sort(),
        };
      };
      return { catalog, rewrite, derived };
    };

    it('holds after a refresh exactly the rows a first load of the new files writes', async () => {
      const refreshed = await catalogOf(before);
      const summary = await refreshed.rewrite(after);
      expect(summary.updated).toBe(before.length - 1);
      expect(summary.created).toBe(1);
      const fresh = await catalogOf(after);
      const [got, expected] = [await refreshed.derived(), await fresh.derived()];
      expect(got.search).toEqual(expected.search);
      expect(got.relations).toEqual(expected.relations);
      expect(got.search.length).toBeGreaterThan(after.length * 10);
      // Filters and the other side's relations read the rewritten rows.
      const total = async (filter: string) => (await refreshed.catalog.entities.query({ filter: [filter], limit: 1 })).totalItems;
      expect(await total('metadata.tags=alpha')).toBe(0);
      expect(await total('metadata.tags=gamma')).toBe(1);
      expect(await total('metadata.description=goes away')).toBe(0);
      expect(await total('relations.ownedBy=group:default/team-z')).toBe(1);
      expect(await total('relations.dependencyOf=component:default/described')).toBe(0);
      expect(((await refreshed.catalog.entities.byRef('component:default/described'))?.relations ?? []).filter(r => r.type === 'dependencyOf')).toEqual([]);
    });

    it('rewrites an entity whole when more keys changed than a statement names', async () => {
      const wide = (value: string) => component('wide', { owner: 'team-w', annotations: Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`example.com/key-${i}`, `${value}-${i}`])) });
      const refreshed = await catalogOf([wide('old'), component('beside', { owner: 'team-w', description: 'kept' })]);
      await refreshed.rewrite([wide('new'), component('beside', { owner: 'team-v', description: 'kept' })]);
      const fresh = await catalogOf([wide('new'), component('beside', { owner: 'team-v', description: 'kept' })]);
      const [got, expected] = [await refreshed.derived(), await fresh.derived()];
      expect(got.search).toEqual(expected.search);
      expect(got.relations).toEqual(expected.relations);
      expect(got.search.filter(row => row.includes('"new-599"'))).toHaveLength(1);
    });
  });
}
