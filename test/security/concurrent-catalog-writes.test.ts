/**
 * Attack on the entity stored with its relations (sent-entity.ts) on PostgreSQL, where catalog writes run side
 * by side: a user is rewritten (a profile change, a refresh) while an admin takes them out of the admin group. Each
 * write re-reads the relations of the entities it touches; under READ COMMITTED, without taking turns, the user's
 * write read their relations before the group's change committed and stored them after it: the stored user kept
 * `memberOf` the admin group although the relations table no longer held it, and group membership (read from the
 * stored entity) kept their admin role. With catalog writes taking turns (catalog-write-lock.ts) the later write
 * reads what the earlier committed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import type { Entity } from '../../src/core/entity.js';
import { prepareWrite, STORED_STATE_COLUMNS, writeEntities } from '../../src/catalog/entity-writer.js';
import { AuthService } from '../../src/auth/auth-service.js';
import { requireAll } from '../support/require-all.js';
import { postgresFactory, type TestStore } from '../support/stores.js';
import { authConfig } from '../auth/support.js';
import { catalogServiceOver } from '../support/catalog-service.js';

const postgres = await postgresFactory();
const config: PaveConfig = { ...defaultConfig(), auth: authConfig() };
const MALLORY = 'user:default/mallory';

const admins = (members: string[]): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'platform-team' }, spec: { type: 'team', children: [], members } });
const mallory = (description: string): Entity => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'User', metadata: { name: 'mallory', description }, spec: { memberOf: [] } });

const opened: TestStore[] = [];
afterEach(async () => {
  for (const test of opened.splice(0)) await test.dispose();
});

describe.skipIf(Boolean(postgres.unavailable) && !requireAll)('catalog writes side by side on PostgreSQL', () => {
  it('a user taken out of the admin group while the user is rewritten is no admin once both commit', async () => {
    const test = await postgres.open();
    opened.push(test);
    const { store } = test;
    expect(config.auth.adminGroup).toBe('group:default/platform-team');
    const catalog = catalogServiceOver(store, config.catalog);
    const auth = new AuthService({ store, config, entities: catalog.entities });
    await catalog.saveEntity(mallory('before'));
    await catalog.saveEntity(admins(['mallory']));
    expect((await auth.permissions.identityForUser(MALLORY, 'token')).roles).toContain('admin');

    // The user's rewrite stops at its first pause, inside its transaction, until released.
    let paused!: () => void;
    const atPause = new Promise<void>(resolve => (paused = resolve));
    let release!: () => void;
    const released = new Promise<void>(resolve => (release = resolve));
    let first = true;
    const rewrite = store.transaction(async trx => {
      const stored = await trx.selectFrom('entities').select(STORED_STATE_COLUMNS).where('ref', '=', MALLORY).execute();
      const write = prepareWrite({ entity: mallory('after'), locationId: null, source: null });
      await writeEntities(trx, store.dialect, [write], new Map(stored.map(row => [row.ref, row])), new Date().toISOString(), async () => {
        if (!first) return;
        first = false;
        paused();
        await released;
      });
    });
    await atPause;

    // Meanwhile the admin group loses mallory: it either finishes at once or waits for the rewrite to commit.
    let removed = false;
    const removal = catalog.saveEntity(admins([])).then(() => (removed = true));
    const waitsForALock = async () => {
      const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`.execute(store.db);
      return rows[0]!.n > 0;
    };
    while (!removed && !(await waitsForALock())) await new Promise(resolve => setImmediate(resolve));
    release();
    await Promise.all([rewrite, removal]);

    const user = await catalog.entities.byRef(MALLORY);
    expect(user?.metadata.description).toBe('after');
    expect(user?.relations ?? []).not.toContainEqual(expect.objectContaining({ type: 'memberOf' }));
    expect((await auth.permissions.identityForUser(MALLORY, 'token')).roles).not.toContain('admin');
  });
});
