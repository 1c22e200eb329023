import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import type { Identity } from '../../src/auth/identity.js';
import { PEOPLE, startSurveyPave, type SurveyPave } from '../surveys/support.js';
import { isReady, startHarness, waitForRequest, OPERATOR, type Harness } from '../platform/support/platform-harness.js';

/**
 * The in-context pulse: one rating after a golden path run completes (over real HTTP, the task run by the
 * task worker) or a platform request becomes Ready (the reconciler committing to a real git repository),
 * once per person, stored without the person, with numbers only from the anonymity threshold on.
 */

const TEMPLATE: Entity = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'look-up' },
  spec: {
    owner: 'group:default/platform-team',
    type: 'service',
    parameters: [{ title: 'What', properties: { ref: { type: 'string', default: 'group:default/checkout-team' } } }],
    steps: [{ id: 'fetch', name: 'Fetch', action: 'catalog:fetch', input: { entityRef: '${{ parameters.ref }}' } }],
  },
};
const TASKS = '/api/scaffolder/v2/tasks';

describe('the pulse after a golden path', { timeout: 180_000 }, () => {
  let pave: SurveyPave;
  /** Runs the golden path as `who` and waits for the task to finish; its ref is the occasion to rate. */
  async function ranGoldenPath(who: string): Promise<string> {
    const created = await pave.as(who, 'POST', TASKS, { templateRef: 'template:default/look-up', values: {} });
    expect(created.status, created.text).toBe(201);
    for (;;) {
      const task = await pave.as(who, 'GET', `${TASKS}/${created.body.id}`);
      if (task.body.status === 'completed') return `task:default/${created.body.id}`;
      expect(['open', 'processing']).toContain(task.body.status);
      // The task worker runs it in the background: wait for its next state change.
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    pave = await startSurveyPave();
    await pave.app.catalog.saveEntity(TEMPLATE);
  });
  afterAll(() => pave?.close());

  it('asks the person who ran it, once; refuses others, bad scores and unfinished occasions by field', async () => {
    const occasion = await ranGoldenPath('bob');
    const asked = await pave.as('bob', 'GET', `/api/surveys/pulse/question?occasion=${encodeURIComponent(occasion)}`);
    expect(asked.status, asked.text).toBe(200);
    expect(asked.body).toMatchObject({ occasion, kind: 'golden-path', subject: 'template:default/look-up', question: expect.stringContaining('golden path'), answered: false });

    expect((await pave.as('alice', 'GET', `/api/surveys/pulse/question?occasion=${encodeURIComponent(occasion)}`)).status).toBe(403);
    const bad = await pave.as('bob', 'POST', '/api/surveys/pulse', { occasion, score: 6 });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/score' })]);
    const unfinished = await pave.as('bob', 'POST', '/api/surveys/pulse', { occasion: 'task:default/no-such-task', score: 3 });
    expect(unfinished.status).toBe(422);
    expect(unfinished.body.errors).toEqual([expect.objectContaining({ pointer: '/occasion', rule: 'finished' })]);

    expect((await pave.as('bob', 'POST', '/api/surveys/pulse', { occasion, score: 2, comment: 'Took a while to find.' })).status).toBe(201);
    const again = await pave.as('bob', 'POST', '/api/surveys/pulse', { occasion, score: 5 });
    expect(again.status).toBe(409);
    expect(again.body.errors).toEqual([expect.objectContaining({ pointer: '/occasion' })]);
    expect((await pave.as('bob', 'GET', `/api/surveys/pulse/question?occasion=${encodeURIComponent(occasion)}`)).body.answered).toBe(true);
  });

  it('shows a golden path’s numbers only from five ratings on, and keeps no trace of who gave which', async () => {
    // Nothing of this month shows while it lasts: a rating cannot be told apart by watching the results move.
    expect((await pave.as('bob', 'GET', '/api/surveys/pulse')).body.items).toEqual([]);
    const monthEnds = async () => {
      // The month ends: its ratings are dated the month before (the only time a rating keeps).
      const previous = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 1, 15)).toISOString().slice(0, 7);
      await pave.app.store.db.updateTable('survey_pulses').set({ month: previous }).execute();
    };
    await monthEnds();
    const before = await pave.as('bob', 'GET', '/api/surveys/pulse');
    expect(before.body.items).toEqual([expect.objectContaining({ subject: 'template:default/look-up', answered: 1, shown: false, reason: expect.stringContaining('Fewer than 5') })]);
    expect(before.body.items[0].mean).toBeUndefined();
    expect(before.body.items[0].comments).toBeUndefined();

    const scores = [4, 5, 4, 3];
    for (const [i, who] of PEOPLE.checkout.slice(1, 5).entries()) {
      expect((await pave.as(who, 'POST', '/api/surveys/pulse', { occasion: await ranGoldenPath(who), score: scores[i] })).status).toBe(201);
    }
    await monthEnds();
    const after = await pave.as('bob', 'GET', '/api/surveys/pulse');
    // 2, 4, 5, 4, 3: a mean of 3.6, three of five favourable.
    expect(after.body.items).toEqual([expect.objectContaining({ subject: 'template:default/look-up', answered: 5, shown: true, mean: 3.6, favourable: 0.6, comments: ['Took a while to find.'] })]);

    const rows = await pave.app.store.db.selectFrom('survey_pulses').selectAll().execute();
    expect(Object.keys(rows[0]!).sort()).toEqual(['comment', 'id', 'month', 'occasion_kind', 'score', 'subject']);
    const events = await pave.app.eventLog.read({ types: ['surveys.pulse.recorded'] });
    expect(events).toHaveLength(5);
    for (const event of events) {
      expect(event.actor).toBeUndefined();
      expect(event.subject).toBe('template:default/look-up');
      expect(JSON.stringify(event.payload)).not.toMatch(/user:|task:/);
    }
  });
});

describe('the pulse after a platform request', { timeout: 180_000 }, () => {
  let h: Harness;
  const member = (name: string, team: string): Identity => ({ principal: `user:default/${name}`, userRef: `user:default/${name}`, groups: [`group:default/${team}`], roles: ['signed-in'], via: 'token' });

  beforeAll(async () => {
    h = await startHarness();
    await h.app.workers.start(['platform.reconciler']);
  });
  afterAll(() => h?.close());

  it('asks the members of the team owning a request once it is Ready, about its capability', async () => {
    const redis = { apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'sessions', namespace: 'storefront-team' }, spec: {} };
    await h.app.platform.applyRequest(redis, OPERATOR);
    const occasion = 'resource:storefront-team/sessions';
    await waitForRequest(h.app, 'storefront-team', 'sessions', isReady);
    const asked = await h.app.surveys.pulse.question(member('sam', 'storefront-team'), occasion);
    expect(asked).toMatchObject({ occasion, kind: 'platform-request', question: expect.stringContaining('infrastructure'), answered: false });
    expect(asked.subject).toMatch(/redis/i);
    await expect(h.app.surveys.pulse.question(member('olga', 'checkout-team'), occasion)).rejects.toMatchObject({ problem: { status: 403 } });
    await h.app.surveys.pulse.answer(member('sam', 'storefront-team'), { occasion, score: 5 });
    expect((await h.app.surveys.pulse.question(member('sam', 'storefront-team'), occasion)).answered).toBe(true);
    await h.app.store.db.updateTable('survey_pulses').set({ month: '2000-01' }).execute(); // the month ends
    const results = await h.app.surveys.pulse.results(member('sam', 'storefront-team'));
    expect(results.items).toEqual([expect.objectContaining({ kind: 'platform-request', subject: asked.subject, answered: 1, shown: false })]);
  });
});
