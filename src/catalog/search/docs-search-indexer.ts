import type { Logger } from '../../core/logger.js';
import type { EventConsumer } from '../../store/event-consumers.js';
import type { PaveEvent } from '../../store/event-log.js';
import type { Store } from '../../store/store.js';
import type {} from '../catalog-tables.js'; // the tables it queries, for Kysely's types
import type { DocsService } from '../docs/docs-service.js';
import { ANNOTATION_TECHDOCS_REF } from '../docs/techdocs-site.js';
import { docsSections } from './docs-sections.js';
import { docsSearchDocument, ENTITY_SECTION } from './search-document.js';
import { advanceCatalogState } from '../catalog-state.js';

/**
 * Keeps each entity's docs in the search index, one search document per heading: it follows the event
 * log (an entity created or changed, a location read again, since its docs may have changed with no
 * change to the entity) and reads the docs as the docs routes do, confined to the entity's own tree.
 * Docs that cannot be read leave the entity without docs in search, and a log line; they never stop the
 * consumer.
 */
export class DocsSearchIndexer implements EventConsumer {
  readonly name = 'catalog.docs-search';
  readonly types = ['catalog.entity.created', 'catalog.entity.updated', 'catalog.location.refreshed'];
  readonly startAt = 'oldest';

  constructor(
    private readonly store: Store,
    private readonly docs: DocsService,
    private readonly logger?: Logger,
  ) {}

  async handle(events: readonly PaveEvent[]): Promise<void> {
    const refs = new Set<string>();
    for (const event of events) {
      if (!event.subject) continue;
      if (event.type !== 'catalog.location.refreshed') refs.add(event.subject);
      else for (const ref of await this.#refsWithDocs(event.subject.slice('location:'.length))) refs.add(ref);
    }
    for (const ref of refs) await this.index(ref);
  }

  /** Reads one entity's docs again and replaces its docs sections in the index. */
  async index(ref: string): Promise<void> {
    const row = await this.store.db.selectFrom('entities').select(['id', 'body']).where('ref', '=', ref.toLowerCase()).executeTakeFirst();
    if (!row) return;
    const annotation = (JSON.parse(row.body) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.[ANNOTATION_TECHDOCS_REF];
    let sections: ReturnType<typeof docsSections> = [];
    if (annotation?.startsWith('dir:') || annotation?.startsWith('url:')) {
      try {
        sections = (await this.docs.pages(ref)).flatMap(page => docsSections(page.path, page.markdown));
      } catch (error) {
        this.logger?.warn({ ref, err: error }, 'search: the docs of this entity could not be read, so search leaves them out');
      }
    }
    const unique = new Map(sections.map(section => [docsSearchDocument(section).section, section]));
    await this.store.transaction(async trx => {
      const removed = await trx.deleteFrom('search_documents').where('entity_id', '=', row.id).where('section', '!=', ENTITY_SECTION).executeTakeFirst();
      const values = [...unique.values()].map(section => ({ entity_id: row.id, ...docsSearchDocument(section) }));
      for (let i = 0; i < values.length; i += 500) await trx.insertInto('search_documents').values(values.slice(i, i + 500)).execute();
      // Search answers kept for the state before (state-answers.ts) may no longer hold; an entity without
      // docs before or after (most of them) changes nothing.
      if (values.length || Number(removed.numDeletedRows) > 0) await advanceCatalogState(this.store, trx);
    });
  }

  async #refsWithDocs(locationId: string): Promise<string[]> {
    const rows = await this.store.db
      .selectFrom('entities as e')
      .innerJoin('entity_search as s', 's.entity_id', 'e.id')
      .select('e.ref')
      .where('e.location_id', '=', locationId)
      .where('s.key', '=', `metadata.annotations.${ANNOTATION_TECHDOCS_REF}`)
      .execute();
    return rows.map(r => r.ref);
  }
}
