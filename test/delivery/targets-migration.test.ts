import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { moduleMigrations } from '../../src/modules.js';
import { SqliteStoreDialect } from '../../src/store/sqlite-dialect.js';
import { PostgresStoreDialect } from '../../src/store/postgres-dialect.js';
import type { StoreDialect } from '../../src/store/dialect.js';
import { DeliveryEventStore } from '../../src/delivery/event-store.js';
import type { DeliveryEvent } from '../../src/delivery/delivery-event.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';

/**
 * Migration 0044 on a database that already holds delivery events (an upgrade), on SQLite and PostgreSQL:
 * `delivery_targets` is filled with each target's entities, so a mapping made right after the upgrade finds them.
 */
const pg = await postgresFactory();
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const dialects: Array<{ name: string; skip: boolean; open(): Promise<StoreDialect> }> = [
  {
    name: 'sqlite',
    skip: false,
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'pave-targets-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      return new SqliteStoreDialect({ file: join(dir, 'pave.db') });
    },
  },
  {
    name: 'postgres',
    skip: Boolean(pg.unavailable),
    async open() {
      const schema = `pave_test_targets_${Date.now()}`;
      await adminQuery(`CREATE SCHEMA ${schema}`);
      cleanups.push(() => adminQuery(`DROP SCHEMA ${schema} CASCADE`));
      return new PostgresStoreDialect({ url: POSTGRES_URL, schema });
    },
  },
];

const event = (id: string, targetValue: string): DeliveryEvent => ({ id, type: 'change', source: 'api', at: '2026-03-01T00:00:00.000Z', sha: 'abcdef1', rework: false, targetKey: 'github.com/project-slug', targetValue });

for (const dialect of dialects) {
  describe.skipIf(dialect.skip)(`migration 0044 over stored events: ${dialect.name}`, () => {
    it('fills delivery_targets with the entities holding each target’s events, unmapped ones left out', async () => {
      const opened = await dialect.open();
      // A database as the release before 0044 left it: every migration numbered below it.
      const before = moduleMigrations().filter(m => m.name < '0044');
      const old = await Store.open(opened, { migrations: before });
      const values = ['acme/cart', 'acme/cart', 'acme/old', 'acme/orphan'];
      const entities: Record<string, string | undefined> = { 'acme/cart': 'component:default/cart', 'acme/old': 'component:default/ledger', 'acme/orphan': undefined };
      // Inserted as 0043's table holds them (no delivery_targets yet).
      await old.db
        .insertInto('delivery_events')
        .values(values.map((value, i) => ({ ...rowOf(event(`e${i}`, value)), entity_ref: entities[value] ?? null })))
        .execute();
      await old.close();
      const store = await Store.open(opened, { migrations: moduleMigrations() });
      try {
        const rows = await store.db.selectFrom('delivery_targets').selectAll().orderBy('target_value').execute();
        expect(rows).toEqual([
          { target_key: 'github.com/project-slug', target_value: 'acme/cart', entity_ref: 'component:default/cart' },
          { target_key: 'github.com/project-slug', target_value: 'acme/old', entity_ref: 'component:default/ledger' },
        ]);
        // A mapping right after the upgrade moves the events the migration found.
        const moved = await store.transaction(trx => new DeliveryEventStore(store).map(trx, 'github.com/project-slug', 'acme/old', 'component:default/cart', 'test', '2026-03-02T00:00:00.000Z'));
        expect(moved).toBe(1);
      } finally {
        await store.close();
      }
    });
  });
}

function rowOf(e: DeliveryEvent) {
  return { id: e.id, type: e.type, source: e.source, status: null, at: e.at, environment: null, sha: e.sha ?? null, incident: null, pull_request: null, rework: 0, target_key: e.targetKey, target_value: e.targetValue, commits: null, detail: null, received_at: e.at };
}
