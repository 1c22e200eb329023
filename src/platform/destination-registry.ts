import { systemClock, type Clock } from '../core/clock.js';
import { invalidInput, notFound } from '../core/problem.js';
import type { Db, Store } from '../store/store.js';
import type {} from './platform-tables.js'; // the tables it queries, for Kysely's types
import { validateDestination } from './model/document-validation.js';
import { repositoryKey } from './model/gitops-health.js';
import type { Destination } from './model/types.js';

/**
 * Destinations: git repositories (with labels) that requests' manifests are placed in.
 * @example await store.transaction(trx => destinations.apply(trx, { apiVersion: 'pave.dev/v1alpha1', kind: 'Destination', metadata: { name: 'dev', labels: { env: 'dev' } }, spec: { git: { url } } }));
 */
export class DestinationRegistry {
  readonly #store: Store;
  readonly #clock: Clock;

  constructor(store: Store, options: { clock?: Clock } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Creates or replaces a destination in `db`'s transaction (where its audit entry and event go too).
   * Returns it with defaults filled in, and the one it replaced.
   */
  async apply(db: Db, raw: unknown): Promise<{ destination: Destination; outcome: 'created' | 'updated' | 'unchanged'; before?: Destination }> {
    const { destination, errors } = validateDestination(raw);
    if (!destination) throw invalidInput(`The destination has ${errors.length} mistake(s)`, errors);
    const body = JSON.stringify(destination);
    const now = this.#clock.now().toISOString();
    const repository = repositoryKey(destination.spec.git.url);
    const existing = await db.selectFrom('platform_destinations').select('body').where('name', '=', destination.metadata.name).executeTakeFirst();
    if (existing?.body === body) return { destination, outcome: 'unchanged' };
    await db
      .insertInto('platform_destinations')
      .values({ name: destination.metadata.name, body, repository, created_at: now, updated_at: now })
      .onConflict(oc => oc.column('name').doUpdateSet({ body, repository, updated_at: now }))
      .execute();
    return existing ? { destination, outcome: 'updated', before: JSON.parse(existing.body) as Destination } : { destination, outcome: 'created' };
  }

  async get(name: string): Promise<Destination | undefined> {
    const row = await this.#store.db.selectFrom('platform_destinations').select('body').where('name', '=', name).executeTakeFirst();
    return row ? (JSON.parse(row.body) as Destination) : undefined;
  }

  async require(name: string): Promise<Destination> {
    const destination = await this.get(name);
    if (!destination) throw notFound(`No destination named ${name}`);
    return destination;
  }

  /** Every destination, by name. */
  async list(): Promise<Destination[]> {
    const rows = await this.#store.db.selectFrom('platform_destinations').select('body').orderBy('name').execute();
    return rows.map(row => JSON.parse(row.body) as Destination);
  }

  /** The destinations whose repository is this one (any URL form of it: `repositoryKey`). */
  async byRepository(url: string): Promise<Destination[]> {
    const rows = await this.#store.db.selectFrom('platform_destinations').select('body').where('repository', '=', repositoryKey(url)).orderBy('name').execute();
    return rows.map(row => JSON.parse(row.body) as Destination);
  }

  /** Removes a destination in `db`'s transaction and answers it (404 when there is none). */
  async remove(db: Db, name: string): Promise<Destination> {
    const row = await db.deleteFrom('platform_destinations').where('name', '=', name).returning('body').executeTakeFirst();
    if (!row) throw notFound(`No destination named ${name}`);
    return JSON.parse(row.body) as Destination;
  }
}

/** Destinations whose labels include every selector pair, by name. */
export function matchDestinations(destinations: readonly Destination[], selector: Readonly<Record<string, string>>): Destination[] {
  // A label whose value rendered empty (say, an optional environment left out) does not narrow the choice.
  return destinations.filter(d => Object.entries(selector).every(([key, value]) => value === '' || (d.metadata.labels ?? {})[key] === value));
}
