/**
 * The home page a team makes its own, in Chromium: the platform team publishes an announcement for one team
 * (its Markdown sanitized), a developer of that team sees it at the top of their home page with the golden paths
 * to start, hides a card (remembered), and the announcement is withdrawn after a confirmation. Axe-clean in both
 * themes.
 */
import { describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { ADMIN, DEVELOPER } from '../security/demo-org.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

describe.skipIf(!browserAvailable)('the home page in Chromium', { timeout: 180_000 }, () => {
  const suite = portalSuite(() => startPave({ demo: true, config: { auth: defaultAuthConfig() } }));
  const { pageErrors } = suite;

  const expectAccessible = async (what: string) => {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `${what}: ${formatViolations(violations)}`).toEqual([]);
  };
  const card = (title: string) => suite.page.locator('section.card', { has: suite.page.getByRole('heading', { name: title, exact: true }) });

  it('publishes an announcement for one team, which its developers read, sanitized, above their cards', async () => {
    await signInBrowserAs(suite.session, suite.pave, ADMIN);
    await suite.page.goto(suite.pave.url + '/');
    await suite.page.getByRole('button', { name: 'New announcement' }).click();
    // The server's refusal lands by its fields.
    await suite.page.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => suite.page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    expect(await suite.page.getByLabel('Text').getAttribute('aria-invalid')).toBe('true');

    await suite.page.getByLabel('Title').fill('Checkout freeze');
    await suite.page.getByLabel('Text').fill('No deploys on **Friday**.\n\n<img src="x" alt="" onerror="window.__announcementXss = 1"><script>window.__announcementXss = 2</script>');
    await suite.page.getByLabel('Only for teams').fill('checkout-team');
    await suite.page.getByRole('button', { name: 'Publish' }).click();
    // The platform team sees what it manages, with its audience, though it is not for them.
    const published = card('Announcements').getByRole('listitem').filter({ hasText: 'Checkout freeze' });
    await published.waitFor();
    expect(await published.textContent()).toContain('for checkout-team');

    await signInBrowserAs(suite.session, suite.pave, DEVELOPER);
    await suite.page.goto(suite.pave.url + '/');
    const shown = card('Announcements').getByRole('listitem').filter({ hasText: 'Checkout freeze' });
    await shown.waitFor();
    expect(await shown.locator('strong').textContent()).toBe('Friday');
    expect(await shown.locator('img[onerror], script').count()).toBe(0);
    expect(await suite.page.evaluate('typeof window.__announcementXss')).toBe('undefined');
    // Those who may not publish get no form and no Withdraw button.
    expect(await suite.page.getByRole('button', { name: 'New announcement' }).count()).toBe(0);
    expect(await shown.getByRole('button', { name: /Withdraw/ }).count()).toBe(0);
    await expectAccessible('home with an announcement (light)');
    await suite.page.emulateMedia({ colorScheme: 'dark' });
    await suite.page.evaluate("localStorage.removeItem('pave.theme')");
    await suite.page.reload();
    await shown.waitFor();
    await expectAccessible('home with an announcement (dark)');
    await suite.page.emulateMedia({ colorScheme: 'light' });
  });

  it('offers the golden paths to start, and keeps the cards a person chose', async () => {
    await suite.page.goto(suite.pave.url + '/');
    const paths = card('Golden paths to start').locator('.golden-path-list a');
    await paths.first().waitFor();
    const first = (await paths.first().getAttribute('href')) ?? '';
    expect(first).toMatch(/^\/create\/templates\/default\//);

    await expect.poll(() => card('Recently changed').count()).toBe(1);
    await suite.page.getByRole('button', { name: 'Customise this page' }).click();
    await suite.page.getByRole('checkbox', { name: 'Recently changed' }).uncheck();
    await expect.poll(() => card('Recently changed').count()).toBe(0);
    await suite.page.reload();
    await card('Golden paths to start').waitFor();
    expect(await card('Recently changed').count()).toBe(0);
    await suite.page.getByRole('button', { name: 'Customise this page' }).click();
    await suite.page.getByRole('checkbox', { name: 'Recently changed' }).check();
    await card('Recently changed').waitFor();

    await paths.first().click();
    await suite.page.waitForURL(url => url.pathname === first);
  });

  it('withdraws an announcement after a confirmation, from every home page', async () => {
    await signInBrowserAs(suite.session, suite.pave, ADMIN);
    await suite.page.goto(suite.pave.url + '/');
    const item = card('Announcements').getByRole('listitem').filter({ hasText: 'Checkout freeze' });
    await item.getByRole('button', { name: 'Withdraw “Checkout freeze”' }).click();
    await item.getByRole('button', { name: 'Withdraw from every home page' }).click();
    await expect.poll(() => item.count()).toBe(0);
    const left = await suite.pave.app.announcements.list(suite.pave.app.auth.localOperator(), { all: true });
    expect(left.map(a => a.title)).not.toContain('Checkout freeze');
    expect(pageErrors).toEqual([]);
  });
});
