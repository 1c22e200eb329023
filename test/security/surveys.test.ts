/**
 * Survey anonymity as an attack surface. Who answered what must not come out of any API, export, event,
 * audit entry or log: answers are stored with no person and no time; the only link between a person and a
 * run is the "has answered" marker, which no route returns to anyone but that person. Results are shown
 * only for groups of at least the threshold, and no choice of filter — a team, another team, everyone —
 * lets a group smaller than the threshold be read or worked out by subtraction.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { PEOPLE, TEAMS, nextWeek, startSurveyPave, type SurveyPave } from '../surveys/support.js';

const logged: string[] = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    logged.push(String(chunk));
    done();
  },
});

let pave: SurveyPave;
let runId: string;
let surveyId: string;
/** Each person's free-text answer is unique, so finding it next to their name would be a leak. */
const secretOf = (name: string) => `private remark of ${name.replace(/[^a-z0-9]/g, '')} zq`;

beforeAll(async () => {
  pave = await startSurveyPave({ logger: createLogger('trace', sink) });
  surveyId = (await pave.as('alice', 'POST', '/api/surveys', { title: 'DX' })).body.id;
  runId = (await pave.as('alice', 'POST', `/api/surveys/${surveyId}/runs`, { closesAt: nextWeek() })).body.id;
  for (const names of Object.values(PEOPLE))
    for (const [i, name] of names.entries()) {
      const answered = await pave.as(name, 'POST', `/api/surveys/runs/${runId}/responses`, { answers: { 'recommend-platform': i % 11, 'focus-time': 1 + (i % 5), 'biggest-friction': secretOf(name) } });
      expect(answered.status, answered.text).toBe(201);
    }
  await pave.as('alice', 'POST', `/api/surveys/runs/${runId}/close`, {});
});
afterAll(() => pave?.close());

const everyone = Object.values(PEOPLE).flat();

describe('nothing ties a person to their answers', () => {
  it('stores answers without a person or a time, and the marker without a time or a link', async () => {
    const columns = async (table: string) => (await pave.app.store.db.introspection.getTables()).find(t => t.name === table)!.columns.map(c => c.name).sort();
    expect(await columns('survey_responses')).toEqual(['answers', 'id', 'run_id', 'team']);
    expect(await columns('survey_respondents')).toEqual(['principal', 'run_id']);
    const rows = await pave.app.store.db.selectFrom('survey_responses').selectAll().execute();
    for (const row of rows) {
      // Random ids (UUIDv4), not time-ordered UUIDv7 like the rest of Pave.
      expect(row.id[14]).toBe('4');
      for (const name of everyone) expect(row.answers).not.toContain(`user:default/${name}`);
    }
  });

  it('no event names who answered, and no audit entry holds (or hashes) the answers', async () => {
    const events = await pave.app.eventLog.read({ types: ['surveys.response.recorded'], limit: 1000 });
    expect(events).toHaveLength(everyone.length);
    for (const event of events) {
      expect(event.actor).toBeUndefined();
      expect(event.payload).toEqual({ run: runId });
    }
    const audit = await pave.app.audit.query({ action: 'surveys.response.submit', limit: 1000 });
    expect(audit.items).toHaveLength(everyone.length);
    for (const entry of audit.items) {
      expect(entry.afterHash).toBeUndefined();
      expect(entry.beforeHash).toBeUndefined();
      expect(entry.detail).toBeUndefined();
    }
  });

  it('no API answer, export or log line puts a name next to that person’s words', async () => {
    const reads = [
      `/api/surveys/runs/${runId}/results`,
      ...Object.values(TEAMS).map(team => `/api/surveys/runs/${runId}/results?team=${encodeURIComponent(team)}`),
      `/api/surveys/runs/${runId}`,
      '/api/surveys/runs',
      `/api/surveys/${surveyId}/trend`,
      '/api/events?limit=1000',
      '/api/audit?limit=1000',
      '/api/audit/export',
    ];
    const texts = [...logged];
    for (const path of reads) {
      const answer = await pave.as('alice', 'GET', path);
      expect(answer.status, `${path}: ${answer.text}`).toBe(200);
      texts.push(answer.text);
    }
    for (const text of texts)
      for (const name of everyone) if (text.includes(secretOf(name))) expect(text, 'a text holding an answer names no one').not.toMatch(/user:default\//);
    // Logs never hold answers at all.
    for (const name of everyone) expect(logged.join('').includes(secretOf(name)), `log holds ${name}'s answer`).toBe(false);
  });

  it("a person learns only whether they themselves answered, never another's marker", async () => {
    const mine = await pave.as('se-1', 'GET', `/api/surveys/runs/${runId}`);
    expect(mine.body).toMatchObject({ answered: true, respondents: everyone.length });
    expect(JSON.stringify(mine.body)).not.toMatch(/user:default\//);
    const notAsked = await pave.as('dave', 'GET', `/api/surveys/runs/${runId}`);
    expect(notAsked.body.answered).toBe(false);
  });
});

describe('the threshold holds for every breakdown', () => {
  it('hides the team of 2, hides another so subtraction reveals nothing, whatever team is asked for', async () => {
    const min = pave.app.surveys.minRespondents;
    const views = [undefined, ...Object.values(TEAMS), 'group:default/no-such-team'];
    const everyoneView = (await pave.as('bob', 'GET', `/api/surveys/runs/${runId}/results`)).body;
    for (const team of views) {
      const { body } = await pave.as('bob', 'GET', `/api/surveys/runs/${runId}/results${team ? `?team=${encodeURIComponent(team)}` : ''}`);
      for (const group of [body.overall, ...body.teams]) {
        if (group.shown) expect(group.respondents).toBeGreaterThanOrEqual(min);
        else {
          expect(group.respondents).toBeUndefined();
          expect(group.questions).toBeUndefined();
          expect(group.reason).toMatch(/Fewer than|Hidden too/);
        }
        for (const question of group.questions ?? []) if (question.shown) expect(question.aggregate.answered).toBeGreaterThanOrEqual(min);
      }
      // Whatever is asked, everyone's count minus the teams shown is 0 or at least the threshold.
      const shown = everyoneView.teams.filter((g: { shown: boolean }) => g.shown).reduce((s: number, g: { respondents: number }) => s + g.respondents, 0);
      const rest = body.respondents - shown;
      expect(rest === 0 || rest >= min).toBe(true);
      // A filter only narrows: the team's entry is the same as in the unfiltered view.
      if (team) for (const group of body.teams) expect(everyoneView.teams.find((g: { group: string }) => g.group === group.group) ?? { group: team, shown: false, reason: expect.any(String) }).toEqual(group);
    }
    const search = everyoneView.teams.find((g: { group: string }) => g.group === TEAMS.search);
    expect(search.shown).toBe(false);
    // A team that does not exist reads exactly like a small one: no way to tell none from few.
    const ghost = (await pave.as('bob', 'GET', `/api/surveys/runs/${runId}/results?team=group:default/no-such-team`)).body.teams[0];
    expect(ghost.reason).toBe(search.reason);
  });

  it('refuses filters other than team (400), so no combination can be built', async () => {
    const combined = await pave.as('bob', 'GET', `/api/surveys/runs/${runId}/results?team=${encodeURIComponent(TEAMS.checkout)}&question=focus-time`);
    expect(combined.status).toBe(400);
  });

  it('refuses a run to a person outside its audience (403) and answers for a team not theirs (422 /team)', async () => {
    const teamRun = (await pave.as('alice', 'POST', `/api/surveys/${surveyId}/runs`, { closesAt: nextWeek(), audience: { type: 'teams', teams: [TEAMS.checkout] } })).body.id;
    const outsider = await pave.as('se-1', 'POST', `/api/surveys/runs/${teamRun}/responses`, { answers: { 'recommend-platform': 5 } });
    expect(outsider.status).toBe(403);
    const otherTeam = await pave.as('bob', 'POST', `/api/surveys/runs/${teamRun}/responses`, { answers: { 'recommend-platform': 5 }, team: TEAMS.platform });
    expect(otherTeam.status).toBe(422);
    expect(otherTeam.body.errors[0].pointer).toBe('/team');
  });
});
