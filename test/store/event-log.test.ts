import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventLog, parseEventCursor, type PaveEvent } from '../../src/store/event-log.js';
import { EventConsumers } from '../../src/store/event-consumers.js';
import { JobQueue } from '../../src/store/job-queue.js';
import { isPaveError } from '../../src/core/problem.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';

/**
 * The event log on both databases: events commit with their change or not at all, numbers follow commit
 * order even when transactions overlap, and durable consumers see every event once their handler
 * succeeds, in order, from where they stopped (also in another process), never past a failing event.
 */
const pg = await postgresFactory();

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(factory.unavailable))(`event log: ${factory.name}`, () => {
    let test: TestStore;
    let log: EventLog;
    beforeAll(async () => {
      test = await factory.open();
      log = new EventLog(test.store);
    });
    afterAll(async () => test?.dispose());

    it('appends in the change’s transaction: a rollback leaves neither the change nor its event', async () => {
      const before = await log.latest();
      await expect(
        test.store.transaction(async trx => {
          await trx.insertInto('rate_limits').values({ key: 'rolled-back', window_start: 0, window_ms: 1, count: 1 }).execute();
          await log.append(trx, { type: 'test.thing.changed', subject: 'thing:a', payload: { n: 1 } });
          throw new Error('injected after the change');
        }),
      ).rejects.toThrow('injected after the change');
      expect(await log.latest()).toBe(before);
      expect(await test.store.db.selectFrom('rate_limits').select('key').where('key', '=', 'rolled-back').execute()).toEqual([]);
      const [committed] = await test.store.transaction(trx => log.appendReturning(trx, { type: 'test.thing.changed', subject: 'thing:a', actor: 'user:default/jane', payload: { n: 2 } }));
      expect(committed).toMatchObject({ seq: before + 1, type: 'test.thing.changed', subject: 'thing:a', actor: 'user:default/jane', payload: { n: 2 } });
      expect(await log.read({ after: before })).toEqual([committed]);
    });

    it('numbers events in commit order when transactions overlap', async () => {
      const start = await log.latest();
      const batches = await Promise.all(
        Array.from({ length: 12 }, (_, i) => test.store.transaction(async trx => log.appendReturning(trx, [{ type: 'test.race.one', payload: { i } }, { type: 'test.race.two', payload: { i } }]))),
      );
      const read = await log.read({ after: start, limit: 1000 });
      expect(read.map(e => e.seq)).toEqual(Array.from({ length: 24 }, (_, i) => start + 1 + i));
      for (const batch of batches) expect(batch[1]!.seq).toBe(batch[0]!.seq + 1);
      expect(new Set(read.map(e => e.id)).size).toBe(24);
    });

    it('lets the event loop in during a large append, inside its transaction, and stores every event in order', async () => {
      const start = await log.latest();
      const yielding = new EventLog(test.store, { yieldEveryMs: 0 });
      let ticks = 0;
      const timer = setInterval(() => ticks++, 1);
      try {
        const ticksWhenDone = await test.store.transaction(trx => yielding.append(trx, Array.from({ length: 1_200 }, (_, i) => ({ type: 'test.bulk.created', subject: `thing:${i}`, payload: { i } })))).then(() => ticks);
        expect(ticksWhenDone).toBeGreaterThan(0);
      } finally {
        clearInterval(timer);
      }
      const read = await log.read({ after: start, limit: 1000 });
      expect(read.map(e => [e.seq, e.subject])).toEqual(Array.from({ length: 1000 }, (_, i) => [start + 1 + i, `thing:${i}`]));
      expect(await log.latest()).toBe(start + 1_200);
    });

    it('appends events given one at a time, numbered in order across insert chunks; more or fewer than announced roll back', async () => {
      const start = await log.latest();
      function* made(n: number) {
        for (let i = 0; i < n; i++) yield { type: 'test.each.created', subject: `each:${i}`, payload: { i } };
      }
      await test.store.transaction(trx => log.appendEach(trx, 1_201, made(1_201)));
      const read = [...(await log.read({ after: start, limit: 1000 })), ...(await log.read({ after: start + 1000, limit: 1000 }))];
      expect(read.map(e => [e.seq, e.subject, e.payload])).toEqual(Array.from({ length: 1_201 }, (_, i) => [start + 1 + i, `each:${i}`, { i }]));
      for (const [announced, given] of [[600, 601], [600, 599]] as const) {
        await expect(test.store.transaction(trx => log.appendEach(trx, announced, made(given)))).rejects.toThrow(RangeError);
        expect(await log.latest()).toBe(start + 1_201);
      }
      expect(await log.read({ after: start + 1_201 })).toEqual([]);
    });

    it('hands listeners only the events of their types, once committed, and nothing of a rollback', async () => {
      const local = new EventLog(test.store);
      const tasks: string[][] = [];
      const any: string[][] = [];
      const stopTasks = local.onAppended(['test.task.failed', 'test.task.completed'], events => tasks.push(events.map(e => e.type)));
      const stopAny = local.onAppended(['test.other.thing'], events => any.push(events.map(e => e.type)));
      await test.store.transaction(async trx => {
        await local.append(trx, [{ type: 'test.task.failed' }, { type: 'test.entity.updated' }, { type: 'test.task.completed' }]);
        // Not before the commit.
        expect(tasks).toEqual([]);
      });
      expect(tasks).toEqual([['test.task.failed', 'test.task.completed']]);
      await expect(
        test.store.transaction(async trx => {
          await local.append(trx, { type: 'test.task.failed' });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      stopTasks();
      await local.append(test.store.db, [{ type: 'test.task.failed' }, { type: 'test.other.thing' }]);
      expect(tasks).toEqual([['test.task.failed', 'test.task.completed']]);
      expect(any).toEqual([['test.other.thing']]);
      stopAny();
    });

    it('filters by type (exact or prefix) and subject', async () => {
      await log.append(test.store.db, [{ type: 'filter.a.created', subject: 's1' }, { type: 'filter.b.created', subject: 's2' }, { type: 'other.c', subject: 's1' }]);
      expect((await log.read({ types: ['filter.*'] })).map(e => e.type)).toEqual(['filter.a.created', 'filter.b.created']);
      expect((await log.read({ types: ['other.c', 'filter.b.created'] })).map(e => e.type)).toEqual(['filter.b.created', 'other.c']);
      expect((await log.read({ subject: 's1', types: ['filter.*', 'other.*'] })).map(e => e.type)).toEqual(['filter.a.created', 'other.c']);
    });

    it('refuses garbage and future cursors with a 400 naming the field', async () => {
      const latest = await log.latest();
      for (const bad of ['abc', '-1', '1e3', String(latest + 1), '9'.repeat(30)]) {
        try {
          parseEventCursor(bad, latest, '/after');
          expect.unreachable(bad);
        } catch (error) {
          expect(isPaveError(error) && error.status).toBe(400);
          expect(isPaveError(error) && error.problem.errors?.[0]?.pointer).toBe('/after');
        }
      }
      expect(parseEventCursor(String(latest), latest, '/after')).toBe(latest);
    });

    it('drains consumers that were never started (tests and one-shot commands), and reports a failing one', async () => {
      const seen: number[] = [];
      let fail = false;
      const consumers = new EventConsumers({ store: test.store, log, queue: new JobQueue(test.store, { owner: 'drainer' }) });
      consumers.register({
        name: `drained-${factory.name}`,
        types: ['drained.*'],
        startAt: 'oldest',
        async handle(events) {
          if (fail) throw new Error('receiver down');
          seen.push(...events.map(e => (e.payload as { i: number }).i));
        },
      });
      await log.append(test.store.db, [{ type: 'drained.thing', payload: { i: 1 } }, { type: 'drained.thing', payload: { i: 2 } }]);
      await consumers.drain();
      expect(seen).toEqual([1, 2]);
      fail = true;
      await log.append(test.store.db, { type: 'drained.thing', payload: { i: 3 } });
      await expect(consumers.drain()).rejects.toThrow('receiver down');
      expect(seen).toEqual([1, 2]);
    });

    it('hands every event to a consumer once its handler succeeds, in order, and resumes from its cursor in another process', async () => {
      const seen: PaveEvent[] = [];
      let failNext = 2;
      const consumer = {
        name: `test-consumer-${factory.name}`,
        types: ['durable.*'],
        startAt: 'latest' as const,
        async handle(events: readonly PaveEvent[]) {
          if (failNext > 0) {
            failNext--;
            throw new Error('receiver down');
          }
          seen.push(...events);
        },
      };
      const queue = new JobQueue(test.store, { owner: 'first' });
      const consumers = new EventConsumers({ store: test.store, log, queue, pollMs: 20 });
      consumers.register(consumer);
      consumers.start();
      // The consumer starts after the newest event: the first run records its place.
      await expect.poll(async () => (await test.store.db.selectFrom('event_cursors').select('consumer').where('consumer', '=', consumer.name).execute()).length).toBe(1);
      for (let i = 0; i < 30; i++) await log.append(test.store.db, [{ type: 'durable.thing', payload: { i } }, { type: 'ignored.thing', payload: { i } }]);
      await expect.poll(() => seen.length).toBe(30);
      expect(seen.map(e => (e.payload as { i: number }).i)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      await consumers.stop();

      // A restart (here: a second store handle, as another process would open) reads on from the cursor.
      const other = await test.reopen();
      try {
        await log.append(test.store.db, { type: 'durable.thing', payload: { i: 30 } });
        const resumed = new EventConsumers({ store: other, log: new EventLog(other), queue: new JobQueue(other, { owner: 'second' }), pollMs: 20 });
        resumed.register(consumer);
        resumed.start();
        await resumed.drain();
        await resumed.stop();
        expect(seen.map(e => (e.payload as { i: number }).i)).toEqual(Array.from({ length: 31 }, (_, i) => i));
        expect(new Set(seen.map(e => e.id)).size).toBe(31);
      } finally {
        await other.close();
      }
    });
  });
}
