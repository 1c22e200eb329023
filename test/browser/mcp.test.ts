/**
 * The AI agents page in Chromium: reached from the API tokens page, it shows how to connect (this server's
 * /api/mcp, the Claude Desktop configuration) and lists the MCP server's tools with their kind and the
 * permissions they check; an agent token is created from the tokens page with the mcp.read-only scope.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { startPave } from '../support/pave-server.js';
import { seedOrg } from '../auth/support.js';
import { browserAvailable, formatViolations, portalSuite, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

describe.skipIf(!browserAvailable)('AI agents page in Chromium', { timeout: 120_000 }, () => {
  const suite = portalSuite(async () => {
    const pave = await startPave({ config: { auth: defaultAuthConfig() } });
    await seedOrg(pave.app.catalog);
    return pave;
  });
  const { pageErrors } = suite;
  beforeAll(() => signInBrowserAs(suite.session, suite.pave, 'user:default/bob'));

  it('shows how to connect and the tools, and creates an agent token limited to mcp.read-only', async () => {
    await suite.page.goto(suite.pave.url + '/settings/tokens');
    await suite.page.getByRole('link', { name: 'connect an agent' }).click();
    await suite.page.getByRole('heading', { name: 'AI agents (MCP)' }).waitFor();
    expect(await suite.page.locator('.mcp-endpoint').textContent()).toBe(`${suite.pave.url}/api/mcp`);
    expect(await suite.page.locator('.mcp-config').textContent()).toContain('"command": "pave"');
    const row = suite.page.locator('.mcp-tools tbody tr[data-tool="create_platform_request"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('platform.request.create');
    expect(await suite.page.locator('.mcp-tools tbody tr[data-tool="search_catalog"]').textContent()).toContain('read-only');
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, formatViolations(violations)).toEqual([]);

    await suite.page.getByRole('link', { name: 'create an API token' }).click();
    await suite.page.getByLabel('Name', { exact: true }).fill('claude');
    await suite.page.getByLabel('Expires after (days)').fill('7');
    await suite.page.getByLabel('May be used for').selectOption({ label: 'An AI agent, read only and dry runs (MCP)' });
    await suite.page.getByRole('button', { name: 'Create token' }).click();
    await suite.page.locator('.tokens-table tbody tr', { hasText: 'claude' }).waitFor();
    expect(await suite.page.locator('.tokens-table tbody tr', { hasText: 'claude' }).textContent()).toContain('mcp.read-only');
    expect(pageErrors).toEqual([]);
  });
});
