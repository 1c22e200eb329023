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
    const { sql } = await import('kysely');
    const { restitchRelations, sentBodyOf } = await import('../sent-entity.js');
    await db.schema.alterTable('entities').addColumn('sent_body', 'text', c => c.notNull().defaultTo('')).execute();
    await db.schema.alterTable('entities').addColumn('sent_relations', 'text', c => c.notNull().defaultTo('[]')).execute();
    await db.schema.alterTable('entities').addColumn('schema_ordered', 'integer', c => c.notNull().defaultTo(0)).execute();
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
      const values = rows.map(row => {
        const sent = sentBodyOf(JSON.parse(row.body), row.id, row.etag);
        return sql`(${row.id}, ${sent.sent_body}, CAST(${sent.schema_ordered} AS integer))`;
      });
      await sql`WITH v(id, sent_body, schema_ordered) AS (VALUES ${sql.join(values)})
        UPDATE entities SET sent_body = v.sent_body, schema_ordered = v.schema_ordered FROM v WHERE entities.id = v.id`.execute(db);
      await restitchRelations(db, rows.map(row => row.ref), async () => {});
      after = rows[rows.length - 1]!.id;
    }
  },
};
