import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, startDeliveryPave, type DeliveryPave } from './support.js';

/**
 * Adoption's weekly series, from the event log: golden-path runs, components appearing (and how many from a
 * golden path) and platform requests from apply to Ready, each week of the window, empty weeks included.
 * Everything here happens this week (the log stamps events with Pave's clock), so every earlier week is zero.
 */
describe('adoption by week', { timeout: 60_000 }, () => {
  let pave: DeliveryPave;

  beforeAll(async () => {
    pave = await startDeliveryPave();
    const log = (type: string, subject: string, payload: Record<string, unknown> = {}) => pave.app.eventLog.append(pave.app.store.db, { type, subject, actor: 'user:default/ana', payload });
    for (const task of ['t1', 't2', 't3']) await log('templates.task.created', `task:${task}`);
    await log('templates.task.completed', 'task:t1');
    await log('templates.task.completed', 'task:t2');
    await log('templates.task.failed', 'task:t3');
    await log('platform.request.applied', 'resource:shop-team/cart-db', { owner: 'group:default/shop-team' });
    await log('platform.request.applied', 'resource:shop-team/cart-cache', { owner: 'group:default/shop-team' });
    await log('platform.request.phase-changed', 'resource:shop-team/cart-db', { phase: 'Ready' });
  });
  afterAll(async () => pave?.close());

  it('counts each week of the window, this week holding what happened', async () => {
    const { status, body } = await get(`${pave.url}/api/delivery/adoption?window=28d`);
    expect(status).toBe(200);
    for (const series of [body.templateRunsByWeek, body.newComponentsByWeek, body.platformRequestsByWeek]) {
      expect(series.map((w: { week: string }) => w.week)).toEqual(body.teamsOnboardedByWeek.map((w: { week: string }) => w.week));
      expect(series.length).toBeGreaterThanOrEqual(4);
    }
    expect(body.templateRunsByWeek.at(-1)).toMatchObject({ started: 3, completed: 2, failed: 1 });
    // The delivery org's three components appeared this week; cart was made from a golden path.
    expect(body.newComponentsByWeek.at(-1)).toMatchObject({ created: 3, fromTemplates: 1 });
    expect(body.platformRequestsByWeek.at(-1)).toMatchObject({ applied: 2, ready: 1 });
    const earlier = (series: Array<Record<string, unknown>>) => series.slice(0, -1).map(({ week: _, ...counts }) => Object.values(counts).every(n => n === 0));
    expect(earlier(body.templateRunsByWeek)).not.toContain(false);
    expect(earlier(body.newComponentsByWeek)).not.toContain(false);
    expect(earlier(body.platformRequestsByWeek)).not.toContain(false);
    expect(body.templateRuns).toEqual({ started: 3, completed: 2, failed: 1, successRate: 0.6667 });
  });
});
