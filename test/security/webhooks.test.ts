/**
 * Webhooks as a way into the network (SSRF) and as a place secrets could leak. By default a webhook may
 * not target loopback, private, link-local or other non-public addresses: an address written in the URL is
 * refused when the subscription is saved, and a host name is resolved at every delivery and refused when
 * any address it resolves to is not public — so a name that points inside, now or after the check (DNS
 * rebinding), reaches nothing. Redirects are not followed. The signing secret is shown once and never
 * returned, logged, audited or put in an event again. Only admins manage webhooks.
 */
import { Writable } from 'node:stream';
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/core/logger.js';
import { expectProblem } from '../api/support.js';
import { startDemoPave, type DemoPave } from './demo-org.js';
import { startEventsPave, testWebhooks, WebhookReceiver, type EventsPave } from '../events/support.js';

const receiver = await WebhookReceiver.start();
afterAll(async () => receiver.close());

/** A name (not an address literal, not `localhost`) that this machine resolves to loopback only, e.g. its host name in /etc/hosts. */
async function loopbackName(): Promise<string | undefined> {
  const name = hostname();
  const addresses = await lookup(name, { all: true }).catch(() => []);
  return addresses.length && addresses.every(a => a.address.startsWith('127.') || a.address === '::1') ? name : undefined;
}
const rebindingName = await loopbackName();

describe('webhooks on the demo: admins only, public addresses only', () => {
  let demo: DemoPave;
  beforeAll(async () => {
    demo = await startDemoPave();
    await demo.pave.app.workers.start(['store.event-consumers', 'events.webhook-delivery']);
  });
  afterAll(async () => demo?.close());

  it('refuses developers and the guest (403), lets admins in', async () => {
    for (const caller of [demo.developer, demo.guest]) {
      const listed = await expectProblem(await caller('/api/events/webhooks'), 403);
      expect(listed.action).toBe('events.webhook.read');
      const created = await expectProblem(await caller('/api/events/webhooks', { method: 'POST', body: { url: 'https://hooks.example.com/x', types: ['catalog.*'] } }), 403);
      expect(created.action).toBe('events.webhook.write');
    }
    expect((await demo.admin('/api/events/webhooks')).status).toBe(200);
  });

  it('refuses loopback, private, link-local and other non-public address literals, IPv4 and IPv6, naming /url', async () => {
    const blocked = [
      'http://127.0.0.1/',
      'http://127.8.9.10:8080/',
      'http://localhost:7007/',
      'http://LOCALHOST./',
      'http://api.localhost/',
      'http://0.0.0.0/',
      'http://10.0.0.1/',
      'http://172.16.5.4/',
      'http://172.31.255.255/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data/',
      'http://100.64.0.1/',
      'http://2130706433/', // 127.0.0.1 written as one number
      'http://0x7f.1/', // and in hex
      'http://[::1]/',
      'http://[::]/',
      'http://[fc00::1]/',
      'http://[fd12:3456::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:10.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/', // 169.254.169.254, IPv4-mapped
      'http://[64:ff9b::a00:1]/', // 10.0.0.1 through NAT64
    ];
    for (const url of blocked) {
      const problem = await expectProblem(await demo.admin('/api/events/webhooks', { method: 'POST', body: { url, types: ['catalog.entity.updated'] } }), 422);
      expect(problem.errors, url).toEqual([expect.objectContaining({ pointer: '/url', rule: 'blocked-address' })]);
    }
    expect((await demo.admin('/api/events/webhooks', { method: 'POST', body: { url: 'https://93.184.215.14/hooks', types: ['catalog.entity.updated'] } })).status).toBe(201);
  });

  it.skipIf(!rebindingName)('resolves a host name at delivery and refuses it when it points inside (DNS rebinding): the receiver never hears', async () => {
    const url = `http://${rebindingName}:${receiver.port}/rebinding`;
    const created = await demo.admin('/api/events/webhooks', { method: 'POST', body: { url, types: ['catalog.entity.*'] } });
    expect(created.status, 'a name passes when saved: it is checked, resolved, when a delivery connects').toBe(201);
    const { id } = (await created.json()) as { id: string };
    const ping = (await (await demo.admin(`/api/events/webhooks/${id}/test`, { method: 'POST', body: {} })).json()) as { state: string; log: Array<{ statusCode?: number; error?: string }> };
    expect(ping.state).toBe('failed');
    expect(ping.log[0]!.statusCode).toBeUndefined();
    expect(ping.log[0]!.error).toMatch(/^blocked: .*127\.0\.0\.1 is a loopback, private, link-local or otherwise non-public address/);
    await demo.pave.app.eventLog.append(demo.pave.app.store.db, { type: 'catalog.entity.updated', subject: 'component:default/x', payload: {} });
    await expect
      .poll(async () => ((await (await demo.admin(`/api/events/webhooks/${id}/deliveries?state=pending`)).json()) as { items: Array<{ log: Array<{ error?: string }> }> }).items[0]?.log[0]?.error, { timeout: 30_000 })
      .toMatch(/^blocked: /);
    expect(receiver.at('/rebinding')).toEqual([]);
    expect(receiver.arrivals).toBe(0);
  });
});

describe('webhooks with an allow-list, and their secrets', () => {
  let pave: EventsPave;
  const logs: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (logs.push(chunk.toString('utf8')), done()) });
    pave = await startEventsPave({ logger: createLogger('trace', sink), config: { events: testWebhooks({ maxAttempts: 2 }) } });
  });
  afterAll(async () => pave?.close());

  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(pave.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: response.status, text: await response.text() };
  };

  it.skipIf(!rebindingName)('opens a non-public address through events.webhooks.allowedHosts (here 127.0.0.1)', async () => {
    const created = JSON.parse((await call('POST', '/api/events/webhooks', { url: `http://${rebindingName}:${receiver.port}/allowed`, types: ['catalog.*'] })).text) as { id: string; secret: string };
    receiver.secrets.set('/allowed', created.secret);
    const ping = JSON.parse((await call('POST', `/api/events/webhooks/${created.id}/test`, {})).text) as { state: string };
    expect(ping.state).toBe('delivered');
    expect(receiver.at('/allowed')).toEqual([expect.objectContaining({ type: 'events.webhook.ping', signatureValid: true })]);
  });

  it('does not follow redirects', async () => {
    const target = http.createServer((_request, response) => response.writeHead(302, { location: receiver.url('/redirected') }).end());
    await new Promise<void>(resolve => target.listen(0, '127.0.0.1', resolve));
    try {
      const port = (target.address() as AddressInfo).port;
      const created = JSON.parse((await call('POST', '/api/events/webhooks', { url: `http://127.0.0.1:${port}/moved`, types: ['catalog.*'] })).text) as { id: string };
      const ping = JSON.parse((await call('POST', `/api/events/webhooks/${created.id}/test`, {})).text) as { state: string; log: Array<{ statusCode?: number; error?: string }> };
      expect(ping).toMatchObject({ state: 'failed', log: [{ statusCode: 302, error: 'answered 302: redirects are not followed' }] });
      expect(receiver.at('/redirected')).toEqual([]);
    } finally {
      target.closeAllConnections();
      await new Promise(resolve => target.close(resolve));
    }
  });

  it('shows the secret once: never in answers, the audit log, events, delivery logs or the server log', async () => {
    const given = 'given-secret-0123456789-abcdef';
    const created = await call('POST', '/api/events/webhooks', { url: receiver.url('/secrets'), types: ['catalog.entity.*'], secret: given });
    expect(created.status).toBe(201);
    const { id, secret } = JSON.parse(created.text) as { id: string; secret: string };
    expect(secret).toBe(given);
    const generated = JSON.parse((await call('POST', '/api/events/webhooks', { url: receiver.url('/secrets-generated'), types: ['catalog.*'] })).text) as { id: string; secret: string };
    expect(generated.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const rotated = JSON.parse((await call('PATCH', `/api/events/webhooks/${id}`, { rotateSecret: true })).text) as { secret: string };
    expect(rotated.secret).not.toBe(given);
    const secrets = [given, generated.secret, rotated.secret];
    receiver.secrets.set('/secrets', rotated.secret);

    await pave.app.eventLog.append(pave.app.store.db, { type: 'catalog.entity.updated', subject: 'component:default/x', payload: {} });
    await expect.poll(() => receiver.at('/secrets').length).toBe(1);
    expect(receiver.at('/secrets')[0]!.signatureValid).toBe(true);
    await call('POST', `/api/events/webhooks/${generated.id}/test`, {});

    const seen = [
      (await call('GET', '/api/events/webhooks')).text,
      (await call('GET', `/api/events/webhooks/${id}`)).text,
      (await call('PATCH', `/api/events/webhooks/${id}`, { types: ['catalog.*'] })).text,
      (await call('GET', `/api/events/webhooks/${id}/deliveries`)).text,
      (await call('GET', `/api/events/webhooks/${generated.id}/deliveries`)).text,
      (await call('GET', '/api/audit?limit=1000')).text,
      (await call('GET', '/api/audit/export')).text,
      JSON.stringify(await pave.app.eventLog.read({ limit: 1000 })),
      logs.join(''),
    ];
    expect(logs.join('')).toContain('webhook created');
    for (const text of seen) for (const s of secrets) expect(text.includes(s), text.slice(0, 300)).toBe(false);
  });
});
