import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, nextWeek, startSurveyPave, type SurveyPave } from '../surveys/support.js';
import { basicsScorecard } from '../scorecards/support.js';
import { readAssessment } from '../../src/cli/maturity-commands.js';
import { suggestLevel } from '../../src/maturity/suggest-level.js';

let pave: SurveyPave;
const component = (name: string, owner: string, template?: string) => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, ...(template ? { annotations: { 'backstage.io/source-template': template } } : {}) },
  spec: { type: 'service', lifecycle: 'production', owner },
});

beforeAll(async () => {
  pave = await startSurveyPave();
  // The auth organisation has payments (checkout-team), infra (platform-team) and dave-tool (user:dave); two more from golden paths.
  await pave.app.catalog.saveEntity(component('cart', 'checkout-team', 'template:default/typescript-service'));
  await pave.app.catalog.saveEntity(component('search-api', 'search-team', 'template:default/python-service'));
  // A closed survey run that 10 of the 16 people answered.
  const survey = (await pave.as('alice', 'POST', '/api/surveys', { title: 'DX' })).body.id;
  const run = (await pave.as('alice', 'POST', `/api/surveys/${survey}/runs`, { title: 'Spring pulse', closesAt: nextWeek() })).body.id;
  for (const name of [...PEOPLE.checkout, ...PEOPLE.platform.slice(0, 4)]) await pave.as(name, 'POST', `/api/surveys/runs/${run}/responses`, { answers: { 'recommend-platform': 8 } });
  await pave.as('alice', 'POST', `/api/surveys/runs/${run}/close`, {});
});
afterAll(() => pave?.close());

const full = { investment: { level: 'operational' }, adoption: { level: 'operational' }, interfaces: { level: 'provisional' }, operations: { level: 'provisional' }, measurement: { level: 'operational' } };

describe('maturity evidence from seeded data', () => {
  it("computes each piece from Pave's data with its source, suggests levels, and names what is missing", async () => {
    const { status, body } = await pave.as('bob', 'GET', '/api/maturity/evidence');
    expect(status).toBe(200);
    const evidence = Object.fromEntries(body.aspects.flatMap((a: { evidence: Array<{ id: string }> }) => a.evidence.map(e => [e.id, e])));
    expect(evidence['adoption.golden-path-share']).toMatchObject({ value: '2 of 5 components (40%)', measure: 0.4, source: expect.stringContaining('backstage.io/source-template'), suggests: 3 });
    // Teams (spec.type team): org, engineering, platform, checkout, checkout-payments, loop-a, loop-b, search → 3 own components.
    expect(evidence['adoption.teams-with-components']).toMatchObject({ value: '3 of 8 teams (38%)', source: expect.stringContaining('ownedBy') });
    expect(evidence['measurement.survey-response-rate']).toMatchObject({ value: expect.stringContaining('10 of 16 answered (63%)'), measure: 0.625, source: expect.stringContaining('surveys') });
    expect(evidence['adoption.active-users'].source).toContain('audit log');
    expect(evidence['interfaces.self-service-requests']).toMatchObject({ value: '0 capabilities offered; 0 requests by 0 teams', suggests: 1 });
    // Scorecards and delivery are there but have nothing yet: their evidence says so rather than going missing.
    expect(evidence['operations.scorecard-coverage']).toMatchObject({ value: 'No data yet: no scorecard has scored an entity', measure: 0, suggests: 1 });
    expect(evidence['operations.campaign-progress']).toMatchObject({ value: 'No data yet: no campaign has been run', measure: 0 });
    expect(evidence['operations.campaign-progress'].suggests).toBeUndefined();
    expect(evidence['measurement.dora-coverage']).toMatchObject({ value: 'No data yet: none of 5 components has a production deployment in the last 30 days', measure: 0, suggests: 1 });
    const missing = body.aspects.flatMap((a: { missing: Array<{ id: string }> }) => a.missing.map(m => m.id));
    expect(missing).toEqual(expect.arrayContaining(['investment.funding', 'operations.requests-ready']));
    expect(missing).not.toContain('measurement.dora-coverage');
    expect(body.aspects.find((a: { aspect: string }) => a.aspect === 'investment').suggested).toBeUndefined();
    expect(body.credit).toContain('CNCF Platform Engineering Maturity Model');
  });

  it('suggests the mean of the evidence, rounded down', () => {
    expect(suggestLevel([{ suggests: 3 }, { suggests: 2 }])).toBe('operational');
    expect(suggestLevel([{ suggests: 3 }, { suggests: 3 }, { suggests: 4 }])).toBe('scalable');
    expect(suggestLevel([{}])).toBeUndefined();
  });
});

describe('maturity evidence from scorecards and delivery', () => {
  const day = (daysAgo: number, hour: number) => new Date(Date.now() - daysAgo * 86_400_000 + hour * 3_600_000).toISOString();

  beforeAll(async () => {
    // Bronze: owned by a team (dave-tool is owned by a person); silver: described (none is).
    for (const entity of basicsScorecard()) await pave.app.catalog.saveEntity(entity);
    await pave.app.eventConsumers.drain();
    const sent = await pave.as('alice', 'POST', '/api/delivery/events', {
      events: [
        { id: 'c1', type: 'change', at: day(3, 0), entity: 'component:default/cart', sha: 'aaaa1111' },
        { id: 'd1', type: 'deployment', at: day(3, 6), entity: 'component:default/cart', environment: 'production', status: 'success', sha: 'aaaa1111' },
        { id: 'd2', type: 'deployment', at: day(2, 0), entity: 'component:default/payments', environment: 'production', status: 'failure' },
        { id: 'd3', type: 'deployment', at: day(2, 1), entity: 'component:default/payments', environment: 'production', status: 'success' },
      ],
    });
    expect(sent.status, sent.text).toBe(200);
  });

  it('shows the numbers the scorecards and delivery routes show, with their source, and suggests levels from them', async () => {
    const { body } = await pave.as('bob', 'GET', '/api/maturity/evidence');
    const evidence = Object.fromEntries(body.aspects.flatMap((a: { evidence: Array<{ id: string }> }) => a.evidence.map(e => [e.id, e])));

    const [summary] = (await pave.as('alice', 'GET', '/api/scorecards')).body.items;
    expect(summary).toMatchObject({ entities: 5, levels: { bronze: 4, unranked: 1 } });
    const bronze = (summary.levels.bronze + (summary.levels.silver ?? 0)) / summary.entities;
    expect(evidence['operations.scorecard-coverage']).toMatchObject({ value: `Basics: 5 entities, bronze ${Math.round(bronze * 100)}%, silver 0%`, measure: bronze, source: expect.stringContaining('/api/scorecards'), suggests: 3 });

    const [campaign] = (await pave.as('alice', 'GET', '/api/scorecards/campaigns')).body.items;
    expect(campaign.progress).toMatchObject({ total: 5, done: 4, left: 1 });
    expect(evidence['operations.campaign-progress']).toMatchObject({ value: '1 campaign(s), 1 open; 4 of 5 entities done or exempt (80%)', measure: 0.8, suggests: 3 });

    const dora = (await pave.as('alice', 'GET', '/api/delivery/dora?window=30d')).body;
    const { deploymentFrequency: df, leadTime, changeFailureRate: cfr } = dora.metrics;
    expect([df.deployments, leadTime.medianHours, cfr.rate]).toEqual([2, 6, 0.3333]);
    expect(evidence['measurement.dora-coverage']).toMatchObject({ measure: 2 / dora.components, suggests: 2, source: expect.stringContaining('/api/delivery/dora?window=30d') });
    expect(evidence['measurement.dora-coverage'].value).toBe(
      `2 of ${dora.components} components with delivery data (40%); ${df.deployments} deployments (${df.perWeek} a week (${df.band})), lead time 6 h (${leadTime.band}), change failure rate 33% (${cfr.band}), time to restore ${dora.metrics.recoveryTime.medianHours} h (${dora.metrics.recoveryTime.band})`,
    );

    // Operations: requests Ready gives nothing here; scorecards 3 and campaigns 3 → scalable.
    expect(body.aspects.find((a: { aspect: string }) => a.aspect === 'operations').suggested).toBe('scalable');
  });
});

describe('assessments', () => {
  it('refuses a missing aspect or a level outside the model with 422 naming it', async () => {
    const { investment: _dropped, ...fourAspects } = full;
    const missing = await pave.as('alice', 'POST', '/api/maturity/assessments', { aspects: fourAspects });
    expect(missing.status).toBe(422);
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '/aspects/investment', rule: 'required' })]);
    const unknown = await pave.as('alice', 'POST', '/api/maturity/assessments', { aspects: { ...full, adoption: { level: 'elite' }, culture: { level: 'scalable' } } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/aspects/adoption/level', '/aspects/culture']);
    expect(unknown.body.errors[0].detail).toContain('provisional, operational, scalable, optimizing');
    expect((await pave.as('bob', 'POST', '/api/maturity/assessments', { aspects: full })).status).toBe(403);
  });

  it('records two assessments three months apart, keeps history and reports the change as Markdown and HTML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pave-maturity-'));
    try {
      await writeFile(join(dir, 'march.yaml'), ['assessedAt: 2026-03-02', 'note: First look.', 'aspects:', '  investment: operational', '  adoption: operational', '  interfaces: provisional', '  operations: provisional', '  measurement: { level: operational, note: One survey so far. }', ''].join('\n'));
      const first = await pave.as('alice', 'POST', '/api/maturity/assessments', await readAssessment(join(dir, 'march.yaml')));
      expect(first.status, first.text).toBe(201);
      expect(first.body.assessedAt).toBe('2026-03-02T00:00:00.000Z');
      const adoption = first.body.aspects.find((a: { aspect: string }) => a.aspect === 'adoption');
      // The evidence suggests scalable (3) for golden paths but less elsewhere; the assessor's word stands.
      expect(adoption).toMatchObject({ level: 'operational', evidence: expect.arrayContaining([expect.objectContaining({ id: 'adoption.golden-path-share' })]) });
      const second = await pave.as('alice', 'POST', '/api/maturity/assessments', { assessedAt: '2026-06-01', aspects: { ...full, adoption: { level: 'scalable', note: 'Golden paths took off.' }, interfaces: { level: 'operational' } } });
      expect(second.status).toBe(201);
      expect(second.body.aspects.find((a: { aspect: string }) => a.aspect === 'measurement').evidence.map((e: { id: string }) => e.id)).toContain('measurement.dora-coverage');

      const history = await pave.as('bob', 'GET', '/api/maturity/assessments');
      expect(history.body.items.map((a: { assessedAt: string }) => a.assessedAt.slice(0, 10))).toEqual(['2026-06-01', '2026-03-02']);

      const markdown = await pave.as('bob', 'GET', '/api/maturity/report?format=md');
      expect(markdown.text).toContain('| Adoption | Scalable (3) |');
      expect(markdown.text).toContain('▲ from Operational');
      expect(markdown.text).toContain('Golden paths took off.');
      expect(markdown.text).toContain('CC BY 4.0');

      // The PDF (printed from the HTML page) is read back in test/surveys/cli.test.ts, through the CLI and the client.
      const html = await pave.as('bob', 'GET', '/api/maturity/report?format=html');
      expect(html.text).toContain('aria-label="Maturity radar chart"');
      expect(html.text).toContain('▲ from Operational');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses an assessment dated in the future', async () => {
    const future = await pave.as('alice', 'POST', '/api/maturity/assessments', { aspects: full, assessedAt: '2999-01-01' });
    expect(future.status).toBe(422);
    expect(future.body.errors[0].pointer).toBe('/assessedAt');
  });
});
