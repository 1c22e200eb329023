/**
 * The store's event bus: in-process on SQLite; LISTEN/NOTIFY on PostgreSQL, where stores opened on the same
 * schema (replicas) hear each other, stores on another schema of the same database do not, and a replica
 * whose listening connection is killed hears the others again once it has reconnected.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { Store } from '../../src/store/store.js';
import { MAX_MESSAGE_BYTES } from '../../src/store/event-bus.js';
import { PostgresEventBus } from '../../src/store/postgres-event-bus.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';
import { SilentProxy } from './silent-proxy.js';

const postgres = await postgresFactory();

function postgresAddress(): { host: string; port: number } {
  const url = new URL(POSTGRES_URL);
  return { host: url.hostname, port: Number(url.port || 5432) };
}

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

/** Ends a bus's connection from the server side, as an administrator or a failover would; returns how many ended. */
async function terminate(bus: PostgresEventBus): Promise<number> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  try {
    const killed = await admin.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1', [`pave-events:${bus.id}`]);
    return killed.rows.filter(row => row.done === true).length;
  } finally {
    await admin.end();
  }
}

/** Whether a promise settles within a generous bound: guards against a hang, never measures speed. */
async function settles(promise: Promise<unknown>, ms = 30_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.then(() => true), new Promise<false>(resolve => (timer = setTimeout(resolve, ms, false)))]);
  } finally {
    clearTimeout(timer);
  }
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

    expect(await terminate(replica.events as PostgresEventBus)).toBe(1);
    // Messages sent while it reconnects are lost (best-effort); one sent after is heard.
    await until(() => {
      test.store.events.publish('scaffolder.task', { taskId: 'after' });
      return heard.some(m => (m as { taskId?: string }).taskId === 'after');
    }, 'the replica to reconnect and hear again');
  });
  it('drops what it cannot send while its connection is down, never waits on it in close(), and is heard again once reconnected', async () => {
    const test = await postgres.open();
    opened.push(test);
    const replica = await test.reopen();
    reopened.push(replica);
    const bus = test.store.events as PostgresEventBus;
    const heard = collect(replica, 'scaffolder.task');
    const local = collect(test.store, 'scaffolder.task');
    await until(() => {
      bus.publish('scaffolder.task', { taskId: 'before' });
      return heard.length > 0;
    }, 'the replica to start listening');

    // The publisher's own connection ends under it, in the middle of a burst: nothing throws, and every
    // message still reaches this process's subscribers (the others get what went out before the end).
    const sent = local.length;
    expect(await terminate(bus)).toBe(1);
    for (let n = 0; n < 2_000; n++) bus.publish('scaffolder.task', { taskId: 'burst', n });
    expect(local.length - sent).toBe(2_000);
    await until(() => {
      bus.publish('scaffolder.task', { taskId: 'after' });
      return heard.some(m => (m as { taskId?: string }).taskId === 'after');
    }, 'the publisher to reconnect and be heard again');

    expect(await terminate(bus)).toBe(1);
    for (let n = 0; n < 2_000; n++) bus.publish('scaffolder.task', { taskId: 'last burst', n });
    expect(await settles(bus.close())).toBe(true);
  });

  it('gives up on a database that never answers, keeping nothing queued, and close() returns', async () => {
    const proxy = await SilentProxy.start(postgresAddress());
    try {
      proxy.silence({ andNew: true });
      const bus = new PostgresEventBus({ url: proxy.urlFor(POSTGRES_URL), schema: `pave_silent_${Date.now()}`, timings: { connectTimeoutMs: 500, retryMinMs: 100, retryMaxMs: 200 } });
      const local: unknown[] = [];
      bus.subscribe('platform', message => local.push(message));
      for (let n = 0; n < 5_000; n++) bus.publish('platform', { n });
      expect(local).toHaveLength(5_000);
      await expect(bus.ready()).rejects.toThrow();
      expect(proxy.accepted).toBeGreaterThan(0);
      expect(await settles(bus.close())).toBe(true);
    } finally {
      await proxy.close();
    }
  });

  it('notices that its listening connection went silent (no error, no end) and hears again on a new one', async () => {
    const proxy = await SilentProxy.start(postgresAddress());
    const schema = `pave_halfopen_${Date.now()}`;
    const listener = new PostgresEventBus({ url: proxy.urlFor(POSTGRES_URL), schema, timings: { heartbeatMs: 200, heartbeatTimeoutMs: 1_000, retryMinMs: 100, retryMaxMs: 500 } });
    const publisher = new PostgresEventBus({ url: POSTGRES_URL, schema });
    try {
      const heard: unknown[] = [];
      listener.subscribe('platform', message => heard.push(message));
      await listener.ready();
      await until(() => {
        publisher.publish('platform', { at: 'before' });
        return heard.length > 0;
      }, 'the listener to hear through the proxy');

      // The path goes quiet: the socket stays open and takes writes, but nothing arrives any more.
      proxy.silence();
      const connections = proxy.accepted;
      await until(() => {
        publisher.publish('platform', { at: 'after' });
        return heard.some(m => (m as { at?: string }).at === 'after');
      }, 'the listener to replace its silent connection and hear again');
      expect(proxy.accepted).toBeGreaterThan(connections);
    } finally {
      await publisher.close();
      await listener.close();
      await proxy.close();
    }
  });
});
