/**
 * The portal at a laptop's and a phone's width, for a guest, a developer and an admin: no page is wider than
 * the screen (measured as the document's scrollWidth against its clientWidth, after the page's data has
 * loaded), and at every width the main nav's entries are reachable — in the top bar when they fit, behind a
 * menu button when they do not. For the admin, who is offered every page, each page is also axe-clean in both
 * themes: light on the laptop, dark on the phone.
 *
 * Each page is loaded once per role and measured at both widths: loaded at one, then resized to the other
 * (as a phone turned sideways or a window narrowed would). The width a page is loaded at alternates from one
 * page to the next, so each width sees pages freshly laid out as well as re-laid out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import type { SessionMethod } from '../../src/auth/session-service.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, seriousAxeViolations, signInBrowserAs, type BrowserSession } from '../support/browser.js';

// The page's globals, for the callbacks page.evaluate runs in the browser (no DOM lib here).
declare const requestAnimationFrame: (callback: () => void) => void;
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number; dataset: Record<string, string | undefined> };
  querySelector(selector: string): unknown;
  querySelectorAll(selector: string): ArrayLike<{ getBoundingClientRect(): { right: number; width: number }; outerHTML: string }>;
};

/** Pages with parameters, from the demo organisation; the nav's own entries are added as each role sees them. */
const PAGES = [
  '/',
  '/catalog',
  '/catalog/default/component/checkout-service',
  '/catalog/default/component/checkout-service/docs',
  '/catalog/default/component/checkout-service/yaml',
  '/catalog/default/component/checkout-service/edit',
  '/catalog/default/api/catalogue-api/api',
  '/catalog/default/group/platform-team',
  '/catalog/default/user/ruth.abernathy',
  '/catalog/locations',
  '/apis',
  '/docs',
  '/register',
  '/search?q=checkout',
  '/create',
  '/create/templates/default/typescript-service',
  '/create/tasks?who=all',
  '/repositories',
  '/platform',
  '/platform/capabilities/postgresql',
  '/platform/requests/checkout-team/checkout-db',
  '/admin',
  '/admin/audit',
  '/admin/webhooks',
  '/settings/tokens',
  '/settings/agents',
  '/surveys',
  '/maturity',
];

const ROLES: Array<{ role: string; user: string; method: SessionMethod }> = [
  { role: 'guest', user: 'user:default/priya.raman', method: 'guest' },
  { role: 'developer', user: 'user:default/daniel.kowalczyk', method: 'oidc' },
  { role: 'admin', user: 'user:default/ruth.abernathy', method: 'oidc' },
];

interface View {
  name: string;
  width: number;
  height: number;
  theme: 'light' | 'dark';
}
const LAPTOP: View = { name: 'laptop', width: 1280, height: 800, theme: 'light' };
const PHONE: View = { name: 'phone', width: 390, height: 844, theme: 'dark' };

describe.skipIf(!browserAvailable)('the portal at every width, for every role', { timeout: 600_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;

  beforeAll(async () => {
    await ensurePortalBuilt();
    const auth = defaultAuthConfig();
    auth.guest = true;
    pave = await startPave({ demo: true, config: { auth } });
    session = await launchBrowser();
    page = await session.newPage();
  }, 240_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
  });


  /** Opens a page and waits until it shows its data: a heading, and no loading placeholder left. */
  async function open(path: string): Promise<void> {
    await page.goto(pave.url + path);
    await page.locator('main h1, main [role="alert"], main .empty-state').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main .loading, main .spinner, main .skeleton'));
  }

  /** What sticks out past the screen's right edge (the deepest such elements), described for the failure message. */
  async function overflow(): Promise<string[]> {
    return page.evaluate(() => {
      const { scrollWidth, clientWidth } = document.documentElement;
      if (scrollWidth <= clientWidth) return [];
      const culprits = Array.from(document.querySelectorAll('body *'))
        .filter(element => element.getBoundingClientRect().right > clientWidth + 1)
        .slice(-3)
        .map(element => element.outerHTML.slice(0, 120));
      return [`scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`, ...culprits];
    });
  }

  /** Every entry of the main nav, clicked through the menu button when the nav is folded. */
  async function navEntries(): Promise<Array<{ name: string; href: string }>> {
    const menu = page.getByRole('button', { name: 'Menu' });
    if (await menu.isVisible()) {
      await menu.click();
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('true');
    }
    const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
    const entries: Array<{ name: string; href: string }> = [];
    for (const link of await links.all()) {
      expect(await link.isVisible(), `nav entry ${await link.textContent()} is visible`).toBe(true);
      entries.push({ name: (await link.textContent()) ?? '', href: (await link.getAttribute('href')) ?? '' });
    }
    return entries;
  }

  /** Sizes the page to the view and switches to its theme, then waits until the page has drawn itself so. */
  async function show(view: View): Promise<void> {
    await page.setViewportSize({ width: view.width, height: view.height });
    await page.emulateMedia({ colorScheme: view.theme });
    await page.waitForFunction(theme => document.documentElement.dataset.theme === theme, view.theme);
    // Two frames: whatever follows a resize (resize events, resize observers, the renders they cause) has run.
    await page.evaluate(() => new Promise<void>(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }

  /** The top bar at this view: every control on screen, and the nav offering what the caller may do. */
  async function checkTopBar(view: View, allowed: Record<string, boolean>): Promise<Array<{ name: string; href: string }>> {
    // The top bar keeps every control on screen: the account's Sign out is not pushed off the edge.
    const signOut = await page.getByRole('button', { name: 'Sign out' }).boundingBox();
    expect(signOut && signOut.x + signOut.width, `Sign out on a ${view.name}`).toBeLessThanOrEqual(view.width);
    if (view === PHONE) expect(await page.getByRole('button', { name: 'Menu' }).isVisible()).toBe(true);
    const entries = await navEntries();
    expect(entries.map(entry => entry.href)).toContain('/catalog');
    for (const [href, decision] of Object.entries(allowed)) expect(entries.some(entry => entry.href === href), `offered ${href} on a ${view.name}`).toBe(decision);
    return entries;
  }

  for (const { role, user, method } of ROLES) {
    it(`${role} at ${LAPTOP.width} px and ${PHONE.width} px: no page is wider than the screen, every nav entry is reachable${role === 'admin' ? ', every page axe-clean in both themes' : ''}`, async () => {
      await signInBrowserAs(session, pave, user, method);
      await page.setViewportSize({ width: PHONE.width, height: PHONE.height });
      await page.emulateMedia({ colorScheme: PHONE.theme });
      await open('/');
      await page.evaluate("localStorage.removeItem('pave.theme')");
      await show(PHONE);
      // The nav offers only what the server's policy allows this caller (its explain answers).
      const allowed: Record<string, boolean> = {};
      for (const [href, action] of [['/register', 'catalog.location.create'], ['/admin', 'auth.rule.write']] as const) {
        allowed[href] = ((await (await page.request.get(`${pave.url}/api/permissions/explain?action=${action}`)).json()) as { allowed: boolean }).allowed;
      }
      const entries = await checkTopBar(PHONE, allowed);
      // On a phone the menu leads to each section: its last entry opens the page and folds the menu again.
      const last = entries.at(-1)!;
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: last.name }).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(last.href);
      await expect.poll(() => page.getByRole('button', { name: 'Menu' }).getAttribute('aria-expanded')).toBe('false');
      await show(LAPTOP);
      expect((await checkTopBar(LAPTOP, allowed)).map(entry => entry.href)).toEqual(entries.map(entry => entry.href));

      const pages = [...new Set([...PAGES, ...entries.map(entry => entry.href)])];
      const wide: string[] = [];
      const inaccessible: string[] = [];
      const check = async (path: string, view: View) => {
        const problems = await overflow();
        if (problems.length) wide.push(`${path} on a ${view.name} (${view.width} px): ${problems.join('\n    ')}`);
        if (role === 'admin') {
          const violations = await seriousAxeViolations(page);
          if (violations.length) inaccessible.push(`${path} (${view.theme}): ${formatViolations(violations)}`);
        }
      };
      // The page is at the laptop's size now; each page is loaded at the size the one before ended at.
      let [loadedAt, resizedTo] = [LAPTOP, PHONE];
      for (const path of pages) {
        await open(path);
        await show(loadedAt);
        await check(path, loadedAt);
        await show(resizedTo);
        await check(path, resizedTo);
        [loadedAt, resizedTo] = [resizedTo, loadedAt];
      }
      expect(wide, `pages wider than the screen for the ${role}`).toEqual([]);
      expect(inaccessible, `pages with serious accessibility violations for the ${role}`).toEqual([]);
    });
  }
});
