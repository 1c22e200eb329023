import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import type { Clock } from '../../src/core/clock.js';
import { EntityReader } from '../../src/catalog/query/entity-reader.js';
import { AuthService } from '../../src/auth/auth-service.js';
import type { Identity } from '../../src/auth/identity.js';
import type { Store } from '../../src/store/store.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { adminQuery, postgresFactory, sqliteFactory, type TestStore } from '../support/stores.js';
import { expectProblem, json } from '../api/support.js';
import { authConfig, bearer, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * Each process keeps the rules in memory, and a rule written anywhere takes effect everywhere: at once
 * in the writing process, on the other replicas when the store's event bus tells them, and (for a
 * replica that missed the word, or a second process on one SQLite file) once the cache's short life ends.
 */

const postgres = await postgresFactory();
const skipPostgres = Boolean(postgres.unavailable) && !requireAll;

/** A clock that stands still unless moved, so only the event bus (or a move past the cache's life) refreshes rules. */
class StillClock implements Clock {
  constructor(public time = Date.parse('2026-03-01T09:00:00.000Z')) {}
  now() {
    return new Date(this.time);
  }
}

const BOB: Identity = { principal: 'user:default/bob', userRef: 'user:default/bob', groups: ['group:default/checkout-team'], roles: ['signed-in'], via: 'token' };
const AUDIT = 'audit.log.query';
const BOB_AUDITS = { id: 'bob-audits', description: 'bob reads the audit log', effect: 'allow', actions: [AUDIT], subjects: ['user:default/bob'] };
const config: PaveConfig = { ...defaultConfig(), auth: authConfig() };

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

const opened: TestStore[] = [];
const reopened: Store[] = [];
afterEach(async () => {
  for (const store of reopened.splice(0)) await store.close();
  for (const test of opened.splice(0)) await test.dispose();
});

/** Two processes' auth services over one database: the writer and a replica, on a clock that stands still. */
async function twoReplicas(factory: typeof sqliteFactory) {
  const test = await factory.open();
  opened.push(test);
  const second = await test.reopen();
  reopened.push(second);
  const clock = new StillClock();
  const writer = new AuthService({ store: test.store, config, entities: new EntityReader(test.store), clock });
  const replica = new AuthService({ store: second, config, entities: new EntityReader(second), clock });
  return { writer, replica, replicaStore: second, clock };
}

const allowed = async (auth: AuthService) => (await auth.permissions.decide(BOB, AUDIT)).allowed;

describe('stored rules cached per process', () => {
  it('take effect at once where they are written, and elsewhere within the cache life when no word arrives (two processes on one SQLite file)', async () => {
    const { writer, replica, clock } = await twoReplicas(sqliteFactory);
    expect(await allowed(writer)).toBe(false);
    expect(await allowed(replica)).toBe(false);
    await writer.permissions.saveRule(writer.localOperator(), BOB_AUDITS);
    expect(await allowed(writer)).toBe(true);
    // SQLite's event bus is in-process: the replica keeps what it read until its copy is too old.
    expect(await allowed(replica)).toBe(false);
    clock.time += 60_000;
    expect(await allowed(replica)).toBe(true);
    await writer.permissions.deleteRule(writer.localOperator(), BOB_AUDITS.id);
    expect(await allowed(writer)).toBe(false);
  });

  it.skipIf(skipPostgres)('reach a replica through the event bus while the clock stands still (PostgreSQL)', async () => {
    const { writer, replica, replicaStore } = await twoReplicas(postgres);
    expect(await allowed(replica)).toBe(false);
    await replicaStore.events.ready();
    await writer.permissions.saveRule(writer.localOperator(), BOB_AUDITS);
    await until(() => allowed(replica), 'the replica to hear of the new rule');
    await writer.permissions.deleteRule(writer.localOperator(), BOB_AUDITS.id);
    await until(async () => !(await allowed(replica)), 'the replica to hear the rule is gone');
  });
});

describe.skipIf(skipPostgres)('stored rules across two Paves on one PostgreSQL', () => {
  let schema: string;
  let a: AuthPave;
  let b: AuthPave;

  beforeAll(async () => {
    schema = `pave_rules_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`;
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const database = { databaseUrl: POSTGRES_URL, databaseSchema: schema };
    a = await startAuthPave({ config: database });
    b = await startAuthPave({ config: database, seed: false });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('a rule written on one takes effect on the other, and so does its removal', async () => {
    const bob = bearer(await tokenFor(a.app, 'user:default/bob'));
    const alice = bearer(await tokenFor(a.app, 'user:default/alice'));
    const auditOnB = () => fetch(`${b.url}/api/audit?limit=1`, { headers: bob });
    await expectProblem(await auditOnB(), 403);

    const written = await fetch(`${a.url}/api/permissions/rules/${BOB_AUDITS.id}`, { method: 'PUT', headers: { ...alice, 'content-type': 'application/json' }, body: JSON.stringify(BOB_AUDITS) });
    expect(written.status).toBe(201);
    await until(async () => (await auditOnB()).status === 200, 'B to apply the rule written on A');
    expect(await json<{ items: unknown[] }>(await auditOnB())).toHaveProperty('items');

    expect((await fetch(`${a.url}/api/permissions/rules/${BOB_AUDITS.id}`, { method: 'DELETE', headers: alice })).status).toBe(204);
    await until(async () => (await auditOnB()).status === 403, 'B to drop the rule removed on A');
  });
});
