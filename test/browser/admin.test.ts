/**
 * The admin page in Debian's Chromium: an admin (platform-team) reads every rule with its source,
 * creates, edits and deletes a stored rule (the server's problems next to their fields), asks why a
 * decision was made, and finds each change in the audit log with its hashes, refreshed in place and
 * exported as JSON lines. A developer sees no Admin entry and is told which permission the audit log
 * needs. Sessions are made by Pave's session service and handed to the browser as its cookies (the
 * sign-in itself is tested end to end in oidc-sign-in.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { browserAvailable, followNav, formatViolations, portalSuite, screenshot, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

// The page's global object, for the callbacks page.evaluate runs in the browser (no DOM lib here).
declare const window: Record<string, unknown>;

interface AuditItem {
  action: string;
  actor: string;
  entityRef?: string;
  beforeHash?: string;
  afterHash?: string;
}

const RULE = 'browser.checkout-no-deletes';

describe.skipIf(!browserAvailable)('admin page in Chromium', { timeout: 90_000 }, () => {
  const suite = portalSuite(
    async () => {
      const auth = defaultAuthConfig();
      auth.rules = [
        { id: 'config.ci-reads', description: 'The CI service reads the catalog', effect: 'allow', actions: ['catalog.entity.read'], subjects: ['service:ci'] },
        { id: 'config.no-docs-sites', description: 'Docs sites come from the platform team', effect: 'deny', actions: ['templates.task.create'], subjects: ['user:default/bob'], input: [{ pointer: '/templateRef', equals: 'template:default/docs-site' }] },
      ];
      const pave = await startPave({ config: { auth } });
      await seedOrg(pave.app.catalog);
      return pave;
    },
    { noPageErrorsInEachTest: true },
  );

  const go = (path: string) => suite.page.goto(suite.pave.url + path);

  const signInAs = (userRef: string) => signInBrowserAs(suite.session, suite.pave, userRef);

  async function expectAccessible(name: string) {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `axe found serious or critical violations on ${name}:\n${formatViolations(violations)}`).toEqual([]);
  }

  async function auditOf(entityRef: string): Promise<AuditItem[]> {
    const response = await suite.page.request.get(`${suite.pave.url}/api/audit?entityRef=${encodeURIComponent(entityRef)}`);
    expect(response.status()).toBe(200);
    return ((await response.json()) as { items: AuditItem[] }).items;
  }

  const ruleRow = (id: string) => suite.page.locator(`tr[data-rule="${id}"]`);
  const field = (label: string) => suite.page.locator('.rule-form').getByLabel(label, { exact: true });

  it('an admin sees every rule with its source, creates and edits a stored rule, and explains a decision', async () => {
    await signInAs('user:default/alice');
    await go('/');
    await followNav(suite.page, 'Admin');
    await suite.page.getByRole('heading', { name: 'Rules in force' }).waitFor();
    await ruleRow('default.admins').waitFor();

    // Default and config rules are shown, read-only; nothing but stored rules can be edited.
    expect(await ruleRow('default.admins').getAttribute('data-source')).toBe('default');
    expect(await ruleRow('default.admins').textContent()).toContain('read-only');
    expect(await ruleRow('config.ci-reads').getAttribute('data-source')).toBe('config');
    expect(await ruleRow('config.ci-reads').textContent()).toContain('service:ci');
    expect(await suite.page.getByRole('button', { name: /^Edit rule/ }).count()).toBe(0);

    // The server's mistakes come back next to the fields they name.
    await suite.page.getByRole('button', { name: 'New rule' }).click();
    await field('Id').fill(RULE);
    await field('Subjects').fill('checkout-team');
    await field('Actions').fill('catalog/delete');
    await field('Owners').fill('checkout-team');
    await suite.page.getByRole('button', { name: 'Create rule' }).click();
    const subjectsError = suite.page.locator('.rule-form .field.invalid', { has: suite.page.getByLabel('Subjects', { exact: true }) }).locator('.field-errors');
    await subjectsError.waitFor();
    expect(await subjectsError.textContent()).toContain('“checkout-team” must be subjects');
    expect(await field('Actions').getAttribute('aria-invalid')).toBe('true');
    expect(await field('Owners').getAttribute('aria-invalid')).toBe('true');
    expect(await field('Id').getAttribute('aria-invalid')).toBeNull();
    await screenshot(suite.page, 'admin-rule-invalid');
    await expectAccessible('rule form with errors');

    // An id taken by the default policy is a conflict on the id.
    await field('Id').fill('default.admins');
    await field('Subjects').fill('group:default/checkout-team');
    await field('Actions').fill('catalog.entity.delete');
    await field('Owners').fill('group:default/checkout-team');
    await suite.page.getByRole('button', { name: 'Create rule' }).click();
    await expect.poll(() => field('Id').getAttribute('aria-invalid')).toBe('true');
    expect(await suite.page.locator('.rule-form .field.invalid .field-errors').first().textContent()).toContain('is taken by a rule that is not stored');

    await field('Id').fill(RULE);
    await field('Description').fill('Checkout team members do not delete what they own');
    await field('Effect').selectOption('deny');
    await suite.page.getByRole('button', { name: 'Create rule' }).click();
    await suite.page.getByRole('status').filter({ hasText: `Saved rule ${RULE}.` }).waitFor();
    await ruleRow(RULE).waitFor();
    expect(await ruleRow(RULE).getAttribute('data-source')).toBe('store');
    expect(await ruleRow(RULE).textContent()).toContain('group:default/checkout-team');

    // Edit it: the id is fixed, the rest changes.
    await suite.page.getByRole('button', { name: `Edit rule ${RULE}` }).click();
    expect(await field('Id').getAttribute('readonly')).not.toBeNull();
    expect(await field('Subjects').inputValue()).toBe('group:default/checkout-team');
    await field('Actions').fill('catalog.entity.delete\ncatalog.entity.refresh');
    await suite.page.getByRole('button', { name: 'Save rule' }).click();
    await expect.poll(() => ruleRow(RULE).textContent()).toContain('catalog.entity.refresh');
    const stored = (await (await suite.page.request.get(`${suite.pave.url}/api/permissions/rules/${RULE}`)).json()) as { actions: string[]; effect: string };
    expect(stored).toMatchObject({ effect: 'deny', actions: ['catalog.entity.delete', 'catalog.entity.refresh'] });

    // Explain: the new rule decides for bob (checkout-team), the owners rule for his edits.
    const explain = suite.page.locator('.explain-box');
    await explain.getByLabel('User', { exact: true }).fill('user:default/bob');
    await explain.getByLabel('Action', { exact: true }).fill('catalog.entity.delete');
    await explain.getByLabel('Entity ref', { exact: true }).fill('component:default/payments');
    await explain.getByRole('button', { name: 'Explain' }).click();
    const decision = suite.page.getByTestId('decision');
    await expect.poll(() => decision.textContent()).toContain(RULE);
    expect(await decision.textContent()).toContain('Denied');
    await explain.getByLabel('Action', { exact: true }).fill('catalog.entity.write');
    await explain.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => decision.textContent()).toContain('default.owners-edit');
    expect(await decision.textContent()).toContain('Allowed');
    // A rule that judges input shows its condition, and decides when the question gives the input.
    expect(await ruleRow('config.no-docs-sites').textContent()).toContain('/templateRef is "template:default/docs-site"');
    await explain.getByLabel('Action', { exact: true }).fill('templates.task.create');
    await explain.getByLabel('Entity ref', { exact: true }).fill('');
    await explain.getByLabel('Input (JSON)').fill('{"templateRef": "template:default/docs-site"}');
    await explain.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => decision.textContent()).toContain('config.no-docs-sites');
    expect(await decision.textContent()).toContain('when /templateRef is "template:default/docs-site"');
    await explain.getByLabel('Input (JSON)').fill('{not json');
    await explain.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => explain.getByLabel('Input (JSON)').getAttribute('aria-invalid')).toBe('true');
    await explain.getByLabel('Input (JSON)').fill('');
    // A request the server refuses names its field.
    await explain.getByLabel('Action', { exact: true }).fill('');
    await explain.getByRole('button', { name: 'Explain' }).click();
    await expect.poll(() => explain.getByLabel('Action', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await screenshot(suite.page, 'admin-rules');
    await expectAccessible('rules and explain');
  });

  it('the admin finds each change in the audit log with its hashes, refreshes it in place and exports it', async () => {
    const { csrf } = await signInAs('user:default/alice');
    const entries = await auditOf(`rule:${RULE}`);
    expect(entries.map(e => e.action)).toEqual(['auth.rule.write', 'auth.rule.write']);
    const [edit, create] = entries as [AuditItem, AuditItem];
    expect(edit.beforeHash).toBe(create.afterHash);

    await go('/admin');
    await suite.page.getByRole('link', { name: 'Audit log' }).click();
    // The rules page has an "Entity ref" field too (in the explain box): fill the audit log's, once it is shown.
    await suite.page.waitForURL(/\/admin\/audit/);
    await suite.page.getByRole('button', { name: 'Apply filters' }).waitFor();
    await suite.page.getByLabel('Entity ref', { exact: true }).fill(`rule:${RULE}`);
    await suite.page.getByRole('button', { name: 'Apply filters' }).click();
    await expect.poll(() => new URL(suite.page.url()).searchParams.get('entityRef')).toBe(`rule:${RULE}`);
    const rows = suite.page.locator('.audit-table tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    const newest = rows.first();
    expect(await newest.textContent()).toContain('user:default/alice');
    expect(await newest.locator('td').nth(4).textContent()).toBe(edit.beforeHash);
    expect(await newest.locator('td').nth(5).textContent()).toBe(edit.afterHash);
    expect(await rows.nth(1).locator('td').nth(4).textContent()).toBe('none');

    // A change made elsewhere shows on Refresh, without reloading the portal.
    await suite.page.evaluate(() => {
      window.__sameDocument = true;
    });
    const removed = await suite.page.request.delete(`${suite.pave.url}/api/permissions/rules/${RULE}`, { headers: { 'x-pave-csrf': csrf } });
    expect(removed.status()).toBe(204);
    await suite.page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.first().textContent()).toContain('auth.rule.delete');
    expect(await rows.first().locator('td').nth(5).textContent()).toBe('none');
    expect(await suite.page.evaluate(() => window.__sameDocument)).toBe(true);

    // The export link carries the same filters and answers JSON lines, oldest first.
    const href = await suite.page.getByRole('link', { name: 'Export JSON lines' }).getAttribute('href');
    expect(href).toBe(`/api/audit/export?entityRef=${encodeURIComponent(`rule:${RULE}`)}`);
    const exported = await suite.page.request.get(suite.pave.url + href!);
    expect(exported.headers()['content-type']).toContain('application/x-ndjson');
    const lines = (await exported.text()).trim().split('\n').map(line => JSON.parse(line) as AuditItem);
    expect(lines.map(l => l.action)).toEqual(['auth.rule.write', 'auth.rule.write', 'auth.rule.delete']);

    await screenshot(suite.page, 'admin-audit');
    await expectAccessible('audit log');
  });

  it('a stored rule is deleted from the page after a confirmation', async () => {
    const { csrf } = await signInAs('user:default/alice');
    const put = await suite.page.request.put(`${suite.pave.url}/api/permissions/rules/browser.short-lived`, {
      headers: { 'x-pave-csrf': csrf },
      data: { description: 'Made to be deleted', effect: 'allow', actions: ['catalog.entity.refresh'], subjects: ['role:signed-in'] },
    });
    expect(put.status()).toBe(201);
    await go('/admin');
    await suite.page.getByRole('button', { name: 'Delete rule browser.short-lived' }).click();
    await suite.page.getByRole('button', { name: 'Delete browser.short-lived' }).click();
    await suite.page.getByRole('status').filter({ hasText: 'Deleted rule browser.short-lived.' }).waitFor();
    await expect.poll(() => ruleRow('browser.short-lived').count()).toBe(0);
    expect((await auditOf('rule:browser.short-lived')).map(e => e.action)).toEqual(['auth.rule.delete', 'auth.rule.write']);
  });

  it('a developer gets no Admin entry, reads the rules without changing them, and is told what the audit log needs', async () => {
    await signInAs('user:default/bob');
    // The entry is decided by the server: wait for its answers before looking for it.
    const asked = suite.page.waitForResponse(r => r.url().includes('/api/permissions/explain') && r.url().includes('audit.log.query'));
    await go('/');
    expect((await (await asked).json()) as { allowed: boolean }).toMatchObject({ allowed: false });
    await suite.page.locator('.account-name').waitFor();
    expect(await suite.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);

    await go('/admin/audit');
    const refusal = suite.page.locator('.permission-needed');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('You need permission audit.log.query to see the audit log.');
    expect(await suite.page.getByRole('link', { name: 'Export JSON lines' }).count()).toBe(0);
    await screenshot(suite.page, 'admin-forbidden');
    await expectAccessible('audit log refused');

    await suite.page.getByRole('link', { name: 'Permission rules' }).click();
    await ruleRow('default.admins').waitFor();
    await expect.poll(() => suite.page.locator('.card').first().textContent()).toContain('changing them needs permission auth.rule.write');
    expect(await suite.page.getByRole('button', { name: 'New rule' }).count()).toBe(0);
  });
});
