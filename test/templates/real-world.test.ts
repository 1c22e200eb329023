/**
 * Compatibility with real Backstage templates (the shared real-world corpus): every one parses into a
 * template or a precise list of problems; unsupported actions are named; each template whose actions
 * Pave has dry-runs to completion; and with stand-ins for the hosted-service actions (publish:github…),
 * every v1beta3 template dry-runs to completion over its real skeleton.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { defineAction } from '../../src/templates/actions/action.js';
import { readTemplate } from '../../src/templates/model/template.js';
import { validateParameters } from '../../src/templates/model/parameters.js';
import { renderString } from '../../src/expressions/index.js';
import type { DirectoryEntry } from '../../src/templates/scaffolder-service.js';
import { EXAMPLE_CATALOG, exampleValues, openTestApp, type TestApp } from './support.js';
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
const HAS_ACTION = new Set(['fetch:plain', 'fetch:plain:file', 'fetch:template', 'fetch:template:file', 'fs:rename', 'fs:delete', 'catalog:register', 'catalog:write', 'catalog:fetch', 'debug:log', 'debug:wait', 'publish:git']);

/** The template's own files as a dry run receives them: the skeleton (where the corpus has it) and a placeholder in every other folder a fetch step reads. */
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

  beforeAll(async () => {
    pave = await openTestApp({ taskWorker: false });
    catalogDir = await mkdtemp(join(tmpdir(), 'pave-example-catalog-'));
    await writeFile(join(catalogDir, 'catalog.yaml'), EXAMPLE_CATALOG);
    await pave.app.catalog.locations.register({ type: 'file', target: join(catalogDir, 'catalog.yaml') });
  });
  afterAll(async () => {
    await pave?.close();
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
    expect(names).toContain('unsupported action publish:github');
    expect(names).toContain('unsupported action publish:gitlab:merge-request');
  });

  const v1beta3 = corpus.filter(c => c.raw.apiVersion === 'scaffolder.backstage.io/v1beta3');
  const supportedOnly = v1beta3.filter(c => readTemplate(c.raw, { hasAction: id => HAS_ACTION.has(id) }).problems.length === 0);

  it.each(supportedOnly.map(c => [c.file, c] as const))('%s (only supported actions) dry-runs to completion', async (_file, entry) => {
    const template = readTemplate(entry.raw, { hasAction: () => true }).template!;
    const values = exampleValues(template.parameters);
    const result = await pave.app.templates.dryRun({ template: entry.raw, values, directoryContents: directoryContentsOf(entry, values) });
    expect(result.error, JSON.stringify(result.error)).toBeUndefined();
    expect(result.status).toBe('completed');
  });

  describe('with stand-ins for the actions Pave lacks (hosted git services, Pulumi, Rails…)', () => {
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

    it.each(v1beta3.map(c => [c.file, c] as const))('%s dry-runs to completion over its skeleton', async (_file, entry) => {
      const reading = pave.app.templates.checkTemplate(entry.raw);
      expect(reading.problems).toEqual([]);
      const values = exampleValues(reading.template!.parameters);
      expect(validateParameters(reading.template!.parameters, values).errors).toEqual([]);
      const result = await pave.app.templates.dryRun({ template: entry.raw, values, directoryContents: directoryContentsOf(entry, values) });
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
