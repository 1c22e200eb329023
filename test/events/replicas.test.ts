import { afterAll, describe, expect, it } from 'vitest';
import type { PaveEvent } from '../../src/store/event-log.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { startTsChild } from '../support/ts-child.js';
import { run, startEventsPave, testWebhooks, WebhookReceiver, type EventsPave } from './support.js';


/**
 * Two replicas on one PostgreSQL schema, both running the fan-out consumer and the delivery worker: the
 * subscription's job lease makes one of them send at a time, so every event reaches the receiver once, in
 * order, whichever replica appended it and whichever sent it — also while the receiver fails for a while.
 * A replica killed while a receiver holds its request lets its lease lapse; another then sends that event
 * again — the only duplicate, with the same event id.
 */
const pg = await postgresFactory();

describe.skipIf(Boolean(pg.unavailable))('webhooks across two replicas on PostgreSQL', () => {
  const schema = `pave_events_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  const replicas: EventsPave[] = [];
  let receiver: WebhookReceiver;
  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    await receiver?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('delivers each event once, in order, from one replica at a time', async () => {
    receiver = await WebhookReceiver.start();
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const config = { databaseUrl: POSTGRES_URL, databaseSchema: schema, events: testWebhooks({ maxAttempts: 10_000 }) };
    replicas.push(await startEventsPave({ config }));
    replicas.push(await startEventsPave({ config }));
    const [a, b] = replicas as [EventsPave, EventsPave];
    await receiver.setMode('error');
    const response = await fetch(`${a.url}/api/events/webhooks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ url: receiver.url('/replicas'), types: ['catalog.*'] }) });
    const created = (await response.json()) as { id: string; secret: string };
    receiver.secrets.set('/replicas', created.secret);
    expect((await b.app.events.webhooks.get(b.app.auth.localOperator(), created.id)).url).toBe(receiver.url('/replicas'));

    const appended: PaveEvent[] = [];
    const append = async (replica: EventsPave, i: number) => {
      const [event] = await replica.app.store.transaction(trx => replica.app.eventLog.appendReturning(trx, { type: 'catalog.entity.updated', subject: `component:default/r-${i}`, payload: { kind: 'Component', i } }));
      appended.push(event!);
    };
    for (let i = 0; i < 100; i++) await append(i % 2 ? b : a, i);
    await expect.poll(() => receiver.arrivals).toBeGreaterThan(3);
    await receiver.setMode('accept');
    // Appends from both replicas at once while the backlog drains.
    await Promise.all([0, 1].map(async k => {
      for (let i = 100 + k; i < 200; i += 2) await append(k ? b : a, i);
    }));
    appended.sort((x, y) => x.seq - y.seq);
    await expect.poll(() => receiver.at('/replicas').length, { timeout: 60_000 }).toBe(200);
    const got = receiver.at('/replicas');
    expect(new Set(got.map(r => r.id)).size).toBe(200);
    expect(got.map(r => r.id)).toEqual(appended.map(e => e.id));
    expect(got.every(r => r.signatureValid)).toBe(true);
  });

  it('sends an event again, with the same id, only after the replica sending it was killed', async () => {
    const crashSchema = `${schema}_crash`;
    await adminQuery(`CREATE SCHEMA ${crashSchema}`);
    const survivor = await startEventsPave({ idle: true, config: { databaseUrl: POSTGRES_URL, databaseSchema: crashSchema, events: testWebhooks({ timeoutSeconds: 1, maxAttempts: 10_000 }) } });
    replicas.push(survivor);
    const created = await survivor.app.events.webhooks.create(survivor.app.auth.localOperator(), { url: receiver.url('/crash'), types: ['catalog.*'] });
    receiver.secrets.set('/crash', created.secret);
    const appended: PaveEvent[] = [];
    for (let i = 0; i < 5; i++) appended.push(...(await survivor.app.eventLog.appendReturning(survivor.app.store.db, { type: 'catalog.entity.updated', subject: `component:default/c-${i}`, payload: {} })));

    // The other replica takes the first delivery; the receiver holds the request; the replica is killed mid-send.
    await receiver.setMode('hold');
    const { child, exited } = startTsChild(new URL('./delivery-child.ts', import.meta.url), { env: { PAVE_DATABASE_URL: POSTGRES_URL, PAVE_DATABASE_SCHEMA: crashSchema } });
    try {
      await expect.poll(() => receiver.held.length, { timeout: 60_000 }).toBe(1);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(receiver.held).toEqual([appended[0]!.id]);
    await receiver.setMode('accept');
    await run(survivor.app);
    // Once the killed replica's lease lapses (its attempt's timeout plus 30 s), the survivor sends everything.
    await expect.poll(() => receiver.at('/crash').length, { timeout: 90_000, interval: 500 }).toBe(5);
    expect(receiver.at('/crash').map(r => r.id)).toEqual(appended.map(e => e.id));
    expect(receiver.at('/crash').every(r => r.signatureValid)).toBe(true);
    await survivor.stop();
    await adminQuery(`DROP SCHEMA ${crashSchema} CASCADE`);
  }, 150_000);
});
