/**
 * The AI agents page in Chromium: reached from the API tokens page, it shows how to connect (this server's
 * /api/mcp, the Claude Desktop configuration) and lists the MCP server's tools with their kind and the
 * permissions they check; an agent token is created from the tokens page with the mcp.read-only scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { browserAvailable, ensurePortalBuilt, formatViolations, launchBrowser, seriousAxeViolations, signInBrowserAs, type BrowserSession } from '../support/browser.js';

describe.skipIf(!browserAvailable)('AI agents page in Chromium', { timeout: 120_000 }, () => {
  let pave: RunningPave;
  let session: BrowserSession;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensurePortalBuilt();
    pave = await startPave({ config: { auth: defaultAuthConfig() } });
    await seedOrg(pave.app.catalog);
    session = await launchBrowser();
    page = await session.newPage();
    page.on('pageerror', error => pageErrors.push(error.message));
    await signInBrowserAs(session, pave, 'user:default/bob');
  }, 180_000);

  afterAll(async () => {
    await session?.close();
    await pave?.close();
  });

  it('shows how to connect and the tools, and creates an agent token limited to mcp.read-only', async () => {
    await page.goto(pave.url + '/settings/tokens');
    await page.getByRole('link', { name: 'connect an agent' }).click();
    await page.getByRole('heading', { name: 'AI agents (MCP)' }).waitFor();
    expect(await page.locator('.mcp-endpoint').textContent()).toBe(`${pave.url}/api/mcp`);
    expect(await page.locator('.mcp-config').textContent()).toContain('"command": "pave"');
    const row = page.locator('.mcp-tools tbody tr[data-tool="create_platform_request"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('platform.request.create');
    expect(await page.locator('.mcp-tools tbody tr[data-tool="search_catalog"]').textContent()).toContain('read-only');
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    await page.getByRole('link', { name: 'create an API token' }).click();
    await page.getByLabel('Name', { exact: true }).fill('claude');
    await page.getByLabel('Expires after (days)').fill('7');
    await page.getByLabel('May be used for').selectOption({ label: 'An AI agent, read only and dry runs (MCP)' });
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.locator('.tokens-table tbody tr', { hasText: 'claude' }).waitFor();
    expect(await page.locator('.tokens-table tbody tr', { hasText: 'claude' }).textContent()).toContain('mcp.read-only');
    expect(pageErrors).toEqual([]);
  });
});
