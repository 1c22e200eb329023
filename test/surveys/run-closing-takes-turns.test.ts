/**
 * Closing a survey run at once with answers or another closing, on PostgreSQL (two replicas): the closing decides
 * from the run's state and an answer checks the run is open, so each must hold the run until it commits. Two closings
 * both found it open, and both appended `surveys.run.closed` (sent to every webhook twice) and were audited; an answer
 * that had checked the run before a closing was stored after it, changing the results of a closed run; a reminder
 * that found the run due before a closing announced it closing soon after it was closed.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { appBackends } from '../support/stores.js';
import { holdRows, waitersBehind } from '../support/held-rows.js';
import { nextWeek, startSurveyPave, type SurveyPave } from './support.js';

const postgres = (await appBackends('pave_survey_turns')).find(backend => backend.name === 'postgres')!;

const answers = { 'build-feedback': 4, 'recommend-platform': 9 };

describe.skipIf(Boolean(postgres.skip))('survey runs closed while answered: postgres', () => {
  let pave: SurveyPave | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await pave?.close();
    await drop?.();
  });

  async function openRun(): Promise<{ pave: SurveyPave; runId: string }> {
    const backend = await postgres.config();
    drop = backend.drop;
    pave = await startSurveyPave({ config: backend.config });
    const survey = await pave.as('alice', 'POST', '/api/surveys', { title: 'Developer experience' });
    const run = await pave.as('alice', 'POST', `/api/surveys/${survey.body.id}/runs`, { title: 'Q1', closesAt: nextWeek() });
    expect(run.status, run.text).toBe(201);
    return { pave, runId: run.body.id };
  }

  it('closes a run once when two close it at once', async () => {
    const { pave, runId } = await openRun();
    const held = await holdRows(pave.app.store, trx => trx.selectFrom('survey_runs').select('id').where('id', '=', runId).forUpdate().execute());
    const first = pave.as('alice', 'POST', `/api/surveys/runs/${runId}/close`);
    await expect.poll(() => waitersBehind(pave.app.store.db, held.pid)).toBe(1);
    const second = pave.as('alice', 'POST', `/api/surveys/runs/${runId}/close`);
    await expect.poll(() => waitersBehind(pave.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    const outcomes = await Promise.all([first, second]);
    expect(outcomes.map(outcome => outcome.status).sort()).toEqual([200, 409]);
    expect(outcomes.find(outcome => outcome.status === 409)?.body).toMatchObject({ errors: [{ pointer: '/runId', rule: 'state' }] });
    expect(await pave.app.eventLog.read({ types: ['surveys.run.closed'] })).toHaveLength(1);
    expect((await pave.app.audit.query({ action: 'surveys.run.close' })).items).toHaveLength(1);
  });

  it('counts an answer checked before the closing in the results the closing fixed, or refuses it', async () => {
    const { pave, runId } = await openRun();
    // The answer has checked the run and waits to write its respondent marker; the closing comes meanwhile.
    const held = await holdRows(pave.app.store, trx => sql`LOCK TABLE survey_respondents IN SHARE ROW EXCLUSIVE MODE`.execute(trx));
    const answer = pave.as('bob', 'POST', `/api/surveys/runs/${runId}/responses`, { answers });
    await expect.poll(() => waitersBehind(pave.app.store.db, held.pid)).toBe(1);
    let closedAlready = false;
    const closing = pave.as('alice', 'POST', `/api/surveys/runs/${runId}/close`).finally(() => (closedAlready = true));
    // The closing either ends at once or waits for the answer, which waits for the held table.
    await expect.poll(async () => closedAlready || (await waitersBehind(pave.app.store.db, held.pid)) === 2).toBe(true);
    held.release();
    await held.done;
    const [answered, closed] = await Promise.all([answer, closing]);
    expect(closed.status, closed.text).toBe(200);
    const after = await pave.as('alice', 'GET', `/api/surveys/runs/${runId}`);
    // What the closing answered is what the closed run holds: an answer is counted before it or not at all.
    expect(after.body.respondents).toBe(closed.body.respondents);
    expect(after.body.respondents).toBe(answered.status === 201 ? 1 : 0);
    if (answered.status !== 201) expect(answered.body).toMatchObject({ status: 409, errors: [{ pointer: '/runId', rule: 'open' }] });
  });

  it('does not remind the audience of a run closed after the reminder found it due', async () => {
    const { pave, runId } = await openRun();
    const held = await holdRows(pave.app.store, trx => trx.selectFrom('survey_runs').select('id').where('id', '=', runId).forUpdate().execute());
    const closing = pave.as('alice', 'POST', `/api/surveys/runs/${runId}/close`);
    await expect.poll(() => waitersBehind(pave.app.store.db, held.pid)).toBe(1);
    // Due within 8 days (it closes in 7): found open, then it waits to claim the run behind the closing.
    const reminded = pave.app.surveys.remindClosingSoon(8 * 24);
    await expect.poll(() => waitersBehind(pave.app.store.db, held.pid)).toBe(2);
    held.release();
    await held.done;
    expect((await closing).status).toBe(200);
    expect(await reminded).toEqual([]);
    expect(await pave.app.eventLog.read({ types: ['surveys.run.closing-soon'] })).toEqual([]);
  });
});
