/**
 * Attack on the membership cache: a signed-in caller's groups (and so the admin role) are worked out once per
 * catalog version, not on every request. Someone removed from the admin group, from a parent of it, or from the
 * catalog altogether must lose what it gave them on their very next request — on the replica that made the change
 * and on another process over the same database, with no clock moved and no word on the event bus needed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import type { Entity } from '../../src/core/entity.js';
import { EventLog } from '../../src/store/event-log.js';
import { AuditLog } from '../../src/store/audit-log.js';
import { JobQueue } from '../../src/store/job-queue.js';
import { CatalogService } from '../../src/catalog/catalog-service.js';
import { EntityReader } from '../../src/catalog/query/entity-reader.js';
import { AuthService } from '../../src/auth/auth-service.js';
import type { Store } from '../../src/store/store.js';
import { requireAll } from '../support/require-all.js';
import { postgresFactory, sqliteFactory, type StoreFactory, type TestStore } from '../support/stores.js';
import { authConfig } from '../auth/support.js';

const postgres = await postgresFactory();
const config: PaveConfig = { ...defaultConfig(), auth: authConfig() };
const ADMINS = config.auth.adminGroup;
const MALLORY = 'user:default/mallory';

const group = (name: string, parent?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], ...(parent ? { parent } : {}) },
});
const user = (memberOf: string[]): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'mallory' }, spec: { memberOf } });

const opened: TestStore[] = [];
const reopened: Store[] = [];
afterEach(async () => {
  for (const store of reopened.splice(0)) await store.close();
  for (const test of opened.splice(0)) await test.dispose();
});

/** The catalog written through one process; auth services in it and in a second process over the same database. */
async function twoProcesses(factory: StoreFactory) {
  const test = await factory.open();
  opened.push(test);
  const second = await test.reopen();
  reopened.push(second);
  const catalog = new CatalogService({ store: test.store, eventLog: new EventLog(test.store), audit: new AuditLog(test.store), queue: new JobQueue(test.store, { owner: 'test' }), config: config.catalog });
  const here = new AuthService({ store: test.store, config, entities: catalog.entities });
  const there = new AuthService({ store: second, config, entities: new EntityReader(second) });
  return { test, catalog, here, there };
}

const isAdmin = async (auth: AuthService) => (await auth.permissions.identityForUser(MALLORY, 'token')).roles.includes('admin');

for (const factory of [sqliteFactory, postgres]) {
  describe.skipIf(Boolean(factory.unavailable) && !requireAll)(`membership cached per catalog version (${factory.name})`, () => {
    it('a user taken out of the admin group is no admin on the next request, in both processes', async () => {
      const { test, catalog, here, there } = await twoProcesses(factory);
      await catalog.saveEntity(group('platform-team'));
      await catalog.saveEntity(group('payments'));
      await catalog.saveEntity(user(['platform-team']));
      expect(await isAdmin(here)).toBe(true);
      expect(await isAdmin(there)).toBe(true);
      // Kept for the version: a change to the stored user that no catalog write made (so the version stays) is not
      // read again; the answer comes from what was kept.
      const kept = await test.store.db.selectFrom('sent_entities as s').innerJoin('entities as e', 'e.id', 's.entity_id').select(['s.entity_id', 's.sent_relations']).where('e.ref', '=', MALLORY).executeTakeFirstOrThrow();
      await test.store.db.updateTable('sent_entities').set({ sent_relations: '[]' }).where('entity_id', '=', kept.entity_id).execute();
      expect(await isAdmin(there)).toBe(true);
      await test.store.db.updateTable('sent_entities').set({ sent_relations: kept.sent_relations }).where('entity_id', '=', kept.entity_id).execute();

      await catalog.saveEntity(user(['payments']));
      expect(await isAdmin(here)).toBe(false);
      expect(await isAdmin(there)).toBe(false);
      expect((await there.permissions.identityForUser(MALLORY, 'token')).groups).toEqual(['group:default/payments']);
    });

    it('a group moved out from under the admin group takes its members\' admin role with it', async () => {
      const { catalog, here, there } = await twoProcesses(factory);
      expect(ADMINS).toBe('group:default/platform-team');
      await catalog.saveEntity(group('platform-team'));
      await catalog.saveEntity(group('sre', 'platform-team'));
      await catalog.saveEntity(group('elsewhere'));
      await catalog.saveEntity(user(['sre']));
      expect(await isAdmin(here)).toBe(true);
      expect(await isAdmin(there)).toBe(true);

      await catalog.saveEntity(group('sre', 'elsewhere'));
      expect(await isAdmin(here)).toBe(false);
      expect(await isAdmin(there)).toBe(false);
    });

    it('a user deleted from the catalog can no longer act, in both processes', async () => {
      const { catalog, here, there } = await twoProcesses(factory);
      await catalog.saveEntity(group('platform-team'));
      const { entity } = await catalog.saveEntity(user(['platform-team']));
      expect(await isAdmin(there)).toBe(true);

      await catalog.deleteByUid(entity.metadata.uid!);
      for (const auth of [here, there]) {
        await expect(auth.permissions.identityForUser(MALLORY, 'token')).rejects.toMatchObject({ problem: { status: 401 } });
      }
    });
  });
}
