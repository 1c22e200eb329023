/**
 * The entity edit form in Debian's Chromium, on the demo's commerce.yaml in a real git repository: the owner,
 * lifecycle, type and system pickers offer the catalog's values and warn at once about one it does not hold;
 * the server's refusals sit next to their fields; the saved edit is a commit by the signed-in person that
 * changes exactly the edited lines.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultAuthConfig } from '../../src/auth/auth-config.js';
import { initBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';
import { startPave } from '../support/pave-server.js';
import { bearer, seedOrg, tokenFor } from '../auth/support.js';
import { browserAvailable, formatViolations, portalSuite, screenshot, seriousAxeViolations, signInBrowserAs } from '../support/browser.js';

describe.skipIf(!browserAvailable)('the entity edit form in Chromium', { timeout: 120_000 }, () => {
  let dir: string;
  let remote: string;
  const suite = portalSuite(
    async () => {
      const pave = await startPave({ config: { auth: defaultAuthConfig() } });
      await seedOrg(pave.app.catalog);
      dir = await mkdtemp(join(tmpdir(), 'pave-edit-form-'));
      remote = join(dir, 'commerce.git');
      const work = join(dir, 'work');
      await initBareRepository(remote);
      await runGit(['clone', '-q', remote, work]);
      await copyFile(new URL('../../demo/catalog/components/commerce.yaml', import.meta.url), join(work, 'commerce.yaml'));
      await runGit(['add', '.'], { cwd: work });
      await runGit(['commit', '-q', '-m', 'the demo commerce domain'], { cwd: work });
      await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
      const headers = { ...bearer(await tokenFor(pave.app, 'user:default/alice')), 'content-type': 'application/json' };
      const registered = await fetch(`${pave.url}/api/catalog/locations`, { method: 'POST', headers, body: JSON.stringify({ type: 'url', target: `file://${remote}#main:commerce.yaml` }) });
      expect(registered.status).toBe(201);
      return pave;
    },
    { noPageErrorsInEachTest: true },
  );
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const page = () => suite.page;
  const field = (label: string) => page().getByLabel(label, { exact: true });
  const errorsOf = (label: string) => page().locator('.field.invalid', { has: page().getByLabel(label, { exact: true }) }).locator('.field-errors');
  const warningOf = (name: string) => page().getByTestId(`${name}-warning`);

  it('warns about an owner or lifecycle the catalog lacks, shows the refusal by field, and saves a one-line commit by the editor', async () => {
    await signInBrowserAs(suite.session, suite.pave, 'user:default/alice');
    await page().goto(`${suite.pave.url}/catalog/default/component/storefront-web/edit`);
    await field('Owner').waitFor();
    expect(await field('Owner').inputValue()).toBe('storefront-team');

    // The pickers offer what the catalog holds: groups and users as owners, the lifecycles in use.
    const ownerList = await field('Owner').getAttribute('list');
    await expect.poll(() => page().locator(`datalist[id="${ownerList}"] option[value="checkout-team"]`).count()).toBe(1);
    expect(await page().locator(`datalist[id="${ownerList}"] option[value="user:alice"]`).count()).toBe(1);
    const lifecycleList = await field('Lifecycle').getAttribute('list');
    expect(await page().locator(`datalist[id="${lifecycleList}"] option[value="production"]`).count()).toBe(1);

    // A typo is warned about as it is typed, and refused on save next to its field.
    await field('Owner').fill('checkout-tem');
    await field('Lifecycle').fill('prodution');
    await warningOf('owner').waitFor();
    await warningOf('lifecycle').waitFor();
    await page().getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => field('Owner').getAttribute('aria-invalid')).toBe('true');
    expect(await errorsOf('Owner').textContent()).toContain('did you mean checkout-team?');
    expect(await errorsOf('Lifecycle').textContent()).toContain('did you mean production?');
    await screenshot(page(), 'entity-edit-pickers-refused');
    const violations = await seriousAxeViolations(page());
    expect(violations, `axe found serious or critical violations:\n${formatViolations(violations)}`).toEqual([]);
    expect((await runGit(['rev-list', '--count', 'main'], { cwd: remote })).stdout.trim()).toBe('1');

    // Fixed, with one word of the description changed: one commit, by alice, touching those two lines only.
    await field('Owner').fill('checkout-team');
    await field('Lifecycle').fill('production');
    expect(await warningOf('owner').count()).toBe(0);
    const description = await field('Description').inputValue();
    await field('Description').fill(description.replace('browsing', 'exploring'));
    await page().getByRole('button', { name: 'Save changes' }).click();
    await page().locator('.success-state').waitFor();
    const diff = await runGit(['diff', '--unified=0', 'main~1', 'main'], { cwd: remote });
    expect(diff.stdout.split('\n').filter(line => /^[-+](?![-+]{2} )/.test(line))).toEqual([
      '-    The larkspur.example web shop. Server-rendered Next.js pages for browsing',
      '+    The larkspur.example web shop. Server-rendered Next.js pages for exploring',
      '-  owner: storefront-team',
      '+  owner: checkout-team',
    ]);
    const log = await runGit(['log', '-1', '--format=%an <%ae>|%s', 'main'], { cwd: remote });
    expect(log.stdout.trim()).toBe('alice <alice@example.test>|Edit component:default/storefront-web: metadata.description, spec.owner');
  });
});
