/**
 * The entity stored ready to send (sent-entity.ts) stays what reading it afresh gives — the body parsed, its
 * uid and etag added, its relations joined from the relations table — for every entity after every kind of
 * write: a location's first load, API-saved entities (one named as owner before it existed), a refresh that
 * changes an owner, a deletion by uid, an entity gone from its file, the removal of a location, and the
 * migration that fills it for entities stored before it. Inverse relations change entities nobody wrote.
 * And what is marked as in by-name's schema order is what Fastify writes under that schema. SQLite and PostgreSQL.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { beforeAll, expect, it } from 'vitest';
import type { Entity, EntityRelation } from '../../src/core/entity.js';
import { parseEntityRef } from '../../src/core/entity-ref.js';
import { sentEntitiesMigration } from '../../src/catalog/migrations/0045-sent-entities.js';
import { sentJson } from '../../src/catalog/sent-entity.js';
import { EntitySchema } from '../../src/api/schemas.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

const group = (name: string, parent?: string) =>
  `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\nspec:\n  type: team\n  children: []\n${parent ? `  parent: ${parent}\n` : ''}`;
const component = (name: string, owner: string, extra = '') =>
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\nspec:\n  type: service\n  lifecycle: production\n  owner: ${owner}\n${extra}`;
const files = (owner: string, withApi: boolean) => ({
  'groups.yaml': [group('team-a'), group('team-b', 'team-a'), `apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: ada\nspec:\n  memberOf: [team-a]\n`].join('---\n'),
  'software.yaml': [
    `apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: shop\nspec:\n  owner: team-a\n`,
    component('c1', owner, '  system: shop\n  providesApis: [api1]\n'),
    component('c2', 'team-c'),
    // Refs written oddly (case, another namespace, dots, non-ASCII, a colon in the name), the same target twice.
    component('c3', 'Group:Team-A', '  dependsOn: [resource:Other-NS/db.x, component:c1, Component:default/C1, resource:ns/naïve:ü]\n  consumesApis: [api1, other/api-ü]\n'),
    // Keys out of by-name's schema order: kind first, namespace before name, a status.
    `kind: Component\napiVersion: backstage.io/v1alpha1\nmetadata:\n  namespace: default\n  name: odd\nspec:\n  type: service\n  lifecycle: experimental\n  owner: team-b\nstatus:\n  items: []\n`,
    ...(withApi ? [`apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: api1\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-b\n  definition: "{}"\n`] : []),
  ].join('---\n'),
});

await catalogOnEachStore('entities stored ready to send', { folder: 'pave-sent-' }, on => {
  let locationId: string;
  const writeFiles = (content: Record<string, string>) => Object.entries(content).forEach(([file, text]) => writeFileSync(join(on.dir, file), text));

  /** Every entity as reading it afresh gives it (what the reader did before it was stored ready to send), by ref. */
  const fresh = async (): Promise<Record<string, string>> => {
    const db = on.store.db;
    const out: Record<string, string> = {};
    for (const row of await db.selectFrom('entities').select(['id', 'ref', 'body', 'etag']).execute()) {
      const relations: EntityRelation[] = [];
      const found = await db.selectFrom('relations').select(['type', 'target_ref']).where('source_ref', '=', row.ref).orderBy('type').orderBy('target_ref').execute();
      for (const r of found) {
        if (!relations.some(x => x.type === r.type && x.targetRef === r.target_ref)) relations.push({ type: r.type, targetRef: r.target_ref, target: parseEntityRef(r.target_ref) });
      }
      const entity = JSON.parse(row.body) as Entity;
      entity.metadata = { ...entity.metadata, uid: row.id, etag: row.etag };
      entity.relations = relations;
      out[row.ref] = JSON.stringify(entity);
    }
    return out;
  };
  /** Every entity as stored ready to send, by ref (one sent row for each entity, and none for what is gone). */
  const stored = async (): Promise<Record<string, string>> => {
    const db = on.store.db;
    const rows = await db.selectFrom('entities as e').leftJoin('sent_entities as s', 's.entity_id', 'e.id').select(['e.ref', 's.sent_body', 's.sent_relations']).execute();
    const { n } = await db.selectFrom('sent_entities').select(eb => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n)).toBe(rows.length);
    return Object.fromEntries(rows.map(row => [row.ref, row.sent_body === null ? 'missing' : sentJson({ sent_body: row.sent_body, sent_relations: row.sent_relations! })]));
  };
  const sentRows = () => on.store.db.selectFrom('entities as e').innerJoin('sent_entities as s', 's.entity_id', 'e.id').select(['e.ref', 's.sent_body', 's.sent_relations', 's.schema_ordered']).execute();
  const expectConsistent = async () => {
    const expected = await fresh();
    expect(await stored()).toEqual(expected);
    return expected;
  };
  const relationsOf = (all: Record<string, string>, ref: string) => (JSON.parse(all[ref]!) as Entity).relations!.map(r => `${r.type} ${r.targetRef}`);

  beforeAll(async () => {
    writeFiles(files('team-a', true));
    locationId = (await on.catalog.locations.register({ type: 'file', target: join(on.dir, '*.yaml') })).location.id;
  });

  it('holds every entity of a first load with the relations other entities gave it', async () => {
    const all = await expectConsistent();
    expect(relationsOf(all, 'group:default/team-a')).toEqual(expect.arrayContaining(['ownerOf component:default/c1', 'parentOf group:default/team-b', 'hasMember user:default/ada']));
    expect(relationsOf(all, 'api:default/api1')).toContain('apiProvidedBy component:default/c1');
    // Ordered by type and then target by UTF-16 code units, each once, refs in their canonical form.
    expect(relationsOf(all, 'component:default/c3')).toEqual([
      'consumesApi api:default/api1',
      'consumesApi api:other/api-ü',
      'dependsOn component:default/c1',
      'dependsOn resource:ns/naïve:ü',
      'dependsOn resource:other-ns/db.x',
      'ownedBy group:default/team-a',
    ]);
    expect(relationsOf(all, 'component:default/c1')).toContain('dependencyOf component:default/c3');
  });

  it('follows API-saved entities, a refresh that moves an owner, a deletion and an entity gone from its file', async () => {
    // team-c is named by c2 before it exists: saved later, it has c2's ownerOf at once.
    await on.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'team-c' }, spec: { type: 'team', children: [] } });
    const saved = await on.catalog.saveEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'saved' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-b', dependsOn: ['component:c1'] } });
    let all = await expectConsistent();
    expect(relationsOf(all, 'group:default/team-c')).toEqual(['ownerOf component:default/c2']);
    expect(relationsOf(all, 'component:default/c1')).toContain('dependencyOf component:default/saved');

    writeFiles(files('team-b', true));
    await on.catalog.locations.refresh(locationId);
    all = await expectConsistent();
    expect(relationsOf(all, 'group:default/team-a')).not.toContain('ownerOf component:default/c1');
    expect(relationsOf(all, 'group:default/team-b')).toContain('ownerOf component:default/c1');

    await on.catalog.deleteByUid(saved.entity.metadata.uid!);
    all = await expectConsistent();
    expect(relationsOf(all, 'component:default/c1')).not.toContain('dependencyOf component:default/saved');

    writeFiles(files('team-b', false));
    await on.catalog.locations.refresh(locationId);
    all = await expectConsistent();
    expect(all['api:default/api1']).toBeUndefined();
    expect(relationsOf(all, 'group:default/team-b')).not.toContain('ownerOf api:default/api1');
  });

  it('marks as in schema order only what Fastify writes, key for key, under by-name’s schema', async () => {
    const server = Fastify();
    server.post('/', { schema: { response: { 200: EntitySchema } } }, request => request.body as Entity);
    const rows = await sentRows();
    expect(rows.find(row => row.ref === 'component:default/odd')?.schema_ordered).toBe(0);
    expect(rows.filter(row => row.schema_ordered === 1).length).toBeGreaterThan(5);
    for (const row of rows.filter(row => row.schema_ordered === 1)) {
      const json = sentJson(row);
      expect((await server.inject({ method: 'POST', url: '/', payload: JSON.parse(json) as object })).body).toBe(json);
    }
    await server.close();
  });

  it('follows the removal of a location: what remains loses the relations its entities gave', async () => {
    await on.catalog.locations.remove(locationId);
    const all = await expectConsistent();
    expect(Object.keys(all)).toEqual(['group:default/team-c']);
    expect(relationsOf(all, 'group:default/team-c')).toEqual([]);
  });

  it('is filled by its migration for entities stored before it', async () => {
    writeFiles(files('team-a', true));
    await on.catalog.locations.register({ type: 'file', target: join(on.dir, '*.yaml') });
    const before = await expectConsistent();
    await sql`DROP TABLE sent_entities`.execute(on.store.db);
    await sentEntitiesMigration.up(on.store.db, on.store.dialect);
    expect(await stored()).toEqual(before);
    expect((await sentRows()).find(row => row.ref === 'group:default/team-a')?.schema_ordered).toBe(1);
  });
});
