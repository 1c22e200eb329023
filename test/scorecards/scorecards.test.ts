/**
 * Scorecards end to end on a real Pave: facts collected from the catalog and from a real hosted git
 * repository, levels computed, re-evaluation driven by the event log when an entity changes (observed
 * through the API, never waiting for a schedule), and a bad scorecard refused at ingest with its field.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { component, hostRepository, getJson, readinessScorecard, runDeferred, team } from './support.js';

describe('scorecards', () => {
  let pave: RunningPave;
  const get = (path: string) => getJson(pave.url + path);

  beforeAll(async () => {
    pave = await startPave();
    const { app } = pave;
    hostRepository(pave.dataDir, 'acme', 'cart', { 'README.md': '# Cart\n', 'package.json': '{}', 'package-lock.json': '{}', '.github/CODEOWNERS': '* @acme/team-a\n', 'test/cart.test.ts': '' });
    const source = `url:${app.repositories.addresses().page}acme/cart/`;
    await app.catalog.saveEntity(team('team-a'));
    await app.catalog.saveEntity(component('cart', { owner: 'team-a', description: 'The basket', annotations: { 'backstage.io/source-location': source, 'backstage.io/source-template': 'template:default/node-service' } }));
    await app.catalog.saveEntity(component('legacy', { owner: 'nobody' }));
    await app.catalog.saveEntity(readinessScorecard());
    await app.eventConsumers.drain();
  });

  afterAll(async () => {
    await pave?.close();
  });

  it('collects catalog and provenance facts on the entity’s events, and repository facts from real git as a deferred job', async () => {
    const before = await get('/api/scorecards/entities/component/default/cart');
    expect(before.status).toBe(200);
    const sources = new Set(before.body.facts.map((fact: any) => fact.source));
    expect(sources).toEqual(new Set(['catalog', 'provenance', 'platform']));
    expect(before.body.results[0].level).toBe('bronze');
    expect(before.body.results[0].rules.find((rule: any) => rule.id === 'readme')).toMatchObject({ status: 'unknown', message: 'Not known yet: repository.readme' });

    expect(await runDeferred(pave.app)).toBeGreaterThanOrEqual(1);
    const after = await get('/api/scorecards/entities/component/default/cart');
    const facts = Object.fromEntries(after.body.facts.map((fact: any) => [`${fact.source}.${fact.name}`, fact.value]));
    expect(facts).toMatchObject({
      'repository.name': 'acme/cart',
      'repository.readme': true,
      'repository.codeowners': true,
      'repository.lockfile': true,
      'repository.dockerfile': false,
      'repository.ci': false,
      'repository.license': false,
      'repository.tests': true,
      'provenance.fromGoldenPath': true,
      'provenance.template': 'template:default/node-service',
      'catalog.ownerIsGroup': true,
    });
    expect(after.body.results[0]).toMatchObject({ scorecard: 'scorecard:default/readiness', level: 'silver', owner: 'group:default/team-a' });
    expect(after.body.results[0].score).toBe(83); // 5 of 6 weight: docs fails
    expect(after.body.history['scorecard:default/readiness'].map((point: any) => point.level)).toEqual(['bronze', 'silver']);
  });

  it('an entity that changed is evaluated again through the event log, and its level falls', async () => {
    await pave.app.catalog.saveEntity(component('cart', { owner: 'team-a', annotations: { 'backstage.io/source-location': `url:${pave.app.repositories.addresses().page}acme/cart/` } }));
    await pave.app.eventConsumers.drain();
    const view = await get('/api/scorecards/entities/component/default/cart');
    expect(view.body.results[0].level).toBeUndefined();
    expect(view.body.results[0].rules.find((rule: any) => rule.id === 'described').status).toBe('fail');
    const events = await pave.app.eventLog.read({ types: ['scorecards.level.changed'], subject: 'component:default/cart' });
    expect(events.map(event => [event.payload.previous, event.payload.level])).toEqual([
      [null, 'bronze'],
      ['bronze', 'silver'],
      ['silver', null],
    ]);
  });

  it('a failing rule with a golden path carries the fix, its values computed from the entity', async () => {
    const legacy = await get('/api/scorecards/entities/component/default/legacy');
    const owned = legacy.body.results[0].rules.find((rule: any) => rule.id === 'owned');
    expect(owned).toMatchObject({ status: 'fail', message: 'Set spec.owner to a Group' });
    const codeowners = legacy.body.results[0].rules.find((rule: any) => rule.id === 'codeowners');
    expect(codeowners).toMatchObject({ status: 'unknown', fix: { template: 'template:default/add-codeowners', values: { component: 'legacy' } }, fixUrl: 'https://docs.example.com/codeowners' });
  });

  it('lists scorecards with entities per level, and shows one scorecard’s results', async () => {
    const list = await get('/api/scorecards');
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0]).toMatchObject({ entities: 2, levels: { bronze: 0, silver: 0, gold: 0, unranked: 2 } });
    const one = await get('/api/scorecards/by-name/default/readiness');
    expect(one.body.results.map((result: any) => result.entity)).toEqual(['component:default/cart', 'component:default/legacy']);
    expect((await get('/api/scorecards/by-name/default/nope')).status).toBe(404);
    expect((await get('/api/scorecards/entities/component/default/nope')).status).toBe(404);
  });

  it('a scorecard that changes is evaluated again over every entity it selects', async () => {
    const card = readinessScorecard();
    (card.spec as any).rules = (card.spec as any).rules.filter((rule: any) => rule.id === 'owned');
    await pave.app.catalog.saveEntity(card);
    await pave.app.eventConsumers.drain();
    const one = await get('/api/scorecards/by-name/default/readiness');
    expect(one.body.results.map((result: any) => [result.entity, result.level ?? null])).toEqual([
      ['component:default/cart', 'gold'],
      ['component:default/legacy', null],
    ]);
  });

  it('refuses a bad scorecard at ingest naming file and field, and loads the rest of the location', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'pave-scorecards-bad-'));
    try {
      const file = join(folder, 'catalog-info.yaml');
      await writeFile(
        file,
        [
          'apiVersion: pave.dev/v1alpha1',
          'kind: Scorecard',
          'metadata: { name: broken }',
          'spec:',
          '  levels: [{ name: bronze, rank: 1 }, { name: bronze, rank: 1 }]',
          '  rules:',
          '    - { id: a, level: bronze, condition: "facts.repository.nope" }',
          '    - { id: b, level: platinum, condition: "facts.catalog.hasDescription and (" }',
          '    - { id: c, level: bronze, condition: "process.env.HOME" }',
          '---',
          'apiVersion: backstage.io/v1alpha1',
          'kind: Component',
          'metadata: { name: fine }',
          'spec: { type: service, lifecycle: production, owner: team-a }',
        ].join('\n'),
      );
      const { errors, entities } = await pave.app.catalog.locations.register({ type: 'file', target: file });
      expect(entities.map(entity => entity.metadata.name)).toEqual(['fine']);
      const details = errors.map(error => `${error.pointer} ${error.detail}`);
      expect(details).toEqual(
        expect.arrayContaining([
          '/spec/levels/1/name repeats the level "bronze"',
          '/spec/levels/1/rank repeats the rank 1',
          '/spec/rules/0/condition names the unknown fact "repository.nope"',
          '/spec/rules/1/level names the level "platinum", which the scorecard does not define',
          expect.stringMatching(/^\/spec\/rules\/1\/condition column \d+: /),
          '/spec/rules/2/condition names "process", which is not defined (only facts.<source>.<name> is)',
        ]),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
