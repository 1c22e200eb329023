import { describe, expect, it } from 'vitest';
import { boundHeapGrowth } from './heap-growth.js';

describe('boundHeapGrowth', () => {
  it('sets V8 heap growth when the operator chose none', () => {
    expect(boundHeapGrowth(['--enable-source-maps', '--max-old-space-size=2048'])).toBe(true);
  });

  it("leaves the operator's own choice in node's arguments, in either spelling", () => {
    expect(boundHeapGrowth(['--heap-growing-percent=20'])).toBe(false);
    expect(boundHeapGrowth(['--max-old-space-size=2048', '--heap_growing_percent=100'])).toBe(false);
  });
});
