/**
 * `pave template repositories` and `pave template upgrade` as the real CLI against the configured store: a
 * repository made from a template that changed since is listed as behind; --all --dry-run merges and pushes
 * nothing; naming the entity the golden path registered opens the upgrade's branch; naming nothing is refused.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { runCli } from '../support/run-cli.js';
import { fileAt, openTestApp, registerTemplate, TESTER, waitForTask, writeTree } from './support.js';
import { refreshTemplate, writeUpgradableTemplate } from './upgradable-template.js';

const CATALOG = 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${{ values.name }}\nspec:\n  type: service\n  lifecycle: experimental\n  owner: group:default/example\n';

// Each command starts a real `pave` process: slow on a busy machine.
describe('pave template upgrade (CLI)', { timeout: 180_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });
  const bare = () => join(dir, '.pave', 'git', 'example', 'ledger.git');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-upgrade-cli-'));
    env = { PAVE_DATA_DIR: join(dir, '.pave') };
    // The store is prepared in-process; the commands under test run as the real CLI.
    const pave = await openTestApp({ dataDir: join(dir, '.pave') });
    await writeTree(join(dir, 'tpl', 'skeleton'), { 'README.md': '# ${{ values.name }}\n', 'catalog-info.yaml': CATALOG });
    await writeUpgradableTemplate(join(dir, 'tpl'), { name: 'cli-upgraded', version: '1', register: true });
    const ref = await registerTemplate(pave.app, join(dir, 'tpl', 'template.yaml'));
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'ledger' } }, TESTER);
    expect((await waitForTask(pave.app, id)).status).toBe('completed');
    await writeUpgradableTemplate(join(dir, 'tpl'), { name: 'cli-upgraded', version: '2', register: true });
    await writeTree(join(dir, 'tpl', 'skeleton'), { 'README.md': '# ${{ values.name }}\n\nThe ledger service.\n' });
    await refreshTemplate(pave.app, ref);
    await pave.close();
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('lists the repository as behind its template', async () => {
    const listed = await cli('template', 'repositories', '--behind');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/example\/ledger\s+template:default\/cli-upgraded\s+1 → 2\s+yes/);
  });

  it('previews every upgrade and pushes nothing', async () => {

    const preview = await cli('template', 'upgrade', '--all', '--dry-run');
    expect(preview.code, preview.stderr).toBe(0);
    expect(preview.stdout).toMatch(/1 → 2\s+clean\s+2\s+pave\/upgrade-cli-upgraded-2/);
    expect(preview.stdout).toContain('dry run: nothing was pushed');
    expect((await runGit(['--git-dir', bare(), 'branch', '--format=%(refname:short)'])).stdout.trim()).toBe('main');
  });

  it('opens the upgrade of the repository an entity was made with', async () => {

    const opened = await cli('--json', 'template', 'upgrade', 'component:default/ledger');
    expect(opened.code, opened.stderr).toBe(0);
    const { items } = JSON.parse(opened.stdout) as { items: Array<{ outcome: string; branch: string; changed: string[] }> };
    expect(items).toMatchObject([{ outcome: 'clean', branch: 'pave/upgrade-cli-upgraded-2' }]);
    expect(items[0]!.changed.sort()).toEqual(['.pave/template.yaml', 'README.md']);
    expect(await fileAt(bare(), 'README.md', 'pave/upgrade-cli-upgraded-2')).toContain('The ledger service.');
    // Still behind while its review is open; asked again, the open review is shown, not pushed again.
    const listed = await cli('template', 'repositories');
    expect(listed.stdout).toMatch(/1 → 2\s+yes\s+open 2 .*pave%2Fupgrade-cli-upgraded-2/);
    const again = await cli('template', 'upgrade', 'component:default/ledger');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/clean\s+2\s+already open: \S*pave%2Fupgrade-cli-upgraded-2/);
  });

  it('refuses to guess which repository', async () => {
    const refused = await cli('template', 'upgrade');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('name one repository (an id or an entity ref) or pass --all');
  });
});
