/**
 * The store's event bus: in-process on SQLite; LISTEN/NOTIFY on PostgreSQL, where stores opened on the same
 * schema (replicas) hear each other, stores on another schema of the same database do not, and a replica
 * whose listening connection is killed hears the others again once it has reconnected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Store } from '../../src/store/store.js';
import { MAX_MESSAGE_BYTES } from '../../src/store/event-bus.js';
import type { PostgresEventBus } from '../../src/store/postgres-event-bus.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';

const postgres = await postgresFactory();

async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}

function collect(store: Store, topic: string): unknown[] {
  const seen: unknown[] = [];
  store.events.subscribe(topic, message => seen.push(message));
  return seen;
}

const opened: TestStore[] = [];
const reopened: Store[] = [];
afterEach(async () => {
  for (const store of reopened.splice(0)) await store.close();
  for (const test of opened.splice(0)) await test.dispose();
});

describe.each([sqliteFactory, postgres])('event bus on $name', factory => {
  it.skipIf(Boolean(factory.unavailable) && !requireAll)('delivers a copy to each subscriber of the topic, stops on unsubscribe, and refuses big messages', async () => {
    const test = await factory.open();
    opened.push(test);
    const bus = test.store.events;
    const first: unknown[] = [];
    const second: unknown[] = [];
    const other: unknown[] = [];
    const offFirst = bus.subscribe('platform', message => first.push(message));
    bus.subscribe('platform', () => {
      throw new Error('a broken subscriber');
    });
    bus.subscribe('platform', message => second.push(message));
    bus.subscribe('scaffolder.task', message => other.push(message));

    const sent = { type: 'request.applied', name: 'orders-db', at: undefined };
    bus.publish('platform', sent);
    expect(first).toEqual([{ type: 'request.applied', name: 'orders-db' }]);
    expect(second).toEqual(first);
    expect(first[0]).not.toBe(sent);
    expect(first[0]).not.toBe(second[0]);
    expect(other).toEqual([]);

    offFirst();
    bus.publish('platform', { n: 2 });
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);

    expect(() => bus.publish('platform', { data: 'x'.repeat(MAX_MESSAGE_BYTES) })).toThrow(RangeError);
    expect(second).toHaveLength(2);
  });
});

describe.skipIf(Boolean(postgres.unavailable) && !requireAll)('event bus across PostgreSQL replicas', () => {
  it('carries messages to every replica on the schema, once each, and to no other schema', async () => {
    const test = await postgres.open();
    opened.push(test);
    const replica = await test.reopen();
    reopened.push(replica);
    const elsewhere = await postgres.open();
    opened.push(elsewhere);
    const elsewhereReplica = await elsewhere.reopen();
    reopened.push(elsewhereReplica);

    const onReplica = collect(replica, 'platform');
    const onPublisher = collect(test.store, 'platform');
    const onOtherSchema = collect(elsewhere.store, 'platform');
    // Probes until each listener hears its own schema's other store, so both are surely listening.
    await until(() => {
      test.store.events.publish('platform', { probe: true });
      return onReplica.length > 0;
    }, 'the replica to start listening');
    await until(() => {
      elsewhereReplica.events.publish('platform', { probe: 'elsewhere' });
      return onOtherSchema.length > 0;
    }, 'the other schema to start listening');
    elsewhere.store.events.publish('platform', { from: 'elsewhere' });

    test.store.events.publish('platform', { type: 'request.status', name: 'orders-db', phase: 'Ready' });
    await until(() => onReplica.some(m => (m as { phase?: string }).phase === 'Ready'), 'the replica to hear the status');
    replica.events.publish('platform', { type: 'request.deleted', name: 'orders-db' });
    await until(() => onPublisher.some(m => (m as { type?: string }).type === 'request.deleted'), 'the publisher to hear the replica');

    // The publisher heard its own message once (delivered at once, its NOTIFY echo ignored).
    expect(onPublisher.filter(m => (m as { phase?: string }).phase === 'Ready')).toHaveLength(1);
    expect(onReplica.filter(m => (m as { phase?: string }).phase === 'Ready')).toHaveLength(1);
    expect(onReplica.filter(m => JSON.stringify(m).includes('elsewhere'))).toEqual([]);
    expect(onOtherSchema.filter(m => !(m as { probe?: unknown }).probe)).toEqual([{ from: 'elsewhere' }]);
    expect(onOtherSchema.every(m => JSON.stringify(m).includes('elsewhere'))).toBe(true);
  });

  it('hears the other replicas again after its connection is killed', async () => {
    const test = await postgres.open();
    opened.push(test);
    const replica = await test.reopen();
    reopened.push(replica);
    const heard = collect(replica, 'scaffolder.task');
    await until(() => {
      test.store.events.publish('scaffolder.task', { taskId: 'before' });
      return heard.length > 0;
    }, 'the replica to start listening');

    // Only the replica's connection has LISTEN as its last statement: the publisher's last one was a pg_notify.
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const channel = (replica.events as PostgresEventBus).channel;
      const killed = await admin.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE query = $1', [`LISTEN "${channel}"`]);
      expect(killed.rows).toEqual([{ done: true }]);
    } finally {
      await admin.end();
    }
    // Messages sent while it reconnects are lost (best-effort); one sent after is heard.
    await until(() => {
      test.store.events.publish('scaffolder.task', { taskId: 'after' });
      return heard.some(m => (m as { taskId?: string }).taskId === 'after');
    }, 'the replica to reconnect and hear again');
  });
});
