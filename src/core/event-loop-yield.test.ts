import { describe, expect, it } from 'vitest';
import { forEachPausing, loopYielder } from './event-loop-yield.js';

/** An item whose work takes at least `ms` of the clock (a large entity serialised and hashed, say). */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('forEachPausing', () => {
  it('pauses once an item has taken a millisecond, before the next item, and lets the event loop in there', async () => {
    const events: string[] = [];
    // A budget of 0: every call of the pause lets the event loop run.
    const yielder = loopYielder(0);
    const pause = async () => {
      events.push('pause');
      await yielder();
    };
    // Queued before the pass: a microtask runs at its first await, a turn of the loop at its first yield.
    queueMicrotask(() => events.push('microtask'));
    setImmediate(() => events.push('turn'));
    await forEachPausing([1, 2, 3], pause, item => {
      events.push(`item ${item}`);
      busyFor(1.5);
    });
    expect(events).toEqual(['item 1', 'pause', 'microtask', 'turn', 'item 2', 'pause', 'item 3', 'pause']);
  });
});
