/**
 * An organisation's own actions, installed from a folder and from an npm package: described and run in
 * the module sandbox, listed with the built-in ones (service, API), used by a template that runs end to
 * end (dry run and real run, the repository published with the files the actions wrote), with bad input,
 * bad outputs and bad files refused on the step.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { ActionRegistry } from '../../src/templates/actions/action-registry.js';
import { installActions } from '../../src/templates/installed/load-installed-actions.js';
import { BubblewrapSandbox } from '../../src/platform/steps/sandbox/bubblewrap-sandbox.js';
import { runCli } from '../support/run-cli.js';
import { startPave } from '../support/pave-server.js';
import { TESTER, fileAt, filesOf, openTestApp, registerTemplate, waitForTask, writeTree, type TestApp } from './support.js';

/** A folder of actions as an organisation writes them (Backstage's shape: id, description, schema, handler). */
const FOLDER = {
  'readme.mjs': `
import { readFile, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { shout } from './lib/shout.mjs';
export default {
  id: 'acme:readme',
  description: 'Adds a banner to README.md and removes the placeholder file',
  supportsDryRun: true,
  schema: {
    input: { type: 'object', required: ['title'], properties: { title: { type: 'string', minLength: 1 } }, additionalProperties: false },
    output: { type: 'object', properties: { lines: { type: 'integer' } }, required: ['lines'] },
  },
  async handler(ctx) {
    const path = join(ctx.workspacePath, 'README.md');
    const text = shout(ctx.input.title) + '\\n' + (await readFile(path, 'utf8'));
    await writeFile(path, text);
    await rm(join(ctx.workspacePath, 'placeholder.txt'));
    const scratch = await ctx.createTemporaryDirectory();
    await writeFile(join(scratch, 'notes'), 'not part of the workspace');
    ctx.logger.info('banner written for ' + ctx.templateInfo.entityRef + (ctx.isDryRun ? ' (dry run)' : ''));
    ctx.output('lines', text.split('\\n').length);
  },
};`,
  'lib/shout.mjs': `export const shout = text => '# ' + text.toUpperCase();`,
  'several.cjs': `
const write = (id, file) => ({ id, description: 'Writes ' + file, schema: { input: { type: 'object' } }, async handler(ctx) { require('node:fs').writeFileSync(require('node:path').join(ctx.workspacePath, file), id + '\\n', { mode: 0o755 }); } });
module.exports = { first: write('acme:first', 'first.sh'), second: write('acme:bad-output', 'second.txt') };
module.exports.second.schema.output = { type: 'object', required: ['url'] };`,
  'link.mjs': `import { symlink } from 'node:fs/promises'; import { join } from 'node:path';
export default { id: 'acme:link', description: 'Leaves a link', schema: { input: { type: 'object' } }, async handler(ctx) { await symlink('/etc/passwd', join(ctx.workspacePath, 'passwd')); } };`,
  'nothing.mjs': 'export const notAnAction = 1;',
  'clash.mjs': `export default { id: 'debug:log', description: 'Takes a built-in id', schema: { input: { type: 'object' } }, async handler() {} };`,
  'zod.mjs': `export default { id: 'acme:zod', description: 'Zod schema', schema: { input: z => z.object({}) }, async handler() {} };`,
};

/** A project with an npm package of actions whose dependency is hoisted beside it, as npm installs it. */
const PROJECT = {
  'node_modules/@acme/pave-actions/package.json': JSON.stringify({ name: '@acme/pave-actions', version: '1.2.3', type: 'module', exports: { '.': { import: './dist/index.js' } } }),
  'node_modules/@acme/pave-actions/dist/index.js': `import pad from 'acme-pad';
import { writeFile } from 'node:fs/promises'; import { join } from 'node:path';
export const actions = [{ id: 'acme:stamp', description: 'Writes STAMP', schema: { input: { type: 'object', properties: { width: { type: 'integer' } } } }, async handler(ctx) { await writeFile(join(ctx.workspacePath, 'STAMP'), pad('x', ctx.input.width ?? 3)); ctx.output('by', ctx.user?.ref ?? 'nobody'); } }];`,
  'node_modules/acme-pad/package.json': JSON.stringify({ name: 'acme-pad', version: '0.0.1', main: 'index.cjs' }),
  'node_modules/acme-pad/index.cjs': `module.exports = (text, width) => text.padStart(width, '.');`,
};

const TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'with-own-actions' },
  spec: {
    type: 'service',
    parameters: [{ required: ['name'], properties: { name: { type: 'string' } } }],
    steps: [
      { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
      { id: 'readme', action: 'acme:readme', input: { title: '${{ parameters.name }}' } },
      { id: 'first', action: 'acme:first', input: {} },
      { id: 'stamp', action: 'acme:stamp', input: { width: 5 } },
      { id: 'publish', action: 'publish:git', input: { repoUrl: 'local?owner=acme&repo=${{ parameters.name }}' } },
    ],
    output: { lines: '${{ steps.readme.output.lines }}', by: '${{ steps.stamp.output.by }}' },
  },
};

const oneStep = (name: string, action: string, input: unknown) => ({
  ...TEMPLATE,
  metadata: { name },
  spec: { ...TEMPLATE.spec, steps: [TEMPLATE.spec.steps[0], { id: 'own', action, input }] },
});

describe('installed actions', () => {
  let pave: TestApp;
  let dir: string;
  let actionsDir: string;
  let project: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-own-actions-'));
    actionsDir = join(dir, 'acme-actions');
    project = join(dir, 'project');
    await writeTree(actionsDir, FOLDER);
    await writeTree(project, PROJECT);
    await writeTree(join(dir, 'templates'), {
      'template.yaml': stringify(TEMPLATE),
      'skeleton/README.md': 'Service ${{ values.name }}\n',
      'skeleton/placeholder.txt': 'remove me\n',
      'bad-input.yaml': stringify(oneStep('bad-input', 'acme:readme', { title: '' })),
      'bad-output.yaml': stringify(oneStep('bad-output', 'acme:bad-output', {})),
      'link.yaml': stringify(oneStep('link', 'acme:link', {})),
    });
    pave = await openTestApp({ cwd: project, config: { templates: { ...defaultConfig().templates, actions: { ...defaultConfig().templates.actions, folders: [actionsDir], packages: ['@acme/pave-actions'] } } } });
    for (const file of ['template.yaml', 'bad-input.yaml', 'bad-output.yaml', 'link.yaml']) await registerTemplate(pave.app, join(dir, 'templates', file));
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the installed actions beside the built-in ones, with their schemas and where they came from', () => {
    const actions = pave.app.templates.listActions();
    const installed = actions.filter(a => a.installed);
    expect(installed.map(a => [a.id, a.installed!.kind, a.installed!.name])).toEqual([
      ['acme:bad-output', 'folder', 'acme-actions/several.cjs'],
      ['acme:first', 'folder', 'acme-actions/several.cjs'],
      ['acme:link', 'folder', 'acme-actions/link.mjs'],
      ['acme:readme', 'folder', 'acme-actions/readme.mjs'],
      ['acme:stamp', 'package', '@acme/pave-actions@1.2.3'],
    ]);
    expect(installed.find(a => a.id === 'acme:readme')).toMatchObject({
      effect: 'workspace',
      supportsDryRun: true,
      schema: { input: { required: ['title'] }, output: { required: ['lines'] } },
      installed: { sandbox: expect.stringMatching(/bubblewrap|permission model/) },
    });
    // The built-in debug:log is still the built-in one.
    expect(actions.find(a => a.id === 'debug:log')!.installed).toBeUndefined();
  });

  it('says which files it could not install, and why', async () => {
    const registry = new ActionRegistry();
    registry.register({ id: 'debug:log', description: 'built in', schema: { input: {} as never }, effect: 'none', supportsDryRun: true, handler: async () => undefined });
    const problems = await installActions(registry, { folders: [actionsDir, join(dir, 'missing')], packages: ['@acme/not-there'] }, { sandbox: new BubblewrapSandbox(), timeoutSeconds: 20 }, project);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/missing is not a folder/),
        expect.stringMatching(/@acme\/not-there is not installed/),
        expect.stringMatching(/^acme-actions\/nothing\.mjs exports no action/),
        expect.stringMatching(/^acme-actions\/clash\.mjs: action debug:log is not installed: an action with that id exists already/),
        expect.stringMatching(/^acme-actions\/zod\.mjs could not be read: .*schema is a function \(zod\)/),
      ]),
    );
    expect(registry.has('acme:readme')).toBe(true);
  });

  it('runs a template that uses them, dry and for real: the repository holds what they wrote', async () => {
    const dry = await pave.app.templates.dryRun({ templateRef: 'template:default/with-own-actions', values: { name: 'orders' } });
    expect(dry.status).toBe('completed');
    expect(dry.log.map(l => l.body.message)).toEqual(expect.arrayContaining([expect.stringMatching(/banner written for template:default\/with-own-actions \(dry run\)/)]));
    // acme:first and acme:stamp do not say they support dry runs: they are skipped.
    expect(dry.directoryContents.map(f => f.path).sort()).toEqual(['README.md']);
    expect(Buffer.from(dry.directoryContents[0]!.base64Content, 'base64').toString()).toBe('# ORDERS\nService orders\n');

    const { id } = await pave.app.templates.createTask({ templateRef: 'template:default/with-own-actions', values: { name: 'orders' } }, TESTER);
    const task = await waitForTask(pave.app, id);
    expect(task.status).toBe('completed');
    // Authorization is off here: the task has no creator for ctx.user.
    expect(task.output).toMatchObject({ lines: 3, by: 'nobody' });
    const repo = join(pave.dataDir, 'git', 'acme', 'orders.git');
    expect(await filesOf(repo)).toEqual(['.pave/template.yaml', 'README.md', 'STAMP', 'first.sh']);
    expect(await fileAt(repo, 'README.md')).toBe('# ORDERS\nService orders\n');
    expect(await fileAt(repo, 'STAMP')).toBe('....x');
  });

  it('fails the step clearly on input that fails its schema, outputs that fail theirs, and links left behind', async () => {
    const run = async (name: string) => waitForTask(pave.app, (await pave.app.templates.createTask({ templateRef: `template:default/${name}`, values: { name } }, TESTER)).id);
    const badInput = await run('bad-input');
    expect(badInput.status).toBe('failed');
    expect(badInput.error?.detail).toMatch(/input of acme:readme is not valid: .*input\.title/);
    const badOutput = await run('bad-output');
    expect(badOutput.status).toBe('failed');
    expect(badOutput.error?.detail).toMatch(/output of acme:bad-output does not match its output schema: .*url/);
    const link = await run('link');
    expect(link.status).toBe('failed');
    // Node's permission model refuses the link itself (the host module would refuse one left behind).
    expect(link.error?.detail).toMatch(/the sandbox refused .*may only use its own folder/);
  });

  it('lists them over HTTP (GET /v2/actions) and from the CLI (pave template actions, configured by environment)', { timeout: 240_000 }, async () => {
    const server = await startPave({ config: { templates: { ...defaultConfig().templates, actions: { ...defaultConfig().templates.actions, folders: [actionsDir] } } } });
    try {
      const response = await fetch(`${server.url}/api/scaffolder/v2/actions`);
      expect(response.status).toBe(200);
      const actions = (await response.json()) as Array<{ id: string; installed?: { kind: string; name: string }; schema: { input: object } }>;
      expect(actions.find(a => a.id === 'acme:readme')).toMatchObject({ installed: { kind: 'folder', name: 'acme-actions/readme.mjs' }, schema: { input: { required: ['title'] } } });
    } finally {
      await server.close();
    }
    // One file of the folder is enough here: every CLI start describes each file in the sandbox again.
    const cliFolder = join(dir, 'acme-actions-cli');
    await writeTree(cliFolder, { 'readme.mjs': FOLDER['readme.mjs'], 'lib/shout.mjs': FOLDER['lib/shout.mjs'] });
    const env = { PAVE_DATA_DIR: join(dir, 'cli-data'), PAVE_TEMPLATE_ACTION_FOLDERS: cliFolder, PAVE_TEMPLATE_ACTION_PACKAGES: '@acme/pave-actions' };
    const list = await runCli(['template', 'actions'], { cwd: project, env });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^acme:stamp\s+package @acme\/pave-actions@1\.2\.3\s+workspace\s+Writes STAMP$/m);
    expect(list.stdout).toMatch(/^debug:log\s+built in\s+none\s+/m);
    const one = await runCli(['template', 'actions', 'acme:readme'], { cwd: project, env });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('acme:readme (folder acme-actions-cli/readme.mjs, effect workspace)');
    expect(one.stdout).toMatch(/input: \{[\s\S]*"required": \[\s*"title"\s*\]/);
    expect(one.stdout).toMatch(/output: \{[\s\S]*"lines"/);
  });
});

describe('an installed action in a cancelled task', () => {
  let pave: TestApp;
  let dir: string;
  /** The sandboxes this process has started that are still running (bubblewrap, or node under its permission model). */
  const sandboxes = async (): Promise<string[]> => {
    const listed = await promisify(execFile)('ps', ['-o', 'args=', '--ppid', String(process.pid)]).catch(() => ({ stdout: '' }));
    return listed.stdout.split('\n').filter(line => /bwrap|--permission/.test(line));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-own-actions-cancel-'));
    await writeTree(join(dir, 'actions'), { 'spin.mjs': `export default { id: 'acme:spin', description: 'Never ends', schema: { input: { type: 'object' } }, async handler() { for (;;) {} } };` });
    await writeTree(join(dir, 'templates'), { 'spin.yaml': stringify(oneStep('spin', 'acme:spin', {})), 'skeleton/README.md': 'Service ${{ values.name }}\n' });
    // A time limit no test waits for: only the cancellation can stop it.
    pave = await openTestApp({ config: { templates: { ...defaultConfig().templates, actions: { ...defaultConfig().templates.actions, folders: [join(dir, 'actions')], timeoutSeconds: 3600 } } } });
    await registerTemplate(pave.app, join(dir, 'templates', 'spin.yaml'));
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is stopped when its task is cancelled: its sandbox is killed and the task ends cancelled', { timeout: 60_000 }, async () => {
    const { id } = await pave.app.templates.createTask({ templateRef: 'template:default/spin', values: { name: 'spin' } }, TESTER);
    while ((await sandboxes()).length === 0) await new Promise(resolve => setTimeout(resolve, 20));
    await pave.app.templates.cancel(id, TESTER);
    const task = await waitForTask(pave.app, id);
    expect(task.status).toBe('cancelled');
    expect(task.steps.map(step => step.status)).toEqual(['completed', 'cancelled']);
    expect(await sandboxes()).toEqual([]);
  });
});
