import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEOPLE, TEAMS, nextWeek, startSurveyPave, type SurveyPave } from './support.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { POSTGRES_URL } from '../support/require-all.js';

/** An answer whose ratings depend on the team: checkout rates 4, platform 5, search 2; NPS 9, 10, 3. */
const answerFor = (team: keyof typeof PEOPLE, i: number) => ({
  answers: { 'build-feedback': { checkout: 4, platform: 5, search: 2 }[team], 'recommend-platform': { checkout: 9, platform: 10, search: 3 }[team], 'biggest-friction': `${team} friction ${i}` },
});

// The whole flow on both databases: anonymity and the threshold are queries, and each dialect runs its own SQL.
const postgres = await postgresFactory();

describe.each([
  { database: 'SQLite', unavailable: undefined },
  { database: 'PostgreSQL', unavailable: postgres.unavailable },
])('surveys over HTTP on $database', ({ database, unavailable }) => {
  let pave: SurveyPave;
  let surveyId: string;
  let runId: string;
  const schema = `pave_surveys_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    if (unavailable) return;
    if (database === 'PostgreSQL') await adminQuery(`CREATE SCHEMA ${schema}`);
    pave = await startSurveyPave(database === 'PostgreSQL' ? { config: { databaseUrl: POSTGRES_URL, databaseSchema: schema } } : {});
    const created = await pave.as('alice', 'POST', '/api/surveys', { title: 'Developer experience' });
    expect(created.status, created.text).toBe(201);
    surveyId = created.body.id;
    const run = await pave.as('alice', 'POST', `/api/surveys/${surveyId}/runs`, { title: 'Q1 2026', closesAt: nextWeek() });
    expect(run.status, run.text).toBe(201);
    runId = run.body.id;
  });
  afterAll(async () => {
    await pave?.close();
    if (database === 'PostgreSQL' && !unavailable) await adminQuery(`DROP SCHEMA ${schema} CASCADE`);
  });

  it.skipIf(Boolean(unavailable))("creates Pave's default questionnaire with stable ids, and a run of it open for everyone", async () => {
    const survey = await pave.as('bob', 'GET', `/api/surveys/${surveyId}`);
    expect(survey.body.questions.map((q: { id: string }) => q.id)).toEqual(expect.arrayContaining(['build-feedback', 'focus-time', 'infra-understandable', 'platform-satisfaction', 'golden-paths-helpful', 'recommend-platform', 'biggest-friction']));
    expect(new Set(survey.body.questions.map((q: { type: string }) => q.type))).toEqual(new Set(['likert', 'nps', 'text']));
    const runs = await pave.as('bob', 'GET', '/api/surveys/runs');
    expect(runs.body.items[0]).toMatchObject({ id: runId, state: 'open', respondents: 0, answered: false, eligible: true, audience: { type: 'everyone' } });
  });

  it.skipIf(Boolean(unavailable))('only the platform team writes questionnaires and opens runs', async () => {
    expect((await pave.as('bob', 'POST', '/api/surveys', { title: 'Mine' })).status).toBe(403);
    expect((await pave.as('bob', 'POST', `/api/surveys/${surveyId}/runs`, { closesAt: nextWeek() })).status).toBe(403);
  });

  it.skipIf(Boolean(unavailable))('refuses bad answers with a problem naming the field', async () => {
    const unknown = await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, { answers: { 'recommend-platform': 8, 'not-a-question': 3 } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '/answers/not-a-question', detail: `is not a question of run ${runId}` })]);
    const range = await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, { answers: { 'recommend-platform': 11, 'focus-time': 0 } });
    expect(range.status).toBe(422);
    expect(range.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/answers/focus-time', '/answers/recommend-platform']);
    const missing = await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, { answers: { 'focus-time': 3 } });
    expect(missing.body.errors).toEqual([expect.objectContaining({ pointer: '/answers/recommend-platform', rule: 'required' })]);
    const notMine = await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, { answers: { 'recommend-platform': 8 }, team: TEAMS.search });
    expect(notMine.body.errors).toEqual([expect.objectContaining({ pointer: '/team' })]);
    // None of these counted.
    expect((await pave.as('bob', 'GET', `/api/surveys/runs/${runId}`)).body).toMatchObject({ respondents: 0, answered: false });
  });

  it.skipIf(Boolean(unavailable))('takes one answer per person: a second is refused (409 naming /answers)', async () => {
    expect((await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, answerFor('checkout', 0))).status).toBe(201);
    const twice = await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, answerFor('checkout', 0));
    expect(twice.status).toBe(409);
    expect(twice.body.errors).toEqual([expect.objectContaining({ pointer: '/answers', rule: 'once' })]);
    expect((await pave.as('bob', 'GET', `/api/surveys/runs/${runId}`)).body).toMatchObject({ respondents: 1, answered: true });
  });

  it.skipIf(Boolean(unavailable))('shows no numbers while the run is open', async () => {
    const results = await pave.as('alice', 'GET', `/api/surveys/runs/${runId}/results`);
    expect(results.body.overall).toMatchObject({ shown: false, reason: expect.stringContaining('still open') });
    expect(results.body.overall.questions).toBeUndefined();
  });

  it.skipIf(Boolean(unavailable))('after close: results for everyone and the teams with at least 5, an explanation for the smaller one', async () => {
    for (const [team, names] of Object.entries(PEOPLE) as [keyof typeof PEOPLE, string[]][])
      for (const [i, name] of names.entries()) if (name !== 'bob') expect((await pave.as(name, 'POST', `/api/surveys/runs/${runId}/responses`, answerFor(team, i))).status).toBe(201);
    const closed = await pave.as('alice', 'POST', `/api/surveys/runs/${runId}/close`, {});
    expect(closed.body).toMatchObject({ state: 'closed', respondents: 13 });

    const late = await pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, answerFor('checkout', 9));
    expect(late.status).toBe(409);
    expect(late.body.errors).toEqual([expect.objectContaining({ pointer: '/runId', rule: 'open' })]);

    const { body } = await pave.as('bob', 'GET', `/api/surveys/runs/${runId}/results`);
    expect(body).toMatchObject({ state: 'closed', minRespondents: 5, respondents: 13, overall: { shown: true, respondents: 13 } });
    const q = (group: { questions: Array<{ id: string; aggregate?: Record<string, unknown> }> }, id: string) => group.questions.find(x => x.id === id)!;
    // everyone: build-feedback = (6×4 + 5×5 + 2×2) / 13 = 53/13 = 4.08; NPS: 11 promoters, 2 detractors → (11−2)/13 = 69
    expect(q(body.overall, 'build-feedback').aggregate).toMatchObject({ answered: 13, mean: 4.08, distribution: [0, 2, 0, 6, 5] });
    expect(q(body.overall, 'recommend-platform').aggregate).toMatchObject({ answered: 13, score: 69, promoters: 11, detractors: 2 });
    const teams = Object.fromEntries(body.teams.map((t: { group: string }) => [t.group, t]));
    expect(teams[TEAMS.checkout]).toMatchObject({ shown: true, respondents: 6 });
    expect(q(teams[TEAMS.checkout], 'build-feedback').aggregate).toMatchObject({ mean: 4 });
    // search-team (2) is under the threshold; with only 2 hidden, everyone − checkout − platform would be search's
    // answers, so the smallest shown team (platform, 5) is hidden too, and no count of either is given.
    expect(teams[TEAMS.search]).toEqual({ group: TEAMS.search, shown: false, reason: expect.stringContaining('Fewer than 5') });
    expect(teams[TEAMS.platform]).toEqual({ group: TEAMS.platform, shown: false, reason: expect.stringContaining('Hidden too') });
    // Asking for one team decides nothing differently.
    const platformOnly = await pave.as('bob', 'GET', `/api/surveys/runs/${runId}/results?team=${encodeURIComponent(TEAMS.platform)}`);
    expect(platformOnly.body.teams).toEqual([teams[TEAMS.platform]]);
    expect(body.explanation).toContain('at least 5');
  });

  it.skipIf(Boolean(unavailable))('edits the questionnaire between runs; the closed run keeps its questions and trends follow ids', async () => {
    const survey = (await pave.as('alice', 'GET', `/api/surveys/${surveyId}`)).body;
    const questions = survey.questions.map((q: { id: string; text: string }) => (q.id === 'build-feedback' ? { ...q, text: 'CI feedback is fast.' } : q));
    const edited = await pave.as('alice', 'PATCH', `/api/surveys/${surveyId}`, { questions: [...questions, { id: 'onboarding', type: 'likert', topic: 'cognitive-load', text: 'Onboarding was easy.' }] });
    expect(edited.status, edited.text).toBe(200);
    const bad = await pave.as('alice', 'PATCH', `/api/surveys/${surveyId}`, { questions: [{ id: 'Bad Id', type: 'stars', topic: 'flow', text: 'x' }] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/questions/0/id', '/questions/0/type']);
    const old = (await pave.as('alice', 'GET', `/api/surveys/runs/${runId}`)).body;
    expect(old.questions.find((q: { id: string }) => q.id === 'build-feedback').text).not.toBe('CI feedback is fast.');
    const trend = await pave.as('alice', 'GET', `/api/surveys/${surveyId}/trend`);
    expect(trend.body.items.find((t: { id: string }) => t.id === 'build-feedback').points).toEqual([expect.objectContaining({ runId, value: 4.08, answered: 13 })]);
  });

  it.skipIf(Boolean(unavailable))('reminds once, by an event naming nobody, when an open run closes within a day', async () => {
    const soon = (await pave.as('alice', 'POST', `/api/surveys/${surveyId}/runs`, { title: 'Closing soon', closesAt: new Date(Date.now() + 3_600_000).toISOString() })).body.id;
    await pave.as('alice', 'POST', `/api/surveys/${surveyId}/runs`, { title: 'Later', closesAt: nextWeek() });
    expect(await pave.app.surveys.remindClosingSoon()).toEqual([soon]);
    expect(await pave.app.surveys.remindClosingSoon()).toEqual([]);
    const [event] = await pave.app.eventLog.read({ types: ['surveys.run.closing-soon'] });
    expect(event).toMatchObject({ subject: `survey-run:${soon}`, payload: { id: soon, audience: { type: 'everyone' }, respondents: 0 } });
    expect(event!.actor).toBeUndefined();
  });
});
