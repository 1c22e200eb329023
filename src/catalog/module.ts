/** The software catalog as a Pave module: entities, locations, search and docs. */
import { defineModule, worker } from '../pave-module.js';
import { catalogConfigSection } from './catalog-config.js';
import { catalogCommands } from '../cli/catalog-commands.js';
import type { CatalogService } from './catalog-service.js';
import { catalogMigration } from './migrations/0001-catalog.js';
import { coveringSearchIndexesMigration } from './migrations/0006-covering-search-indexes.js';
import { locationProvenanceMigration } from './migrations/0018-location-provenance.js';
import { trigramSearchMigration } from './migrations/0020-trigram-search.js';
import { relationIndexesMigration } from './migrations/0026-relation-indexes.js';
import { trigramIndexMigration } from './migrations/0036-trigram-index.js';
import { locationFilesMigration } from './migrations/0038-location-files.js';
import { locationFileFingerprintMigration } from './migrations/0039-location-file-fingerprint.js';
import { sentEntitiesMigration } from './migrations/0045-sent-entities.js';
import { catalogStateMigration } from './migrations/0046-catalog-state.js';
import { noTrigramIndexMigration } from './migrations/0050-no-trigram-index.js';
import { oneSearchValueIndexMigration } from './migrations/0051-one-search-value-index.js';

export const catalogModule = defineModule({
  name: 'catalog',
  description: 'The software catalog: entities in Backstage’s format, locations and their refresh, search, docs and edits',
  requires: ['reading', 'auth'],
  config: catalogConfigSection,
  permissions: [
    { action: 'catalog.entity.read', description: 'Read entities, search them, read their docs' },
    { action: 'catalog.entity.write', description: 'Create or change an entity (in its file, repository or the store)' },
    { action: 'catalog.entity.delete', description: 'Delete an entity' },
    { action: 'catalog.entity.refresh', description: 'Refresh the location an entity comes from' },
    { action: 'catalog.entity.validate', description: 'Validate an entity without saving it' },
    { action: 'catalog.location.read', description: 'Read registered locations and their problems' },
    { action: 'catalog.location.create', description: 'Register a location (and so load what it holds), or create a Location entity' },
    { action: 'catalog.location.delete', description: 'Remove a location and its entities' },
    { action: 'catalog.location.refresh', description: 'Refresh a location on demand' },
    { action: 'catalog.membership.write', description: "Change who belongs to which group: a User's memberOf, a Group's members, children or parent" },
    { action: 'catalog.ownership.transfer', description: 'Move an existing entity to another owner' },
  ],
  eventTypes: [
    { type: 'catalog.entity.created', description: 'An entity appeared in the catalog (payload: kind, namespace, name, owner, etag)', read: { action: 'catalog.entity.read', on: 'owner' } },
    { type: 'catalog.entity.updated', description: 'An entity changed (payload: kind, namespace, name, owner, etag before and after)', read: { action: 'catalog.entity.read', on: 'owner' } },
    { type: 'catalog.entity.deleted', description: 'An entity left the catalog (payload: kind, namespace, name, owner)', read: { action: 'catalog.entity.read', on: 'owner' } },
    { type: 'catalog.location.registered', description: 'A location was registered (payload: type, target, counts)', read: { action: 'catalog.location.read' } },
    { type: 'catalog.location.refreshed', description: 'A location was read again (payload: counts of created, updated, removed entities and problems)', read: { action: 'catalog.location.read' } },
    { type: 'catalog.location.updated', description: 'A location was pointed at another target (payload: type, target, counts)', read: { action: 'catalog.location.read' } },
    { type: 'catalog.location.removed', description: 'A location and its entities were removed', read: { action: 'catalog.location.read' } },
  ],
  migrations: [catalogMigration, coveringSearchIndexesMigration, locationProvenanceMigration, trigramSearchMigration, relationIndexesMigration, trigramIndexMigration, locationFilesMigration, locationFileFingerprintMigration, sentEntitiesMigration, catalogStateMigration, noTrigramIndexMigration, oneSearchValueIndexMigration],
  create: async ({ store, queue, eventLog, audit, eventConsumers, config, logger, cwd, app }): Promise<CatalogService> => {
    const [{ CatalogService }, { DocsSearchIndexer }] = await Promise.all([import('./catalog-service.js'), import('./search/docs-search-indexer.js')]);
    const catalog = new CatalogService({ store, queue, eventLog, audit, config: config.catalog, logger, cwd, reader: app.reading });
    await catalog.prepareSearch();
    eventConsumers.register(new DocsSearchIndexer(store, catalog.docs, logger));
    return catalog;
  },
  async routes(api, catalog) {
    // Only a server warms search up (before /readyz says ready; a CLI command's app never searches that much), once
    // every plugin has started: begun while routes register, it could hold their start past Fastify's timeout.
    api.addHook('onReady', async () => catalog.warmSearch());
    const [{ catalogEntityRoutes }, { catalogLocationRoutes }, { searchRoutes }, { docsRoutes }] = await Promise.all([
      import('../api/routes/catalog-entity-routes.js'),
      import('../api/routes/catalog-location-routes.js'),
      import('../api/routes/search-routes.js'),
      import('../api/routes/docs-routes.js'),
    ]);
    await api.register(catalogEntityRoutes, { prefix: '/catalog', catalog });
    await api.register(catalogLocationRoutes, { prefix: '/catalog', catalog });
    await api.register(searchRoutes, { catalog });
    await api.register(docsRoutes, { docs: catalog.docs });
  },
  cli: ({ output, globals }) => [catalogCommands(output, globals)],
  workers: catalog => [worker('catalog.refresh', catalog.scheduler)],
  close: catalog => catalog.close(),
});
