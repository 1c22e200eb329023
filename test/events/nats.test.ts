import { afterAll, describe, expect, it } from 'vitest';
import { connect, type NatsConnection } from 'nats';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PaveEvent } from '../../src/store/event-log.js';
import { ensureBareRepository } from '../../src/git/bare-repository.js';
import { readDocuments } from '../../src/platform/document-files.js';
import { packageRoot } from '../../src/core/package-root.js';
import { startEventsPave, TcpProxy, type EventsPave } from './support.js';

/**
 * The NATS publisher against the real server (127.0.0.1:4222, JetStream on): every event on
 * `<prefix>.<type>` in order, published through JetStream with the event id as Nats-Msg-Id; while the
 * server is unreachable (a proxy in front of it is taken down) the consumer's cursor waits, and once it is
 * back everything arrives — once per id, even when a batch is published again.
 */
const NATS = { host: '127.0.0.1', port: 4222 };
const natsUp = await connect({ servers: `nats://${NATS.host}:${NATS.port}`, timeout: 2000 }).then(
  async c => (await c.close(), undefined),
  (error: Error) => error.message,
);
if (natsUp && process.env.PAVE_REQUIRE_ALL === '1') throw new Error(`NATS is required (PAVE_REQUIRE_ALL=1) but unreachable at ${NATS.host}:${NATS.port}: ${natsUp}`);

const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

describe.skipIf(Boolean(natsUp))('events on NATS', () => {
  const opened: EventsPave[] = [];
  let nc: NatsConnection;
  let proxy: TcpProxy | undefined;
  const stream = `PAVE_TEST_${tag}`.toUpperCase();
  afterAll(async () => {
    for (const pave of opened) await pave.close();
    await proxy?.down();
    if (nc) {
      await (await nc.jetstreamManager()).streams.delete(stream).catch(() => undefined);
      await nc.close();
    }
  });

  const start = async (nats: { url: string; stream?: string; subjectPrefix: string }) => {
    const pave = await startEventsPave({ config: { events: { retentionDays: 30, webhooks: { allowedHosts: [], timeoutSeconds: 5, maxAttempts: 8, retryBaseSeconds: 1, retryMaxSeconds: 60, concurrency: 4 }, nats } } });
    opened.push(pave);
    // The publisher starts after the newest event: wait until it has its place before appending.
    await expect.poll(() => pave.app.eventConsumers.position('events.nats').then(async p => p === (await pave.app.eventLog.latest()) && (await cursor(pave)) !== undefined), { timeout: 20_000 }).toBe(true);
    return pave;
  };
  const cursor = (pave: EventsPave) => pave.app.store.db.selectFrom('event_cursors').selectAll().where('consumer', '=', 'events.nats').executeTakeFirst();
  const append = async (pave: EventsPave, n: number, from: number): Promise<PaveEvent[]> => {
    const events: PaveEvent[] = [];
    for (let i = from; i < from + n; i++) {
      const type = ['catalog.entity.updated', 'catalog.entity.created', 'platform.request.phase-changed'][i % 3]!;
      const [event] = await pave.app.store.transaction(trx => pave.app.eventLog.appendReturning(trx, { type, subject: `component:default/n-${i % 4}`, payload: { i } }));
      events.push(event!);
    }
    return events;
  };
  /** The stream's messages, in stream order. */
  const stored = async () => {
    const jsm = await nc.jetstreamManager();
    const info = await jsm.streams.info(stream);
    const messages = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
      const message = await jsm.streams.getMessage(stream, { seq });
      messages.push({ subject: message.subject, id: message.header.get('Nats-Msg-Id'), body: JSON.parse(new TextDecoder().decode(message.data)) as { id: string; seq: number; type: string } });
    }
    return messages;
  };

  it('publishes through JetStream in order, waits out an unreachable server, and de-duplicates what is published again', async () => {
    nc = await connect({ servers: `nats://${NATS.host}:${NATS.port}` });
    proxy = await TcpProxy.start(NATS);
    const prefix = `pave_t${tag}`;
    const pave = await start({ url: `nats://127.0.0.1:${proxy.port}`, stream, subjectPrefix: prefix });
    const before = await append(pave, 30, 0);
    await expect.poll(async () => (await stored()).length).toBe(30);

    await proxy.down();
    const during = await append(pave, 60, 30);
    await expect.poll(async () => (await cursor(pave))?.failures ?? 0).toBeGreaterThan(0);
    await proxy.up();
    const all = [...before, ...during];
    await expect.poll(async () => (await stored()).length, { timeout: 60_000 }).toBe(90);
    const messages = await stored();
    expect(messages.map(m => m.id)).toEqual(all.map(e => e.id));
    expect(messages.map(m => m.body.id)).toEqual(all.map(e => e.id));
    expect(messages.map(m => m.subject)).toEqual(all.map(e => `${prefix}.${e.type}`));
    for (const subject of new Set(messages.map(m => m.subject))) {
      const seqs = messages.filter(m => m.subject === subject).map(m => m.body.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }

    // A publisher that published and died before moving its cursor publishes the batch again: the stream keeps one of each.
    const position = await pave.app.eventConsumers.position('events.nats');
    await pave.app.store.db.updateTable('event_cursors').set({ seq: position - 40 }).where('consumer', '=', 'events.nats').execute();
    const last = await append(pave, 1, 90);
    await expect.poll(() => pave.app.eventConsumers.position('events.nats')).toBe(last[0]!.seq);
    const deduplicated = await stored();
    expect(deduplicated.map(m => m.id)).toEqual([...all, ...last].map(e => e.id));
  });

  it("delivers every event of a catalog refresh and a platform request's life, in order per subject", async () => {
    nc ??= await connect({ servers: `nats://${NATS.host}:${NATS.port}` });
    const prefix = `pave_l${tag}`;
    const heard: PaveEvent[] = [];
    const subscription = nc.subscribe(`${prefix}.>`, { callback: (_error, message) => heard.push(JSON.parse(new TextDecoder().decode(message.data)) as PaveEvent) });
    await nc.flush();
    const pave = await start({ url: `nats://${NATS.host}:${NATS.port}`, subjectPrefix: prefix });
    const { app } = pave;
    const from = await app.eventLog.latest();

    // The catalog: a location with three entities, registered, then changed and refreshed.
    const dir = join(pave.dataDir, 'catalog');
    await mkdir(dir, { recursive: true });
    const file = (description: string) => ['team-a', 'team-b', 'team-c'].map(name => `apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ${name}\n  description: ${description}\nspec:\n  type: team\n  children: []\n`).join('---\n');
    await writeFile(join(dir, 'catalog-info.yaml'), file('first'));
    const { location } = await app.catalog.locations.register({ type: 'file', target: join(dir, 'catalog-info.yaml') });
    await writeFile(join(dir, 'catalog-info.yaml'), file('second'));
    await app.catalog.locations.refresh(location.id);

    // The platform: a request for team-a, reconciled to Ready on a git destination, then deleted.
    const author = { actor: 'cli:nats-test' };
    const repository = await ensureBareRepository(join(pave.dataDir, 'repos', 'dev.git'), 'main');
    await app.platform.applyDestination({ apiVersion: 'pave.dev/v1alpha1', kind: 'Destination', metadata: { name: 'dev', labels: { env: 'dev' } }, spec: { git: { url: repository, branch: 'main', path: 'clusters/dev' }, cleanupPolicy: 'delete' } }, author);
    for (const document of await readDocuments(join(packageRoot(), 'demo/platform/capabilities/team-namespace.yaml'))) await app.platform.publishCapability(document, author);
    await app.workers.start(['platform.reconciler']);
    await app.platform.applyRequest({ apiVersion: 'teams.pave.dev/v1alpha1', kind: 'TeamNamespace', metadata: { name: 'space', namespace: 'team-a' }, spec: { environment: 'dev' } }, author);
    await expect.poll(async () => (await app.platform.getRequest('team-a', 'space')).status.phase, { timeout: 60_000 }).toBe('Ready');
    await app.platform.deleteRequest('team-a', 'space', author);
    await expect.poll(() => app.platform.getRequest('team-a', 'space').then(() => 'there', () => 'gone'), { timeout: 60_000 }).toBe('gone');

    const loggedSince = async () => {
      const logged = [];
      for (let after = from; ; ) {
        const batch = await app.eventLog.read({ after, limit: 1000 });
        if (!batch.length) return logged;
        logged.push(...batch);
        after = batch[batch.length - 1]!.seq;
      }
    };
    // The log is read again each time: a worker may still append (a last run's events) while the publisher catches up.
    await expect.poll(async () => heard.length === (await loggedSince()).length, { timeout: 60_000 }).toBe(true);
    const logged = await loggedSince();
    expect(heard.map(e => e.id).sort()).toEqual(logged.map(e => e.id).sort());
    for (const subject of new Set(heard.map(e => e.subject))) {
      const seqs = heard.filter(e => e.subject === subject).map(e => e.seq);
      expect(seqs, `order of ${subject}`).toEqual([...seqs].sort((x, y) => x - y));
    }
    const types = new Set(heard.map(e => e.type));
    for (const type of ['catalog.entity.created', 'catalog.location.registered', 'catalog.entity.updated', 'catalog.location.refreshed', 'platform.request.applied', 'platform.request.phase-changed', 'platform.delivery.committed', 'platform.run.finished', 'platform.request.deleted']) {
      expect(types, type).toContain(type);
    }
    subscription.unsubscribe();
  });

  it('publishes on core NATS without a stream', async () => {
    nc ??= await connect({ servers: `nats://${NATS.host}:${NATS.port}` });
    const prefix = `pave_c${tag}`;
    const heard: Array<{ subject: string; id: string | undefined; seq: number }> = [];
    const subscription = nc.subscribe(`${prefix}.>`, { callback: (_error, message) => heard.push({ subject: message.subject, id: message.headers?.get('Nats-Msg-Id'), seq: (JSON.parse(new TextDecoder().decode(message.data)) as { seq: number }).seq }) });
    await nc.flush();
    const pave = await start({ url: `nats://${NATS.host}:${NATS.port}`, subjectPrefix: prefix });
    const events = await append(pave, 20, 0);
    await expect.poll(() => heard.length).toBe(20);
    expect(heard).toEqual(events.map(e => ({ subject: `${prefix}.${e.type}`, id: e.id, seq: e.seq })));
    subscription.unsubscribe();
  });
});
