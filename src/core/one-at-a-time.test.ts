import { describe, expect, it } from 'vitest';
import { OneAtATime } from './one-at-a-time.js';

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
