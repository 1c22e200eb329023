import { describe, expect, it } from 'vitest';
import { FreshReads } from './fresh-reads.js';

/** A read the test finishes by hand, so that which calls share it is a matter of order, not time. */
function handReads() {
  const started: Array<{ resolve: (value: number) => void; reject: (error: Error) => void }> = [];
  const read = () => new Promise<number>((resolve, reject) => started.push({ resolve, reject }));
  return { started, read };
}

describe('FreshReads', () => {
  it('never hands a caller a read that started before it asked; callers asking meanwhile share the next read', async () => {
    const { started, read } = handReads();
    const reads = new FreshReads(read);
    const first = reads.next();
    expect(started).toHaveLength(1);
    // Asked while the first read is under way: it may have read before what these callers must see.
    const later = [reads.next(), reads.next(), reads.next()];
    expect(started).toHaveLength(1);
    started[0]!.resolve(1);
    expect(await first).toBe(1);
    await new Promise(resolve => setImmediate(resolve));
    expect(started).toHaveLength(2);
    // Asked while the second read runs: a third, shared by these.
    const last = reads.next();
    started[1]!.resolve(2);
    expect(await Promise.all(later)).toEqual([2, 2, 2]);
    await new Promise(resolve => setImmediate(resolve));
    started[2]!.resolve(3);
    expect(await last).toBe(3);
    expect(started).toHaveLength(3);
  });

  it('fails only the callers of a failed read; the next read is made afresh', async () => {
    const { started, read } = handReads();
    const reads = new FreshReads(read);
    const failing = reads.next();
    const queued = reads.next();
    started[0]!.reject(new Error('connection lost'));
    await expect(failing).rejects.toThrow('connection lost');
    await new Promise(resolve => setImmediate(resolve));
    started[1]!.resolve(7);
    expect(await queued).toBe(7);
  });
});
