import { afterAll, describe, expect, it } from 'vitest';
import type { PaveEvent } from '../../src/store/event-log.js';
import type { WebhookWithSecret } from '../../src/events/webhook-service.js';
import { startEventsPave, testWebhooks, WebhookReceiver, type EventsPave } from './support.js';

/**
 * Webhooks end to end on SQLite, over real HTTP both ways: subscriptions through the API (problems naming
 * the field), events appended to the log in their own transactions, a real receiver that is down and comes
 * back, a restart on the same data folder, dead letters and redelivery.
 */
const receiver = await WebhookReceiver.start();
const opened: EventsPave[] = [];
afterAll(async () => {
  for (const pave of opened) await pave.close();
  await receiver.close();
});

async function start(options: Parameters<typeof startEventsPave>[0] = {}): Promise<EventsPave> {
  const pave = await startEventsPave(options);
  opened.push(pave);
  return pave;
}

async function api<T>(pave: EventsPave, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(pave.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

async function subscribe(pave: EventsPave, path: string, input: Record<string, unknown> = {}): Promise<WebhookWithSecret> {
  const created = await api<WebhookWithSecret>(pave, 'POST', '/api/events/webhooks', { url: receiver.url(path), types: ['catalog.entity.*'], ...input });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  receiver.secrets.set(path, created.body.secret);
  return created.body;
}

/** Appends `n` entity changes, each in its own transaction as a service's change would. */
async function changes(pave: EventsPave, n: number, from = 0): Promise<PaveEvent[]> {
  const events: PaveEvent[] = [];
  for (let i = from; i < from + n; i++) {
    const [event] = await pave.app.store.transaction(trx =>
      pave.app.eventLog.appendReturning(trx, { type: 'catalog.entity.updated', subject: `component:default/svc-${i % 7}`, actor: 'user:default/jane', payload: { kind: 'Component', namespace: 'default', name: `svc-${i % 7}`, owner: 'group:default/checkout-team', i } }),
    );
    events.push(event!);
  }
  return events;
}

async function deliveries(pave: EventsPave, id: string, query = '') {
  return (await api<{ items: Array<{ id: string; eventId: string; state: string; attempts: number; log: Array<{ statusCode?: number; durationMs: number; error?: string }> }> }>(pave, 'GET', `/api/events/webhooks/${id}/deliveries?limit=500${query}`)).body.items;
}

describe('webhook subscriptions', () => {
  it('refuses bad input with a 422 problem naming the field', async () => {
    const pave = await start({ config: { events: { ...testWebhooks(), webhooks: { ...testWebhooks().webhooks, allowedHosts: [] } } } });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ url: 'ftp://hooks.example.com/x', types: ['catalog.entity.updated'] }, '/url', 'http'],
      [{ url: 'not a url', types: ['catalog.entity.updated'] }, '/url', 'http'],
      [{ url: 'https://hooks.example.com/x', types: ['catalog.entity.renamed'] }, '/types/0', 'event type'],
      [{ url: 'https://hooks.example.com/x', types: ['catalog.entity.updated', 'CATALOG.*'] }, '/types/1', 'event type'],
      [{ url: 'http://127.0.0.1:9/x', types: ['catalog.*'] }, '/url', 'blocked address'],
      [{ url: 'http://10.1.2.3/x', types: ['catalog.*'] }, '/url', 'blocked address'],
      [{ url: 'http://169.254.169.254/latest/meta-data', types: ['catalog.*'] }, '/url', 'blocked address'],
      [{ url: 'https://hooks.example.com/x', types: ['catalog.*'], secret: 'short' }, '/secret', '16'],
      [{ url: 'https://hooks.example.com/x', types: ['catalog.*'], filter: { owners: ['group:default/'] } }, '/filter/owners/0', 'owner'],
    ];
    for (const [body, pointer, words] of cases) {
      const answer = await api<{ status: number; errors: Array<{ pointer: string; detail: string }> }>(pave, 'POST', '/api/events/webhooks', body);
      expect(answer.status, JSON.stringify(body)).toBe(422);
      const error = answer.body.errors.find(e => e.pointer === pointer);
      expect(error, `${JSON.stringify(body)} → ${JSON.stringify(answer.body.errors)}`).toBeDefined();
      expect(error!.detail).toContain(words);
    }
    const created = await api<WebhookWithSecret>(pave, 'POST', '/api/events/webhooks', { url: 'https://hooks.example.com/x', types: ['catalog.*', 'platform.request.phase-changed'] });
    expect(created.status).toBe(201);
    const patched = await api<{ errors: Array<{ pointer: string }> }>(pave, 'PATCH', `/api/events/webhooks/${created.body.id}`, { url: 'http://[::1]:8080/' });
    expect(patched.status).toBe(422);
    expect(patched.body.errors[0]!.pointer).toBe('/url');
    expect((await api(pave, 'GET', '/api/events/webhooks/nope')).status).toBe(404);
  });

  it('delivers every event once, in order, signed, to a receiver that was down during 200 changes, and across a restart', async () => {
    const pave = await start({ config: { events: testWebhooks({ maxAttempts: 10_000 }) } });
    await receiver.setMode('error');
    const hook = await subscribe(pave, '/durable');
    const other = await subscribe(pave, '/durable-components', { filter: { kinds: ['component'], owners: ['checkout-team'] } });
    const ignored = await subscribe(pave, '/durable-other-team', { filter: { owners: ['group:default/platform-team'] } });
    const first = await changes(pave, 100);
    // The receiver answers 500 for a while, then refuses connections altogether.
    await expect.poll(async () => Math.max(0, ...(await deliveries(pave, hook.id, '&state=pending')).map(d => d.attempts))).toBeGreaterThan(2);
    await receiver.setMode('refuse');
    const second = await changes(pave, 100, 100);
    await expect.poll(async () => (await deliveries(pave, other.id, '&state=pending')).find(d => d.log.some(a => a.error?.includes('ECONNREFUSED')))).toBeDefined();
    const appended = [...first, ...second];
    await receiver.setMode('accept');
    await expect.poll(() => receiver.at('/durable').length, { timeout: 60_000 }).toBe(200);
    await expect.poll(() => receiver.at('/durable-components').length, { timeout: 60_000 }).toBe(200);
    for (const path of ['/durable', '/durable-components']) {
      const got = receiver.at(path);
      expect(got.map(r => r.id)).toEqual(appended.map(e => e.id));
      expect(got.every(r => r.signatureValid)).toBe(true);
      expect(got[0]!.headers['pave-event-id']).toBe(appended[0]!.id);
      expect(got[0]!.headers['pave-event-type']).toBe('catalog.entity.updated');
      expect(JSON.parse(got[0]!.body)).toEqual({ id: appended[0]!.id, seq: appended[0]!.seq, type: 'catalog.entity.updated', subject: 'component:default/svc-0', actor: 'user:default/jane', payload: appended[0]!.payload, at: appended[0]!.at });
    }
    expect(receiver.at('/durable-other-team')).toEqual([]);
    expect(await deliveries(pave, ignored.id)).toEqual([]);
    const log = await deliveries(pave, hook.id);
    expect(log.filter(d => d.state === 'delivered')).toHaveLength(200);
    const retried = log.find(d => d.attempts > 1)!;
    // Each failed attempt met the receiver down: a 500, or no answer at all (refused, or cut off as it went from
    // answering 500 to refusing while an attempt was under way).
    expect(retried.log.slice(0, -1).filter(a => !(a.statusCode === 500 || (a.statusCode === undefined && a.error)))).toEqual([]);
    expect(retried.log.at(-1)).toMatchObject({ statusCode: 204 });

    // A restart: the process stops with deliveries pending; a new one on the same data folder sends them.
    await receiver.setMode('error');
    const third = await changes(pave, 50, 200);
    await expect.poll(async () => (await deliveries(pave, hook.id, '&state=pending')).length).toBe(50);
    await pave.stop();
    await receiver.setMode('accept');
    const restarted = await start({ config: { events: testWebhooks({ maxAttempts: 10_000 }) }, dataDir: pave.dataDir });
    await expect.poll(() => receiver.at('/durable').length, { timeout: 60_000 }).toBe(250);
    const all = [...appended, ...third].map(e => e.id);
    expect(receiver.at('/durable').map(r => r.id)).toEqual(all);
    await expect.poll(() => receiver.at('/durable-components').length, { timeout: 60_000 }).toBe(250);
    expect(receiver.at('/durable-components').map(r => r.id)).toEqual(all);
    expect(receiver.at('/durable').every(r => r.signatureValid)).toBe(true);
    await restarted.stop();
  });

  it('dead-letters after the last attempt without holding later events back, and redelivers from the API', async () => {
    const pave = await start({ config: { events: testWebhooks({ maxAttempts: 3 }) } });
    await receiver.setMode('error');
    const hook = await subscribe(pave, '/dead');
    const events = await changes(pave, 3);
    await expect.poll(async () => (await deliveries(pave, hook.id, '&state=dead')).length).toBe(3);
    const dead = await deliveries(pave, hook.id);
    for (const delivery of dead) {
      expect(delivery.attempts).toBe(3);
      expect(delivery.log.map(a => a.statusCode)).toEqual([500, 500, 500]);
      expect(delivery.log.every(a => a.durationMs >= 0)).toBe(true);
    }
    await receiver.setMode('accept');
    const later = await changes(pave, 1, 3);
    await expect.poll(() => receiver.at('/dead').map(r => r.id)).toEqual([later[0]!.id]);
    const target = dead.find(d => d.eventId === events[1]!.id)!;
    const redelivered = await api<{ state: string }>(pave, 'POST', `/api/events/webhooks/${hook.id}/deliveries/${target.id}/redeliver`, {});
    expect(redelivered.status).toBe(202);
    expect(redelivered.body.state).toBe('pending');
    await expect.poll(() => receiver.at('/dead').map(r => r.id)).toEqual([later[0]!.id, events[1]!.id]);
    expect(receiver.at('/dead').every(r => r.signatureValid)).toBe(true);
    const again = await api<{ status: number; errors: Array<{ pointer: string }> }>(pave, 'POST', `/api/events/webhooks/${hook.id}/deliveries/${target.id}/redeliver`, {});
    expect(again.status).toBe(409);

    const ping = await api<{ state: string; eventType: string; log: Array<{ statusCode?: number }> }>(pave, 'POST', `/api/events/webhooks/${hook.id}/test`, {});
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({ state: 'delivered', eventType: 'events.webhook.ping', log: [{ statusCode: 204 }] });
    expect(receiver.at('/dead').at(-1)).toMatchObject({ type: 'events.webhook.ping', signatureValid: true });

    // Every write is in the audit log, with no secret in it.
    const audit = await pave.app.auth.audit.query({ entityRef: `webhook:${hook.id}` });
    expect(audit.items.map(e => e.action).sort()).toEqual(['events.webhook.create', 'events.webhook.redeliver', 'events.webhook.test']);
    expect(JSON.stringify(audit)).not.toContain(receiver.secrets.get('/dead')!);
    const deleted = await api(pave, 'DELETE', `/api/events/webhooks/${hook.id}`);
    expect(deleted.status).toBe(204);
    expect((await api(pave, 'GET', `/api/events/webhooks/${hook.id}/deliveries`)).status).toBe(404);
  });
});
