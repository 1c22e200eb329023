/**
 * Golden-path forms in Chromium, as Backstage draws templates: a conditional template (page-level `if:`,
 * dependencies with oneOf, allOf with if/then/else, radio, select, checkboxes, textarea rows, hidden and
 * readonly fields, ui:order, ui:help, ui:placeholder, ui:autofocus, arrays of strings and of objects with add
 * and remove, a Secret field) is filled to completion and its task runs; the review hides what
 * `ui:backstage.review.show: false` hides and masks the secret, which never reaches the task's parameters.
 * Then a real-world template (the corpus's only one with dependencies: an API page whose oneOf makes fields
 * required when a box is ticked) is filled in and runs unchanged against a GitLab stand-in.
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPave } from '../support/pave-server.js';
import { realWorldDir } from '../support/real-world.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { filesOf, waitForTask } from '../templates/support.js';
import { browserAvailable, formatViolations, portalSuite, screenshot, seriousAxeViolations } from '../support/browser.js';

const CONDITIONAL = fileURLToPath(new URL('../templates/fixtures/conditional-form/template.yaml', import.meta.url));
const SECRET = 'tok-5e2b-browser-secret';

describe.skipIf(!browserAvailable)('template forms in Chromium', { timeout: 120_000 }, () => {
  const suite = portalSuite(() => startPave(), { noPageErrorsInEachTest: true });
  beforeAll(async () => {
    await suite.pave.app.catalog.locations.register({ type: 'file', target: CONDITIONAL });
  });
  async function expectAccessible(what: string) {
    const violations = await seriousAxeViolations(suite.page);
    expect(violations, `axe on ${what}:\n${formatViolations(violations)}`).toEqual([]);
  }
  const stepTitles = () => suite.page.getByRole('navigation', { name: 'Wizard steps' }).locator('li').allTextContents();

  it('fills a conditional form to completion: fields and pages come and go with the answers, and the task runs', async () => {
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create/templates/default/conditional-form`);
    await page.getByRole('heading', { name: 'Basics' }).waitFor();
    // The Deployment page is asked only for a service (its if: is evaluated by the server).
    await expect.poll(stepTitles).toEqual(['1. Basics', '2. Credentials', '3. Review']);

    // ui:order puts Kind first; the name field has the focus, a placeholder and its ui:help.
    const fields = await page.locator('.schema-form > [data-field]').evaluateAll(els => els.map(e => e.getAttribute('data-field')));
    expect(fields).toEqual(['kind', 'name', 'notes', 'createdBy']);
    const name = page.getByRole('textbox', { name: /^Name/ });
    await expect.poll(() => name.evaluate(el => el === el.ownerDocument.activeElement)).toBe(true);
    expect(await name.getAttribute('placeholder')).toBe('my-service');
    expect(await page.locator('.field[data-field="name"] .hint').textContent()).toBe('Lowercase letters, digits and dashes.');
    // Hidden: no field at all. Readonly: shown with its default, not editable. Textarea: ui:options.rows.
    expect(await page.locator('[data-field="trackingId"]').count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Created by' }).inputValue()).toBe('the portal');
    expect(await page.getByRole('textbox', { name: 'Created by' }).getAttribute('readonly')).not.toBeNull();
    expect(await page.getByRole('textbox', { name: 'Notes' }).getAttribute('rows')).toBe('6');

    // Kind as radio buttons with enumNames; each answer brings its dependency (oneOf) and takes the other's away.
    const kind = page.getByRole('radiogroup', { name: /Kind/ });
    await kind.getByRole('radio', { name: 'Library' }).check();
    const language = page.getByRole('combobox', { name: /^Language/ });
    await language.waitFor();
    expect(await page.locator('[data-field="port"]').count()).toBe(0);
    await kind.getByRole('radio', { name: 'Service' }).check();
    await expect.poll(() => page.getByRole('spinbutton', { name: /^Port/ }).inputValue()).toBe('8080');
    expect(await language.count()).toBe(0);
    await name.fill('orders');
    await page.getByRole('textbox', { name: 'Notes' }).fill('Not for the review.');
    await expectAccessible('a conditional form page');
    await screenshot(page, 'template-forms-basics');
    await page.getByRole('button', { name: 'Next' }).click();

    // A service is asked for Deployment.
    await page.getByRole('heading', { name: 'Deployment' }).waitFor();
    await expect.poll(stepTitles).toEqual(['1. Basics', '2. Deployment', '3. Credentials', '4. Review']);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid[data-field="environment"]').getByText('Environment is required').waitFor();
    // allOf with if/then/else: dev shows Debug logging, prod needs Replicas (at least 2).
    const environment = page.getByRole('combobox', { name: /^Environment/ });
    await environment.selectOption('dev');
    await page.getByRole('checkbox', { name: 'Debug logging' }).waitFor();
    expect(await page.locator('[data-field="replicas"]').count()).toBe(0);
    await environment.selectOption('prod');
    const replicas = page.getByRole('spinbutton', { name: /^Replicas/ });
    await expect.poll(() => replicas.inputValue()).toBe('2');
    expect(await page.locator('[data-field="debug"]').count()).toBe(0);
    await replicas.fill('3');
    // Checkboxes for an array of an enum, in the options' order.
    await page.getByRole('checkbox', { name: 'tracing' }).check();
    await page.getByRole('checkbox', { name: 'metrics' }).check();
    // An array of objects: add two endpoints, remove the first; an array of strings: add one alias.
    await page.getByRole('button', { name: 'Add Endpoints' }).click();
    await page.getByRole('button', { name: 'Add Endpoints' }).click();
    await page.getByRole('textbox', { name: /^Path/ }).nth(0).fill('/first');
    await page.getByRole('textbox', { name: /^Path/ }).nth(1).fill('/orders');
    await page.locator('fieldset[data-field="Endpoints 2"]').getByRole('checkbox', { name: 'Public' }).check();
    await page.getByRole('button', { name: 'Remove Endpoints 1' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: /^Path/ }).count()).toBe(1);
    expect(await page.getByRole('textbox', { name: /^Path/ }).inputValue()).toBe('/orders');
    await page.getByRole('button', { name: 'Add Aliases' }).click();
    await page.getByRole('textbox', { name: 'Aliases 1' }).fill('orders-api');
    await expectAccessible('a page with arrays and if/then/else');
    await screenshot(page, 'template-forms-deployment');
    await page.getByRole('button', { name: 'Next' }).click();

    // The Secret field is a password field.
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();
    const token = page.getByLabel(/^API token/);
    expect(await token.getAttribute('type')).toBe('password');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.locator('.field.invalid[data-field="apiToken"]').getByText('API token is required').waitFor();
    await token.fill(SECRET);
    await page.getByRole('button', { name: 'Review' }).click();

    // The review: Notes left out (ui:backstage.review.show: false), the hidden field too, the secret masked.
    const review = page.getByTestId('wizard-review');
    await review.waitFor();
    const text = (await review.textContent()) ?? '';
    expect(text).toContain('orders');
    expect(text).toContain('Service');
    expect(text).not.toContain('Not for the review.');
    expect(text).not.toContain('golden-path');
    expect(text).not.toContain(SECRET);
    expect(await review.locator('dd[data-field="apiToken"]').textContent()).toBe('••••••••');
    await expectAccessible('the review');
    await screenshot(page, 'template-forms-review');
    await page.getByRole('button', { name: 'Create' }).click();

    await page.waitForURL(/\/create\/tasks\/[^/]+$/);
    await page.locator('.tpl-task[data-task-status="completed"]').waitFor({ timeout: 60_000 });
    const done = (await page.getByRole('region', { name: 'Done' }).textContent()) ?? '';
    expect(done).toContain('name=orders kind=service port=8080');
    expect(done).toContain('environment=prod replicas=3');
    expect(done).toContain('features=metrics,tracing');
    expect(done).toContain('endpoints=[{"path":"/orders","public":true}]');
    expect(done).toContain('aliases=orders-api tracking=golden-path');
    const id = decodeURIComponent(page.url().split('/').pop()!);
    const task = await waitForTask(suite.pave.app, id);
    expect(task.spec.parameters).not.toHaveProperty('apiToken');
    expect(task.spec.parameters).not.toHaveProperty('language');
    expect(JSON.stringify(task)).not.toContain(SECRET);
    expect(await page.content()).not.toContain(SECRET);
  });

  it('skips a page whose if: does not hold, and sends none of its values', async () => {
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create/templates/default/conditional-form`);
    await page.getByRole('heading', { name: 'Basics' }).waitFor();
    await page.getByRole('radiogroup', { name: /Kind/ }).getByRole('radio', { name: 'Library' }).check();
    await page.getByRole('combobox', { name: /^Language/ }).selectOption('go');
    await page.getByRole('textbox', { name: /^Name/ }).fill('parser');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();
    await expect.poll(stepTitles).toEqual(['1. Basics', '2. Credentials', '3. Review']);
    await page.getByLabel(/^API token/).fill(SECRET);
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByTestId('wizard-review').waitFor();
    // Back goes to the page before, skipping Deployment.
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();
    await page.getByRole('button', { name: 'Back' }).click();
    await page.getByRole('heading', { name: 'Basics' }).waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/create\/tasks\/[^/]+$/);
    await page.locator('.tpl-task[data-task-status="completed"]').waitFor({ timeout: 60_000 });
    const task = await waitForTask(suite.pave.app, decodeURIComponent(page.url().split('/').pop()!));
    expect(task.spec.parameters).toEqual({ name: 'parser', kind: 'library', language: 'go', trackingId: 'golden-path', createdBy: 'the portal' });
  });
});

const CORPUS = realWorldDir('templates');

describe.skipIf(!browserAvailable || !CORPUS)('a real-world conditional template in Chromium', { timeout: 120_000 }, () => {
  let dir: string;
  let standIn: ProviderStandIn;
  const suite = portalSuite(
    async () => {
      dir = await mkdtemp(join(tmpdir(), 'pave-forms-real-world-'));
      standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { good: ['repo', 'push'] } });
      await standIn.seed('gitlab', 'acme', 'payment-service');
      process.env.PAVE_TEST_FORMS_GITLAB_TOKEN = 'good';
      const pave = await startPave({ config: { integrations: { github: [], gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token: { $env: 'PAVE_TEST_FORMS_GITLAB_TOKEN' } }], bitbucketServer: [], gitea: [] } } });
      // templates/009 (onboard-existing-service) with its skeleton beside it, as its repository holds them, and a team to own the service.
      await mkdir(join(dir, 'template'), { recursive: true });
      await cp(join(CORPUS!, '009.yaml'), join(dir, 'template', 'template.yaml'));
      await cp(join(CORPUS!, '009.skeleton'), join(dir, 'template', 'skeleton'), { recursive: true });
      await writeFile(join(dir, 'team.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: payments-team\nspec:\n  type: team\n  children: []\n');
      await pave.app.catalog.locations.register({ type: 'file', target: join(dir, 'team.yaml') });
      await pave.app.catalog.locations.register({ type: 'file', target: join(dir, 'template', 'template.yaml') });
      return pave;
    },
    { noPageErrorsInEachTest: true },
  );
  afterAll(async () => {
    await standIn?.close();
    delete process.env.PAVE_TEST_FORMS_GITLAB_TOKEN;
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('templates/009: ticking "Register API?" makes its fields required (dependencies with oneOf); the merge request is opened', async () => {
    const { page } = suite;
    await page.goto(`${suite.pave.url}/create/templates/default/onboard-existing-service`);
    await page.getByRole('heading', { name: 'Service Details' }).waitFor();
    await page.getByRole('textbox', { name: /^Component Name/ }).fill('payment-service');
    const owner = page.getByRole('combobox', { name: /^Owner/ });
    await expect.poll(() => owner.locator('option').count()).toBeGreaterThan(1);
    await owner.selectOption('group:default/payments-team');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Repository Location' }).waitFor();
    await page.getByRole('textbox', { name: 'Host', exact: true }).fill('gitlab.com');
    await page.getByRole('textbox', { name: 'Owner', exact: true }).fill('acme');
    await page.getByRole('textbox', { name: 'Repository name', exact: true }).fill('payment-service');
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'API Configuration (Optional)' }).waitFor();
    // Unticked, nothing more is needed; ticked, the oneOf branch requires the API's type and path.
    await page.getByRole('checkbox', { name: 'Register API?' }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.locator('.field.invalid[data-field="apiPath"]').getByText('API Definition Path is required').waitFor();
    await expect.poll(() => page.locator('.field[data-field="apiPath"] label .tpl-req').count()).toBe(1);
    await page.getByRole('checkbox', { name: 'Register API?' }).uncheck();
    await expect.poll(() => page.locator('.field[data-field="apiPath"] label .tpl-req').count()).toBe(0);
    await page.getByRole('checkbox', { name: 'Register API?' }).check();
    await page.getByRole('textbox', { name: /^API Definition Path/ }).fill('openapi/spec.yaml');
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Next' }).click();

    await page.getByRole('heading', { name: 'Integrations (Optional)' }).waitFor();
    await page.getByRole('textbox', { name: /^Jira Project Key/ }).fill('PAY');
    await page.getByRole('button', { name: 'Review' }).click();
    await page.getByTestId('wizard-review').waitFor();
    await page.getByRole('button', { name: 'Create' }).click();

    await page.waitForURL(/\/create\/tasks\/[^/]+$/);
    await page.locator('.tpl-task[data-task-status="completed"]').waitFor({ timeout: 60_000 });
    const task = await waitForTask(suite.pave.app, decodeURIComponent(page.url().split('/').pop()!));
    expect(task.spec.parameters).toMatchObject({ componentName: 'payment-service', registerApi: true, apiType: 'openapi', apiPath: 'openapi/spec.yaml', jiraProjectKey: 'PAY' });
    const review = standIn.reviews.find(r => r.provider === 'gitlab')!;
    expect(review.body).toMatchObject({ source_branch: 'rhdh-onboarding-payment-service', title: 'RHDH Onboarding: Add catalog-info.yaml' });
    expect(String(review.body.description)).toContain('- Type: openapi');
    const repository = standIn.repositories.find(r => r.provider === 'gitlab' && r.name === 'payment-service')!;
    expect(await filesOf(standIn.gitDir(repository), 'rhdh-onboarding-payment-service')).toContain('catalog-info.yaml');
  });

  async function expectAccessible(page: typeof suite.page) {
    const violations = await seriousAxeViolations(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  }
});
