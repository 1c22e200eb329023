/**
 * Two evaluations of one entity at once, on PostgreSQL (a catalog change on one replica, its deferred collection on
 * another): each decides from the stored result what changed, so that read must come in the turn that orders result
 * writers. Both read the old level, so both wrote a history row and both announced the same level change (every
 * webhook and chat integration told twice).
 */
import { describe, expect, it } from 'vitest';
import { postgresFactory } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { EventLog } from '../../src/store/event-log.js';
import { ResultStore } from '../../src/scorecards/result-store.js';
import type { ScorecardResult } from '../../src/scorecards/scorecard-result.js';

const pg = await postgresFactory();

const ENTITY = 'component:default/payments';
const result = (level: string, score: number): ScorecardResult => ({ scorecard: 'scorecard:default/readiness', entity: ENTITY, level, score, rules: [], evaluatedAt: new Date().toISOString() });

describe.skipIf(Boolean(pg.unavailable))('scorecard results saved at once: postgres', () => {
  it('records and announces a level change once when two evaluations save it at once', async () => {
    const handle = await pg.open();
    try {
      const log = new EventLog(handle.store);
      const results = new ResultStore(handle.store, log);
      const save = (saved: ScorecardResult) => results.saveMany([saved], (changed, previous) => ({ type: 'scorecards.level.changed', subject: changed.entity, payload: { level: changed.level ?? null, previous } }));
      await save(result('bronze', 50));
      const held = await holdRows(handle.store, trx => trx.selectFrom('scorecard_results').select('entity_ref').where('entity_ref', '=', ENTITY).forUpdate().execute());
      const first = save(result('silver', 80));
      await expect.poll(() => waitersBehind(handle.store.db, held.pid)).toBe(1);
      const second = save(result('silver', 80));
      await expect.poll(() => waitersBehind(handle.store.db, held.pid)).toBe(2);
      held.release();
      await held.done;
      expect((await Promise.all([first, second])).sort()).toEqual([0, 1]);
      expect((await results.history('scorecard:default/readiness', ENTITY)).map(point => point.level)).toEqual(['bronze', 'silver']);
      expect((await log.read({ types: ['scorecards.level.changed'] })).map(event => event.payload)).toEqual([
        { level: 'bronze', previous: null },
        { level: 'silver', previous: 'bronze' },
      ]);
    } finally {
      await handle.dispose();
    }
  });
});
