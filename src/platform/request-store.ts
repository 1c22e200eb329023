import { sql, type Selectable } from 'kysely';
import type { Db, Store } from '../store/store.js';
import type { PlatformRequestsTable } from './platform-tables.js';
import { dependencyNames } from './model/references.js';
import { ANNOTATION_CAPABILITY_VERSION, type RequestEntity, type RequestStatus, type StoredRequest } from './model/types.js';
import type { RequestApproval } from './model/request-approval.js';
import type { RequestGitOps } from './model/gitops-health.js';

/**
 * The rows behind requests: the submitted document (changed only by apply, which bumps the generation)
 * and the status (changed only by the reconciler), kept in separate columns so neither overwrites the other.
 * Writes take the transaction of the change they belong to (its audit entry and events go in the same one).
 */
export class RequestStore {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async byName(namespace: string, name: string, db: Db = this.#store.db): Promise<StoredRequest | undefined> {
    const row = await db.selectFrom('platform_requests').selectAll().where('namespace', '=', namespace).where('name', '=', name).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  async byId(id: string, db: Db = this.#store.db): Promise<StoredRequest | undefined> {
    const row = await db.selectFrom('platform_requests').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  /**
   * Reads a request in `trx` and, on PostgreSQL, holds its row until `trx` ends: another replica's read-modify-write
   * of the same row waits and then reads what this one wrote (SQLite runs one writing transaction at a time).
   */
  async lockedById(trx: Db, id: string): Promise<StoredRequest | undefined> {
    const query = trx.selectFrom('platform_requests').selectAll().where('id', '=', id);
    const row = await (this.#store.dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row ? toStored(row) : undefined;
  }

  /** The requests with files placed in one of these destinations (by the deliveries of their status). */
  async deliveredTo(destinations: readonly string[], db: Db = this.#store.db): Promise<StoredRequest[]> {
    if (!destinations.length) return [];
    const ids = db.selectFrom('platform_request_deliveries').select('request_id').where('destination', 'in', destinations);
    const rows = await db.selectFrom('platform_requests').selectAll().where('id', 'in', ids).orderBy('namespace').orderBy('name').execute();
    return rows.map(toStored);
  }

  async list(filter: { namespace?: string; kind?: string; capability?: string; owner?: string } = {}, db: Db = this.#store.db): Promise<StoredRequest[]> {
    let query = db.selectFrom('platform_requests').selectAll();
    if (filter.namespace) query = query.where('namespace', '=', filter.namespace);
    if (filter.owner) query = query.where('owner', '=', filter.owner);
    if (filter.kind) query = query.where('kind', '=', filter.kind);
    if (filter.capability) query = query.where('capability', '=', filter.capability);
    const rows = await query.orderBy('namespace').orderBy('name').execute();
    return rows.map(toStored);
  }

  async insert(db: Db, request: StoredRequest): Promise<void> {
    await db
      .insertInto('platform_requests')
      .values({
        id: request.id,
        namespace: request.namespace,
        name: request.name,
        api_version: request.apiVersion,
        kind: request.kind,
        capability: request.capability,
        pinned_version: request.pinnedVersion ?? null,
        generation: request.generation,
        body: JSON.stringify(request.entity),
        status: JSON.stringify(request.status),
        deleting_since: null,
        owner: request.owner ?? null,
        approval: request.approval ? JSON.stringify(request.approval) : null,
        expires_at: request.expiresAt ?? null,
        created_at: request.createdAt,
        updated_at: request.updatedAt,
      })
      .execute();
    await this.#setDeliveries(db, request.id, request.status);
  }

  /**
   * Stores a new version of the submitted document; the generation goes up by one. `owner` is stored
   * only where the row has none yet (rows from before owners were kept): an owner never changes.
   */
  async updateDocument(db: Db, id: string, entity: RequestEntity, values: { apiVersion: string; pinnedVersion?: string; owner: string; approval?: RequestApproval; now: string }): Promise<number> {
    const row = await db
      .updateTable('platform_requests')
      .set(eb => ({
        body: JSON.stringify(entity),
        api_version: values.apiVersion,
        pinned_version: values.pinnedVersion ?? null,
        generation: eb('generation', '+', 1),
        owner: eb.fn.coalesce('owner', eb.val(values.owner)),
        approval: values.approval ? JSON.stringify(values.approval) : null,
        updated_at: values.now,
      }))
      .where('id', '=', id)
      .returning('generation')
      .executeTakeFirstOrThrow();
    return row.generation;
  }

  /**
   * Points the requests of a team's capability that carry no version pin of their own at the version channel
   * of the team's binding (undefined: the newest); the ids of those that changed, to reconcile.
   */
  async followChannel(db: Db, target: { owner: string; capability: string; channel: string | undefined }): Promise<string[]> {
    const rows = await db.selectFrom('platform_requests').select(['id', 'body', 'pinned_version']).where('owner', '=', target.owner).where('capability', '=', target.capability).execute();
    const moved = rows
      .filter(row => (JSON.parse(row.body) as RequestEntity).metadata.annotations?.[ANNOTATION_CAPABILITY_VERSION] === undefined)
      .filter(row => (row.pinned_version ?? undefined) !== target.channel)
      .map(row => row.id);
    if (moved.length) await db.updateTable('platform_requests').set({ pinned_version: target.channel ?? null }).where('id', 'in', moved).execute();
    return moved;
  }

  async updateStatus(db: Db, id: string, status: RequestStatus): Promise<void> {
    await db.updateTable('platform_requests').set({ status: JSON.stringify(status) }).where('id', '=', id).execute();
    await this.#setDeliveries(db, id, status);
  }

  /** Keeps the status's deliveries as rows of their own (what GitOps reports are looked up by). */
  async #setDeliveries(db: Db, id: string, status: RequestStatus): Promise<void> {
    await db.deleteFrom('platform_request_deliveries').where('request_id', '=', id).execute();
    const unique = [...new Map(status.deliveries.map(d => [`${d.destination}\n${d.path}`, d])).values()];
    if (unique.length) await db.insertInto('platform_request_deliveries').values(unique.map(d => ({ request_id: id, destination: d.destination, path: d.path }))).execute();
  }

  /** Records the decision on the approval of a request's generation, read with {@link RequestStore.lockedById} in `db`. */
  async decideApproval(db: Db, id: string, approval: RequestApproval): Promise<void> {
    await db.updateTable('platform_requests').set({ approval: JSON.stringify(approval) }).where('id', '=', id).execute();
  }

  /** Moves a request's expiry (its warning is due again before the new time). */
  async setExpiry(db: Db, id: string, expiresAt: string): Promise<void> {
    await db.updateTable('platform_requests').set({ expires_at: expiresAt, expiry_warned_at: null }).where('id', '=', id).execute();
  }

  /** Requests not being deleted that expire at or before `before`: with `unwarned`, only those not warned about yet. */
  async expiringBy(before: string, options: { unwarned?: boolean } = {}): Promise<StoredRequest[]> {
    let query = this.#store.db.selectFrom('platform_requests').selectAll().where('expires_at', 'is not', null).where('expires_at', '<=', before).where('deleting_since', 'is', null);
    if (options.unwarned) query = query.where('expiry_warned_at', 'is', null);
    return (await query.orderBy('expires_at').execute()).map(toStored);
  }

  /** Keeps what the GitOps tool syncing a request's files reported (its own column: the reconciler never writes it). */
  async setGitOps(db: Db, id: string, gitops: RequestGitOps): Promise<void> {
    await db.updateTable('platform_requests').set({ gitops: JSON.stringify(gitops) }).where('id', '=', id).execute();
  }

  /** Notes that the warning for this expiry was given; false when someone else gave it (or the expiry moved). */
  async markWarned(db: Db, id: string, expiresAt: string, now: string): Promise<boolean> {
    const result = await db.updateTable('platform_requests').set({ expiry_warned_at: now }).where('id', '=', id).where('expires_at', '=', expiresAt).where('expiry_warned_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks a request as being deleted; false when it already was. */
  async markDeleting(db: Db, id: string, now: string): Promise<boolean> {
    const result = await db.updateTable('platform_requests').set({ deleting_since: now, updated_at: now }).where('id', '=', id).where('deleting_since', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async remove(db: Db, id: string): Promise<void> {
    await db.deleteFrom('platform_request_deliveries').where('request_id', '=', id).execute();
    await db.deleteFrom('platform_requests').where('id', '=', id).execute();
  }

  /** Requests of a namespace that reference `name`'s outputs. */
  async dependents(namespace: string, name: string): Promise<StoredRequest[]> {
    // The stored document holds each reference as written, so a text match narrows the rows to read
    // (every reconcile asks this; reading the whole namespace each time grew with its square).
    const mention = `%\${requests.${name.replace(/[!%_]/g, '!$&')}.outputs.%`;
    const rows = await this.#store.db
      .selectFrom('platform_requests')
      .selectAll()
      .where('namespace', '=', namespace)
      .where(sql<boolean>`body LIKE ${mention} ESCAPE '!'`)
      .orderBy('name')
      .execute();
    return rows.map(toStored).filter(request => dependencyNames(request.entity.spec).includes(name));
  }
}

function toStored(row: Selectable<PlatformRequestsTable>): StoredRequest {
  return {
    id: row.id,
    namespace: row.namespace,
    name: row.name,
    apiVersion: row.api_version,
    kind: row.kind,
    capability: row.capability,
    ...(row.pinned_version ? { pinnedVersion: row.pinned_version } : {}),
    generation: Number(row.generation),
    entity: JSON.parse(row.body) as RequestEntity,
    status: JSON.parse(row.status) as RequestStatus,
    ...(row.deleting_since ? { deletingSince: row.deleting_since } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.approval ? { approval: JSON.parse(row.approval) as RequestApproval } : {}),
    ...(row.expires_at ? { expiresAt: row.expires_at } : {}),
    ...(row.gitops ? { gitops: JSON.parse(row.gitops) as RequestGitOps } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
