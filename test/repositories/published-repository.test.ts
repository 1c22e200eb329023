/**
 * What a golden path's publish:git leaves behind when it creates one of Pave's own repositories: the
 * task links to the repository's page in the portal (remoteUrl), git can still clone the file:// URL
 * (cloneUrl) in later steps while the task's output shows only the page and the HTTP clone URL, the repository view shows it, and the new catalog entity points at that page through
 * `backstage.io/source-location` (an entity that already names its source keeps it); its source and
 * catalog locations tie it to the repository, whose reads follow its rules. A dry run shows
 * the annotated catalog file and creates nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { repositoryOfLocation } from '../../src/repositories/repository-links.js';
import { TESTER, fileAt, openTestApp, registerTemplate, waitForTask, writeTree, type TestApp } from '../templates/support.js';

const SOURCE = 'backstage.io/source-location';
const TEMPLATE = {
  apiVersion: 'scaffolder.backstage.io/v1beta3',
  kind: 'Template',
  metadata: { name: 'hosted-service', title: 'Hosted service' },
  spec: {
    type: 'service',
    parameters: [{ title: 'About', required: ['name'], properties: { name: { title: 'Name', type: 'string' } } }],
    steps: [
      { id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
      { id: 'publish', name: 'Publish', action: 'publish:git', input: { repoUrl: 'local?owner=acme&repo=${{ parameters.name }}', description: 'Prices baskets' } },
      { id: 'register', name: 'Register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } },
    ],
    output: {
      links: [
        { title: 'Repository', url: '${{ steps.publish.output.remoteUrl }}' },
        { title: 'Contents', url: '${{ steps.publish.output.repoContentsUrl }}' },
        { title: 'Catalog', entityRef: '${{ steps.register.output.entityRef }}' },
      ],
      text: [{ title: 'Next steps', content: 'Run `git clone ${{ steps.publish.output.cloneUrl }}`' }],
      cloneUrl: '${{ steps.publish.output.cloneUrl }}',
    },
  },
};
const SKELETON = {
  'README.md': '# ${{ values.name }}\n',
  'catalog-info.yaml': [
    '# Written by the hosted-service golden path',
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    '  name: ${{ values.name }}',
    'spec:',
    '  type: service',
    '  lifecycle: experimental',
    '  owner: team-a',
    '---',
    'apiVersion: backstage.io/v1alpha1',
    'kind: API',
    'metadata:',
    '  name: ${{ values.name }}-api',
    '  annotations:',
    '    backstage.io/source-location: url:https://example.test/specs/',
    'spec:',
    '  type: openapi',
    '  lifecycle: experimental',
    '  owner: team-a',
    '  definition: "openapi: 3.0.0"',
    '',
  ].join('\n'),
};

describe('a repository published by a golden path', () => {
  let pave: TestApp;
  let ref: string;

  beforeAll(async () => {
    pave = await openTestApp();
    const dir = join(pave.dataDir, 'templates', 'hosted');
    await writeTree(dir, { 'template.yaml': stringify(TEMPLATE), ...Object.fromEntries(Object.entries(SKELETON).map(([path, text]) => [`skeleton/${path}`, text])) });
    ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
  });
  afterAll(() => pave.close());

  it("links the task to the repository's page, keeps the file:// clone URL in the step's output only, and points the new entity at the page", async () => {
    const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { name: 'pricing' } }, TESTER);
    const task = await waitForTask(pave.app, id);
    expect(task.status, JSON.stringify(task.error)).toBe('completed');
    const repo = join(pave.dataDir, 'git', 'acme', 'pricing.git');
    const page = `${pave.app.config.baseUrl}/repositories/acme/pricing`;
    expect(task.steps.find(s => s.id === 'publish')?.output).toMatchObject({ remoteUrl: page, cloneUrl: `file://${repo}`, repoContentsUrl: `file://${repo}#main` });
    // The output never names the server's folder: links go to the page, text and values clone over HTTP.
    const httpClone = `${pave.app.config.baseUrl}/git/acme/pricing.git`;
    expect(task.output?.links).toEqual([
      { title: 'Repository', url: page },
      { title: 'Contents', url: page },
      { title: 'Catalog', entityRef: 'component:default/pricing' },
    ]);
    expect(task.output?.text).toEqual([{ title: 'Next steps', content: `Run \`git clone ${httpClone}\`` }]);
    expect(task.output?.['cloneUrl']).toBe(httpClone);
    expect(JSON.stringify(task.output)).not.toContain(pave.dataDir);
    // Nor do the step log lines: the push and the registration name the HTTP clone URL.
    const messages = (await pave.app.templates.events(id)).map(event => event.body.message);
    expect(messages.join('\n')).not.toContain(pave.dataDir);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^Pushed commit [0-9a-f]{12} to ${httpClone} \\(branch main\\)$`)), expect.stringMatching(new RegExp(`^Registered ${httpClone}#main:catalog-info.yaml \\(location `))]));

    const pushed = await fileAt(repo, 'catalog-info.yaml');
    expect(pushed).toContain('# Written by the hosted-service golden path');
    expect(pushed).toContain(`${SOURCE}: url:${page}/`);
    const component = await pave.app.catalog.entities.byRef('component:default/pricing');
    expect(component?.metadata.annotations?.[SOURCE]).toBe(`url:${page}/`);
    const api = await pave.app.catalog.entities.byRef('api:default/pricing-api');
    expect(api?.metadata.annotations?.[SOURCE]).toBe('url:https://example.test/specs/');

    // Both annotations the new entity carries tie it to the repository, so the repository is read under its rules.
    const addresses = pave.app.repositories.addresses();
    expect(repositoryOfLocation(component!.metadata.annotations![SOURCE]!, addresses)).toEqual({ owner: 'acme', repo: 'pricing' });
    expect(repositoryOfLocation(component!.metadata.annotations!['backstage.io/managed-by-location']!, addresses)).toEqual({ owner: 'acme', repo: 'pricing' });
    expect(repositoryOfLocation(api!.metadata.annotations!['backstage.io/managed-by-location']!, addresses)).toEqual({ owner: 'acme', repo: 'pricing' });

    const summary = await pave.app.repositories.summary('acme', 'pricing', undefined, { serverPaths: true });
    expect(summary).toMatchObject({ name: 'acme/pricing', description: 'Prices baskets', defaultBranch: 'main', urls: { page, fileClone: `file://${repo}` } });
    expect(summary.tree?.readme?.markdown).toBe('# pricing\n');
    expect(summary.commits).toHaveLength(1);
  });

  it('shows the annotated catalog file in a dry run, and creates no repository', async () => {
    const result = await pave.app.templates.dryRun({ templateRef: ref, values: { name: 'dry' } });
    expect(result.status).toBe('completed');
    const file = result.directoryContents.find(entry => entry.path === 'catalog-info.yaml');
    expect(Buffer.from(file!.base64Content, 'base64').toString('utf8')).toContain(`${SOURCE}: url:${pave.app.config.baseUrl}/repositories/acme/dry/`);
    expect(existsSync(join(pave.dataDir, 'git', 'acme', 'dry.git'))).toBe(false);
    expect(result.log.map(entry => entry.body.message)).toEqual(expect.arrayContaining([`Dry run: would push 2 file(s) to ${pave.app.config.baseUrl}/git/acme/dry.git (branch main)`]));
    expect(JSON.stringify(result.log)).not.toContain(pave.dataDir);
  });
});
