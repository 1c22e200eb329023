import { describe, expect, it } from 'vitest';
import { compactHeapWhenIdle, type HeapCheck } from '../../src/core/idle-heap-compaction.js';
import { startTsChild } from '../support/ts-child.js';

const MiB = 1024 * 1024;

describe('compactHeapWhenIdle', () => {
  it('hands back the heap that work left behind once the event loop is idle, once', async () => {
    const { code, stdout, stderr } = await startTsChild(new URL('./support/heap-compaction-child.ts', import.meta.url)).finished;
    expect(code, stderr).toBe(0);
    const { start, grown, checks, gcVisible } = JSON.parse(stdout) as { start: number; grown: number; checks: HeapCheck[]; gcVisible: string[] };
    expect(grown - start).toBeGreaterThan(40 * MiB);
    const compaction = checks.findIndex(check => check.compacted);
    expect(checks[compaction]!.heapBytes - start).toBeGreaterThan(40 * MiB);
    // Once, while the heap was that large; the checks after it found nothing new to hand back.
    expect(checks.slice(compaction + 1).map(check => check.compacted)).toEqual(checks.slice(compaction + 1).map(() => false));
    expect(checks.at(-1)!.heapBytes - start).toBeLessThan(32 * MiB);
    // The collection was reached without handing `gc` to the process's global or to contexts made since.
    expect(gcVisible).toEqual(['undefined', 'undefined']);
  });

  it('leaves a heap that has not grown alone', async () => {
    const checks = await new Promise<HeapCheck[]>(resolve => {
      const seen: HeapCheck[] = [];
      const compaction = compactHeapWhenIdle({
        checkEveryMs: 50,
        idleUtilization: 0.5,
        minGrowthBytes: 512 * MiB,
        onCheck: check => {
          seen.push(check);
          if (seen.length === 3) {
            compaction.stop();
            resolve(seen);
          }
        },
      });
    });
    expect(checks.map(check => check.compacted)).toEqual([false, false, false]);
  });
});
