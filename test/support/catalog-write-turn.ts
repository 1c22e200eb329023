import { expect } from 'vitest';
import { lockCatalogWrites } from '../../src/catalog/catalog-write-lock.js';
import { holdRows, waitersBehind, type HeldRows } from './held-rows.js';
import type { Db, Store } from '../../src/store/store.js';

/**
 * Takes the catalog's write turn in a transaction of `store` and holds it, as another writer between its lock and
 * its first row would; `then` runs inside the transaction once released.
 * @example const held = await holdCatalogWrites(store); …; held.release(); await held.done;
 */
export function holdCatalogWrites<T = void>(store: Store, then?: (trx: Db) => Promise<T>): Promise<HeldRows<T>> {
  return holdRows(store, trx => lockCatalogWrites(trx, store.dialect), then);
}

/**
 * Starts `writers` one after another behind a held catalog write turn (PostgreSQL), each once the one before is
 * waiting for the turn, then lets the turn go: their outcomes, in that order. The lock's queue is first come, first
 * served, so they get the turn in that order, each having done what it does before taking it.
 * @example const [first, second] = await writersInTurn(store, [() => catalog.saveEntity(a), () => catalog.saveEntity(b)]);
 */
export async function writersInTurn<T>(store: Store, writers: ReadonlyArray<() => Promise<T>>): Promise<PromiseSettledResult<T>[]> {
  const held = await holdCatalogWrites(store);
  const started: Array<Promise<T>> = [];
  for (const writer of writers) {
    started.push(writer());
    await expect.poll(() => waitersBehind(store.db, held.pid)).toBe(started.length);
  }
  const outcomes = Promise.allSettled(started);
  held.release();
  await held.done;
  return outcomes;
}
