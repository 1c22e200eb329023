/**
 * The scorecards boundary, over real HTTP on 127.0.0.1 with auth on: a rule's condition is data for the
 * sandboxed engine (it cannot name anything but facts, and one that runs past the engine's limits is stopped
 * and shown as unknown, the server and the other rules unharmed); a scorecard's filter is data for the
 * catalog's parameterised query; and results, facts and history are answered only for entities the caller
 * may read in the catalog.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

const scorecard = (name: string, spec: Record<string, unknown>): Entity => ({
  apiVersion: 'pave.dev/v1alpha1',
  kind: 'Scorecard',
  metadata: { name },
  spec: { levels: [{ name: 'bronze', rank: 1 }], ...spec },
});

describe('scorecards security', () => {
  let pave: AuthPave;
  let alice: string;
  let bob: string;
  const get = async (token: string, path: string) => {
    const response = await fetch(pave.url + path, { headers: bearer(token) });
    return { status: response.status, body: (await response.json()) as any };
  };

  beforeAll(async () => {
    pave = await startAuthPave({
      auth: { rules: [{ id: 'hide-infra', description: 'bob may not read infra', effect: 'deny', actions: ['catalog.entity.read'], subjects: ['user:default/bob'], resource: { refs: ['component:default/infra'] } }] },
    });
    alice = await tokenFor(pave.app, 'user:default/alice');
    bob = await tokenFor(pave.app, 'user:default/bob');
    await pave.app.catalog.saveEntity(
      scorecard('basics', {
        filter: 'kind=component',
        rules: [
          { id: 'owned', level: 'bronze', condition: 'facts.catalog.hasOwner' },
          // Runs past the engine's limits: stopped in its evaluator process, shown as unknown.
          { id: 'runaway', level: 'bronze', condition: "facts.catalog.hasOwner and (range(100000) | join('xxxxxxxxxxxxxxxxxxxxxxxx') | length) > 0" },
        ],
      }),
    );
    await pave.app.catalog.saveEntity(scorecard('injected', { filter: "metadata.name=x' OR '1'='1", rules: [{ id: 'owned', level: 'bronze', condition: 'facts.catalog.hasOwner' }] }));
    await pave.app.eventConsumers.drain();
  }, 60_000);

  afterAll(async () => {
    await pave?.close();
  });

  it('answers results and facts only for entities the caller may read in the catalog', async () => {
    expect((await get(alice, '/api/scorecards/entities/component/default/infra')).status).toBe(200);
    const hidden = await get(bob, '/api/scorecards/entities/component/default/infra');
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body)).not.toContain('facts');
    const seenByBob = await get(bob, '/api/scorecards/by-name/default/basics');
    const seenByAlice = await get(alice, '/api/scorecards/by-name/default/basics');
    expect(seenByAlice.body.results.map((r: any) => r.entity)).toContain('component:default/infra');
    expect(seenByBob.body.results.map((r: any) => r.entity)).not.toContain('component:default/infra');
    expect(seenByBob.body.summary.entities).toBe(seenByAlice.body.summary.entities - 1);
    const list = await get(bob, '/api/scorecards');
    expect(list.body.items.find((item: any) => item.scorecard.name === 'basics').entities).toBe(seenByBob.body.summary.entities);
  });

  it('without credentials nothing is answered', async () => {
    expect((await fetch(pave.url + '/api/scorecards')).status).toBe(401);
  });

  it('a condition past the engine’s limits is stopped and unknown; the other rules still pass', async () => {
    const view = await get(alice, '/api/scorecards/entities/component/default/payments');
    const result = view.body.results.find((r: any) => r.scorecard === 'scorecard:default/basics');
    expect(result.rules.find((rule: any) => rule.id === 'owned').status).toBe('pass');
    const runaway = result.rules.find((rule: any) => rule.id === 'runaway');
    expect(runaway.status).toBe('unknown');
    expect(runaway.message).toMatch(/^Could not be evaluated: /);
    expect(result.level).toBeUndefined();
  });

  it('a filter is a value in a parameterised query: quotes select nothing', async () => {
    const view = await get(alice, '/api/scorecards/by-name/default/injected');
    expect(view.status).toBe(200);
    expect(view.body.results).toEqual([]);
  });

  it('a condition that names anything but facts, or calls the host, is refused before it is stored', async () => {
    for (const condition of ['process.mainModule', 'facts.constructor.constructor', "range.constructor('return process')()", 'facts.catalog.hasOwner.__proto__']) {
      const validation = pave.app.catalog.validate(scorecard('evil', { rules: [{ id: 'x', level: 'bronze', condition }] }));
      expect(validation.errors.map(error => error.pointer), condition).toContain('/spec/rules/0/condition');
      await expect(pave.app.catalog.saveEntity(scorecard('evil', { rules: [{ id: 'x', level: 'bronze', condition }] }))).rejects.toThrow('not valid');
    }
  });
});
