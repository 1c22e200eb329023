/**
 * The webhooks admin page in Debian's Chromium: an admin creates a webhook (the server's problems next to
 * their fields, the generated secret shown once), sends a signed test ping, watches a delivery to a failing
 * receiver become a dead letter and sends it again, edits and deletes the webhook. A developer is told
 * which permission the page needs. The receiver is real, on 127.0.0.1 (allow-listed).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { testWebhooks, verify, WebhookReceiver } from '../events/support.js';
import { browserAvailable, formatViolations, portalSuite, screenshot, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

describe.skipIf(!browserAvailable)('webhooks admin page in Chromium', { timeout: 90_000 }, () => {
  let receiver: WebhookReceiver;
  const suite = portalSuite(
    async () => {
      receiver = await WebhookReceiver.start();
      const pave = await startPave({ config: { auth: defaultAuthConfig(), events: testWebhooks({ maxAttempts: 1 }) } });
      await seedOrg(pave.app.catalog);
      await pave.app.workers.start(['store.event-consumers', 'events.webhook-delivery']);
      return pave;
    },
    { noPageErrorsInEachTest: true },
  );
  afterAll(async () => {
    await receiver?.close();
  });

  const signInAs = (userRef: string) => signInBrowserAs(suite.session, suite.pave, userRef);

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  const field = (label: string) => suite.page.locator('.webhook-form').getByLabel(label, { exact: true });
  const invalid = (label: string) => suite.page.locator('.webhook-form .field.invalid', { has: suite.page.getByLabel(label, { exact: true }) }).locator('.field-errors');
  const row = () => suite.page.locator('tr[data-webhook]');

  it('an admin creates a webhook, sees its secret once, tests it, redelivers a dead letter, edits and deletes it', async () => {
    await signInAs('user:default/alice');
    await suite.page.goto(`${suite.pave.url}/admin`);
    await suite.page.getByRole('navigation', { name: 'Administration sections' }).getByRole('link', { name: 'Webhooks' }).click();
    await suite.page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await suite.page.getByText('No webhooks yet.').waitFor();

    // The server's mistakes come back next to their fields.
    await suite.page.getByRole('button', { name: 'New webhook' }).click();
    await field('URL').fill('http://10.0.0.1/hooks');
    await field('Event types').fill('catalog.entity.*\ncatalog.entity.renamed');
    await suite.page.getByRole('button', { name: 'Create webhook' }).click();
    await expect.poll(() => field('URL').getAttribute('aria-invalid')).toBe('true');
    expect(await invalid('URL').textContent()).toContain('targets a blocked address');
    expect(await invalid('Event types').textContent()).toContain('“catalog.entity.renamed” is not an event type');
    await screenshot(suite.page, 'webhooks-invalid');
    await expectAccessible('webhook form with errors');

    await field('URL').fill(receiver.url('/portal'));
    await field('Event types').fill('catalog.entity.*');
    await field('Owners').fill('group:default/checkout-team');
    await suite.page.getByRole('button', { name: 'Create webhook' }).click();
    const secretBox = suite.page.locator('.webhook-secret');
    await secretBox.waitFor();
    const secret = (await secretBox.locator('.secret-value').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    receiver.secrets.set('/portal', secret);
    await row().waitFor();
    expect(await row().textContent()).toContain('owners: group:default/checkout-team');
    await screenshot(suite.page, 'webhooks-created');
    await expectAccessible('webhooks with the new secret');
    await secretBox.getByRole('button', { name: 'Done' }).click();
    expect(await suite.page.locator('.webhook-secret').count()).toBe(0);
    // Never again: not in the list the portal reads.
    expect(await (await suite.page.request.get(`${suite.pave.url}/api/events/webhooks`)).text()).not.toContain(secret);

    // A signed test ping, its result, and the deliveries with it.
    await suite.page.getByRole('button', { name: `Send a test to ${receiver.url('/portal')}` }).click();
    await suite.page.getByRole('status').filter({ hasText: 'delivered (HTTP 204' }).waitFor();
    const ping = receiver.at('/portal')[0]!;
    expect(ping.type).toBe('events.webhook.ping');
    expect(verify(secret, String(ping.headers['pave-signature']), ping.body)).toBe(true);
    await suite.page.locator('tr[data-state="delivered"]').filter({ hasText: 'events.webhook.ping' }).waitFor();

    // A failing receiver: the delivery becomes a dead letter (one attempt here), and is sent again from the suite.page.
    await receiver.setMode('error');
    await suite.pave.app.eventLog.append(suite.pave.app.store.db, { type: 'catalog.entity.updated', subject: 'component:default/payments', payload: { kind: 'Component', namespace: 'default', name: 'payments', owner: 'group:default/checkout-team' } });
    const dead = suite.page.locator('tr[data-state="dead"]');
    await expect
      .poll(async () => {
        await suite.page.getByRole('button', { name: 'Refresh' }).click();
        return dead.count();
      }, { timeout: 30_000 })
      .toBe(1);
    expect(await dead.textContent()).toContain('HTTP 500');
    await screenshot(suite.page, 'webhooks-dead-letter');
    await expectAccessible('deliveries with a dead letter');
    await receiver.setMode('accept');
    await dead.getByRole('button', { name: /^Redeliver catalog\.entity\.updated/ }).click();
    await suite.page.getByRole('status').filter({ hasText: 'is pending again' }).waitFor();
    await expect.poll(() => receiver.at('/portal').map(r => r.type)).toEqual(['events.webhook.ping', 'catalog.entity.updated']);
    expect(receiver.at('/portal')[1]!.signatureValid).toBe(true);

    // Edit: switch it off; then delete it after confirming.
    await suite.page.getByRole('button', { name: `Edit the webhook to ${receiver.url('/portal')}` }).click();
    expect(await field('URL').inputValue()).toBe(receiver.url('/portal'));
    await suite.page.locator('.webhook-form').getByLabel('Enabled').uncheck();
    await suite.page.getByRole('button', { name: 'Save webhook' }).click();
    await expect.poll(() => row().textContent()).toContain('disabled');
    await suite.page.getByRole('button', { name: `Delete the webhook to ${receiver.url('/portal')}` }).click();
    await suite.page.getByRole('button', { name: 'Delete webhook' }).click();
    await suite.page.getByText('No webhooks yet.').waitFor();
  });

  it('a developer is told which permission the page needs', async () => {
    await signInAs('user:default/bob');
    await suite.page.goto(`${suite.pave.url}/admin/webhooks`);
    const needed = suite.page.locator('.permission-needed');
    await needed.waitFor();
    expect(await needed.getAttribute('data-action')).toBe('events.webhook.read');
    expect(await suite.page.getByRole('button', { name: 'New webhook' }).count()).toBe(0);
    await expectAccessible('webhooks refused');
  });
});
