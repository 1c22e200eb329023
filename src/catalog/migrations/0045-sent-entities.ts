import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for the import-graph rule

/**
 * The entity stored ready to send (sent-entity.ts): with its uid, etag and relations, so that a read
 * concatenates stored text instead of parsing every body, joining its relations and serialising it again.
 * Entities already stored get theirs now; later writes keep it (entity-writer.ts).
 */
export const sentEntitiesMigration: Migration = {
  name: '0045-sent-entities',
  async up(db: Kysely<any>) {
    // Loaded here, not with the module list the CLI reads at start.
    const { restitchRelations, sentBodyOf } = await import('../sent-entity.js');
    await db.schema
      .createTable('sent_entities')
      .addColumn('entity_id', 'text', c => c.primaryKey().references('entities.id').onDelete('cascade'))
      .addColumn('sent_body', 'text', c => c.notNull())
      .addColumn('sent_relations', 'text', c => c.notNull())
      .addColumn('schema_ordered', 'integer', c => c.notNull())
      .execute();
    let after = '';
    for (;;) {
      const rows: Array<{ id: string; ref: string; body: string; etag: string }> = await db
        .selectFrom('entities')
        .select(['id', 'ref', 'body', 'etag'])
        .where('id', '>', after)
        .orderBy('id')
        .limit(500)
        .execute();
      if (!rows.length) break;
      await db
        .insertInto('sent_entities')
        .values(rows.map(row => ({ entity_id: row.id, ...sentBodyOf(JSON.parse(row.body), row.body, row.id, row.etag), sent_relations: '[]' })))
        .execute();
      await restitchRelations(db, rows.map(row => row.ref), async () => {});
      after = rows[rows.length - 1]!.id;
    }
  },
};
