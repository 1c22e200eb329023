/**
 * The expression engine can never hurt the server (holes 6, 7 and 10a). Each red-team reproduction runs
 * through the real paths — the engine API, a golden-path task over HTTP, and a platform `template` step of
 * a published capability through `POST /api/platform/render` — and each must end in a clear 4xx or a failed
 * task naming the limit (crashes), or simply finish (stalls: linear regexes and text filters), with the
 * server answering `/api/health` right after. A template that kills its evaluator process fails its task
 * and the worker goes on with the next one; secrets stay masked however a template transforms them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { PaveError } from '../../src/core/problem.js';
import { startPave, type RunningPave } from '../support/pave-server.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The red team's crashes: each ended the process with a V8 fatal error before. */
const CRASHES: Array<[string, string, string]> = [
  ["replace() expanding $& into 200 million characters", "${{ 'a'.repeat(1000) | replace(r/a/g, '$&'.repeat(200000)) }}", 'maxOutputSize'],
  ['batch() padding one item to 300 million', "${{ [1] | batch(300000000, 'x') }}", 'maxOutputSize'],
  ['batch() of two million batches', "${{ 'x'.repeat(2000000) | list | batch(1) | length }}", 'maxOutputSize'],
];

/** The red team's stalls: each blocked the event loop for seconds to minutes before; now each finishes. */
const STALLS: Array<[string, string, string]> = [
  ['a catastrophic regular expression', "${{ 'a'.repeat(34) | replace(r/a*a*a*a*a*a*a*a*a*a*b/, 'x') }}", 'a'.repeat(34)],
  ['a nested-quantifier regular expression on a long input', "${{ ('a'.repeat(100000) ~ '!') | replace(r/(a+)+$/, 'x') | length }}", '100001'],
  ['striptags on a million characters of unclosed tags', "${{ '<a'.repeat(500000) | striptags | length }}", '1000000'],
];

/**
 * A template that stays within every engine limit yet needs more heap than the evaluator has (64 MiB
 * here). Rendered as a skeleton file, whose 5 s time budget leaves the heap to run out first.
 */
const HEAP_EATER = "{% set parts = [] %}{% for i in range(80) %}{% set parts = parts.concat([('x' ~ i).repeat(500000) | upper]) %}{% endfor %}${{ parts | length }}";
/**
 * One native sort the engine's clock cannot interrupt: a comparison costs a 1000-character path
 * lookup, so 400 000 items take minutes. Only the deadline stops it.
 */
const SORT_STALL = "${{ 'ab'.repeat(200000) | list | sort(attribute='a.'.repeat(500)) | length }}";

describe('the expression engine cannot hurt the server', () => {
  let pave: RunningPave;
  let dir: string;
  let templates = 0;
  let capabilities = 0;

  const send = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(pave.url + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
  };

  /** The server still answers. */
  const expectHealthy = async () => {
    const health = await send('GET', '/api/health');
    expect(health.status).toBe(200);
  };

  /** Registers a template (with skeleton files beside it) over HTTP; returns its ref. */
  const registerTemplate = async (steps: unknown[], output: Record<string, unknown> = {}, skeleton: Record<string, string> = {}): Promise<string> => {
    const name = `attack-${++templates}`;
    await mkdir(join(dir, name, 'skeleton'), { recursive: true });
    for (const [path, content] of Object.entries(skeleton)) await writeFile(join(dir, name, 'skeleton', path), content);
    const file = join(dir, name, 'template.yaml');
    await writeFile(file, stringify({ apiVersion: 'scaffolder.backstage.io/v1beta3', kind: 'Template', metadata: { name }, spec: { type: 'service', steps, output } }));
    const registered = await send('POST', '/api/catalog/locations', { type: 'file', target: file });
    expect(registered.status).toBe(201);
    return `template:default/${name}`;
  };

  /** A one-step template logging `message` (rendered as a step input). */
  const logTemplate = (message: string, output: Record<string, unknown> = {}) => registerTemplate([{ id: 'log', name: 'Log', action: 'debug:log', input: { message } }], output);

  /** Creates a task over HTTP and waits until it has ended; returns the task and its events. */
  const runTask = async (templateRef: string, secrets?: Record<string, string>) => {
    const created = await send('POST', '/api/scaffolder/v2/tasks', { templateRef, values: {}, ...(secrets ? { secrets } : {}) });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id as string;
    for (;;) {
      const task = await send('GET', `/api/scaffolder/v2/tasks/${id}`);
      if (['completed', 'failed', 'cancelled'].includes(task.body.status)) {
        const events = await send('GET', `/api/scaffolder/v2/tasks/${id}/events`);
        return { task: task.body, events: events.body as Array<{ type: string; body: { message: string } }> };
      }
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  };

  /** Publishes a capability whose template step renders `content` as its one file; returns a request of it. */
  const capabilityRendering = async (content: string) => {
    const n = ++capabilities;
    const kind = `Attack${n}`;
    const published = await send('POST', '/api/platform/capabilities', {
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Capability',
      metadata: { name: `attack-${n}` },
      spec: {
        version: '1.0.0',
        owner: 'platform-team',
        api: { group: 'attacks.pave.dev', version: 'v1alpha1', kind, schema: { type: 'object', properties: {} } },
        workflows: { configure: [{ name: 'render', type: 'template', files: [{ path: 'out.txt', content }] }] },
      },
    });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    return { apiVersion: 'attacks.pave.dev/v1alpha1', kind, metadata: { name: `attack-${n}`, namespace: 'red-team' }, spec: {} };
  };

  beforeAll(async () => {
    // A small heap, so that a template within the engine's limits can still exhaust its evaluator.
    pave = await startPave({ config: { expressions: { poolSize: 2, heapMiB: 64, deadlineMarginMs: 2000 } } });
    dir = await mkdtemp(join(tmpdir(), 'pave-attacks-'));
    // Somewhere for rendered requests to be placed (a render never writes to it).
    const destination = await send('POST', '/api/platform/destinations', {
      apiVersion: 'pave.dev/v1alpha1',
      kind: 'Destination',
      metadata: { name: 'red-team', labels: { env: 'attack' } },
      spec: { git: { url: `file://${join(dir, 'destination.git')}` } },
    });
    expect(destination.status, JSON.stringify(destination.body)).toBe(201);
  });
  afterAll(async () => {
    await pave?.close();
    await rm(dir, { recursive: true, force: true });
  });

  describe('crashes are refused with the limit named', () => {
    it.each(CRASHES)('%s: the engine API', async (_what, payload, limit) => {
      const error = await pave.app.expressions.renderString(payload, {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(PaveError);
      expect((error as PaveError).problem.status).toBe(422);
      expect((error as PaveError).problem.errors?.[0]?.rule).toBe(`limits.${limit}`);
      await expectHealthy();
    });

    it.each(CRASHES)('%s: a task over HTTP fails', async (_what, payload, limit) => {
      const { task, events } = await runTask(await logTemplate(payload));
      expect(task.status).toBe('failed');
      expect(task.error.detail).toContain(`limit ${limit}`);
      expect(events.at(-1)?.type).toBe('completion');
      expect(JSON.stringify(events)).toContain(`limit ${limit}`);
      await expectHealthy();
    });

    it.each(CRASHES)('%s: a platform template step answers 422', async (_what, payload, limit) => {
      const rendered = await send('POST', '/api/platform/render', { request: await capabilityRendering(payload) });
      expect(rendered.status).toBe(422);
      expect(rendered.body.detail).toContain(`limit ${limit}`);
      await expectHealthy();
    });
  });

  describe('stalls finish: regular expressions and text filters take linear time', () => {
    it.each(STALLS)('%s: the engine API', async (_what, payload, expected) => {
      expect(String(await pave.app.expressions.renderString(payload, {}))).toBe(expected);
      await expectHealthy();
    });

    it.each(STALLS)('%s: a task over HTTP completes', async (_what, payload, expected) => {
      const { task, events } = await runTask(await logTemplate(`result: ${payload}`));
      expect(task.status).toBe('completed');
      expect(events.map(e => e.body.message)).toContain(`result: ${expected}`);
      await expectHealthy();
    });

    it.each(STALLS)('%s: a platform template step renders', async (_what, payload, expected) => {
      const rendered = await send('POST', '/api/platform/render', { request: await capabilityRendering(payload) });
      expect(rendered.status, JSON.stringify(rendered.body)).toBe(200);
      expect(rendered.body.files[0].content.trimEnd()).toBe(expected);
      await expectHealthy();
    });
  });

  describe('a template that kills its evaluator process', () => {
    it('out of memory: fails its task naming the heap limit, and the worker goes on with the next task', async () => {
      const eater = await registerTemplate([{ id: 'fetch', name: 'Fetch', action: 'fetch:template', input: { url: './skeleton' } }], {}, { 'big.txt': HEAP_EATER });
      const fine = await logTemplate('still ${{ "working" | upper }}');
      const [killed, next] = await Promise.all([runTask(eater), runTask(fine)]);
      expect(killed.task.status).toBe('failed');
      expect(killed.task.error.detail).toMatch(/ran out of memory .*limit expressions\.heapMiB/);
      expect(killed.events.at(-1)?.type).toBe('completion');
      expect(killed.task.steps[0].status).toBe('failed');
      expect(killed.task.steps[0].attempts).toBe(1);
      expect(next.task.status).toBe('completed');
      expect(next.events.map(e => e.body.message)).toContain('still WORKING');
      // And again: the evaluator was replaced, and is killed and replaced again.
      expect((await runTask(eater)).task.status).toBe('failed');
      expect((await runTask(fine)).task.status).toBe('completed');
      await expectHealthy();
    });

    it('past its deadline: fails its task naming the deadline', async () => {
      const { task } = await runTask(await logTemplate(SORT_STALL));
      expect(task.status).toBe('failed');
      expect(task.error.detail).toMatch(/did not finish within .*limit expressions\.deadlineMarginMs/);
      await expectHealthy();
    });

    it('past its deadline in a platform template step: 422 naming the deadline', async () => {
      const rendered = await send('POST', '/api/platform/render', { request: await capabilityRendering(SORT_STALL) });
      expect(rendered.status).toBe(422);
      expect(rendered.body.detail).toMatch(/did not finish within .*limit expressions\.deadlineMarginMs/);
      await expectHealthy();
    });
  });

  describe('secrets stay masked however they are transformed', () => {
    const secret = 'Zq9-sekret-Value';
    const transformed: Array<[string, string]> = [
      ['secrets.t | upper', secret.toUpperCase()],
      ['secrets.t | lower', secret.toLowerCase()],
      ['secrets.t | reverse', [...secret].reverse().join('')],
      ['secrets.t[1:]', secret.slice(1)],
      ['secrets.t[::-1] | upper', [...secret].reverse().join('').toUpperCase()],
      ['secrets.t.slice(2, 12)', secret.slice(2, 12)],
      ['secrets.t | replace("-", "_")', secret.replaceAll('-', '_')],
      ['secrets.t | replace(r/[a-z]/g, "*")', secret.replace(/[a-z]/g, '*')],
      ['"pre-" ~ secrets.t ~ "-post"', `pre-${secret}-post`],
      ['[secrets.t | lower, "x"] | join("+")', `${secret.toLowerCase()}+x`],
      ['("  " ~ secrets.t | upper ~ "  ") | trim', secret.toUpperCase()],
      ['secrets.t | title', 'Zq9-sekret-value'],
      ['{"k": secrets.t | upper} | dump', JSON.stringify({ k: secret.toUpperCase() })],
      ['secrets | dump | upper', JSON.stringify({ t: secret }).toUpperCase()],
      ['secrets.t | urlencode | upper', encodeURIComponent(secret).toUpperCase()],
    ];

    it('in task logs, the task output, errors and events, over HTTP', async () => {
      const message = transformed.map(([expression]) => `\${{ ${expression} }}`).join(' | ');
      const ref = await logTemplate(message, { text: [{ title: 'token', content: '${{ secrets.t | reverse }}' }], shout: '${{ secrets.t | upper ~ "!" }}' });
      const { task, events } = await runTask(ref, { t: secret });
      expect(task.status).toBe('completed');
      const failing = await runTask(await logTemplate('${{ (secrets.t | upper) | parseRepoUrl }}'), { t: secret });
      expect(failing.task.status).toBe('failed');
      const everything = JSON.stringify([task, events, failing.task, failing.events]);
      expect(everything).not.toContain(secret);
      for (const [expression, shown] of transformed) expect(everything, expression).not.toContain(shown);
      expect(everything).toContain('***');
      expect(task.output.shout).toBe('***');
      expect(failing.task.error.detail).toContain('repository location "***"');
    });
  });

  it('no server code renders templates in the server process (only checkTemplate, which parses)', () => {
    const inProcess = /\b(renderString|renderValue|renderFile|evaluateCondition|RenderSession|runEvaluation|Interpreter)\b/;
    const engineImport = /import\s*(type\s*)?\{([^}]*)\}\s*from\s*'[^']*expressions\/[^']*'/g;
    const offenders: string[] = [];
    const walk = (folder: string) => {
      for (const entry of readdirSync(folder, { withFileTypes: true })) {
        const path = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (path !== join(SRC, 'templates', 'expressions')) walk(path);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
          const source = readFileSync(path, 'utf8');
          for (const [, typeOnly, names] of source.matchAll(engineImport)) if (!typeOnly && inProcess.test(names ?? '')) offenders.push(relative(SRC, path));
        }
      }
    };
    walk(SRC);
    expect(offenders).toEqual([]);
  });
});
