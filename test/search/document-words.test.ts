/**
 * On PostgreSQL, search's candidates come from the search documents' words held in memory
 * (src/catalog/search/document-words.ts), not from a query per search. They must be exactly the entities,
 * in exactly the order, that the database's own test gives — each document by how many of the patterns its
 * `search_text` holds as substrings, each entity by its best document, then by id, the first `limit` — in
 * every catalog state: after entities are created, changed and deleted (the held words follow the
 * database, including when most of what they held is gone), and for a reader who sees only some entities.
 * The documents themselves, held for ranking, are each entity's rows as the database has them, by row id.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocumentWords } from '../../src/catalog/search/document-words.js';
import { CatalogState } from '../../src/catalog/catalog-state.js';
import { entityScopeSql, type EntityScope } from '../../src/catalog/query/entity-scope.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';

const pg = await postgresFactory();

/** Patterns as searches make them: words' trigrams, and short words alone. */
const PATTERN_SETS = [['pay', 'aym', 'yme', 'men', 'ent', 'nts'], ['ser', 'erv', 'rvi', 'vic', 'ice'], ['ent'], ['wom', 'omb', 'mba', 'bat'], ['ab'], ['x'], ['zzz'], ['tea', 'eam', 'wom']];
const COMPONENTS_ONLY: EntityScope = { type: 'some', allow: [[{ on: 'kind', anyOf: ['component'] }]], deny: [] };

describe.skipIf(Boolean(pg.unavailable))('search candidates from the words held in memory (PostgreSQL)', { timeout: 120_000 }, () => {
  let pave: RunningPave;
  let schema: string;

  beforeAll(async () => {
    schema = `pave_words_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    pave = await startPave({ demo: true, config: { databaseUrl: POSTGRES_URL, databaseSchema: schema } });
  });
  afterAll(async () => {
    await pave?.close();
    await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
  });

  /** The database's answer: what search asked PostgreSQL for before the words were held. */
  const fromDatabase = async (patterns: string[], limit: number, scope?: EntityScope) => {
    const has = (pattern: string) => sql`d.search_text LIKE ${`%${pattern}%`}`;
    const { rows } = await sql<{ entity_id: string }>`
      SELECT d.entity_id FROM search_documents d JOIN entities e ON e.id = d.entity_id
      WHERE (${sql.join(patterns.map(has), sql` OR `)}) AND ${entityScopeSql(scope ?? { type: 'all' })}
      GROUP BY d.entity_id ORDER BY max(${sql.join(patterns.map(p => sql`CASE WHEN ${has(p)} THEN 1 ELSE 0 END`), sql` + `)}) DESC, d.entity_id LIMIT ${limit}`.execute(pave.app.store.reads);
    return rows.map(row => row.entity_id);
  };
  const inScope = (scope: EntityScope) => async (ids: string[]) => {
    const { rows } = await sql<{ id: string }>`SELECT e.id FROM entities e WHERE e.id IN (${sql.join(ids)}) AND ${entityScopeSql(scope)}`.execute(pave.app.store.reads);
    const seen = new Set(rows.map(row => row.id));
    return ids.filter(id => seen.has(id));
  };
  const expectSameAsDatabase = async (words: DocumentWords) => {
    const version = await new CatalogState(pave.app.store).version();
    for (const patterns of PATTERN_SETS) {
      for (const limit of [3, 500]) {
        expect(await words.candidates(version, patterns, limit), `${patterns} limit ${limit}`).toEqual(await fromDatabase(patterns, limit));
        expect(await words.candidates(version, patterns, limit, inScope(COMPONENTS_ONLY)), `${patterns} limit ${limit}, components only`).toEqual(await fromDatabase(patterns, limit, COMPONENTS_ONLY));
      }
    }
    const documents = await pave.app.store.reads.selectFrom('search_documents').select(['entity_id', 'section', 'title', 'name', 'description', 'owner', 'body']).orderBy('id').execute();
    const byEntity = new Map<string, unknown[]>();
    for (const { entity_id, ...document } of documents) byEntity.set(entity_id, [...(byEntity.get(entity_id) ?? []), document]);
    const held = new Map([...byEntity.keys(), ...removed].map(id => [id, words.documents(id)!.map(({ section, title, name, description, owner, body }) => ({ section, title, name, description, owner, body }))]));
    expect(held).toEqual(new Map<string, unknown[]>([...byEntity, ...[...removed].filter(id => !byEntity.has(id)).map((id): [string, unknown[]] => [id, []])]));
  };
  const component = (name: string, description: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name, description }, spec: { type: 'service', lifecycle: 'production', owner: 'payments-team' } });

  /** Entities deleted: none of their documents may be held. */
  const removed = new Set<string>();

  it('finds what the database finds, in its order, as the catalog changes', async () => {
    const words = new DocumentWords(pave.app.store);
    expect((await fromDatabase(['ent'], 500)).length).toBeGreaterThan(10);
    await expectSameAsDatabase(words);

    // Created: new words (and a new best document for an entity), changed: words gone and come.
    for (let i = 0; i < 30; i++) await pave.app.catalog.saveEntity(component(`wombat-${i}`, `wombat payments ${i}`));
    await expectSameAsDatabase(words);
    for (let i = 0; i < 30; i += 2) await pave.app.catalog.saveEntity(component(`wombat-${i}`, `tea kettle ${i}`));
    await expectSameAsDatabase(words);

    // Deleted: most of what is held goes (the held words are compacted), then more come.
    const held = words.heldWords;
    const { rows } = await sql<{ id: string }>`SELECT id FROM entities WHERE ref LIKE 'component:%' OR ref LIKE 'api:%'`.execute(pave.app.store.reads);
    for (const { id } of rows) await pave.app.catalog.deleteByUid(id);
    for (const { id } of rows) removed.add(id);
    expect(await fromDatabase(['wom', 'omb'], 500)).toEqual([]);
    await expectSameAsDatabase(words);
    // The words only the deleted entities held are forgotten with their documents.
    expect(words.heldWords).toBeLessThan(held);
    for (let i = 0; i < 5; i++) await pave.app.catalog.saveEntity(component(`wombat-again-${i}`, `payments ${i}`));
    await expectSameAsDatabase(words);
  });
});
