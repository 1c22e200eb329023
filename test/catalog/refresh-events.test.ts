/**
 * A refresh's entity events are made and appended a few at a time as the log inserts them (#18: the whole list and
 * its parsed copy were held to the commit), and still read as one change: one event per entity written, numbered
 * without a gap in the order of the file, beside the location's own event. On SQLite and PostgreSQL.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { EventLog, type PaveEvent } from '../../src/store/event-log.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';

/** More than two of the log's insert chunks (500 rows). */
const COMPONENTS = 1_201;

const catalogFile = (description: (i: number) => string) =>
  Array.from(
    { length: COMPONENTS },
    (_, i) => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c-${i}\n  description: ${description(i)}\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`,
  ).join('---\n');

await catalogOnEachStore('a refresh’s events', { folder: 'pave-refresh-events-' }, on => {
  let log: EventLog;
  let locationId: string;
  const target = () => join(on.dir, 'catalog-info.yaml');
  /** Every event after `after`, in sequence order. */
  const eventsAfter = async (after: number) => {
    const all: PaveEvent[] = [];
    for (let page = await log.read({ after, limit: 1000 }); page.length; page = await log.read({ after: all.at(-1)!.seq, limit: 1000 })) all.push(...page);
    return all;
  };
  /** The entity events of a change: consecutive numbers, in the file's order. */
  const expectEntityEvents = (events: readonly PaveEvent[], type: string, names: readonly string[]) => {
    const entities = events.filter(event => event.type.startsWith('catalog.entity.'));
    expect(entities.map(event => [event.type, event.subject])).toEqual(names.map(name => [type, `component:default/${name}`]));
    expect(entities.map(event => event.seq)).toEqual(entities.map((_, i) => entities[0]!.seq + i));
  };

  beforeAll(() => {
    log = new EventLog(on.store);
  });

  it('appends a first load’s events in file order without a gap', async () => {
    const start = await log.latest();
    writeFileSync(target(), catalogFile(i => `first ${i}`));
    locationId = (await on.catalog.locations.register({ type: 'file', target: target() })).location.id;
    const events = await eventsAfter(start);
    expectEntityEvents(events, 'catalog.entity.created', Array.from({ length: COMPONENTS }, (_, i) => `c-${i}`));
    expect(events.filter(event => event.type.startsWith('catalog.location.')).length).toBeGreaterThan(0);
    expect(await log.latest()).toBe(events.at(-1)!.seq);
  });

  it('appends a refresh’s events for the entities it changed only, in file order without a gap', async () => {
    const start = await log.latest();
    writeFileSync(target(), catalogFile(i => (i % 3 === 0 ? `changed ${i}` : `first ${i}`)));
    expect(await on.catalog.locations.refresh(locationId)).toMatchObject({ created: 0, updated: 401, removed: 0 });
    const changed = Array.from({ length: COMPONENTS }, (_, i) => i).filter(i => i % 3 === 0).map(i => `c-${i}`);
    const events = await eventsAfter(start);
    expectEntityEvents(events, 'catalog.entity.updated', changed);
    expect(events.filter(event => event.type === 'catalog.entity.updated').every(event => typeof event.payload.previousEtag === 'string')).toBe(true);
  });
});
