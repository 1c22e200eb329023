/**
 * A refresh does not parse again the files whose bytes are as it recorded them (#18: YAML parsing was a
 * quarter of an ingest and all of a refresh that changed nothing): their entities stay as stored. What a
 * full read would notice is still noticed: a changed file, a changed file named by a placeholder, an entity
 * deleted since, a ref another file now defines first. On SQLite and PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { CatalogService } from '../../src/catalog/catalog-service.js';
import { readLocation } from '../../src/catalog/ingest/read-location.js';
import { skippableFiles } from '../../src/catalog/location-files.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { EventLog } from '../../src/store/event-log.js';
import { JobQueue } from '../../src/store/job-queue.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';

const pg = await postgresFactory();

const component = (name: string, description: unknown) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${typeof description === 'string' ? description : JSON.stringify(description)}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(pg.unavailable) && factory === pg)(`refresh skips unchanged files: ${factory.name}`, () => {
    let handle: TestStore;
    let catalog: CatalogService;
    let dir: string;
    let locationId: string;
    const write = (file: string, text: string) => writeFileSync(join(dir, file), text);
    const description = async (name: string) => (await catalog.entities.byRef(`component:default/${name}`))?.metadata.description;
    /** The files a read with the recorded digests skips, and the refs it parsed. */
    const nextRead = async () => {
      const content = await readLocation({ type: 'file', target: join(dir, '*.yaml') }, { allowedRoots: [], maxDocumentBytes: 1 << 20, maxFileBytes: 1 << 20, skip: await skippableFiles(handle.store.db, locationId) });
      return { kept: content.kept.map(file => file.source.replace(/.*\//, '')).sort(), parsed: content.entities.map(e => e.entity.metadata.name).sort() };
    };

    beforeAll(async () => {
      handle = await factory.open();
      const { store } = handle;
      catalog = new CatalogService({ store, eventLog: new EventLog(store), audit: new AuditLog(store), queue: new JobQueue(store, { owner: 'test' }), config: defaultConfig().catalog });
      dir = mkdtempSync(join(tmpdir(), 'pave-unchanged-'));
      write('a.yaml', `${component('a1', 'first')}---\n${component('a2', 'second')}`);
      write('b.yaml', component('b1', 'plain'));
      write('p.yaml', component('p1', { $text: './p.txt' }));
      write('p.txt', 'from the text file');
      const registered = await catalog.locations.register({ type: 'file', target: join(dir, '*.yaml') });
      locationId = registered.location.id;
    });
    afterAll(async () => {
      await handle?.dispose();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps the unchanged files unparsed (not the one with a placeholder) and reports their entities unchanged', async () => {
      expect(await nextRead()).toEqual({ kept: ['a.yaml', 'b.yaml'], parsed: ['p1'] });
      const summary = await catalog.locations.refresh(locationId);
      expect(summary).toMatchObject({ created: 0, updated: 0, unchanged: 4, removed: 0, errors: [] });
      expect(await description('a2')).toBe('second');
    });

    it('reads a changed file, and a file whose placeholder names a changed file', async () => {
      write('b.yaml', component('b1', 'changed'));
      write('p.txt', 'the text file changed');
      expect(await nextRead()).toEqual({ kept: ['a.yaml'], parsed: ['b1', 'p1'] });
      expect(await catalog.locations.refresh(locationId)).toMatchObject({ created: 0, updated: 2, unchanged: 2, removed: 0 });
      expect(await description('b1')).toBe('changed');
      expect(await description('p1')).toBe('the text file changed');
      expect(await description('a1')).toBe('first');
    });

    it('reads an unchanged file again when one of its entities was deleted since', async () => {
      const a1 = await catalog.entities.byRef('component:default/a1');
      await catalog.deleteByUid(a1!.metadata.uid!);
      expect((await nextRead()).kept).toEqual(['b.yaml']);
      expect(await catalog.locations.refresh(locationId)).toMatchObject({ created: 1, updated: 0, unchanged: 3 });
      expect(await description('a1')).toBe('first');
    });

    it('reads an unchanged file again when a file read before it now defines one of its refs', async () => {
      write('0.yaml', component('a2', 'moved first'));
      expect(await nextRead()).toEqual({ kept: ['b.yaml'], parsed: ['a1', 'a2', 'p1'] });
      const summary = await catalog.locations.refresh(locationId);
      expect(summary.errors).toMatchObject([{ rule: 'duplicate', entityRef: 'component:default/a2', source: expect.stringMatching(/a\.yaml$/) }]);
      expect(await description('a2')).toBe('moved first');
      // a.yaml has a problem: it is read (and reported) every time until it is fixed.
      expect(await nextRead()).toEqual({ kept: ['0.yaml', 'b.yaml'], parsed: ['a1', 'p1'] });
      expect((await catalog.locations.refresh(locationId)).errors).toHaveLength(1);
    });
  });
}
