import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { runCli } from '../support/run-cli.js';
import { testWebhooks, WebhookReceiver } from './support.js';

/** `pave webhook …` as real processes against a server over HTTP (auth on): an admin manages webhooks, a developer cannot. */
describe('pave webhook', () => {
  let pave: AuthPave;
  let receiver: WebhookReceiver;
  let home: string;
  let admin: string;
  let developer: string;
  const cli = (token: string, ...args: string[]) => runCli(args, { cwd: home, env: { HOME: home, PAVE_SERVER: pave.url, PAVE_TOKEN: token } });

  beforeAll(async () => {
    pave = await startAuthPave({ config: { events: testWebhooks() } });
    receiver = await WebhookReceiver.start();
    home = await mkdtemp(join(tmpdir(), 'pave-webhook-cli-'));
    admin = await tokenFor(pave.app, 'user:default/alice');
    developer = await tokenFor(pave.app, 'user:default/bob');
  });
  afterAll(async () => {
    await pave?.close();
    await receiver?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('creates, lists, tests, updates and deletes; every command answers --json', async () => {
    const created = await cli(admin, '--json', 'webhook', 'create', '--url', receiver.url('/cli'), '--type', 'catalog.entity.*', 'auth.token.created', '--kind', 'component', '--owner', 'checkout-team');
    expect(created.code, created.stderr).toBe(0);
    const hook = JSON.parse(created.stdout) as { id: string; secret: string; filter: unknown; types: string[] };
    expect(hook).toMatchObject({ types: ['catalog.entity.*', 'auth.token.created'], filter: { kinds: ['component'], owners: ['group:default/checkout-team'] } });
    receiver.secrets.set('/cli', hook.secret);

    const listed = await cli(admin, '--json', 'webhook', 'list');
    expect(JSON.parse(listed.stdout).items).toEqual([expect.objectContaining({ id: hook.id, enabled: true })]);
    expect(listed.stdout).not.toContain(hook.secret);
    const human = await cli(admin, 'webhook', 'list');
    expect(human.stdout).toMatch(new RegExp(`${hook.id}\\s+${receiver.url('/cli').replace(/[.]/g, '\\.')}`));

    const tested = await cli(admin, '--json', 'webhook', 'test', hook.id);
    expect(tested.code, tested.stderr).toBe(0);
    expect(JSON.parse(tested.stdout)).toMatchObject({ state: 'delivered', eventType: 'events.webhook.ping' });
    expect(receiver.at('/cli')[0]).toMatchObject({ type: 'events.webhook.ping', signatureValid: true });

    const updated = await cli(admin, '--json', 'webhook', 'update', hook.id, '--disable', '--no-filter', '--rotate-secret');
    expect(updated.code, updated.stderr).toBe(0);
    const after = JSON.parse(updated.stdout) as { enabled: boolean; filter?: unknown; secret: string };
    expect(after).toMatchObject({ enabled: false });
    expect(after.filter).toBeUndefined();
    expect(after.secret).not.toBe(hook.secret);

    const deliveries = await cli(admin, '--json', 'webhook', 'deliveries', hook.id);
    expect(JSON.parse(deliveries.stdout).items).toHaveLength(1);
    const redeliver = await cli(admin, 'webhook', 'redeliver', hook.id, JSON.parse(deliveries.stdout).items[0].id);
    expect(redeliver.code).toBe(1);
    expect(redeliver.stderr.trim().split('\n')[0]).toMatch(/^error: Delivery .* is delivered; only a dead-lettered delivery is sent again$/);

    const deleted = await cli(admin, '--json', 'webhook', 'delete', hook.id);
    expect(JSON.parse(deleted.stdout)).toEqual({ id: hook.id, deleted: true });
  });

  it('reports mistakes and refusals on one line (plus one per field) and exits 1', async () => {
    const invalid = await cli(admin, 'webhook', 'create', '--url', 'ftp://example.com', '--type', 'nope.nothing');
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.trim().split('\n')).toEqual(['error: The webhook has 2 mistake(s)', expect.stringMatching(/^ {2}\/url: must be an http/), expect.stringMatching(/^ {2}\/types\/0: is not an event type/)]);
    const refused = await cli(developer, 'webhook', 'list');
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('events.webhook.read');
  });
});
