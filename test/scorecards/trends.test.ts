/**
 * Trends: a scorecard's entities per level and mean score day by day, over a simulated timeline (pure, from
 * results and their history), and over HTTP on a real Pave — for everyone, for one team, and a bad window
 * refused naming the field; and a team's standing on each scorecard and campaign.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scorecard } from '../../src/scorecards/scorecard.js';
import type { ScorecardResult } from '../../src/scorecards/scorecard-result.js';
import { scorecardTrend } from '../../src/scorecards/scorecard-trend.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { basicsScorecard, component, getJson, team } from './support.js';

const card: Scorecard = { ref: 'scorecard:default/basics', name: 'basics', title: 'Basics', filter: [], levels: [{ name: 'bronze', rank: 1 }, { name: 'silver', rank: 2 }], rules: [] };
const result = (entity: string): ScorecardResult => ({ scorecard: card.ref, entity, score: 0, rules: [], evaluatedAt: '2026-03-01T00:00:00Z' });

describe('scorecard trends', () => {
  it('counts each entity at its latest level before each day’s end, from the day it was first scored', () => {
    const history = new Map([
      ['component:default/a', [{ score: 0, evaluatedAt: '2026-02-20T10:00:00Z' }, { level: 'bronze', score: 50, evaluatedAt: '2026-03-02T09:00:00Z' }, { level: 'silver', score: 100, evaluatedAt: '2026-03-03T23:59:59Z' }]],
      ['component:default/b', [{ level: 'bronze', score: 50, evaluatedAt: '2026-03-03T12:00:00Z' }]],
    ]);
    const points = scorecardTrend(card, [result('component:default/a'), result('component:default/b')], history, 4, new Date('2026-03-04T08:00:00Z'));
    expect(points).toEqual([
      { date: '2026-03-01', entities: 1, levels: { bronze: 0, silver: 0, unranked: 1 }, averageScore: 0 },
      { date: '2026-03-02', entities: 1, levels: { bronze: 1, silver: 0, unranked: 0 }, averageScore: 50 },
      { date: '2026-03-03', entities: 2, levels: { bronze: 1, silver: 1, unranked: 0 }, averageScore: 75 },
      { date: '2026-03-04', entities: 2, levels: { bronze: 1, silver: 1, unranked: 0 }, averageScore: 75 },
    ]);
    expect(scorecardTrend(card, [], history, 2, new Date('2026-03-04T08:00:00Z')).map(point => point.averageScore)).toEqual([null, null]);
  });

  describe('over HTTP', () => {
    let pave: RunningPave;
    beforeAll(async () => {
      pave = await startPave();
      const { app } = pave;
      for (const name of ['team-a', 'team-b']) await app.catalog.saveEntity(team(name));
      await app.catalog.saveEntity(component('a1', { owner: 'team-a', description: 'described' }));
      await app.catalog.saveEntity(component('a2', { owner: 'team-a' }));
      await app.catalog.saveEntity(component('b1', { owner: 'team-b', description: 'described' }));
      await app.catalog.saveEntity(component('loose', { owner: 'nobody' }));
      for (const entity of basicsScorecard()) await app.catalog.saveEntity(entity);
      await app.eventConsumers.drain();
    });
    afterAll(async () => pave?.close());

    it('answers today’s levels for everyone and for one team', async () => {
      const all = await getJson(`${pave.url}/api/scorecards/by-name/default/basics/trend?days=7`);
      expect(all.status).toBe(200);
      expect(all.body.points).toHaveLength(7);
      expect(all.body.points.at(-1)).toMatchObject({ entities: 4, levels: { silver: 2, bronze: 1, unranked: 1 } });
      const teamA = await getJson(`${pave.url}/api/scorecards/by-name/default/basics/trend?owner=team-a&days=1`);
      expect(teamA.body).toMatchObject({ scorecard: 'scorecard:default/basics', owner: 'group:default/team-a', days: 1 });
      expect(teamA.body.points).toEqual([{ date: new Date().toISOString().slice(0, 10), entities: 2, levels: { bronze: 1, silver: 1, unranked: 0 }, averageScore: 75 }]);
    });

    it('answers a team’s entities per level and what it has left in each campaign', async () => {
      const teamA = await getJson(`${pave.url}/api/scorecards/teams/default/team-a`);
      expect(teamA.status).toBe(200);
      expect(teamA.body.scorecards).toHaveLength(1);
      expect(teamA.body.scorecards[0]).toMatchObject({ entities: 2, levels: { bronze: 1, silver: 1, unranked: 0 } });
      expect(teamA.body.campaigns).toEqual([expect.objectContaining({ total: 2, done: 2, left: 0, rulesToFix: 0 })]);
      const loose = await getJson(`${pave.url}/api/scorecards/teams/default/nobody`);
      expect(loose.status).toBe(404);
    });

    it('refuses a window out of range naming the field, and a missing scorecard with 404', async () => {
      const bad = await getJson(`${pave.url}/api/scorecards/by-name/default/basics/trend?days=9999`);
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body)).toContain('days');
      expect((await getJson(`${pave.url}/api/scorecards/by-name/default/nope/trend`)).status).toBe(404);
    });
  });
});
