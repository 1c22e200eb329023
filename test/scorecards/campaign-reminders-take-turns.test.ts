/**
 * Campaign reminders asked for at once, on PostgreSQL (two replicas' hourly passes): each looked for today's reminder
 * in the event log and then appended one, so both found none and the teams were reminded twice.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { component, readinessScorecard, team } from './support.js';

const postgres = (await appBackends('pave_reminder_turns')).find(backend => backend.name === 'postgres')!;

describe.skipIf(Boolean(postgres.skip))('campaign reminders at once: postgres', () => {
  let pave: RunningPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  it('reminds a campaign once a day when two passes remind it at once', async () => {
    const backend = await postgres.config();
    drop = backend.drop;
    const p = (pave = await startPave({ config: backend.config }));
    await p.app.catalog.saveEntity(team('team-a'));
    await p.app.catalog.saveEntity(component('cart', { owner: 'team-a' }));
    await p.app.catalog.saveEntity(readinessScorecard());
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await p.app.catalog.saveEntity({ apiVersion: 'pave.dev/v1alpha1', kind: 'Campaign', metadata: { name: 'silver-soon' }, spec: { owner: 'group:default/team-a', scorecard: 'readiness', level: 'silver', start: '2026-01-01', target: soon } });
    await p.app.scorecards.evaluate([(await p.app.catalog.entities.byRef('component:default/cart'))!]);
    // Another writer holds the event log's counter: both passes get as far as their reminder's event and wait.
    const held = await holdRows(p.app.store, trx => trx.selectFrom('event_sequence').select('last').forUpdate().execute());
    const first = p.app.scorecards.remindCampaigns();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(1);
    const second = p.app.scorecards.remindCampaigns();
    await expect.poll(() => waitersBehind(p.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    expect((await Promise.all([first, second])).sort()).toEqual([0, 1]);
    expect(await p.app.eventLog.read({ types: ['scorecards.campaign.reminder'] })).toHaveLength(1);
  });
});
