import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { loadDemo, loadInsightsDemo } from '../../src/cli/serve-command.js';

let pave: RunningPave;
beforeAll(async () => {
  pave = await startPave({ demo: true, config: { auth: defaultAuthConfig() } });
  await loadInsightsDemo(pave.app);
}, 120_000);
afterAll(() => pave?.close());

describe('the demo', () => {
  it('holds a completed survey answered across departments, with one under the threshold', async () => {
    const operator = pave.app.auth.localOperator();
    const [run] = await pave.app.surveys.listRuns(operator);
    expect(run).toMatchObject({ state: 'closed', respondents: 33 });
    const results = await pave.app.surveys.results(operator, run!.id);
    expect(results.overall).toMatchObject({ shown: true, respondents: 33 });
    const teams = Object.fromEntries(results.teams.map(t => [t.group, t]));
    expect(teams['group:default/core-services']).toMatchObject({ shown: true, respondents: 13 });
    expect(teams['group:default/digital-commerce']).toMatchObject({ shown: true, respondents: 10 });
    expect(teams['group:default/product-design']).toMatchObject({ shown: false, reason: expect.stringContaining('Fewer than 5') });
    // With only product-design's 3 hidden, the smallest shown department is hidden with it.
    expect(teams['group:default/operations-tech']).toMatchObject({ shown: false, reason: expect.stringContaining('Hidden too') });
  });

  it('holds two maturity assessments three months apart, showing progress', async () => {
    const [latest, earlier] = await pave.app.maturity.list(pave.app.auth.localOperator());
    const days = (Date.parse(latest!.assessedAt) - Date.parse(earlier!.assessedAt)) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(89);
    expect(days).toBeLessThanOrEqual(92);
    const level = (a: typeof latest, aspect: string) => a!.aspects.find(x => x.aspect === aspect)!.level;
    expect([level(earlier, 'adoption'), level(latest, 'adoption')]).toEqual(['provisional', 'operational']);
    expect(latest!.aspects.find(a => a.aspect === 'measurement')!.evidence.map(e => e.id)).toContain('measurement.survey-response-rate');
  });

  it('loads once: a second load adds nothing', async () => {
    await loadDemo(pave.app);
    await loadInsightsDemo(pave.app);
    expect(await pave.app.surveys.listRuns(pave.app.auth.localOperator())).toHaveLength(1);
    expect(await pave.app.maturity.list(pave.app.auth.localOperator())).toHaveLength(2);
  });
});

describe('the demo response rate', () => {
  it('counts the people of the departments asked, sub-teams included', async () => {
    const [rate] = await pave.app.surveys.responseRates();
    // Everyone but the organisation-level people (the CTO, the VP, …) sits in one of the four departments.
    expect(rate).toMatchObject({ respondents: 33 });
    expect(rate!.audience).toBeGreaterThan(33);
    expect(rate!.rate).toBeLessThan(1);
  });
});
