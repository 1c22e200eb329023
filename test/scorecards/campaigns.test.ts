/**
 * Campaigns: progress over a simulated timeline (pure, from results and their history), and on a real Pave:
 * a campaign read through the API with its per-team progress, and a campaign whose target is before its start
 * refused at ingest with the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignProgress } from '../../src/scorecards/campaign-progress.js';
import type { Campaign } from '../../src/scorecards/campaign.js';
import type { Scorecard } from '../../src/scorecards/scorecard.js';
import type { ScorecardResult } from '../../src/scorecards/scorecard-result.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { component, getJson, readinessScorecard, team } from './support.js';

const scorecard: Scorecard = {
  ref: 'scorecard:default/readiness',
  name: 'readiness',
  title: 'Readiness',
  filter: [],
  levels: [
    { name: 'bronze', rank: 1 },
    { name: 'silver', rank: 2 },
  ],
  rules: [],
};
const campaign: Campaign = {
  ref: 'campaign:default/silver',
  name: 'silver',
  title: 'Silver',
  scorecard: scorecard.ref,
  level: 'silver',
  start: '2026-01-01',
  target: '2026-01-10',
  exemptions: [
    { entity: 'component:default/old', reason: 'retiring', expires: '2026-02-01' },
    { entity: 'component:default/lapsed', reason: 'was retiring', expires: '2026-01-03' },
  ],
};
const result = (entity: string, owner: string, level?: string, failing: string[] = []): ScorecardResult => ({
  scorecard: scorecard.ref,
  entity: `component:default/${entity}`,
  owner,
  ...(level ? { level } : {}),
  score: 50,
  evaluatedAt: '2026-01-05T00:00:00.000Z',
  rules: failing.map(id => ({ id, title: id, level: 'silver', weight: 1, status: 'fail' as const })),
});

describe('campaign progress over a timeline', () => {
  const results = [result('a', 'group:default/team-a', 'silver'), result('b', 'group:default/team-a', 'bronze', ['readme']), result('c', 'group:default/team-b'), result('old', 'group:default/team-b'), result('lapsed', 'group:default/team-b', 'silver')];
  const history = new Map([
    ['component:default/a', [{ level: 'bronze', score: 50, evaluatedAt: '2026-01-01T10:00:00Z' }, { level: 'silver', score: 100, evaluatedAt: '2026-01-04T10:00:00Z' }]],
    ['component:default/b', [{ level: 'silver', score: 100, evaluatedAt: '2026-01-02T10:00:00Z' }, { level: 'bronze', score: 50, evaluatedAt: '2026-01-06T10:00:00Z' }]],
    ['component:default/lapsed', [{ level: 'silver', score: 100, evaluatedAt: '2026-01-03T10:00:00Z' }]],
  ]);

  it('counts done, left and exempt per team, and burns up day by day until today', () => {
    const progress = campaignProgress(campaign, scorecard, results, history, new Date('2026-01-07T12:00:00Z'));
    expect(progress).toMatchObject({ total: 5, done: 2, exempt: 1, left: 2, daysLeft: 3 });
    expect(progress.teams).toEqual([
      { owner: 'group:default/team-a', total: 2, done: 1, exempt: 0, left: 1, entitiesLeft: [{ entity: 'component:default/b', level: 'bronze', failing: ['readme'] }] },
      { owner: 'group:default/team-b', total: 3, done: 1, exempt: 1, left: 1, entitiesLeft: [{ entity: 'component:default/c', failing: [] }] },
    ]);
    expect(progress.burnup).toEqual([
      { date: '2026-01-01', done: 0 },
      { date: '2026-01-02', done: 1 },
      { date: '2026-01-03', done: 2 },
      { date: '2026-01-04', done: 3 },
      { date: '2026-01-05', done: 3 },
      { date: '2026-01-06', done: 2 },
      { date: '2026-01-07', done: 2 },
    ]);
  });

  it('stops the burn-up at the target, counts days past it as negative, and drops expired exemptions', () => {
    const progress = campaignProgress(campaign, scorecard, results, history, new Date('2026-03-01T00:00:00Z'));
    expect(progress.burnup).toHaveLength(10);
    expect(progress.daysLeft).toBeLessThan(0);
    expect(progress.exempt).toBe(0);
    expect(progress.left).toBe(3);
  });

  it('a campaign over rules is done when those rules pass, whatever the level', () => {
    const progress = campaignProgress({ ...campaign, level: undefined, rules: ['readme'], exemptions: [] }, scorecard, results, history, new Date('2026-01-07T12:00:00Z'));
    expect(progress).toMatchObject({ done: 4, left: 1 });
    expect(progress.burnup).toEqual([{ date: '2026-01-07', done: 4 }]);
  });
});

describe('campaigns on a real Pave', () => {
  let pave: RunningPave;
  const get = (path: string) => getJson(pave.url + path);

  beforeAll(async () => {
    pave = await startPave();
    await pave.app.catalog.saveEntity(team('team-a'));
    await pave.app.catalog.saveEntity(component('cart', { owner: 'team-a', description: 'The basket' }));
    await pave.app.catalog.saveEntity(component('legacy', { owner: 'team-a' }));
    await pave.app.catalog.saveEntity(readinessScorecard());
    await pave.app.catalog.saveEntity({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Campaign',
      metadata: { name: 'bronze-now', title: 'Everything bronze' },
      spec: { owner: 'group:default/team-a', scorecard: 'readiness', level: 'bronze', start: '2026-01-01', target: '2099-01-01', exemptions: [{ entity: 'legacy', reason: 'being retired', grantedBy: 'user:default/alice' }] },
    });
    await pave.app.eventConsumers.drain();
  });

  afterAll(async () => {
    await pave?.close();
  });

  it('answers a campaign’s progress per team', async () => {
    const one = await get('/api/scorecards/campaigns/default/bronze-now');
    expect(one.status).toBe(200);
    expect(one.body.campaign).toMatchObject({ scorecard: 'scorecard:default/readiness', level: 'bronze', exemptions: [{ entity: 'component:default/legacy' }] });
    expect(one.body.progress).toMatchObject({ total: 2, done: 1, exempt: 1, left: 0, teams: [{ owner: 'group:default/team-a', done: 1, exempt: 1 }] });
    expect(one.body.progress.burnup.at(-1).done).toBe(1);
    expect((await get('/api/scorecards/campaigns')).body.items).toHaveLength(1);
  });

  it('reminds a campaign near its target once a day, as an event', async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await pave.app.catalog.saveEntity({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Campaign',
      metadata: { name: 'silver-soon' },
      spec: { owner: 'group:default/team-a', scorecard: 'readiness', level: 'silver', start: '2026-01-01', target: soon },
    });
    expect(await pave.app.scorecards.remindCampaigns()).toBe(1);
    expect(await pave.app.scorecards.remindCampaigns()).toBe(0);
    const [reminder] = await pave.app.eventLog.read({ types: ['scorecards.campaign.reminder'] });
    expect(reminder).toMatchObject({ subject: 'campaign:default/silver-soon', payload: { target: soon, left: 2, teams: [{ owner: 'group:default/team-a', left: 2 }], owner: 'group:default/team-a' } });
    expect(reminder!.payload.daysLeft).toBeGreaterThanOrEqual(2);
  });

  it('refuses a campaign whose target is before its start, naming the field', async () => {
    const { errors } = pave.app.catalog.validate({
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Campaign',
      metadata: { name: 'backwards' },
      spec: { scorecard: 'readiness', level: 'bronze', start: '2026-03-01', target: '2026-01-01', exemptions: [{ entity: 'a', reason: 'x' }, { entity: 'component:default/a', reason: 'y' }] },
    });
    expect(errors.map(error => `${error.pointer} ${error.detail}`)).toEqual(['/spec/target is before the start (2026-03-01)', '/spec/exemptions/1/entity exempts component:default/a a second time']);
  });
});
