/**
 * Leaves ~150 MiB of old garbage behind, lets the event loop go idle and prints (as JSON) the heap at the start and
 * after the work, every check compactHeapWhenIdle made until the heap, compacted once, was back near the start, and
 * whether `gc` is visible anywhere. Run alone in its own process: in a test worker, other files' work and
 * collections would make the heap's size say nothing about this one's.
 */
import { getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compactHeapWhenIdle, type HeapCheck } from '../../../src/core/idle-heap-compaction.js';

const NEAR = 32 * 1024 * 1024;
const start = getHeapStatistics().total_heap_size;
const checks: HeapCheck[] = [];
const done = new Promise<void>(resolve => {
  const compaction = compactHeapWhenIdle({
    checkEveryMs: 50,
    idleUtilization: 0.5,
    minGrowthBytes: NEAR,
    onCheck: check => {
      checks.push(check);
      if (checks.some(c => c.compacted) && check.heapBytes - start < NEAR) {
        compaction.stop();
        resolve();
      }
    },
  });
});
// Kept long enough to be promoted to old space, then dropped.
let kept: Array<{ n: number; text: string }> | undefined = [];
for (let i = 0; i < 600_000; i++) kept.push({ n: i, text: `entity-${i}-${'x'.repeat(64)}` });
const grown = getHeapStatistics().total_heap_size;
kept = undefined;
// The compaction's timer does not keep a process alive (a server's does): this one waits for it.
const alive = setInterval(() => undefined, 1_000);
await done;
clearInterval(alive);
const gcVisible = [typeof (globalThis as { gc?: unknown }).gc, runInNewContext('typeof gc')];
process.stdout.write(JSON.stringify({ start, grown, checks, gcVisible }));
