/**
 * Two Pave servers sharing one PostgreSQL schema (two replicas): a watcher of the platform event stream on one
 * hears the applies, the reconciles and the deletions the other performs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { POSTGRES_URL, requireAll } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { listen, type SseListener } from '../support/sse.js';
import { FAST_PLATFORM } from './support/platform-harness.js';

const postgres = await postgresFactory();

async function heard(stream: SseListener, what: string, match: (event: SseListener['events'][number]) => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!stream.events.some(match)) {
    if (Date.now() > deadline) throw new Error(`the watcher never heard ${what}; it heard ${JSON.stringify(stream.events.map(e => e.event))}`);
    await new Promise(resolve => setTimeout(resolve, 25));
  }
}

describe.skipIf(Boolean(postgres.unavailable) && !requireAll)('platform events across replicas (PostgreSQL)', { timeout: 120_000 }, () => {
  const schema = `pave_replicas_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  let watched: RunningPave;
  let working: RunningPave;

  beforeAll(async () => {
    await adminQuery(`CREATE SCHEMA ${schema}`);
    const config = { databaseUrl: POSTGRES_URL, databaseSchema: schema, platform: { ...defaultConfig().platform, ...FAST_PLATFORM } };
    // The demo (capabilities, destinations as local repositories) is loaded once, through the watched replica.
    watched = await startPave({ demo: true, config });
    working = await startPave({ config });
  });
  afterAll(async () => {
    await working?.close();
    await watched?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  });

  it('streams, on one replica, what the other applies, reconciles and deletes', async () => {
    const stream = listen(`${watched.url}/api/platform/events`);
    await stream.connected;
    // Only the working replica reconciles, so every status event comes from it.
    await working.app.workers.start(['platform.reconciler']);
    const send = (method: string, path: string, body?: unknown) =>
      fetch(working.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

    const request = { apiVersion: 'caches.pave.dev/v1alpha1', kind: 'Redis', metadata: { name: 'sessions', namespace: 'checkout-team' }, spec: {} };
    expect((await send('POST', '/api/platform/requests', request)).status).toBe(201);
    const payload = (e: SseListener['events'][number]) => e.data.payload as Record<string, unknown>;
    await heard(stream, 'the apply', e => e.event === 'platform.request.applied' && payload(e).name === 'sessions');
    await heard(stream, 'the request becoming Ready', e => e.event === 'platform.request.phase-changed' && payload(e).name === 'sessions' && payload(e).phase === 'Ready');
    const ready = stream.events.find(e => payload(e).phase === 'Ready')!;
    expect(payload(ready)).toMatchObject({ namespace: 'checkout-team', kind: 'Redis', owner: 'group:default/checkout-team', generation: 1, runId: expect.any(String) });
    // The run it names is the working replica's, read back through the watched one.
    const run = (await (await fetch(`${watched.url}/api/platform/runs/${String(payload(ready).runId)}`)).json()) as { phase: string; namespace: string; name: string };
    expect(run).toMatchObject({ phase: 'Succeeded', namespace: 'checkout-team', name: 'sessions' });

    expect((await send('DELETE', '/api/platform/requests/checkout-team/sessions')).status).toBe(202);
    await heard(stream, 'the deletion', e => e.event === 'platform.request.deleted' && payload(e).name === 'sessions');
    await stream.stop();
    const mine = stream.events.filter(e => payload(e).name === 'sessions');
    const types = mine.map(e => e.event);
    expect(types[0]).toBe('platform.request.applied');
    expect(mine.some(e => e.event === 'platform.request.phase-changed' && payload(e).phase === 'Deleting')).toBe(true);
    expect(types.at(-1)).toBe('platform.request.deleted');
    // Each event once: the stream reads the event log, whoever wakes it.
    expect(new Set(mine.map(e => e.data.id)).size).toBe(mine.length);
    expect(types.filter(type => type === 'platform.request.applied')).toHaveLength(1);
    expect(types.filter(type => type === 'platform.request.deleted')).toHaveLength(1);
  });
});
