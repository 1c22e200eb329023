/**
 * Attacks on the secrets a golden path hands to a provider (SECURITY.md, boundary 29): GitHub Actions secrets
 * and GitLab project variables carry values from the task's secrets into the new repository. They must leave
 * Pave only for that repository — a secret sealed for the key its own provider handed out, a variable sent to
 * the configured GitLab — and never come back in a log, an output, an event or an error, on success or failure.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { openTestApp, registerTemplate, TESTER, waitForTask, type TestApp } from '../templates/support.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';

const SECRET = 'Zm9vYmFyLXRvcC1zZWNyZXQtdmFsdWU=';

describe('secrets handed to providers', () => {
  let pave: TestApp;
  let standIn: ProviderStandIn;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-provider-secrets-'));
    standIn = await startProviderStandIn({ root: join(dir, 'git'), tokens: { good: ['repo', 'push'] } });
    await writeFile(join(dir, 'token'), 'good');
    const token = { $file: join(dir, 'token') };
    pave = await openTestApp({ config: { integrations: { github: [{ host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token }], gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token }], bitbucketServer: [], gitea: [] } } });
  });
  afterAll(async () => {
    await pave?.close();
    await standIn?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(name: string, step: Record<string, unknown>) {
    const file = join(dir, `${name}.yaml`);
    await writeFile(file, stringify({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name }, spec: { owner: 'group:default/example', type: 'service', steps: [{ id: 'publish', ...step }] } }));
    const ref = await registerTemplate(pave.app, file);
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: {}, secrets: { value: SECRET } }, TESTER);
    const task = await waitForTask(pave.app, id);
    return { task, shown: JSON.stringify([task, await pave.app.templates.events(id), await pave.app.templates.listTasks({})]) };
  }

  it('an Actions secret reaches GitHub only sealed for the repository’s own key, and is shown nowhere', async () => {
    const { task, shown } = await run('sealed', { action: 'publish:github', input: { repoUrl: 'github.com?owner=acme&repo=sealed', protectDefaultBranch: false, secrets: { DEPLOY_TOKEN: '${{ secrets.value }}' } } });
    expect(task.status).toBe('completed');
    const sealed = standIn.actionsSecrets.get('acme/sealed')!.DEPLOY_TOKEN!;
    expect(sealed.encrypted_value).not.toContain(SECRET);
    expect(Buffer.from(sealed.encrypted_value, 'base64').toString('latin1')).not.toContain(Buffer.from(SECRET, 'base64').toString('latin1'));
    expect(standIn.openSecret(sealed.encrypted_value)).toBe(SECRET);
    expect(shown).not.toContain(SECRET);
  });

  it('a refused secret or variable names its entry, never its value', async () => {
    const github = await run('refused-secret', { action: 'publish:github', input: { repoUrl: 'github.com?owner=acme&repo=refused-secret', secrets: { 'BAD NAME': '${{ secrets.value }}' } } });
    expect(github.task.status).toBe('failed');
    expect(github.shown).toContain('BAD NAME');
    expect(github.shown).not.toContain(SECRET);
    const gitlab = await run('refused-variable', { action: 'publish:gitlab', input: { repoUrl: 'gitlab.com?owner=acme&repo=refused-variable', projectVariables: [{ key: 'TOKEN', value: 'not maskable ${{ secrets.value }}', masked: true }] } });
    expect(gitlab.task.status).toBe('failed');
    expect(gitlab.shown).toContain('TOKEN');
    expect(gitlab.shown).not.toContain(SECRET);
    expect(standIn.repositories.some(r => r.name.startsWith('refused-'))).toBe(false);
  });

  it('a project variable goes to the configured GitLab with its flags, and its value is shown nowhere', async () => {
    const { task, shown } = await run('variables', { action: 'publish:gitlab', input: { repoUrl: 'gitlab.com?owner=acme&repo=variables', projectVariables: [{ key: 'TOKEN', value: '${{ secrets.value }}', masked: true, protected: true }] } });
    expect(task.status).toBe('completed');
    expect(standIn.projectVariables.get('acme/variables')).toEqual([expect.objectContaining({ key: 'TOKEN', value: SECRET, masked: true, protected: true })]);
    expect(shown).toContain('Set project variables TOKEN');
    expect(shown).not.toContain(SECRET);
  });
});
