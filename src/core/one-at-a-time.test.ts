import { describe, expect, it } from 'vitest';
import { OneAtATime } from './one-at-a-time.js';
import type { PaveError } from './problem.js';

describe('OneAtATime', () => {
  it('runs jobs one after another in the order asked, never two at once, and goes on after a failed one', async () => {
    // A budget of 0: every pause yields, so jobs given turns together would interleave.
    const lane = new OneAtATime(0);
    const events: string[] = [];
    const job = (name: string, fail = false) =>
      lane.run(async pause => {
        events.push(`${name} starts`);
        for (let slice = 0; slice < 3; slice++) await pause();
        if (fail) throw new Error(`${name} failed`);
        events.push(`${name} ends`);
        return name;
      });
    const done = [job('a'), job('b', true), job('c')];
    const settled = await Promise.allSettled(done);
    expect(settled.map(result => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual(['a', 'b failed', 'c']);
    expect(events).toEqual(['a starts', 'a ends', 'b starts', 'c starts', 'c ends']);
  });

  it('lets the event loop run between slices, and before a job starts', async () => {
    const lane = new OneAtATime(0);
    const events: string[] = [];
    const ran = lane.run(async pause => {
      events.push('job starts');
      setImmediate(() => events.push('other work'));
      await pause();
      events.push('job ends');
    });
    // Asked before the job's first slice: answered before it.
    setImmediate(() => events.push('asked first'));
    await ran;
    expect(events).toEqual(['asked first', 'job starts', 'other work', 'job ends']);
  });
});

describe('OneAtATime bounds and cancellation', () => {
  /** A job that runs until `open` is called, recording its start and end. */
  function gated(events: string[], name: string) {
    let open!: () => void;
    const gate = new Promise<void>(resolve => (open = resolve));
    let started!: () => void;
    const running = new Promise<void>(resolve => (started = resolve));
    const job = async (pause: () => Promise<void>) => {
      events.push(`${name} starts`);
      started();
      await gate;
      await pause();
      events.push(`${name} ends`);
      return name;
    };
    return { job, open, running };
  }

  it('never runs a job whose signal aborts while it waits, and runs those after it', async () => {
    const lane = new OneAtATime(0);
    const events: string[] = [];
    const first = gated(events, 'a');
    const a = lane.run(first.job);
    await first.running;
    const gone = new AbortController();
    const b = lane.run(gated(events, 'b').job, gone.signal);
    const c = lane.run(async () => 'c');
    expect(lane.waiting).toBe(2);
    gone.abort();
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    expect(lane.waiting).toBe(1);
    first.open();
    expect(await Promise.all([a, c])).toEqual(['a', 'c']);
    expect(events).toEqual(['a starts', 'a ends']);
    expect(lane.abandoned).toBe(1);
    // Already aborted when asked: never queued.
    await expect(lane.run(async () => 'never', gone.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(lane.abandoned).toBe(2);
  });

  it('stops a running job at its next pause once its signal aborts, and gives the next job its turn', async () => {
    const lane = new OneAtATime(0);
    const events: string[] = [];
    const gone = new AbortController();
    const first = gated(events, 'a');
    const a = lane.run(first.job, gone.signal);
    const b = lane.run(async () => 'b');
    await first.running;
    gone.abort();
    first.open();
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    expect(await b).toBe('b');
    expect(events).toEqual(['a starts']);
    expect(lane.abandoned).toBe(1);
  });

  it('refuses a job at once, busy, when maxWaiting wait already; those waiting still run, in order', async () => {
    const lane = new OneAtATime(0, 2);
    const events: string[] = [];
    const first = gated(events, 'a');
    const a = lane.run(first.job);
    await first.running;
    const b = lane.run(async () => (events.push('b'), 'b'));
    const c = lane.run(async () => (events.push('c'), 'c'));
    const refused = await lane.run(async () => 'd').then(
      () => undefined,
      (error: unknown) => error as PaveError,
    );
    expect(refused?.problem).toMatchObject({ type: 'https://pave.dev/problems/busy', status: 503 });
    expect(refused?.retryAfterSeconds).toBeGreaterThan(0);
    expect(lane.refused).toBe(1);
    first.open();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a starts', 'a ends', 'b', 'c']);
    // The line emptied: room again.
    expect(await lane.run(async () => 'e')).toBe('e');
  });
});

describe('OneAtATime: the bound counts the one whose turn it is apart', () => {
  it('runs a job asked of an idle line when none may wait (catalog.maxWaitingSearches: 0)', async () => {
    const lane = new OneAtATime(0, 0);
    await expect(lane.run(async () => 'ran')).resolves.toBe('ran');
  });

  it('lets one run and one wait when two are asked of an idle line at once, with maxWaiting 1', async () => {
    const lane = new OneAtATime(0, 1);
    const outcomes = await Promise.allSettled([lane.run(async () => 'first'), lane.run(async () => 'second')]);
    expect(outcomes.map(outcome => (outcome.status === 'fulfilled' ? outcome.value : String(outcome.reason)))).toEqual(['first', 'second']);
  });
});
