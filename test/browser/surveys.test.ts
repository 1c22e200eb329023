/**
 * Surveys, maturity and the platform dashboard in Debian's Chromium, reached by URL: a developer answers an
 * open run from the portal (a required question left out is named next to it); once closed, the results show
 * everyone and the teams big enough, with the explanation for the hidden ones; the maturity page shows the
 * radar, the levels against the previous assessment and the evidence with sources; the dashboard joins them
 * with tiles linking to each, delivery and scorecards tiles only for those who may read them.
 */
import { describe, expect, it } from 'vitest';
import type { Response } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { bearer, seedOrg, tokenFor } from '../auth/support.js';
import { PEOPLE, nextWeek, seedSurveyTeams } from '../surveys/support.js';
import { basicsScorecard } from '../scorecards/support.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

describe.skipIf(!browserAvailable)('surveys, maturity and the dashboard in Chromium', { timeout: 90_000 }, () => {
  let runId: string;
  // dave may not read delivery figures nor scorecards: the dashboard does not offer him their tiles.
  const hidden = { id: 'dave-no-figures', description: 'dave reads neither delivery figures nor scorecards', effect: 'deny' as const, actions: ['delivery.metrics.read', 'scorecards.result.read'], subjects: ['user:default/dave'] };
  const suite = portalSuite(
    async () => {
      const pave = await startPave({ config: { auth: { ...defaultAuthConfig(), rules: [hidden] } } });
      await seedOrg(pave.app.catalog);
      await seedSurveyTeams(pave.app.catalog);
      const operator = pave.app.auth.localOperator();
      const survey = await pave.app.surveys.createSurvey(operator, { title: 'Developer experience' });
      runId = (await pave.app.surveys.openRun(operator, survey.id, { title: 'Winter pulse', closesAt: nextWeek() })).id;
      // Everyone but pl-4 answers through the service; pl-4 answers in the browser.
      for (const name of Object.values(PEOPLE).flat().filter(n => n !== 'pl-4')) {
        const who = await pave.app.auth.permissions.identityForUser(`user:default/${name}`, 'session');
        await pave.app.surveys.answer(who, runId, { answers: { 'recommend-platform': name.startsWith('se') ? 4 : 9, 'platform-satisfaction': 4 } });
      }
      return pave;
    },
    { noPageErrorsInEachTest: true },
  );

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('a developer answers an open run; a missing required answer is named next to its question', async () => {
    await signInBrowserAs(suite.session, suite.pave, 'user:default/pl-4');
    await suite.page.goto(`${suite.pave.url}/surveys`);
    await suite.page.getByTestId('survey-runs').getByRole('link', { name: 'Answer' }).click();
    await expect.poll(() => suite.page.url()).toContain(`/surveys/runs/${runId}`);
    const form = suite.page.getByRole('form', { name: 'Answer the survey' });
    await form.getByRole('group', { name: 'Overall, I am satisfied with the platform.' }).getByLabel('4').check();
    await form.getByRole('button', { name: 'Send my answers' }).click();
    await expect.poll(() => form.getByRole('group', { name: /recommend the platform/ }).textContent()).toContain('is required');
    await expectAccessible('the answer form');
    await form.getByRole('group', { name: /recommend the platform/ }).getByLabel('10', { exact: true }).check();
    await form.getByRole('button', { name: 'Send my answers' }).click();
    await expect.poll(() => suite.page.getByRole('status').textContent()).toContain('your answers are in');
    await expect.poll(() => suite.page.getByText('still open').count()).toBeGreaterThan(0);
  });

  it('after close, results show everyone and the teams big enough, and explain the hidden ones', async () => {
    await suite.pave.app.surveys.closeRun(suite.pave.app.auth.localOperator(), runId);
    await signInBrowserAs(suite.session, suite.pave, 'user:default/bob');
    await suite.page.goto(`${suite.pave.url}/surveys/runs/${runId}`);
    const everyone = suite.page.getByTestId('group-Everyone');
    await expect.poll(() => everyone.textContent()).toContain('13 respondents');
    // 11 promoters (9, 10), 2 detractors (search-team's 4s): (11 − 2) / 13 → 69
    expect(await everyone.textContent()).toContain('NPS 69');
    await expect.poll(() => suite.page.getByTestId('group-checkout-team').textContent()).toContain('6 respondents');
    expect(await suite.page.getByTestId('group-search-team').textContent()).toContain('Fewer than 5 people of this team answered');
    expect(await suite.page.getByTestId('group-platform-team').textContent()).toContain('Hidden too');
    expect(await suite.page.getByTestId('threshold-explanation').textContent()).toContain('at least 5');
    await expectAccessible('the results');
  });

  it('the maturity page shows the radar, the change since the previous assessment and the evidence with sources', async () => {
    const operator = suite.pave.app.auth.localOperator();
    const levels = (adoption: string) => ({ investment: { level: 'operational' }, adoption: { level: adoption }, interfaces: { level: 'operational' }, operations: { level: 'provisional' }, measurement: { level: 'operational' } }) as never;
    await suite.pave.app.maturity.assess(operator, { assessedAt: '2026-03-02', aspects: levels('operational') });
    await suite.pave.app.maturity.assess(operator, { assessedAt: '2026-06-01', aspects: levels('scalable') });
    await suite.page.goto(`${suite.pave.url}/maturity`);
    await expect.poll(() => suite.page.getByRole('img', { name: 'Maturity radar chart' }).count()).toBe(1);
    const adoption = suite.page.getByTestId('maturity-levels').getByRole('row', { name: /Adoption/ });
    await expect.poll(() => adoption.textContent()).toContain('Scalable');
    expect(await adoption.textContent()).toContain('from Operational');
    const evidence = suite.page.getByRole('region', { name: 'Evidence' });
    await expect.poll(() => evidence.textContent()).toContain('Developer-experience surveys');
    expect(await evidence.textContent()).toContain('source: surveys');
    // Delivery has no events yet: its evidence says so in place.
    expect(await evidence.textContent()).toContain('DORA coverage and figures (last 30 days)');
    expect(await evidence.textContent()).toContain('No data yet: none of');
    expect(await suite.page.textContent('body')).toContain('CNCF Platform Engineering Maturity Model');
  });

  it('the dashboard joins adoption, surveys and the latest assessment, each tile linking to its page', async () => {
    await suite.page.goto(`${suite.pave.url}/insights`);
    await expect.poll(() => suite.page.getByTestId('tile-surveys').textContent()).toContain('NPS 69');
    await expect.poll(() => suite.page.getByTestId('tile-adoption').textContent()).toContain('Teams with components');
    await expect.poll(() => suite.page.getByTestId('tile-maturity').textContent()).toContain('Adoption Scalable');
    await expect.poll(() => suite.page.getByTestId('tile-delivery').textContent()).toContain('No delivery data yet');
    await expect.poll(() => suite.page.getByTestId('tile-scorecards').textContent()).toContain('No data yet');
    await expectAccessible('the dashboard');
    await suite.page.getByTestId('tile-surveys').click();
    await expect.poll(() => suite.page.url()).toContain(`/surveys/runs/${runId}`);
  });

  it('the dashboard shows DORA and scorecard tiles with the figures of their pages, to those who may read them', async () => {
    const operator = suite.pave.app.auth.localOperator();
    // Bronze: owned by a team (dave-tool is owned by a person); silver: described (none is).
    for (const entity of basicsScorecard()) await suite.pave.app.catalog.saveEntity(entity);
    await suite.pave.app.eventConsumers.drain();
    const at = (hoursAgo: number) => new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
    await suite.pave.app.delivery.ingest(operator, [
      { id: 'c1', type: 'change', at: at(60), entity: 'component:default/payments', sha: 'aaaa1111' },
      { id: 'd1', type: 'deployment', at: at(54), entity: 'component:default/payments', environment: 'production', status: 'success', sha: 'aaaa1111' },
      { id: 'd2', type: 'deployment', at: at(30), entity: 'component:default/infra', environment: 'production', status: 'failure' },
      { id: 'd3', type: 'deployment', at: at(29), entity: 'component:default/infra', environment: 'production', status: 'success' },
    ]);
    const [summary] = await suite.pave.app.scorecards.summaries({ type: 'all' });
    expect(summary).toMatchObject({ entities: 3, levels: { bronze: 2, unranked: 1 } });
    const dora = await suite.pave.app.delivery.dora({ windowDays: 30, scope: { type: 'all' } });

    await suite.page.goto(`${suite.pave.url}/insights`);
    const delivery = suite.page.getByTestId('tile-delivery');
    await expect.poll(() => delivery.textContent()).toContain(`${dora.metrics.deploymentFrequency.perWeek} deployments a week`);
    expect(await delivery.textContent()).toContain(`Lead time: 6 h (${dora.metrics.leadTime.band})`);
    expect(await delivery.textContent()).toContain(`Change failure rate: 33.3% (${dora.metrics.changeFailureRate.band})`);
    const scorecards = suite.page.getByTestId('tile-scorecards');
    await expect.poll(() => scorecards.textContent()).toContain('Basics: 67% of 3 at bronze or above');
    expect(await scorecards.textContent()).toContain('1 open campaign(s): All bronze (1 left)');
    await expectAccessible('the dashboard with delivery and scorecards');
    await delivery.click();
    await expect.poll(() => suite.page.url()).toMatch(/\/delivery$/);
    await suite.page.goBack();
    await suite.page.getByTestId('tile-scorecards').click();
    await expect.poll(() => suite.page.url()).toMatch(/\/scorecards$/);

    // Once the policy has answered both questions, dave is offered neither tile.
    await signInBrowserAs(suite.session, suite.pave, 'user:default/dave');
    const decided = new Set<string>();
    suite.page.on('response', response => {
      const action = new URL(response.url()).searchParams.get('action');
      if (response.url().includes('/api/permissions/explain') && action) decided.add(action);
    });
    await suite.page.goto(`${suite.pave.url}/insights`);
    await expect.poll(() => [...decided].sort()).toEqual(expect.arrayContaining(['delivery.metrics.read', 'scorecards.result.read']));
    await expect.poll(() => suite.page.getByTestId('tile-maturity').count()).toBe(1);
    expect(await suite.page.getByTestId('tile-delivery').count()).toBe(0);
    expect(await suite.page.getByTestId('tile-scorecards').count()).toBe(0);
  });

  it('the platform team opens a run from the portal (a missing close date named at its field) and closes it', async () => {
    await signInBrowserAs(suite.session, suite.pave, 'user:default/alice');
    await suite.page.goto(`${suite.pave.url}/surveys`);
    const form = suite.page.getByRole('form', { name: 'Open a survey run' });
    await form.getByLabel('Title', { exact: true }).fill('Spring pulse');
    await form.getByRole('button', { name: 'Open the run' }).click();
    await expect.poll(() => form.locator('.field', { has: suite.page.getByLabel('Closes') }).textContent()).toContain('ISO-8601');
    await form.getByLabel('Closes').fill('2099-03-16T17:00');
    await form.getByLabel('Teams', { exact: true }).fill('checkout-team');
    await form.getByRole('button', { name: 'Open the run' }).click();
    await expect.poll(() => suite.page.getByRole('heading', { level: 1 }).textContent()).toBe('Spring pulse');
    expect(await suite.page.textContent('body')).toContain('Open ·');
    await suite.page.getByRole('button', { name: 'Close now' }).click();
    await expect.poll(() => suite.page.locator('.page-head').textContent()).toContain('Closed ·');
    const [newest] = await suite.pave.app.surveys.listRuns(suite.pave.app.auth.localOperator());
    expect(newest).toMatchObject({ title: 'Spring pulse', state: 'closed', audience: { type: 'teams', teams: ['group:default/checkout-team'] } });
  });

  it('asks one question when a golden path run completes; the answer or "Not now" ends it, and ratings show on the surveys page', async () => {
    await suite.pave.app.catalog.saveEntity({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: 'look-up' },
      spec: { owner: 'group:default/platform-team', type: 'service', steps: [{ id: 'fetch', name: 'Fetch', action: 'catalog:fetch', input: { entityRef: 'group:default/checkout-team' } }] },
    });
    const token = await tokenFor(suite.pave.app, 'user:default/co-1');
    const run = async () => {
      const response = await fetch(`${suite.pave.url}/api/scaffolder/v2/tasks`, { method: 'POST', headers: { ...bearer(token), 'content-type': 'application/json' }, body: JSON.stringify({ templateRef: 'template:default/look-up', values: {} }) });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const [rated, dismissed] = [await run(), await run()];
    await signInBrowserAs(suite.session, suite.pave, 'user:default/co-1');
    await suite.page.goto(`${suite.pave.url}/create/tasks/${rated}`);
    const card = suite.page.getByTestId('pulse-card');
    await card.getByRole('group', { name: 'Creating this with the golden path was easy.' }).getByLabel('Agree', { exact: true }).check();
    await card.getByLabel(/Anything to add/).fill('Found it at once.');
    await expectAccessible('the pulse card');
    await card.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => card.textContent()).toContain('kept without your name');
    // After a reload the page asks the server again, which answers "answered": the card stays away.
    // Every answer is read as it comes: the page may ask more than once (an effect re-run aborts the first ask),
    // and an aborted or superseded response has no body to read afterwards.
    const answers: unknown[] = [];
    const readAnswer = async (response: Response) => {
      if (response.url().includes('/api/surveys/pulse/question')) answers.push(await response.json().catch(() => undefined));
    };
    suite.page.on('response', readAnswer);
    await suite.page.reload();
    await expect.poll(() => answers).toContainEqual(expect.objectContaining({ answered: true }));
    suite.page.off('response', readAnswer);
    await expect.poll(() => suite.page.locator('.tpl-status').first().textContent()).toBe('completed');
    expect(await suite.page.getByTestId('pulse-card').count()).toBe(0);

    await suite.page.goto(`${suite.pave.url}/create/tasks/${dismissed}`);
    await suite.page.getByTestId('pulse-card').getByRole('button', { name: 'Not now' }).click();
    await expect.poll(() => suite.page.getByTestId('pulse-card').count()).toBe(0);
    // Dismissed in this browser: the page does not even ask.
    await suite.page.reload();
    await expect.poll(() => suite.page.locator('.tpl-status').first().textContent()).toBe('completed');
    expect(await suite.page.evaluate(id => (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(`pave.pulse.dismissed.task:default/${id}`), dismissed)).toBe('1');
    expect(await suite.page.getByTestId('pulse-card').count()).toBe(0);

    // This month's ratings show from next month on; once it has ended, one rating shows as too few.
    await suite.page.goto(`${suite.pave.url}/surveys`);
    await expect.poll(() => suite.page.locator('#pulse').textContent()).toContain('No ratings of past months yet.');
    await suite.pave.app.store.db.updateTable('survey_pulses').set({ month: '2000-01' }).execute(); // the month ends
    await suite.page.reload();
    const row = suite.page.getByTestId('pulse-results').getByRole('row', { name: /look-up/ });
    await expect.poll(() => row.textContent()).toContain('Fewer than 5 people rated it');
    expect(await row.textContent()).not.toContain('Found it at once.');
  });

  it('the platform team edits the questions between runs: a bad id is named at its field and follows its question as others move, ids of existing questions stay', async () => {
    await signInBrowserAs(suite.session, suite.pave, 'user:default/alice');
    await suite.page.goto(`${suite.pave.url}/surveys`);
    await suite.page.getByRole('link', { name: 'Edit the questions of Developer experience' }).click();
    const form = suite.page.getByRole('form', { name: 'Edit the questionnaire' });
    const first = form.getByRole('listitem', { name: 'Question 1', exact: true });
    await expect.poll(() => first.getByLabel('Id', { exact: true }).getAttribute('readonly')).not.toBeNull();
    const before = (await suite.pave.app.surveys.listSurveys(suite.pave.app.auth.localOperator()))[0]!;
    await first.getByLabel('Question', { exact: true }).fill('My builds give me feedback quickly enough.');
    await form.getByRole('button', { name: 'Add a question' }).click();
    const added = form.getByRole('listitem', { name: `Question ${before.questions.length + 1}`, exact: true });
    await added.getByLabel('Id', { exact: true }).fill('Release Confidence');
    await added.getByLabel('Question', { exact: true }).fill('I deploy without fear.');
    await form.getByRole('button', { name: 'Save the questionnaire' }).click();
    await expect.poll(() => added.textContent()).toContain('must be lower-case letters');
    await expectAccessible('the questionnaire editor with an error');
    // The error belongs to the question, not to its place: moved up, then with a question above it removed,
    // the new question carries its error along and the questions it passed show none.
    const count = before.questions.length + 1;
    const question = (n: number) => form.getByRole('listitem', { name: `Question ${n}`, exact: true });
    const movedPast = await question(count - 1).getByLabel('Id', { exact: true }).inputValue();
    await form.getByRole('button', { name: `Move question ${count} up` }).click();
    await expect.poll(() => question(count - 1).getByLabel('Id', { exact: true }).inputValue()).toBe('Release Confidence');
    expect(await question(count - 1).textContent()).toContain('must be lower-case letters');
    expect(await question(count).getByLabel('Id', { exact: true }).inputValue()).toBe(movedPast);
    expect(await question(count).textContent()).not.toContain('must be lower-case letters');
    const removed = await question(2).getByLabel('Id', { exact: true }).inputValue();
    await form.getByRole('button', { name: 'Remove question 2' }).click();
    const moved = question(count - 2);
    await expect.poll(() => moved.getByLabel('Id', { exact: true }).inputValue()).toBe('Release Confidence');
    expect(await moved.textContent()).toContain('must be lower-case letters');
    expect(await form.textContent()).not.toContain(`/questions/`); // the removed question's place is no stray error
    for (let n = 1; n <= count - 1; n++) if (n !== count - 2) expect(await question(n).textContent(), `question ${n}`).not.toContain('must be lower-case letters');
    await moved.getByLabel('Id', { exact: true }).fill('release-confidence');
    await form.getByRole('button', { name: 'Save the questionnaire' }).click();
    await expect.poll(() => form.getByRole('status').textContent()).toContain('Saved');
    const after = await suite.pave.app.surveys.getSurvey(suite.pave.app.auth.localOperator(), before.id);
    const kept = before.questions.map(q => q.id).filter(id => id !== removed);
    expect(after.questions.map(q => q.id)).toEqual([...kept.slice(0, -1), 'release-confidence', kept.at(-1)]);
    expect(after.questions[0]!.text).toBe('My builds give me feedback quickly enough.');
    // The run made before keeps the questions it was asked with.
    const run = await suite.pave.app.surveys.getRun(suite.pave.app.auth.localOperator(), runId);
    expect(run.questions.map(q => q.id)).not.toContain('release-confidence');
  });
});
