/**
 * `fetch:*` from http(s) URLs through the reading allow-list: a file from a stand-in host, a skeleton folder
 * from a git host's tree URL cloned over real git smart HTTP (both on 127.0.0.1, listed explicitly), and the
 * refusals (a host not listed, a redirect off the list), each a failed step naming input.url and the setting.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { defaultConfig } from '../../src/pave-config.js';
import type { DryRunResult } from '../../src/templates/scaffolder-service.js';
import { startFileServer, type FileServer } from '../support/file-server.js';
import { stringify } from 'yaml';
import { TESTER, openTestApp, registerTemplate, startGitHttpServer, waitForTask, writeTree, type GitHttpServer, type TestApp } from './support.js';

let pave: TestApp;
let files: FileServer;
let git: GitHttpServer;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'pave-remote-skeletons-'));
  const work = join(root, 'work');
  await writeTree(work, { 'node/README.md': '# ${{ values.name }}\n', 'node/src/index.js': "console.log('${{ values.name }}');\n", 'other/x.txt': 'x' });
  await runGit(['init', '--quiet', '--initial-branch', 'main', work]);
  await runGit(['add', '.'], { cwd: work });
  await runGit(['commit', '--quiet', '-m', 'skeletons'], { cwd: work });
  await runGit(['clone', '--quiet', '--bare', work, join(root, 'served/acme/skeletons.git')]);
  git = await startGitHttpServer(join(root, 'served'));
  files = await startFileServer({ '/files/LICENSE': 'MIT, ${{ values.name }}\n', '/files/away': { redirect: 'http://localhost:1/files/LICENSE' } });
  const allow = [{ host: files.host, paths: ['/files/'] }, { host: new URL(git.url).host }];
  pave = await openTestApp({ config: { reading: { ...defaultConfig().reading, allow } } });
});
afterAll(async () => {
  await pave?.close();
  await files?.close();
  await git?.close();
  await rm(root, { recursive: true, force: true });
});

type Step = { action: string; input: Record<string, unknown> };
const template = (steps: Step[]) => ({
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'remote' },
  spec: { type: 'service', parameters: { properties: { name: { type: 'string' } } }, steps: steps.map((step, i) => ({ id: `s${i}`, name: `step ${i}`, ...step })) },
});
const dryRun = (steps: Step[]) => pave.app.templates.dryRun({ template: template(steps), values: { name: 'payments' } });
const written = (result: DryRunResult) => Object.fromEntries(result.directoryContents.map(entry => [entry.path, Buffer.from(entry.base64Content, 'base64').toString()]));

describe('remote fetches', () => {
  it('renders a skeleton folder from a git host tree URL and files from listed URLs', async () => {
    const result = await dryRun([
      { action: 'fetch:template', input: { url: `${git.url}/acme/skeletons/tree/main/node`, values: { name: '${{ parameters.name }}' } } },
      { action: 'fetch:plain:file', input: { url: `${files.url}/files/LICENSE`, targetPath: 'LICENSE' } },
      { action: 'fetch:template:file', input: { url: `${files.url}/files/LICENSE`, targetPath: 'LICENSE.rendered', values: { name: '${{ parameters.name }}' } } },
      { action: 'fetch:plain:file', input: { url: `${git.url}/acme/skeletons/blob/main/other/x.txt`, targetPath: 'x.txt' } },
    ]);
    expect(result.status, JSON.stringify(result.error)).toBe('completed');
    expect(written(result)).toEqual({
      'README.md': '# payments\n',
      'src/index.js': "console.log('payments');\n",
      LICENSE: 'MIT, ${{ values.name }}\n',
      'LICENSE.rendered': 'MIT, payments\n',
      'x.txt': 'x',
    });
  });

  it('fails the step when the URL is not on the list, naming input.url and the setting', async () => {
    const before = files.requests.length;
    const result = await dryRun([{ action: 'fetch:plain:file', input: { url: `${files.url}/other/LICENSE`, targetPath: 'LICENSE' } }]);
    expect(result.status).toBe('failed');
    expect(result.error?.detail).toMatch(/input\.url ".*\/other\/LICENSE": .* is not on the reading allow-list \(reading\.allow/);
    expect(result.error?.errors?.[0]?.pointer).toMatch(/^\/spec\/steps\/0/);
    expect(files.requests.length).toBe(before);
  });

  it('fails the step when a listed URL redirects off the list', async () => {
    const result = await dryRun([{ action: 'fetch:plain:file', input: { url: `${files.url}/files/away`, targetPath: 'LICENSE' } }]);
    expect(result.status).toBe('failed');
    expect(result.error?.detail).toMatch(/redirected to http:\/\/localhost:1\/files\/LICENSE, which is not on the reading allow-list/);
  });

  it('refuses a tree URL on a host not listed before git runs', async () => {
    const unlisted = git.url.replace('127.0.0.1', 'localhost');
    const result = await dryRun([{ action: 'fetch:template', input: { url: `${unlisted}/acme/skeletons/tree/main/node` } }]);
    expect(result.status).toBe('failed');
    expect(result.error?.detail).toMatch(/is not on the reading allow-list/);
  });

  it('fetches the same way in a task run by the worker', async () => {
    const dir = join(root, 'registered');
    await writeTree(dir, { 'template.yaml': stringify(template([{ action: 'fetch:template', input: { url: `${git.url}/acme/skeletons/tree/main/node`, values: { name: '${{ parameters.name }}' } } }])) });
    const ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'payments' } }, TESTER);
    const task = await waitForTask(pave.app, id);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    const messages = (await pave.app.templates.events(id)).map(event => event.body.message ?? '');
    expect(messages.some(message => message.startsWith(`Rendered 2 file(s) from ${git.url}/acme/skeletons/tree/main/node`))).toBe(true);
  });
});
