/**
 * Two Pave servers sharing one PostgreSQL schema (two replicas): a watcher of the platform event stream on one
 * hears the applies, the reconciles and the deletions the other performs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/core/config.js';
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
    const config = { databaseUrl: POSTGRES_URL, databaseSchema: schema, platform: { ...defaultConfig.platform, ...FAST_PLATFORM } };
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
    await heard(stream, 'the apply', e => e.event === 'request.applied' && e.data.name === 'sessions');
    await heard(stream, 'the request becoming Ready', e => e.event === 'request.status' && e.data.name === 'sessions' && e.data.phase === 'Ready');
    const ready = stream.events.find(e => e.data.phase === 'Ready')!;
    expect(ready.data).toMatchObject({ namespace: 'checkout-team', kind: 'Redis', generation: 1, runId: expect.any(String) });
    // The run it names is the working replica's, read back through the watched one.
    const run = (await (await fetch(`${watched.url}/api/platform/runs/${String(ready.data.runId)}`)).json()) as { phase: string; namespace: string; name: string };
    expect(run).toMatchObject({ phase: 'Succeeded', namespace: 'checkout-team', name: 'sessions' });

    expect((await send('DELETE', '/api/platform/requests/checkout-team/sessions')).status).toBe(202);
    await heard(stream, 'the deletion', e => e.event === 'request.deleted' && e.data.name === 'sessions');
    await stream.stop();
    const mine = stream.events.filter(e => e.data.name === 'sessions').map(e => e.event);
    expect(mine[0]).toBe('request.applied');
    expect(mine).toContain('request.deleting');
    expect(mine.at(-1)).toBe('request.deleted');
    // Each event once: the stream is not fed twice (locally and through NOTIFY).
    expect(mine.filter(type => type === 'request.applied')).toHaveLength(1);
    expect(mine.filter(type => type === 'request.deleted')).toHaveLength(1);
  });
});
