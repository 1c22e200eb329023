import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../pave-config.js';
import { PaveError } from '../core/problem.js';

const cwd = mkdtempSync(join(tmpdir(), 'pave-config-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('the expressions section', () => {
  it('has defaults, reads the file and lets the environment win', () => {
    expect(loadConfig({ cwd, env: {} }).expressions).toEqual({ poolSize: 2, heapMiB: 256, deadlineMarginMs: 2000 });
    writeFileSync(join(cwd, 'pave.config.yaml'), 'expressions:\n  poolSize: 4\n  heapMiB: 512\n');
    const config = loadConfig({ cwd, env: { PAVE_EXPRESSIONS_HEAP_MIB: '128', PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS: '500' } });
    expect(config.expressions).toEqual({ poolSize: 4, heapMiB: 128, deadlineMarginMs: 500 });
    rmSync(join(cwd, 'pave.config.yaml'));
  });

  it('names every mistake with its variable', () => {
    let error: unknown;
    try {
      loadConfig({ cwd, env: { PAVE_EXPRESSIONS_POOL_SIZE: '0', PAVE_EXPRESSIONS_HEAP_MIB: 'lots', PAVE_EXPRESSIONS_DEADLINE_MARGIN_MS: '10' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PaveError);
    const errors = (error as PaveError).problem.errors ?? [];
    expect(errors.map(e => e.pointer)).toEqual(['/expressions/poolSize', '/expressions/heapMiB', '/expressions/deadlineMarginMs']);
    expect(errors[1]?.detail).toMatch(/PAVE_EXPRESSIONS_HEAP_MIB/);
  });
});
