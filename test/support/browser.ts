/**
 * Browser-test support: launches Debian's Chromium through playwright-core (no browser
 * download), builds the portal when its bundle is missing or stale, runs axe-core and
 * writes screenshots to test-output/screenshots/.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CSRF_COOKIE, SESSION_COOKIE } from '../../src/api/authorize.js';
import type { SessionMethod } from '../../src/auth/session-service.js';
import type { PaveApp } from '../../src/app.js';
import type { RunningPave } from './pave-server.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM_PATH = process.env.PAVE_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

/**
 * True when the browser suite can run. Without Chromium the suite is skipped, except under
 * PAVE_REQUIRE_ALL=1, where a missing browser is a failure (the suite runs and `launchBrowser` throws).
 */
export const browserAvailable = existsSync(CHROMIUM_PATH) || process.env.PAVE_REQUIRE_ALL === '1';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export interface BrowserSession {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** What a portal suite works with: its Pave, a browser, one page and the page's uncaught errors. */
export interface PortalSuite {
  pave: RunningPave;
  session: BrowserSession;
  page: Page;
  /** Uncaught errors of the page so far (suites expect none). */
  pageErrors: string[];
}

/**
 * A browser suite's set-up and tear-down: builds the portal when needed, starts Pave with `start`, opens Chromium
 * with one page that collects uncaught errors, and closes both after the suite. Its fields are set before the
 * suite's first test. With `noPageErrorsInEachTest`, every test fails on an uncaught error of its page.
 * @example const suite = portalSuite(() => startPave({ demo: true })); it('…', async () => { await suite.page.goto(suite.pave.url); });
 */
export function portalSuite(start: () => Promise<RunningPave>, options: { noPageErrorsInEachTest?: boolean } = {}): PortalSuite {
  const suite = { pageErrors: [] as string[] } as PortalSuite;
  if (options.noPageErrorsInEachTest) {
    // Each test starts with no errors and fails on any its page threw.
    beforeEach(() => void (suite.pageErrors.length = 0));
    afterEach(() => expect(suite.pageErrors, 'uncaught errors in the page').toEqual([]));
  }
  beforeAll(async () => {
    await ensurePortalBuilt();
    suite.pave = await start();
    suite.session = await launchBrowser();
    suite.page = await suite.session.newPage();
    suite.page.on('pageerror', error => suite.pageErrors.push(error.message));
  }, 180_000);
  afterAll(async () => {
    await suite.session?.close();
    await suite.pave?.close();
  });
  return suite;
}

/** Launches Chromium with a fresh, throw-away profile directory. */
export async function launchBrowser(options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {}): Promise<BrowserSession> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package (apt-get install chromium)`);
  const profile = mkdtempSync(join(tmpdir(), 'pave-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: ARGS,
    viewport: options.viewport ?? { width: 1360, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds web/dist when it is missing or older than the portal's sources. A lock directory keeps
 * parallel test files from building at the same time.
 */
export async function ensurePortalBuilt(): Promise<void> {
  const web = join(ROOT, 'web');
  const index = join(web, 'dist', 'index.html');
  const sources = Math.max(newestMtime(join(web, 'src')), statSync(join(web, 'index.html')).mtimeMs, statSync(join(web, 'vite.config.ts')).mtimeMs);
  const fresh = () => existsSync(index) && statSync(index).mtimeMs >= sources;
  if (fresh()) return;
  const lock = join(ROOT, 'test-output', '.portal-build.lock');
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another worker is building (or died while building: a lock older than 2 minutes is stale).
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another portal build');
      await new Promise(r => setTimeout(r, 500));
      if (fresh()) return;
    }
  }
  try {
    if (fresh()) return;
    const { build } = await import('vite');
    await build({ configFile: join(web, 'vite.config.ts'), logLevel: 'warn' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // From the top, so the sticky header is not drawn over the middle of a full-page image.
  await page.evaluate(() => (window as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await page.screenshot({ path, fullPage: true });
  return path;
}

// The page's global object, for the callbacks page.evaluate runs in the browser (no DOM lib here).
declare const window: Record<string, unknown>;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; html: string; failureSummary?: string }[];
}

/** Runs axe-core in the page (WCAG 2.x A/AA rules) and returns the serious and critical violations. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Evaluated through the DevTools protocol, which the portal's Content-Security-Policy (no inline
  // scripts) does not govern; a <script> tag would be refused, and rightly so.
  if (!hasAxe) await page.evaluate(`${readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8')}\n;window.axe = axe;`);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(window.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => ({ target: n.target, html: n.html.slice(0, 200), failureSummary: n.failureSummary })) }));
  });
  return violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable report of axe violations for assertion messages. */
export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map(v => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map(n => `  ${n.target.join(' ')} ${n.html}\n    ${n.failureSummary ?? ''}`).join('\n')}`)
    .join('\n');
}

/**
 * The browser holds a session of this user, as a sign-in would leave it: Pave's session service makes it and the
 * cookies carry it (the sign-in itself is tested end to end in oidc-sign-in.test.ts). Answers the CSRF token.
 */
export async function signInBrowserAs(
  session: BrowserSession,
  pave: { url: string; app: PaveApp },
  userRef: string,
  method: SessionMethod = 'oidc',
): Promise<{ csrf: string }> {
  const { secret, session: created } = await pave.app.auth.sessions.create(userRef, method);
  await session.context.clearCookies();
  await session.context.addCookies([
    { name: SESSION_COOKIE, value: secret, url: pave.url, httpOnly: true, sameSite: 'Lax' },
    { name: CSRF_COOKIE, value: created.csrfToken, url: pave.url, sameSite: 'Lax' },
  ]);
  return { csrf: created.csrfToken };
}

/**
 * Follows a main-navigation entry as a person would: when the entries do not fit the window they are folded
 * behind the Menu button, which is opened first.
 */
export async function followNav(page: Page, name: string): Promise<void> {
  const link = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const menu = page.getByRole('button', { name: 'Menu' });
  // Entries the server's policy allows appear after its answers, and may fold the nav as they do: wait until
  // the entry shows, opening the menu whenever the nav is folded and the menu closed.
  await expect
    .poll(async () => {
      if (await link.isVisible()) return true;
      if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
      return link.isVisible();
    })
    .toBe(true);
  await link.click();
}
