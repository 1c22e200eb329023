/**
 * The documents DocumentWords gives a ranking stay its state's: a ranking spans several turns of the event loop
 * (one at a time, in slices), and a newer state may be held meanwhile. A newer state's sections come in new arrays,
 * in row-id order, whether many are added, removed, or both at once. PostgreSQL only (SQLite holds none).
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { DocumentWords } from '../../src/catalog/search/document-words.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

/** Section anchors of what `documents` answered, in its order. */
const anchors = (documents: ReadonlyArray<{ section: string }> | undefined) => (documents ?? []).map(document => document.section.replace(/^docs:guide\.md#/, ''));

await catalogOnEachStore('held documents handed to a ranking', { only: 'postgres' }, on => {
  it('never change once handed out, as newer states add and remove sections', async () => {
    const saved = await on.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'guide' }, spec: { type: 'website', lifecycle: 'production', owner: 'team-a' } });
    const entityId = saved.entity.metadata.uid as string;
    const db = on.store.db;
    const state = async () => Number((await sql<{ version: string }>`SELECT version FROM catalog_state WHERE name = 'catalog'`.execute(db)).rows[0]!.version);
    const newState = () => sql`UPDATE catalog_state SET version = version + 1 WHERE name = 'catalog'`.execute(db);
    const addSections = (from: number, to: number) =>
      sql`INSERT INTO search_documents (entity_id, section, title, name, description, owner, body)
        SELECT ${entityId}, 'docs:guide.md#s' || n, 'Section ' || n, '', '', '', 'how to do thing ' || n FROM generate_series(${from}::int, ${to}::int) AS n`.execute(db);
    const words = new DocumentWords(on.store);

    await addSections(1, 300);
    await newState();
    await words.hold(await state());
    const first = words.documents(entityId)!;
    const firstAnchors = anchors(first);
    expect(firstAnchors).toEqual(['', ...Array.from({ length: 300 }, (_, i) => `s${i + 1}`)]);

    // Sections added and others gone in one newer state, then only added: the first array is as it was.
    await addSections(301, 600);
    await sql`DELETE FROM search_documents WHERE section IN ('docs:guide.md#s2', 'docs:guide.md#s150')`.execute(db);
    await newState();
    await words.hold(await state());
    const second = words.documents(entityId)!;
    await addSections(601, 610);
    await newState();
    await words.hold(await state());

    expect(anchors(first)).toEqual(firstAnchors);
    const kept = Array.from({ length: 600 }, (_, i) => `s${i + 1}`).filter(anchor => anchor !== 's2' && anchor !== 's150');
    expect(anchors(second)).toEqual(['', ...kept]);
    expect(anchors(words.documents(entityId))).toEqual(['', ...kept, ...Array.from({ length: 10 }, (_, i) => `s${601 + i}`)]);
  });
});
