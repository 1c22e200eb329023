/**
 * Facets, by-query totals and pages, entities by name and search results are kept per catalog state
 * (src/catalog/state-answers.ts), and requests asking for the state at once share a read of it. Two
 * Pave servers over one database — two replicas on one PostgreSQL schema, or two processes on one SQLite
 * file — each keep their own; a change written through one is in the very next answer of the other, with no
 * waiting: an answer kept for the state before is never served once the state has moved.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaveConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';

const component = (name: string, lifecycle: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, description: `wombat tracker ${name}` },
  spec: { type: 'service', lifecycle, owner: 'team-a' },
});

const pg = await postgresFactory();
const backends = [
  {
    name: 'two processes on one SQLite file',
    skip: undefined as string | undefined,
    config: async () => {
      const dataDir = await mkdtemp(join(tmpdir(), 'pave-replicas-'));
      return { config: { dataDir } as Partial<PaveConfig>, drop: () => rm(dataDir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'two replicas on one PostgreSQL schema',
    skip: pg.unavailable,
    config: async () => {
      const schema = `pave_answers_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
      await adminQuery(`CREATE SCHEMA ${schema}`);
      return { config: { databaseUrl: POSTGRES_URL, databaseSchema: schema } as Partial<PaveConfig>, drop: () => adminQuery(`DROP SCHEMA ${schema} CASCADE`) };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(Boolean(backend.skip))(`catalog answers across replicas: ${backend.name}`, { timeout: 120_000 }, () => {
    let reading: RunningPave;
    let writing: RunningPave;
    let drop: () => Promise<unknown>;

    beforeAll(async () => {
      const target = await backend.config();
      drop = target.drop;
      reading = await startPave({ config: target.config });
      writing = await startPave({ config: target.config });
    });
    afterAll(async () => {
      await writing?.close();
      await reading?.close();
      await drop?.();
    });

    const get = async (pave: RunningPave, path: string) => {
      const response = await fetch(pave.url + path);
      expect(response.status).toBe(200);
      return (await response.json()) as Record<string, any>;
    };
    /** What the reading replica answers now: facet counts, the by-query total and page, alpha by name and the search hits. */
    const answers = async () => {
      const [facets, page, list, alpha, search] = await Promise.all([
        get(reading, '/api/catalog/entity-facets?facet=spec.lifecycle'),
        get(reading, '/api/catalog/entities/by-query?filter=kind=component&limit=1'),
        get(reading, '/api/catalog/entities/by-query?filter=kind=component&limit=20&orderField=metadata.name,asc'),
        fetch(`${reading.url}/api/catalog/entities/by-name/component/default/alpha`).then(async response => (response.status === 200 ? ((await response.json()) as { spec: { lifecycle: string } }).spec.lifecycle : response.status)),
        get(reading, '/api/search?q=wombat'),
      ]);
      return {
        lifecycles: facets.facets['spec.lifecycle'],
        totalItems: page.totalItems,
        page: (list.items as Array<{ metadata: { name: string }; spec: { lifecycle: string } }>).map(item => `${item.metadata.name} ${item.spec.lifecycle}`),
        alpha,
        found: (search.results as Array<{ name: string }>).map(hit => hit.name).sort(),
      };
    };
    const save = async (entity: ReturnType<typeof component>) => {
      const response = await fetch(`${writing.url}/api/catalog/entities/by-name/component/default/${entity.metadata.name}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(entity) });
      expect(response.status).toBe(200);
      return (await response.json()) as { metadata: { uid: string } };
    };

    it("answers with the other replica's writes at once: created, changed and deleted entities", async () => {
      await writing.app.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-a' }, spec: { type: 'team', children: [] } });
      const first = await save(component('alpha', 'production'));
      const created = { lifecycles: [{ value: 'production', count: 1 }], totalItems: 1, page: ['alpha production'], alpha: 'production', found: ['alpha'] };
      expect(await answers()).toEqual(created);
      // Asked twice in the same state: the second answer is the kept one, and the same.
      expect(await answers()).toEqual(created);

      await save(component('beta', 'experimental'));
      expect(await answers()).toEqual({
        lifecycles: [{ value: 'experimental', count: 1 }, { value: 'production', count: 1 }],
        totalItems: 2,
        page: ['alpha production', 'beta experimental'],
        alpha: 'production',
        found: ['alpha', 'beta'],
      });

      await save(component('alpha', 'experimental'));
      expect(await answers()).toEqual({ lifecycles: [{ value: 'experimental', count: 2 }], totalItems: 2, page: ['alpha experimental', 'beta experimental'], alpha: 'experimental', found: ['alpha', 'beta'] });

      expect((await fetch(`${writing.url}/api/catalog/entities/by-uid/${first.metadata.uid}`, { method: 'DELETE' })).status).toBe(204);
      expect(await answers()).toEqual({ lifecycles: [{ value: 'experimental', count: 1 }], totalItems: 1, page: ['beta experimental'], alpha: 404, found: ['beta'] });
    });
  });
}
