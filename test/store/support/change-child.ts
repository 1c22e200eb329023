/**
 * A process that starts a catalog change (an entity, its event and its audit entry, written the way the
 * catalog writes them) and stops inside the transaction, saying so on stdout, until it is killed.
 * Environment: PAVE_DATA_DIR, or PAVE_DATABASE_URL with PAVE_DATABASE_SCHEMA.
 */
import { join } from 'node:path';
import { Store, dialectFor } from '../../../src/store/store.js';
import { EventLog } from '../../../src/store/event-log.js';
import { AuditLog } from '../../../src/store/audit-log.js';
import { upsertEntity } from '../../../src/catalog/entity-writer.js';
import { CatalogChanges } from '../../../src/catalog/catalog-changes.js';
import { moduleMigrations } from '../../../src/modules.js';

const store = await Store.open(
  dialectFor({ databaseUrl: process.env.PAVE_DATABASE_URL || undefined, databaseSchema: process.env.PAVE_DATABASE_SCHEMA || undefined, sqliteFile: join(process.env.PAVE_DATA_DIR ?? '.', 'pave.db') }),
  { migrations: moduleMigrations() },
);
const changes = new CatalogChanges(store, new EventLog(store), new AuditLog(store));
const author = { actor: 'user:default/killed' };
await store.transaction(async trx => {
  const entity = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'half-made' }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } };
  const result = await upsertEntity(trx, store.dialect, { entity, locationId: null, source: null }, new Date().toISOString());
  await changes.entitiesWritten(trx, [result.write], [result], author);
  await changes.audit(trx, author, { action: 'catalog.entity.write', entityRef: result.write.ref, after: entity });
  process.stdout.write('inside\n');
  await new Promise(() => undefined);
});
