import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryEventStore } from '../../src/delivery/event-store.js';
import type { DeliveryFacts } from '../../src/delivery/fact-lines.js';
import type { DeliveryEvent } from '../../src/delivery/delivery-event.js';
import { postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';

/**
 * What the metrics read (`DeliveryEventStore.facts`) on SQLite and PostgreSQL: production deployments only, commits
 * but no pull requests, each incident put together from its events out of order (earliest opening, latest resolution),
 * nothing at or after the end. The same facts for a few components (through the index by entity) and for many (on SQLite,
 * the table read through once).
 */
const pg = await postgresFactory();
const COMPONENTS = 260;
const END = '2026-04-01T00:00:00.000Z';
const ref = (i: number) => `component:default/svc-${String(i).padStart(3, '0')}`;

function eventsOf(i: number): DeliveryEvent[] {
  const base = { source: 'api', rework: false, targetKey: 'entity', targetValue: ref(i) } as const;
  const at = (day: number, hour = 0) => new Date(Date.UTC(2026, 2, day, hour)).toISOString();
  return [
    { ...base, id: `${i}-c1`, type: 'change', at: at(1), sha: `c1${i}0000` },
    { ...base, id: `${i}-c2`, type: 'change', at: at(2), sha: `c2${i}0000` },
    { ...base, id: `${i}-pr`, type: 'change', at: at(2, 1), pullRequest: `acme/svc#${i}`, status: 'merged', sha: `ab${i}0000` },
    { ...base, id: `${i}-late`, type: 'change', at: '2026-04-02T00:00:00.000Z', sha: `ee${i}0000` },
    { ...base, id: `${i}-d1`, type: 'deployment', at: at(3), environment: 'production', status: 'success', sha: `c2${i}0000`, rework: i % 2 === 0 },
    { ...base, id: `${i}-d2`, type: 'deployment', at: at(4), environment: 'prod', status: 'failure', commits: [`c1${i}0000`] },
    { ...base, id: `${i}-s1`, type: 'deployment', at: at(4), environment: 'staging', status: 'success' },
    // An incident told out of order: resolved, then opened twice (the earlier counts), resolved again (the later counts).
    { ...base, id: `${i}-i1`, type: 'incident', at: at(6), status: 'resolved', incident: 'inc-1' },
    { ...base, id: `${i}-i2`, type: 'incident', at: at(5, 2), status: 'opened', incident: 'inc-1' },
    { ...base, id: `${i}-i3`, type: 'incident', at: at(5), status: 'opened', incident: 'inc-1' },
    { ...base, id: `${i}-i4`, type: 'incident', at: at(7), status: 'resolved', incident: 'inc-1' },
    { ...base, id: `${i}-i5`, type: 'incident', at: at(8), status: 'opened', incident: 'inc-2' },
    // A key with a space, a backslash and a line break (the facts come as lines of text).
    { ...base, id: `${i}-i6`, type: 'incident', at: at(9), status: 'resolved', incident: 'inc 3 \\n\\\nx' },
    // Stored without a status (the API refuses one now; older rows may hold it): the incident is known, with no times.
    { ...base, id: `${i}-i7`, type: 'incident', at: at(10), incident: 'inc-4' },
  ];
}

const sorted = (facts: DeliveryFacts) => ({
  deployments: [...facts.deployments].sort((a, b) => (a.id < b.id ? -1 : 1)),
  changes: [...facts.changes].sort((a, b) => (a.sha < b.sha ? -1 : 1)),
  incidents: [...facts.incidents].sort((a, b) => (a.entityRef + a.key < b.entityRef + b.key ? -1 : 1)),
});

for (const factory of [sqliteFactory, pg]) {
  describe.skipIf(Boolean(pg.unavailable) && factory === pg)(`delivery facts: ${factory.name}`, () => {
    let handle: TestStore;
    let events: DeliveryEventStore;

    beforeAll(async () => {
      handle = await factory.open();
      events = new DeliveryEventStore(handle.store);
      // And events of entities nobody asks about (as many again): read with the table, left out of the facts.
      const all = Array.from({ length: 2 * COMPONENTS }, (_, i) => eventsOf(i)).flat();
      await handle.store.transaction(trx => events.insert(trx, all, e => e.targetValue, END));
    });
    afterAll(async () => handle?.dispose());

    it("reads one component's production deployments, commits and incidents before the end", async () => {
      const t = (text: string) => Date.parse(text);
      expect(sorted(await events.facts([ref(4)], END, ['production', 'prod']))).toEqual({
        deployments: [
          { id: '4-d1', entityRef: ref(4), environment: 'production', status: 'success', at: t('2026-03-03T00:00:00Z'), sha: 'c240000', rework: true },
          { id: '4-d2', entityRef: ref(4), environment: 'prod', status: 'failure', at: t('2026-03-04T00:00:00Z'), commits: ['c140000'], rework: false },
        ],
        changes: [
          { entityRef: ref(4), sha: 'c140000', at: t('2026-03-01T00:00:00Z') },
          { entityRef: ref(4), sha: 'c240000', at: t('2026-03-02T00:00:00Z') },
        ],
        incidents: [
          { key: 'inc 3 \\n\\\nx', entityRef: ref(4), resolvedAt: t('2026-03-09T00:00:00Z') },
          { key: 'inc-1', entityRef: ref(4), openedAt: t('2026-03-05T00:00:00Z'), resolvedAt: t('2026-03-07T00:00:00Z') },
          { key: 'inc-2', entityRef: ref(4), openedAt: t('2026-03-08T00:00:00Z') },
          { key: 'inc-4', entityRef: ref(4) },
        ],
      });
    });

    // Half of the entities holding events: SQLite reads every attributed event; a fifth: it names them in the statement.
    it.each([COMPONENTS, 210])('reads the same for %i components at once as one at a time', async count => {
      const refs = Array.from({ length: count }, (_, i) => ref(i));
      const many = await events.facts(refs, END, ['production', 'prod']);
      const one: DeliveryFacts = { deployments: [], changes: [], incidents: [] };
      const paged = new DeliveryEventStore(handle.store, { factPage: 7, yieldEveryMs: 0 });
      for (const r of refs) {
        const facts = await events.facts([r], END, ['production', 'prod']);
        // A few entities' facts, through the index by entity, in texts of a few lines: the same.
        if (r === ref(1)) expect(sorted(await paged.facts([r], END, ['production', 'prod']))).toEqual(sorted(facts));
        one.deployments.push(...facts.deployments);
        one.changes.push(...facts.changes);
        one.incidents.push(...facts.incidents);
      }
      expect(many.deployments).toHaveLength(2 * count);
      expect(sorted(many)).toEqual(sorted(one));
      // Read in pages of a few rows (the table read through: by rowid on SQLite, by block on PostgreSQL), the same again.
      // The read lets the event loop turn between its statements (on SQLite they answer synchronously): what was
      // queued before it began runs before it ends.
      let turned = false;
      setImmediate(() => (turned = true));
      const read = await paged.facts(refs, END, ['production', 'prod']).then(facts => ({ facts, turned }));
      expect(read.turned).toBe(true);
      expect(sorted(read.facts)).toEqual(sorted(one));
    });
  });
}
