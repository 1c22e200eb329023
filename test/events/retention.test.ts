/**
 * The event log keeps its retention: events older than `events.retentionDays` go, except those a durable
 * consumer has not read yet, which stay until it has (a webhook receiver down for a week still gets them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRetention } from '../../src/events/event-retention.js';
import type { PaveEvent } from '../../src/store/event-log.js';
import { startEventsPave, type EventsPave } from './support.js';

describe('event retention', () => {
  it('removes the log of webhook deliveries that ended, never a pending one', async () => {
    const { app } = pave;
    const [event] = await app.eventLog.appendReturning(app.store.db, { type: 'test.delivery.kept', payload: {} });
    const now = new Date().toISOString();
    const ended = await app.store.transaction(trx => app.events.deliveries.addSent(trx, 'hook-a', event!, { ok: true, statusCode: 200, durationMs: 3 }, now));
    await app.store.transaction(trx => app.events.deliveries.add(trx, [{ webhookId: 'hook-b', event: event! }], now));
    const inAWeek = { now: () => new Date(Date.now() + 7 * 86_400_000) };
    await new EventRetention(app.eventLog, app.eventConsumers, { days: 1, clock: inAWeek, deliveries: app.events.deliveries }).pruneNow();
    const left = await app.store.db.selectFrom('event_webhook_deliveries').select(['id', 'state']).execute();
    expect(left.map(row => row.state)).toEqual(['pending']);
    expect(await app.store.db.selectFrom('event_webhook_attempts').select('id').where('delivery_id', '=', ended).execute()).toEqual([]);
  });

  let pave: EventsPave;
  let blocked = true;
  const handled: PaveEvent[] = [];

  beforeAll(async () => {
    pave = await startEventsPave({ idle: true });
  });
  afterAll(async () => pave?.close());

  it('removes old events, but not those a consumer has yet to read', async () => {
    const { app } = pave;
    app.eventConsumers.register({
      name: 'test.slow-reader',
      startAt: 'oldest',
      async handle(events) {
        if (blocked) throw new Error('receiver down');
        handled.push(...events);
      },
    });
    const appended = await app.eventLog.appendReturning(app.store.db, Array.from({ length: 5 }, (_, i) => ({ type: 'test.thing.changed', payload: { i } })));
    const inAWeek = { now: () => new Date(Date.now() + 7 * 86_400_000) };
    const retention = new EventRetention(app.eventLog, app.eventConsumers, { days: 1, clock: inAWeek });

    // The reader has read nothing (it has tried and failed): nothing may go, however old.
    await app.workers.start(['store.event-consumers']);
    const failures = async () => Number((await app.store.db.selectFrom('event_cursors').select('failures').where('consumer', '=', 'test.slow-reader').executeTakeFirst())?.failures ?? 0);
    await expect.poll(failures).toBeGreaterThan(0);
    expect(await retention.pruneNow()).toBe(0);
    expect((await app.eventLog.read({ types: ['test.*'] })).map(e => e.seq)).toEqual(appended.map(e => e.seq));

    // Once it has read them, they go; and retention does not touch what is younger than its days.
    blocked = false;
    await expect.poll(() => handled.filter(e => e.type === 'test.thing.changed').length).toBe(5);
    await app.eventConsumers.drain();
    expect(await new EventRetention(app.eventLog, app.eventConsumers, { days: 1 }).pruneNow()).toBe(0);
    expect(await retention.pruneNow()).toBeGreaterThanOrEqual(5);
    expect(await app.eventLog.read({ types: ['test.*'] })).toEqual([]);
  });
});
