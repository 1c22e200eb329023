import { afterEach } from 'vitest';
import { adminQuery } from '../../support/stores.js';
import { POSTGRES_URL } from '../../support/require-all.js';
import { startHarness, type Harness } from './platform-harness.js';

/**
 * For each test of the describe that calls it, a platform harness on a PostgreSQL schema of its own (made by the
 * returned function), closed and dropped after the test.
 * @example const start = harnessPerTest('pave_turns'); it('…', async () => { const { app } = await start(); … });
 */
export function harnessPerTest(prefix: string): () => Promise<Harness> {
  let harness: Harness | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
    if (schema) await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    schema = undefined;
  });
  return async () => {
    schema = `${prefix}_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    harness = await startHarness({ databaseUrl: POSTGRES_URL, databaseSchema: schema, publish: false });
    return harness;
  };
}
