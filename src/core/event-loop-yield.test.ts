import { describe, expect, it } from 'vitest';
import { forEachPausing, loopYielder } from './event-loop-yield.js';

describe('forEachPausing', () => {
  it('pauses after every Nth item and does not await before it', async () => {
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
    await forEachPausing([1, 2, 3, 4, 5, 6, 7], pause, item => events.push(`item ${item}`), 3);
    expect(events).toEqual(['item 1', 'item 2', 'item 3', 'pause', 'microtask', 'turn', 'item 4', 'item 5', 'item 6', 'pause', 'item 7']);
  });
});
