import { getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { compactHeapWhenIdle, type HeapCheck } from './idle-heap-compaction.js';

/** Resolves with the first check `accept` takes. */
function firstCheck(options: { minGrowthBytes: number }, accept: (check: HeapCheck, all: HeapCheck[]) => boolean): Promise<HeapCheck[]> {
  return new Promise(done => {
    const checks: HeapCheck[] = [];
    const compaction = compactHeapWhenIdle({
      checkEveryMs: 50,
      idleUtilization: 0.5,
      ...options,
      onCheck: check => {
        checks.push(check);
        if (accept(check, checks)) {
          compaction.stop();
          done(checks);
        }
      },
    });
  });
}

describe('compactHeapWhenIdle', () => {
  it('hands back the heap that work left behind once the event loop is idle, once', async () => {
    const start = getHeapStatistics().total_heap_size;
    // Until the heap, compacted once, is back near where it started.
    const checking = firstCheck({ minGrowthBytes: 32 * 1024 * 1024 }, (check, all) => all.some(c => c.compacted) && check.heapBytes - start < 32 * 1024 * 1024);
    // Work that leaves ~150 MiB of old objects behind: kept long enough to be promoted, then dropped.
    let kept: Array<{ n: number; text: string }> | undefined = [];
    for (let i = 0; i < 600_000; i++) kept.push({ n: i, text: `entity-${i}-${'x'.repeat(64)}` });
    expect(getHeapStatistics().total_heap_size - start).toBeGreaterThan(40 * 1024 * 1024);
    kept = undefined;

    const checks = await checking;
    const compaction = checks.findIndex(check => check.compacted);
    expect(checks[compaction]!.heapBytes - start).toBeGreaterThan(40 * 1024 * 1024);
    // Once, while the heap was that large; the checks after it found nothing new to hand back.
    expect(checks.slice(compaction + 1).map(check => check.compacted)).toEqual(checks.slice(compaction + 1).map(() => false));
    expect(kept).toBeUndefined();
    // The collection was reached without handing `gc` to this process's global or to contexts made since.
    expect([typeof (globalThis as { gc?: unknown }).gc, runInNewContext('typeof gc')]).toEqual(['undefined', 'undefined']);
  });

  it('leaves a heap that has not grown alone', async () => {
    const checks = await firstCheck({ minGrowthBytes: 512 * 1024 * 1024 }, (_, all) => all.length === 3);
    expect(checks.map(check => check.compacted)).toEqual([false, false, false]);
  });
});
