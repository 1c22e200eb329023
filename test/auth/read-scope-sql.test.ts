import { beforeAll, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { entityRefOf } from '../../src/core/entity-ref.js';
import { EventLog } from '../../src/store/event-log.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { GroupMembership } from '../../src/auth/group-membership.js';
import type { Identity } from '../../src/auth/identity.js';
import { PermissionService } from '../../src/auth/permission-service.js';
import { catalogOnEachStore } from '../support/catalog-on-each-store.js';
import { authConfig } from './support.js';
import { READ, READERS, READ_RULES } from './policy-fixtures.js';

/**
 * The read scope in SQL says, entity by entity, what `decide` says: a grid of entities (built-in kinds
 * whose owners are relations, custom kinds whose owners are `spec.owner` in every short form, names with
 * `_`, `.` and capitals) × the rules and readers of the pure test (`policy-fixtures.ts`: kinds, namespaces,
 * ref globs with LIKE's `%`, `_` and `\`, owners, role:owner, deny rules, mixed case) goes through the
 * catalog's real query with the scope on SQLite and PostgreSQL, and through the policy one stored entity
 * at a time.
 */

const NAMES = ['payments', 'payments-legacy', 'Pay_Ments', 'pay-ments', 'pay.ments', 'payXments', 'checkout-db', 'Checkout_DB.v2', 'tool'];
/** Owners as written in spec.owner; built-in kinds turn them into ownedBy relations, custom kinds keep only this. */
const OWNERS: unknown[] = [
  'checkout-team',
  'default/checkout-team',
  'Group:checkout-team',
  'GROUP:Default/Platform-Team',
  'group:secret/checkout-team',
  'user:dave',
  'User:Default/Dave',
  ' checkout-team ',
  'platform-team\n',
  '\tuser:dave',
  ['platform-team', 'user:default/dave'],
  'secret/platform-team',
  'group:checkout-team:x',
  42,
  [['checkout-team']],
  '\u3000user:dave\u00a0',
];

const KINDS = [
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', spec: { type: 'service', lifecycle: 'production' } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'API', spec: { type: 'openapi', lifecycle: 'production', definition: 'openapi: 3.0.0' } },
  { apiVersion: 'backstage.io/v1alpha1', kind: 'Resource', spec: { type: 'database' } },
  { apiVersion: 'example.com/v1', kind: 'Gadget', spec: {} },
  { apiVersion: 'example.com/v1', kind: 'WidgetThing', spec: {} },
];

/**
 * The grid: every kind × namespace × owner as `owned-<owner index>`, and every kind × namespace × name
 * with the owners in turn; and the users. Built-in kinds validate spec.owner as a string, so they get
 * the string forms only.
 */
function gridEntities(): Entity[] {
  const entities: Entity[] = [];
  for (const { apiVersion, kind, spec } of KINDS) {
    const owners = OWNERS.map((owner, index) => ({ owner, index })).filter(({ owner }) => !apiVersion.startsWith('backstage.io/') || typeof owner === 'string');
    for (const namespace of ['default', 'secret']) {
      for (const { owner, index } of owners) entities.push({ apiVersion, kind, metadata: { name: `owned-${index}`, namespace }, spec: { ...spec, owner } });
      NAMES.forEach((name, i) => entities.push({ apiVersion, kind, metadata: { name, namespace }, spec: { ...spec, owner: owners[(i * 5) % owners.length]!.owner } }));
    }
  }
  for (const name of ['Bob', 'dave', 'Carol', 'nina']) entities.push({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name }, spec: { memberOf: [] } });
  return entities;
}

await catalogOnEachStore('read scope in SQL', {
  seed: async ({ catalog }) => {
    for (const entity of gridEntities()) await catalog.saveEntity(entity);
  },
}, on => {
  let permissions: PermissionService;

  beforeAll(() => {
    permissions = new PermissionService({
      store: on.store,
      config: authConfig({ defaultPolicy: false, rules: READ_RULES }),
      entities: on.catalog.entities,
      membership: new GroupMembership(on.catalog.entities),
      audit: new AuditLog(on.store),
      eventLog: new EventLog(on.store),
    });
  });

  it('lists, for every identity, exactly the entities decide allows one by one', async () => {
    const stored = await on.catalog.entities.list({});
    expect(stored.length).toBe(gridEntities().length);
    for (const identity of READERS) {
      const scope = await permissions.readScope(identity, READ);
      const listed = (await on.catalog.entities.list({ scope })).map(entityRefOf).sort();
      const allowed: string[] = [];
      for (const entity of stored) if ((await permissions.decide(identity, READ, entity)).allowed) allowed.push(entityRefOf(entity));
      expect({ identity: identity.principal, scopes: identity.scopes, listed }).toEqual({ identity: identity.principal, scopes: identity.scopes, listed: allowed.sort() });
      // The rules hide some entities from each identity and show it others.
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.length).toBeLessThan(stored.length);
    }
  });

  it('reads every owner short form, list and oddly spaced value of a custom kind as a ref (the premise of the grid)', async () => {
    const ownedGadgets = async (identity: Identity) =>
      (await on.catalog.entities.list({ scope: await permissions.readScope(identity, READ), filter: ['kind=gadget,metadata.namespace=default'] }))
        .map(e => e.metadata.name)
        .filter(name => name.startsWith('owned-'))
        .map(name => Number(name.slice('owned-'.length)))
        .sort((a, b) => a - b);
    const [bob, dave, ci, , nina] = READERS as [Identity, Identity, Identity, Identity, Identity];
    // bob: checkout-team in every form (lists, nested lists and spaces too), platform-team through engineering.
    expect(await ownedGadgets(bob)).toEqual([0, 1, 2, 3, 7, 8, 10, 14]);
    expect(await ownedGadgets(dave)).toEqual([5, 6, 9, 10, 15]);
    expect(await ownedGadgets(ci)).toEqual([3, 8, 10]);
    // nina: group:secret/checkout-team named in full, and the number 42 read as group:default/42.
    expect(await ownedGadgets(nina)).toEqual([4, 13]);
  });
});
