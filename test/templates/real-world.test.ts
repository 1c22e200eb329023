/**
 * Compatibility with real Backstage templates (the shared real-world corpus): every one parses into a
 * template or a precise list of problems; unsupported actions are named; each template whose actions
 * Pave has dry-runs to completion and runs for real, its publishers (publish:github, …:pull-request,
 * publish:gitlab:merge-request) against local stand-ins of GitHub and GitLab that receive the pushes; and
 * with test stand-ins for the organisation-specific actions Pave lacks (Pulumi, Rails, …), every v1beta3
 * template dry-runs to completion over its real skeleton.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { defineAction } from '../../src/templates/actions/action.js';
import { readTemplate } from '../../src/templates/model/template.js';
import { validateParameters } from '../../src/templates/model/parameters.js';
import { renderString } from '../../src/expressions/index.js';
import type { DirectoryEntry } from '../../src/templates/scaffolder-service.js';
import { commitsOf, EXAMPLE_CATALOG, exampleValues, filesOf, openTestApp, registerTemplate, TESTER, waitForTask, type TestApp } from './support.js';
import { startProviderStandIn, type ProviderStandIn } from '../support/git-provider-stand-in.js';
import { realWorldDir } from '../support/real-world.js';

const DIR = realWorldDir('templates');

interface Corpus {
  file: string;
  raw: Record<string, unknown>;
  skeleton?: string;
}

function loadCorpus(): Corpus[] {
  if (!DIR) return [];
  const out: Corpus[] = [];
  for (const file of readdirSync(DIR).filter(f => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(DIR, file), 'utf8'))) {
      const raw = doc.toJS() as Record<string, unknown> | null;
      if (raw) out.push({ file, raw, ...(existsSync(join(DIR, file.replace('.yaml', '.skeleton'))) ? { skeleton: join(DIR, file.replace('.yaml', '.skeleton')) } : {}) });
    }
  }
  return out;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const corpus = loadCorpus();
const PUBLISHERS = ['publish:github', 'publish:github:pull-request', 'github:repo:create', 'github:repo:push', 'publish:gitlab', 'publish:gitlab:merge-request', 'publish:bitbucketServer', 'publish:gitea'];
const HAS_ACTION = new Set(['fetch:plain', 'fetch:plain:file', 'fetch:template', 'fetch:template:file', 'fs:rename', 'fs:delete', 'catalog:register', 'catalog:write', 'catalog:fetch', 'debug:log', 'debug:wait', 'publish:git', ...PUBLISHERS]);

/**
 * Templates that cannot run unchanged against any GitHub, with the reason their real run fails: the
 * corpus is what organisations published, mistakes included.
 */
const BROKEN_FOR_REAL: Record<string, RegExp> = {
  // repoUrl: github.com?repo=demo-systems&owner=contract-first-id[ — "[" is in no GitHub owner name.
  '016.yaml': /contract-first-id\[.{0,8}, which is not a name/,
};

/** Templates whose real run stops at catalog:register, with why (the dry run cannot know: it registers nothing). */
const UNREGISTRABLE: Record<string, RegExp> = {
  // The skeleton names its Component ${{ values.bucket_name }}, a value the template never passes.
  '011.yaml': /holds no valid entity/,
  // The corpus lacks these templates' skeleton folders (./skeleton/base, ./content), so nothing wrote a catalog-info.yaml.
  '005.yaml': /"catalog-info\.yaml" was not found/,
  '014.yaml': /"catalog-info\.yaml" was not found/,
};

/** The template's own files as a dry run receives them: the skeleton (where the corpus has it) and a placeholder in every other folder a fetch step reads. */
/**
 * Example values made unique per template (each registers its own component) and pointed at the
 * provider its publishers use (a GitLab merge request needs a GitLab host).
 */
function realValues(file: string, steps: ReadonlyArray<{ action: string }>, values: Record<string, unknown>, suffix = ''): Record<string, unknown> {
  const name = `svc-${file.replace('.yaml', '')}${suffix}`;
  const unique = JSON.parse(JSON.stringify(values).replaceAll('my-service', name)) as Record<string, unknown>;
  if (steps.some(s => s.action.startsWith('publish:gitlab')) && typeof unique.repoUrl === 'string') unique.repoUrl = `gitlab.com?owner=acme&repo=${name}`;
  return unique;
}

function directoryContentsOf(entry: Corpus, values: Record<string, unknown>): DirectoryEntry[] {
  const files: DirectoryEntry[] = [];
  if (entry.skeleton) {
    for (const path of filesUnder(entry.skeleton)) {
      files.push({ path: posix.join('skeleton', relative(entry.skeleton, path)), base64Content: readFileSync(path).toString('base64') });
    }
  }
  const steps = ((entry.raw.spec as { steps?: Array<{ action?: string; input?: { url?: string } }> }).steps ?? []);
  for (const step of steps) {
    if (!step.action?.startsWith('fetch:') || typeof step.input?.url !== 'string') continue;
    const url = String(renderString(step.input.url, { parameters: values }));
    if (files.some(f => f.path === posix.normalize(url) || f.path.startsWith(posix.normalize(url) + '/'))) continue;
    files.push({ path: step.action.endsWith(':file') ? posix.normalize(url) : posix.join(url, '.gitkeep'), base64Content: '' });
  }
  return files;
}

describe.skipIf(!DIR)('real-world templates', () => {
  let pave: TestApp;
  let catalogDir: string;
  let standIn: ProviderStandIn;

  beforeAll(async () => {
    catalogDir = await mkdtemp(join(tmpdir(), 'pave-example-catalog-'));
    standIn = await startProviderStandIn({ root: join(catalogDir, 'hosted'), tokens: { good: ['repo', 'push'] }, organisations: ['acme', '45-ACP', 'ServerlessOpsIO'] });
    await writeFile(join(catalogDir, 'token'), 'good');
    const token = { $file: join(catalogDir, 'token') };
    pave = await openTestApp({
      config: { integrations: {
        github: [{ host: 'github.com', apiBaseUrl: `${standIn.url}/api/v3`, token }],
        gitlab: [{ host: 'gitlab.com', apiBaseUrl: `${standIn.url}/api/v4`, token }],
        bitbucketServer: [],
        gitea: [],
      } },
    });
    await writeFile(join(catalogDir, 'catalog.yaml'), EXAMPLE_CATALOG);
    await pave.app.catalog.locations.register({ type: 'file', target: join(catalogDir, 'catalog.yaml') });
  });
  afterAll(async () => {
    await pave?.close();
    await standIn?.close();
    await rm(catalogDir, { recursive: true, force: true });
  });

  it('found the corpus', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(13);
  });

  it.each(corpus.map(c => [c.file, c] as const))('%s parses: a template, or problems that say exactly why not', (_file, entry) => {
    const reading = readTemplate(entry.raw, { hasAction: id => HAS_ACTION.has(id) });
    const legacy = entry.raw.apiVersion !== 'scaffolder.backstage.io/v1beta3';
    if (legacy) {
      expect(reading.problems).toContainEqual(expect.objectContaining({ pointer: '/apiVersion', rule: 'api-version' }));
      return;
    }
    expect(reading.template).toBeDefined();
    // Only unsupported actions keep a real v1beta3 template from running: no expression or schema problems.
    for (const problem of reading.problems) {
      expect(problem.rule, `${problem.pointer}: ${problem.detail}`).toBe('unsupported-action');
      expect(problem.detail).toMatch(/^unsupported action [a-z]/);
    }
    const steps = reading.template!.steps;
    const unsupported = steps.filter(s => !HAS_ACTION.has(s.action)).map(s => s.action);
    expect(reading.problems.map(p => p.detail.replace('unsupported action ', ''))).toEqual(unsupported);
  });

  it('the template list names unsupported actions per template', async () => {
    const names: string[] = [];
    for (const entry of corpus.filter(c => c.raw.apiVersion === 'scaffolder.backstage.io/v1beta3')) {
      const reading = pave.app.templates.checkTemplate(entry.raw);
      names.push(...reading.problems.map(p => p.detail));
    }
    expect(names).toContain('unsupported action pulumi:new');
    expect(names).not.toContain('unsupported action publish:github');
    expect(names).not.toContain('unsupported action publish:gitlab:merge-request');
  });

  const v1beta3 = corpus.filter(c => c.raw.apiVersion === 'scaffolder.backstage.io/v1beta3');
  const supportedOnly = v1beta3.filter(c => readTemplate(c.raw, { hasAction: id => HAS_ACTION.has(id) }).problems.length === 0);

  it.each(supportedOnly.map(c => [c.file, c] as const))('%s (only supported actions) dry-runs to completion', async (file, entry) => {
    const template = readTemplate(entry.raw, { hasAction: () => true }).template!;
    const values = realValues(file, template.steps, exampleValues(template.parameters), '-dry');
    const result = await pave.app.templates.dryRun({ template: entry.raw, values, directoryContents: directoryContentsOf(entry, values) });
    if (BROKEN_FOR_REAL[file]) {
      // A dry run finds the same mistake, before anything is created.
      expect(result.status).toBe('failed');
      expect(JSON.stringify(result.error)).toMatch(BROKEN_FOR_REAL[file]!);
      return;
    }
    expect(result.error, JSON.stringify(result.error)).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  it.each(supportedOnly.filter(c => c.raw.spec && JSON.stringify(c.raw.spec).match(/publish:|github:repo/)).map(c => [c.file, c] as const))(
    '%s runs for real: its publisher creates or proposes on the stand-in, pushed with git',
    async (file, entry) => {
      const template = readTemplate(entry.raw, { hasAction: () => true }).template!;
      const values = realValues(file, template.steps, exampleValues(template.parameters));
      const folder = join(catalogDir, 'templates', file.replace('.yaml', ''));
      for (const content of directoryContentsOf(entry, values)) {
        await mkdir(dirname(join(folder, content.path)), { recursive: true });
        await writeFile(join(folder, content.path), Buffer.from(content.base64Content, 'base64'));
      }
      await writeFile(join(folder, 'template.yaml'), JSON.stringify(entry.raw));
      // Review requests go to repositories that exist: made by hand on the stand-in first.
      for (const step of template.steps.filter(s => /pull-request|merge-request/.test(s.action))) {
        const url = String(renderString(String(step.input.repoUrl), { parameters: values }));
        const query = new URL(`https://${url}`).searchParams;
        if (/^[\w.-]+$/.test(query.get('owner') ?? '')) await standIn.seed(step.action.includes('gitlab') ? 'gitlab' : 'github', query.get('owner')!, query.get('repo')!);
      }
      const ref = await registerTemplate(pave.app, join(folder, 'template.yaml'));
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values }, TESTER);
      const task = await waitForTask(pave.app, id);
      if (BROKEN_FOR_REAL[file]) {
        expect(task.status).toBe('failed');
        expect(JSON.stringify(task.steps.map(s => s.error))).toMatch(BROKEN_FOR_REAL[file]!);
        return;
      }
      if (UNREGISTRABLE[file]) {
        // Published for real; the task fails at registering, saying why.
        expect(task.status).toBe('failed');
        expect(task.steps.find(s => s.action === 'catalog:register')!.error?.detail).toMatch(UNREGISTRABLE[file]!);
      } else {
        expect(task.error, JSON.stringify(task.steps.map(s => s.error).filter(Boolean))).toBeUndefined();
        expect(task.status).toBe('completed');
      }
      for (const step of task.steps.filter(s => PUBLISHERS.includes(s.action))) {
        const output = step.output ?? {};
        const reviewUrl = output.pullRequestUrl ?? output.mergeRequestUrl;
        const review = reviewUrl ? standIn.reviews.find(r => r.body.html_url === reviewUrl || r.body.web_url === reviewUrl) : undefined;
        const repository = review
          ? standIn.repositories.find(r => `${r.owner}/${r.name}` === review.repository)!
          : standIn.repositories.find(r => output.remoteUrl === `${standIn.url}/${r.gitPath}`)!;
        expect(repository, JSON.stringify(output)).toBeDefined();
        const branch = String(review?.body.head ?? review?.body.source_branch ?? 'main');
        expect((await filesOf(standIn.gitDir(repository), branch)).length).toBeGreaterThan(0);
        expect(output.commitHash).toBe((await commitsOf(standIn.gitDir(repository), branch))[0]);
      }
    },
  );

  describe('with stand-ins for the actions Pave lacks (Pulumi, Rails, organisation-specific ones…)', () => {
    beforeAll(() => {
      const lacking = new Set(v1beta3.flatMap(c => readTemplate(c.raw, { hasAction: id => HAS_ACTION.has(id) }).template!.steps.map(s => s.action)).filter(a => !HAS_ACTION.has(a)));
      for (const id of lacking) {
        pave.app.templates.actions.register(
          defineAction({
            id,
            description: `test stand-in for ${id}`,
            effect: 'external',
            input: Type.Object({}),
            async handler(ctx) {
              ctx.output('remoteUrl', 'https://github.com/acme/my-service');
              ctx.output('repoContentsUrl', 'https://github.com/acme/my-service/blob/main');
              ctx.output('mergeRequestUrl', 'https://gitlab.com/acme/my-service/-/merge_requests/1');
              ctx.log.info(`stand-in for ${id}`);
            },
          }),
        );
      }
    });

    it.each(v1beta3.map(c => [c.file, c] as const))('%s dry-runs to completion over its skeleton', async (file, entry) => {
      const reading = pave.app.templates.checkTemplate(entry.raw);
      expect(reading.problems).toEqual([]);
      // Names of their own: the real runs above registered theirs.
      const values = realValues(file, reading.template!.steps, exampleValues(reading.template!.parameters), '-preview');
      expect(validateParameters(reading.template!.parameters, values).errors).toEqual([]);
      const result = await pave.app.templates.dryRun({ template: entry.raw, values, directoryContents: directoryContentsOf(entry, values) });
      if (BROKEN_FOR_REAL[file]) {
        expect(result.status).toBe('failed');
        expect(JSON.stringify(result.error)).toMatch(BROKEN_FOR_REAL[file]!);
        return;
      }
      expect(result.error, JSON.stringify(result.error)).toBeUndefined();
      expect(result.status).toBe('completed');
      expect(result.steps.every(s => s.status === 'completed' || s.status === 'skipped')).toBe(true);
      if (entry.skeleton) {
        // The skeleton was rendered: no ${{ }} is left outside files copied without templating.
        const fetch = reading.template!.steps.find(s => s.action === 'fetch:template' && s.input.url === './skeleton');
        const verbatim = [...((fetch?.input.copyWithoutRender as string[] | undefined) ?? []), ...((fetch?.input.copyWithoutTemplating as string[] | undefined) ?? [])];
        expect(result.directoryContents.length).toBeGreaterThan(0);
        for (const file of result.directoryContents) {
          if (verbatim.some(glob => file.path.startsWith(glob.replace(/\*.*$/, '')))) continue;
          expect(file.path).not.toContain('${{');
          expect(Buffer.from(file.base64Content, 'base64').toString('utf8'), file.path).not.toMatch(/\$\{\{\s*values\./);
        }
      }
    });
  });
});
