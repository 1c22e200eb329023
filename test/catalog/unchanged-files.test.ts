/**
 * A refresh does not parse again the files whose bytes are as it recorded them (#18: YAML parsing was a
 * quarter of an ingest and all of a refresh that changed nothing): their entities stay as stored. What a
 * full read would notice is still noticed: a changed file, a changed file named by a placeholder, an entity
 * deleted since (or while the refresh read), a ref another file now defines first, a placeholder however its key
 * is written, a change of Pave's catalog settings. On SQLite and PostgreSQL.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { readLocation } from '../../src/catalog/ingest/read-location.js';
import { skippableFiles } from '../../src/catalog/location-files.js';
import { ingestionFingerprint } from '../../src/catalog/ingestion-fingerprint.js';
import { builtinKindPolicies, createKindRegistry } from '../../src/catalog/model/index.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';
import { catalogServiceOver } from '../support/catalog-service.js';

const component = (name: string, description: unknown) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n  description: ${typeof description === 'string' ? description : JSON.stringify(description)}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

await catalogOnEachStore('refresh skips unchanged files', { folder: 'pave-unchanged-' }, on => {
  let locationId: string;
  const write = (file: string, text: string) => writeFileSync(join(on.dir, file), text);
  const description = async (name: string) => (await on.catalog.entities.byRef(`component:default/${name}`))?.metadata.description;
  /** The files a read with the recorded digests skips, and the refs it parsed. */
  const nextRead = async () => {
    const content = await readLocation({ type: 'file', target: join(on.dir, '*.yaml') }, { allowedRoots: [], maxDocumentBytes: 1 << 20, maxFileBytes: 1 << 20, skip: await skippableFiles(on.store.db, locationId, ingestionFingerprint(defaultConfig().catalog)) });
    return { kept: content.kept.map(file => file.source.replace(/.*\//, '')).sort(), parsed: content.entities.map(e => e.entity.metadata.name).sort() };
  };

  const catalogWith = (config = defaultConfig().catalog) =>
    catalogServiceOver(on.store, config);
  /** A location of its own in a sub-folder of `dir` (which the reads above do not glob). */
  const register = async (folder: string, files: Record<string, string>) => {
    mkdirSync(join(on.dir, folder));
    for (const [file, text] of Object.entries(files)) write(join(folder, file), text);
    return (await on.catalog.locations.register({ type: 'file', target: join(on.dir, folder, '*.yaml') })).location.id;
  };

  /** Starts recording the rows written to location_files, by a trigger of the database itself: what was written since, by operation. */
  const recordFileWrites = async () => {
    const db = on.store.db;
    await sql`CREATE TABLE test_file_writes (op TEXT NOT NULL, source TEXT NOT NULL)`.execute(db);
    if (on.store.dialect === 'sqlite') {
      for (const [op, row] of [['INSERT', 'NEW'], ['UPDATE', 'NEW'], ['DELETE', 'OLD']] as const) {
        await sql`CREATE TRIGGER ${sql.raw(`test_file_${op.toLowerCase()}`)} AFTER ${sql.raw(op)} ON location_files BEGIN INSERT INTO test_file_writes VALUES (${sql.lit(op)}, ${sql.raw(row)}.source); END`.execute(db);
      }
    } else {
      await sql`CREATE FUNCTION test_file_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
        INSERT INTO test_file_writes VALUES (TG_OP, CASE WHEN TG_OP = 'DELETE' THEN OLD.source ELSE NEW.source END); RETURN NULL; END $$`.execute(db);
      await sql`CREATE TRIGGER test_file_write AFTER INSERT OR UPDATE OR DELETE ON location_files FOR EACH ROW EXECUTE FUNCTION test_file_write()`.execute(db);
    }
    return {
      async since() {
        const { rows } = await sql<{ op: string; source: string }>`SELECT op, source FROM test_file_writes`.execute(db);
        await sql`DELETE FROM test_file_writes`.execute(db);
        return rows.map(row => `${row.op} ${row.source.replace(/.*\//, '')}`).sort();
      },
    };
  };

  beforeAll(async () => {
    write('a.yaml', `${component('a1', 'first')}---\n${component('a2', 'second')}`);
    write('b.yaml', component('b1', 'plain'));
    write('p.yaml', component('p1', { $text: './p.txt' }));
    write('p.txt', 'from the text file');
    const registered = await on.catalog.locations.register({ type: 'file', target: join(on.dir, '*.yaml') });
    locationId = registered.location.id;
  });

  it('keeps the unchanged files unparsed (not the one with a placeholder) and reports their entities unchanged', async () => {
    expect(await nextRead()).toEqual({ kept: ['a.yaml', 'b.yaml'], parsed: ['p1'] });
    const summary = await on.catalog.locations.refresh(locationId);
    expect(summary).toMatchObject({ created: 0, updated: 0, unchanged: 4, removed: 0, errors: [] });
    expect(await description('a2')).toBe('second');
  });

  it('reads a changed file, and a file whose placeholder names a changed file', async () => {
    write('b.yaml', component('b1', 'changed'));
    write('p.txt', 'the text file changed');
    expect(await nextRead()).toEqual({ kept: ['a.yaml'], parsed: ['b1', 'p1'] });
    expect(await on.catalog.locations.refresh(locationId)).toMatchObject({ created: 0, updated: 2, unchanged: 2, removed: 0 });
    expect(await description('b1')).toBe('changed');
    expect(await description('p1')).toBe('the text file changed');
    expect(await description('a1')).toBe('first');
  });

  it('reads an unchanged file again when one of its entities was deleted since', async () => {
    const a1 = await on.catalog.entities.byRef('component:default/a1');
    await on.catalog.deleteByUid(a1!.metadata.uid!);
    expect((await nextRead()).kept).toEqual(['b.yaml']);
    expect(await on.catalog.locations.refresh(locationId)).toMatchObject({ created: 1, updated: 0, unchanged: 3 });
    expect(await description('a1')).toBe('first');
  });

  it('reads an unchanged file again when a file read before it now defines one of its refs', async () => {
    write('0.yaml', component('a2', 'moved first'));
    expect(await nextRead()).toEqual({ kept: ['b.yaml'], parsed: ['a1', 'a2', 'p1'] });
    const summary = await on.catalog.locations.refresh(locationId);
    expect(summary.errors).toMatchObject([{ rule: 'duplicate', entityRef: 'component:default/a2', source: expect.stringMatching(/a\.yaml$/) }]);
    expect(await description('a2')).toBe('moved first');
    // a.yaml has a problem: it is read (and reported) every time until it is fixed.
    expect(await nextRead()).toEqual({ kept: ['0.yaml', 'b.yaml'], parsed: ['a1', 'p1'] });
    expect((await on.catalog.locations.refresh(locationId)).errors).toHaveLength(1);
  });

  it('reads again an unchanged file whose entity was deleted while the refresh read it', async () => {
    const b1 = await on.catalog.entities.byRef('component:default/b1');
    expect((await nextRead()).kept).toContain('b.yaml');
    let deleted = false;
    const summary = await on.catalog.locations.refresh(locationId, {
      // Awaited by the read: the entity goes once b.yaml was kept and before the refresh writes.
      onFile: async source => {
        if (deleted || !source.endsWith('/b.yaml')) return;
        deleted = true;
        await on.catalog.deleteByUid(b1!.metadata.uid!);
      },
    });
    expect(deleted).toBe(true);
    expect(summary).toMatchObject({ created: 1 });
    expect(await description('b1')).toBe('changed');
  });

  it('reads a placeholder written with a YAML escape again, so a change of the file it names is seen', async () => {
    const id = await register('escaped', { 'e.yaml': component('e1', '{ "\\u0024text": ./e.txt }'), 'e.txt': 'one' });
    expect(await description('e1')).toBe('one');
    write('escaped/e.txt', 'two');
    await on.catalog.locations.refresh(id);
    expect(await description('e1')).toBe('two');
  });

  it('reads unchanged files again when the catalog settings they were read under changed', async () => {
    const id = await register('limits', { 'l.yaml': component('l1', 'x'.repeat(2000)) });
    expect(await on.catalog.locations.refresh(id)).toMatchObject({ unchanged: 1, errors: [] });
    const stricter = catalogWith({ ...defaultConfig().catalog, maxDocumentBytes: 1000 });
    const summary = await stricter.locations.refresh(id);
    expect(summary.errors).toMatchObject([{ source: expect.stringMatching(/l\.yaml$/) }]);
    expect(await description('l1')).toBeUndefined();
  });

  it('writes only the recorded files that changed: one row for one changed file of several', async () => {
    const id = await register('several', { 'f1.yaml': component('f1', 'one'), 'f2.yaml': component('f2', 'two'), 'f3.yaml': component('f3', 'three'), 'f4.yaml': component('f4', 'four') });
    const writes = await recordFileWrites();
    write('several/f2.yaml', component('f2', 'two, changed'));
    expect(await on.catalog.locations.refresh(id)).toMatchObject({ updated: 1, unchanged: 3, errors: [] });
    expect(await writes.since()).toEqual(['UPDATE f2.yaml']);
    expect(await on.catalog.locations.refresh(id)).toMatchObject({ unchanged: 4 });
    expect(await writes.since()).toEqual([]);
    // A file gone loses its row, a new one gains one, and a file with a problem is no longer recorded.
    rmSync(join(on.dir, 'several/f1.yaml'));
    write('several/f5.yaml', component('f5', 'five'));
    write('several/f3.yaml', 'kind: [');
    await on.catalog.locations.refresh(id);
    expect(await writes.since()).toEqual(['DELETE f1.yaml', 'DELETE f3.yaml', 'INSERT f5.yaml']);
    const recorded = await skippableFiles(on.store.db, id, ingestionFingerprint(defaultConfig().catalog));
    expect([...recorded.keys()].map(source => source.replace(/.*\//, '')).sort()).toEqual(['f2.yaml', 'f4.yaml', 'f5.yaml']);
  });

  it('fingerprints ingestion by the catalog settings and the kinds Pave validates', () => {
    const config = defaultConfig().catalog;
    const all = ingestionFingerprint(config, createKindRegistry(builtinKindPolicies));
    expect(ingestionFingerprint({ ...config }, createKindRegistry(builtinKindPolicies))).toBe(all);
    expect(ingestionFingerprint({ ...config, maxFileBytes: 1 }, createKindRegistry(builtinKindPolicies))).not.toBe(all);
    expect(ingestionFingerprint(config, createKindRegistry(builtinKindPolicies.slice(1)))).not.toBe(all);
  });
});
