import { DEFAULT_NAMESPACE } from '../core/entity.js';
import type { Db, Store } from '../store/store.js';
import type { EventLog, NewEvent } from '../store/event-log.js';
import { principalOf, type AuditLog, type AuditRecordInput, type ChangeAuthor } from '../store/audit-log.js';
import type { DeletedEntity, PreparedWrite, WriteResult } from './entity-writer.js';
import { advanceCatalogState } from './catalog-state.js';

/** An audit entry a catalog change records, without who (the author gives that). */
export type CatalogAuditEntry = Omit<AuditRecordInput, 'actor' | 'context'>;

/**
 * How the catalog records its changes as facts, in the transaction that makes them: one event per entity
 * created, updated or deleted (`catalog.entity.*`: kind, namespace, name, owner and etags, never the
 * entity), events for locations, and — when someone asked for the change — its one audit entry. Recording a
 * change also advances the catalog's state version (catalog-state.ts), so answers kept for the state before it
 * are not served again on any replica (location events alone do not: no kept answer depends on them).
 * @example
 *   await store.transaction(async trx => {
 *     const result = await upsertEntity(trx, dialect, write, now);
 *     await changes.entitiesWritten(trx, [result.write], [result], author);
 *     await changes.audit(trx, author, { action: 'catalog.entity.write', entityRef: result.write.ref });
 *   });
 */
export class CatalogChanges {
  readonly #store: Store;
  readonly #events: EventLog;
  readonly #audit: AuditLog;

  constructor(store: Store, events: EventLog, audit: AuditLog) {
    this.#store = store;
    this.#events = events;
    this.#audit = audit;
  }

  /** Events for the writes that changed something (`results` in the order of `writes`). */
  async entitiesWritten(db: Db, writes: readonly PreparedWrite[], results: readonly WriteResult[], author?: ChangeAuthor): Promise<void> {
    const changed = results.reduce((n, result, i) => (i < writes.length && result.outcome !== 'unchanged' ? n + 1 : n), 0);
    await this.#record(db, changed, this.#writtenEvents(writes, results, author), { entities: true });
  }

  /** The events of `entitiesWritten`, made one at a time as the log inserts them: a refresh's are never all held. */
  *#writtenEvents(writes: readonly PreparedWrite[], results: readonly WriteResult[], author: ChangeAuthor | undefined): Generator<NewEvent> {
    for (const [i, write] of writes.entries()) {
      const result = results[i];
      if (!result || result.outcome === 'unchanged') continue;
      const { entity } = write;
      const owner = entity.spec?.owner;
      yield {
        type: result.outcome === 'created' ? 'catalog.entity.created' : 'catalog.entity.updated',
        subject: write.ref,
        ...actorOf(author),
        payload: {
          kind: entity.kind,
          namespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
          name: entity.metadata.name,
          ...(typeof owner === 'string' ? { owner } : {}),
          etag: write.etag,
          ...(result.previousEtag ? { previousEtag: result.previousEtag } : {}),
        },
      };
    }
  }

  /** Events for entities removed. */
  async entitiesDeleted(db: Db, deleted: readonly DeletedEntity[], author?: ChangeAuthor): Promise<void> {
    await this.#record(
      db,
      deleted.length,
      deleted.map(entity => ({
        type: 'catalog.entity.deleted',
        subject: entity.ref,
        ...actorOf(author),
        payload: { kind: entity.kind, namespace: entity.namespace, name: entity.name, ...(entity.owner ? { owner: entity.owner } : {}), etag: entity.etag },
      })),
      { entities: true },
    );
  }

  /** One more event (a location's), stamped with the author when there is one. Entities are not changed by it: the state version stays. */
  async event(db: Db, event: NewEvent, author?: ChangeAuthor): Promise<void> {
    await this.#record(db, 1, [{ ...event, ...actorOf(author) }], { entities: false });
  }

  /**
   * Appends the `count` events of a change in the change's transaction `db`, and, when entities changed, a new state
   * version with it; nothing when nothing changed (a refresh that changed nothing keeps every answer kept).
   */
  async #record(db: Db, count: number, events: Iterable<NewEvent>, changed: { entities: boolean }): Promise<void> {
    if (!count) return;
    await this.#events.appendEach(db, count, events);
    if (changed.entities) await advanceCatalogState(this.#store, db);
  }

  /** The change's audit entry, when someone asked for it (work nobody asked for is not audited). */
  async audit(db: Db, author: ChangeAuthor | undefined, entry: CatalogAuditEntry): Promise<void> {
    if (author) await this.#audit.record({ ...entry, actor: author.actor, ...(author.context ? { context: author.context } : {}) }, db);
  }
}

function actorOf(author: ChangeAuthor | undefined): { actor?: string } {
  return author ? { actor: principalOf(author.actor) } : {};
}
