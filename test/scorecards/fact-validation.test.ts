/**
 * Facts are checked against their collector's JSON Schema before they are stored: on a real Pave (SQLite),
 * a collector yielding a wrong type and an undeclared fact has those reported in the log and not stored,
 * while its good facts are; the rule naming the bad fact is unknown, never judged on it.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { catalogCollector } from '../../src/scorecards/collectors/catalog-collector.js';
import { defineCollector } from '../../src/scorecards/fact-collector.js';
import { checkFacts } from '../../src/scorecards/fact-validation.js';
import { ScorecardsService } from '../../src/scorecards/scorecards-service.js';
import { scorecardOf } from '../../src/scorecards/scorecard.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { component } from './support.js';

/** The catalog collector's id and schema, yielding one good fact, one of the wrong type and one it never declared. */
const sloppy = defineCollector({ ...catalogCollector, collect: async () => ({ hasOwner: true, tagCount: 'three', extra: 1 }) });

describe('fact validation', () => {
  it('keeps the facts that hold to the schema and names each that does not', () => {
    const { facts, errors } = checkFacts(sloppy, { hasOwner: true, tagCount: 'three', extra: 1 });
    expect(facts).toEqual({ hasOwner: true });
    expect(errors.map(error => error.pointer).sort()).toEqual(['/extra', '/tagCount']);
    expect(checkFacts(sloppy, { hasOwner: false, tagCount: 3 })).toEqual({ facts: { hasOwner: false, tagCount: 3 }, errors: [] });
  });

  describe('on a real Pave', () => {
    let pave: RunningPave;
    const lines: any[] = [];
    let service: ScorecardsService;
    beforeAll(async () => {
      pave = await startPave();
      const { app } = pave;
      const logger = createLogger('warn', new Writable({ write: (chunk, _encoding, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
      service = new ScorecardsService({ store: app.store, queue: app.queue, log: app.eventLog, entities: app.catalog.entities, repositories: app.repositories, expressions: app.expressions, collectors: [sloppy], logger });
      await app.catalog.saveEntity(component('cart', { owner: 'team-a' }));
    });
    afterAll(async () => pave?.close());

    it('stores the good facts only, reports the bad ones, and a rule on a bad fact is unknown', async () => {
      const cart = (await pave.app.catalog.entities.byRef('component:default/cart'))!;
      await service.collect([{ entity: cart }]);
      expect((await service.facts.of('component:default/cart')).map(fact => [fact.source, fact.name, fact.value])).toEqual([['catalog', 'hasOwner', true]]);
      const report = lines.find(line => line.collector === 'catalog');
      expect(report).toMatchObject({ entity: 'component:default/cart' });
      expect(report.errors.map((error: any) => error.pointer).sort()).toEqual(['/extra', '/tagCount']);
      const card = scorecardOf({
        apiVersion: 'pave.dev/v1alpha1',
        kind: 'Scorecard',
        metadata: { name: 'tags', namespace: 'default' },
        spec: { filter: 'kind=component', levels: [{ name: 'bronze', rank: 1 }], rules: [{ id: 'tagged', title: 'Tagged', level: 'bronze', condition: 'facts.catalog.tagCount >= 2' }] },
      });
      const [result] = await service.evaluate([cart], [card]);
      expect(result!.rules[0]).toMatchObject({ id: 'tagged', status: 'unknown' });
    });
  });
});
