/**
 * `pave template …` against the configured store: list the golden paths, check a template file, run
 * the TypeScript service template with live step progress (and --json), dry-run it into a folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { commitsOf, openTestApp } from './support.js';

const DEMO_TEMPLATES = fileURLToPath(new URL('../../demo/templates/all.yaml', import.meta.url));
const FORM_CHOICES = fileURLToPath(new URL('./fixtures/form-choices/template.yaml', import.meta.url));

// Each command starts a real `pave` process: slow on a busy machine.
describe('pave template (CLI)', { timeout: 90_000 }, () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const cli = (...args: string[]) => runCli(args, { cwd: dir, env });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-template-cli-'));
    env = { PAVE_DATA_DIR: join(dir, '.pave') };
    await writeFile(join(dir, 'values.yaml'), 'name: cli-service\ndescription: Made from the CLI\nowner: group:default/platform-team\n');
    await writeFile(join(dir, 'bad-values.yaml'), 'name: Not A Name\n');
    await writeFile(
      join(dir, 'broken.yaml'),
      'apiVersion: scaffolder.backstage.io/v1beta3\nkind: Template\nmetadata:\n  name: broken\nspec:\n  type: x\n  steps:\n    - id: p\n      action: publish:azure\n      input:\n        repoUrl: ${{ parameters.repoUrl | nope }}\n',
    );
    // The store is prepared in-process (faster than another CLI start); the commands under test run as the real CLI.
    const pave = await openTestApp({ dataDir: join(dir, '.pave'), taskWorker: false });
    await pave.app.catalog.locations.register({ type: 'file', target: DEMO_TEMPLATES });
    await pave.app.catalog.locations.register({ type: 'file', target: FORM_CHOICES });
    await pave.close();
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('lists the templates, and checks a template file naming each problem', async () => {
    const list = await cli('template', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^template:default\/typescript-service\s+TypeScript service\s+ok$/m);
    expect(list.stdout).toMatch(/^template:default\/docs-site\s+Documentation site\s+ok$/m);

    const check = await cli('template', 'check', 'broken.yaml');
    expect(check.code).toBe(1);
    expect(check.stdout).toContain('broken.yaml, document 0: /spec/steps/0/action: unsupported action publish:azure');
    expect(check.stdout).toMatch(/\/spec\/steps\/0\/input\/repoUrl: line 1, column \d+: unknown filter "nope"/);
  });

  it('runs a template with live step progress, then shows the links', async () => {
    const run = await cli('template', 'run', 'typescript-service', '--values', 'values.yaml', '--set', 'port=9090');
    expect(run.stderr, run.stderr).toMatch(/▶ Render the skeleton\n[\s\S]*✓ Render the skeleton\n[\s\S]*▶ Publish the repository\n[\s\S]*✓ Register in the catalog/);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^task \S+ completed$/m);
    const repo = join(dir, '.pave', 'git', 'larkspur', 'cli-service.git');
    // The link opens the repository's page in the portal; the next steps clone it over HTTP, never a server path.
    expect(run.stdout).toMatch(/^\s*Repository: http:\/\/\S+\/repositories\/larkspur\/cli-service$/m);
    expect(run.stdout).toMatch(/git clone http:\/\/\S+\/git\/larkspur\/cli-service\.git cli-service/);
    expect(run.stdout).not.toContain('file://');
    expect(run.stdout).toContain('Open in catalog: component:default/cli-service');
    expect(run.stdout).toContain('port 9090');
    expect(await commitsOf(repo)).toHaveLength(1);

    const pave = await openTestApp({ dataDir: join(dir, '.pave'), taskWorker: false });
    try {
      expect((await pave.app.catalog.entities.byRef('component:default/cli-service'))?.metadata.description).toBe('Made from the CLI');
    } finally {
      await pave.close();
    }
  });

  it('bad values exit 1 with one line per field', async () => {
    const bad = await cli('template', 'run', 'typescript-service', '--values', 'bad-values.yaml');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: The values do not fit template:default\/typescript-service/);
    expect(bad.stderr).toContain('  /values/name: Name (name) must match pattern');
    expect(bad.stderr).toContain('  /values/owner: Owner (owner) is required');
  });

  it('--feature-flag asks the pages and fields behind the flag; nested secrets go by path', async () => {
    const args = ['template', 'run', 'form-choices', '--dry-run', '--set', 'name=flags', '--set', 'storage={bucket: b}', '--secret', 'deploy.token=dep-cli-secret'];
    const flagged = await cli(...args, '--feature-flag', 'experimental-pages');
    expect(flagged.code).toBe(1);
    expect(flagged.stderr).toContain('  /values/experiment: Experiment (experiment) is required');
    const off = await cli('--json', ...args);
    expect(off.code, off.stderr).toBe(0);
    expect(off.stdout).not.toContain('dep-cli-secret');
    expect((JSON.parse(off.stdout) as { log: Array<{ body: { message: string } }> }).log.map(l => l.body.message)).toContain('Deploying flags with *** and  and ');
  });

  it('--dry-run --json renders into a folder without creating anything', async () => {
    const dry = await cli('--json', 'template', 'run', 'python-service', '--values', 'values.yaml', '--set', 'name=py-dry', '--dry-run', '--output-dir', 'out');
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe('');
    const result = JSON.parse(dry.stdout) as { status: string; directoryContents: Array<{ path: string }>; log: Array<{ body: { message: string } }> };
    expect(result.status).toBe('completed');
    expect(result.directoryContents).toHaveLength(10);
    expect(result.log.map(l => l.body.message)).toContainEqual(expect.stringMatching(/^Dry run: would push 10 file\(s\)/));
    expect(readFileSync(join(dir, 'out', 'src', 'py_dry', 'app.py'), 'utf8')).toContain('FastAPI(title="py-dry")');
    expect(existsSync(join(dir, '.pave', 'git', 'larkspur', 'py-dry.git'))).toBe(false);
  });
});
