/**
 * More golden-path form features in Chromium, as Backstage draws templates: an object's oneOf chosen by the
 * alternatives' titles (its fields shown at once, the other alternative's values dropped on switching) and a
 * field's oneOf of types; Secret fields in a nested object and in the objects of a list (masked, sent as
 * secrets keyed by path, moved with the items when one is removed, never among the parameters); an array of an
 * enum as a multi-select and as checkboxes, held to minItems and maxItems; and pages and fields behind a
 * `backstage:featureFlag`, asked only once the person turns the flag on in the settings (kept in the browser).
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { startPave } from '../support/pave-server.js';
import { waitForTask } from '../templates/support.js';
import { browserAvailable, formatViolations, portalSuite, screenshot, seriousAxeViolations } from '../support/browser.js';

const TEMPLATE = fileURLToPath(new URL('../templates/fixtures/form-choices/template.yaml', import.meta.url));
const PASSWORD = 'pw-41d7-browser-branch';
const DEPLOY = 'dep-8e0a-browser-nested';
const KEY_1 = 'key-1f93-browser-first';
const KEY_2 = 'key-c27b-browser-second';

describe.skipIf(!browserAvailable)('template form choices in Chromium', { timeout: 120_000 }, () => {
  const suite = portalSuite(() => startPave(), { noPageErrorsInEachTest: true });
  beforeAll(async () => {
    await suite.pave.app.catalog.locations.register({ type: 'file', target: TEMPLATE });
  });
  const wizard = () => `${suite.pave.url}/create/templates/default/form-choices`;
  const stepTitles = () => suite.page.getByRole('navigation', { name: 'Wizard steps' }).locator('li').allTextContents();
  async function expectAccessible(what: string) {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `axe on ${what}:\n${formatViolations(violations)}`).toEqual([]);
  }

  it('chooses alternatives, takes several of a list, keeps nested secrets apart, and the task runs', async () => {
    const { page } = suite;
    await page.goto(wizard());
    await page.getByRole('heading', { name: 'Storage', level: 2 }).waitFor();
    // Both flags are off: the Experimental page is not asked, and the wizard says why.
    await expect.poll(stepTitles).toEqual(['1. Storage', '2. Services', '3. Review']);
    expect(await page.locator('.tpl-flags').textContent()).toContain('beta-fields, experimental-pages');
    await page.getByRole('textbox', { name: /^Name/ }).fill('orders');

    // The object's oneOf: Bucket first (with its default region); Database brings its own fields, and back again the bucket typed is gone.
    const storage = page.getByRole('combobox', { name: 'Storage: which one' });
    expect(await storage.locator('option').allTextContents()).toEqual(['Bucket', 'Database']);
    await page.getByRole('textbox', { name: /^Bucket name/ }).fill('orders-bucket');
    expect(await page.getByRole('textbox', { name: 'Region' }).inputValue()).toBe('eu-west-1');
    await storage.selectOption({ label: 'Database' });
    await page.getByRole('combobox', { name: /^Engine/ }).waitFor();
    expect(await page.locator('[data-field="bucket"]').count()).toBe(0);
    const password = page.getByLabel(/^Database password/);
    expect(await password.getAttribute('type')).toBe('password');
    await password.fill(PASSWORD);
    await storage.selectOption({ label: 'Bucket' });
    expect(await page.getByRole('textbox', { name: /^Bucket name/ }).inputValue()).toBe('');
    await storage.selectOption({ label: 'Database' });
    // Switching away dropped the password too.
    expect(await page.getByLabel(/^Database password/).inputValue()).toBe('');
    await page.getByRole('combobox', { name: /^Engine/ }).selectOption('postgres');
    await page.getByLabel(/^Database password/).fill('short');

    // A field's oneOf of types: a number of days, or the word forever.
    const retention = page.getByRole('combobox', { name: 'Retention' });
    await page.getByRole('spinbutton', { name: 'Days' }).fill('30');
    await retention.selectOption({ label: 'Forever' });
    expect(await page.locator('[data-field="retention"] input[type="number"]').count()).toBe(0);
    await page.getByRole('combobox', { name: 'Forever' }).selectOption('forever');

    // An array of an enum with uniqueItems: a multi-select; with ui:widget checkboxes: no more ticks than maxItems.
    const regions = page.getByRole('listbox', { name: /^Regions/ });
    await regions.selectOption([{ label: 'Europe' }, { label: 'Americas' }, { label: 'Asia Pacific' }]);
    expect(await page.locator('.field[data-field="regions"] .hint').textContent()).toContain('at least 1, at most 2 items');
    const channels = page.getByRole('group', { name: /^Notification channels/ });
    await channels.getByRole('checkbox', { name: 'email' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid[data-field="regions"]').getByText('Regions must have at most 2 items').waitFor();
    await page.locator('.field.invalid[data-field="channels"]').getByText('Notification channels must have at least 2 items').waitFor();
    await page.locator('.field.invalid[data-field="password"]').getByText('Database password must be at least 8 characters').waitFor();
    await channels.getByRole('checkbox', { name: 'pager' }).check();
    expect(await channels.getByRole('checkbox', { name: 'chat' }).isDisabled()).toBe(true);
    await regions.selectOption([{ label: 'Europe' }, { label: 'Asia Pacific' }]);
    await page.getByLabel(/^Database password/).fill(PASSWORD);
    // An edited field's error goes, a Secret's too.
    await expect.poll(() => page.locator('.field.invalid[data-field="password"]').count()).toBe(0);
    await expectAccessible('a page with alternatives and lists of an enum');
    await screenshot(page, 'template-form-choices-storage');
    await page.getByRole('button', { name: 'Next' }).click();

    // Secret fields in a nested object and in the items of a list; the flagged field is not shown.
    await page.getByRole('heading', { name: 'Services', level: 2 }).waitFor();
    expect(await page.locator('[data-field="beta"]').count()).toBe(0);
    await page.getByRole('textbox', { name: 'Target' }).fill('prod');
    await page.getByLabel('Deploy token').fill(DEPLOY);
    await page.getByRole('button', { name: 'Add Service' }).click();
    await page.getByRole('button', { name: 'Add Service' }).click();
    await page.getByRole('textbox', { name: /^Service name/ }).nth(0).fill('first');
    await page.getByLabel(/^API key/).nth(0).fill(KEY_1);
    await page.getByRole('textbox', { name: /^Service name/ }).nth(1).fill('api');
    await page.getByLabel(/^API key/).nth(1).fill(KEY_2);
    expect(await page.getByLabel(/^API key/).nth(1).getAttribute('type')).toBe('password');
    // Removing the first item moves the second's secret with it.
    await page.getByRole('button', { name: 'Remove Service 1' }).click();
    await expect.poll(() => page.getByLabel(/^API key/).count()).toBe(1);
    expect(await page.getByLabel(/^API key/).inputValue()).toBe(KEY_2);
    await page.getByRole('button', { name: 'Add Service' }).click();
    await page.getByRole('textbox', { name: /^Service name/ }).nth(1).fill('web');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.locator('.field.invalid[data-field="apiKey"]').getByText('API key is required').waitFor();
    await page.getByLabel(/^API key/).nth(1).fill(`${KEY_1}-b`);
    await expectAccessible('a page with nested secrets');
    await page.getByRole('button', { name: 'Review' }).click();

    const review = page.getByTestId('wizard-review');
    await review.waitFor();
    for (const secret of [PASSWORD, DEPLOY, KEY_1, KEY_2]) expect(await review.textContent()).not.toContain(secret);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/create\/tasks\/[^/]+$/);
    await page.locator('.tpl-task[data-task-status="completed"]').waitFor({ timeout: 60_000 });
    const done = (await page.getByRole('region', { name: 'Done' }).textContent()) ?? '';
    expect(done).toContain('storage={"engine":"postgres"} retention=forever regions=eu,ap channels=email,pager');
    expect(done).toContain('deploy={"target":"prod"} services=[{"service":"api"},{"service":"web"}]');
    const task = await waitForTask(suite.pave.app, decodeURIComponent(page.url().split('/').pop()!));
    expect(task.spec.parameters).toEqual({
      name: 'orders',
      storage: { engine: 'postgres' },
      retention: 'forever',
      regions: ['eu', 'ap'],
      channels: ['email', 'pager'],
      deploy: { target: 'prod' },
      services: [{ service: 'api' }, { service: 'web' }],
    });
    const log = (await suite.pave.app.templates.events(task.id)).map(e => JSON.stringify(e.body)).join('\n');
    expect(log).toContain('Deploying orders with *** and *** and ***');
    for (const secret of [PASSWORD, DEPLOY, KEY_1, KEY_2]) {
      expect(JSON.stringify(task)).not.toContain(secret);
      expect(log).not.toContain(secret);
      expect(await page.content()).not.toContain(secret);
    }
  });

  it("asks a flagged page and field once the person turns the flag on in the settings, and not after it is off", async () => {
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create`);
    await page.getByRole('link', { name: 'Feature flags' }).click();
    await page.getByRole('heading', { name: 'Feature flags' }).waitFor();
    const beta = page.getByRole('switch', { name: 'beta-fields' });
    const experimental = page.getByRole('switch', { name: 'experimental-pages' });
    expect(await beta.isChecked()).toBe(false);
    expect(await page.locator('[data-flag="beta-fields"]').textContent()).toContain('Used by Form choices');
    await beta.check();
    await experimental.check();
    await expectAccessible('the feature flags settings');
    await screenshot(page, 'template-form-choices-flags');

    await page.goto(wizard());
    await page.getByRole('heading', { name: 'Storage', level: 2 }).waitFor();
    await expect.poll(stepTitles).toEqual(['1. Storage', '2. Services', '3. Experimental', '4. Review']);
    expect(await page.locator('.tpl-flags').count()).toBe(0);
    await page.getByRole('textbox', { name: /^Name/ }).fill('flagged');
    await page.getByRole('textbox', { name: /^Bucket name/ }).fill('b');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Services', level: 2 }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid[data-field="beta"]').getByText('Beta channel is required').waitFor();
    await page.getByRole('textbox', { name: /^Beta channel/ }).fill('canary');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Experimental', level: 2 }).waitFor();
    await page.getByRole('textbox', { name: /^Experiment/ }).fill('x1');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/create\/tasks\/[^/]+$/);
    const task = await waitForTask(suite.pave.app, decodeURIComponent(page.url().split('/').pop()!));
    expect(task.spec.parameters).toMatchObject({ name: 'flagged', beta: 'canary', experiment: 'x1' });

    // Off again (in the settings): the page and the field are gone from the wizard.
    await page.goto(`${suite.pave.url}/settings/feature-flags`);
    await page.getByRole('switch', { name: 'experimental-pages' }).uncheck();
    await page.getByRole('switch', { name: 'beta-fields' }).uncheck();
    await page.goto(wizard());
    await expect.poll(stepTitles).toEqual(['1. Storage', '2. Services', '3. Review']);
  });
});
