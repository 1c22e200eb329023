/**
 * The sandbox cannot be escaped: expression payloads in templates, skeletons and parameter values;
 * path traversal through every path input; symbolic-link attacks in skeletons; secrets kept out of
 * logs and outputs. Each attack is refused with an error that names what was refused.
 */
import { existsSync, lstatSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from '@sinclair/typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defineAction } from '../../src/templates/actions/action.js';
import type { DryRunResult } from '../../src/templates/scaffolder-service.js';
import { TESTER, openTestApp, registerTemplate, waitForTask, writeTree, type TestApp, type TreeEntry } from './support.js';

interface StepSpec {
  id?: string;
  name?: string;
  action: string;
  input?: Record<string, unknown>;
  if?: string;
}

function template(name: string, steps: StepSpec[], extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: { name },
    spec: {
      type: 'service',
      parameters: { properties: { p: { type: 'string' }, name: { type: 'string' } } },
      steps: steps.map((s, i) => ({ id: s.id ?? `s${i}`, name: s.name ?? `step ${i}`, ...s })),
      ...extra,
    },
  };
}

const files = (tree: Record<string, string>) => Object.entries(tree).map(([path, content]) => ({ path, base64Content: Buffer.from(content).toString('base64') }));

describe('golden-path security', () => {
  let pave: TestApp;
  let outside: string;

  beforeAll(async () => {
    pave = await openTestApp();
    // A folder next to everything, holding a secret file an attacker would like to read.
    outside = await mkdtemp(join(tmpdir(), 'pave-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'TOP-SECRET-CONTENT');
    pave.app.templates.actions.register(
      defineAction({
        id: 'test:echo',
        description: 'outputs its input',
        effect: 'none',
        input: Type.Object({ value: Type.Optional(Type.Unknown()) }),
        async handler(ctx) {
          ctx.output('value', ctx.input.value);
        },
      }),
    );
  });
  afterAll(async () => {
    await pave?.close();
    await rm(outside, { recursive: true, force: true });
  });

  const dryRun = (raw: unknown, values: Record<string, unknown> = {}, tree: Record<string, string> = { 'skeleton/README.md': 'hello ${{ values.name }}' }) =>
    pave.app.templates.dryRun({ template: raw, values, directoryContents: files(tree) });

  const failure = (result: DryRunResult) => `${result.error?.detail ?? ''} ${JSON.stringify(result.error?.errors ?? [])}`;

  describe('expression payloads', () => {
    const refusedAtCheck = [
      ["${{ ''.constructor.constructor('return process')() }}", /not supported|cannot|call/i],
      ["${{ parameters.constructor.constructor('return this')() }}", /not supported|cannot|call/i],
      ["${{ range.constructor('return process')() }}", /not supported|cannot|call|range/i],
      ["${{ parameters.p.toString.call(process) }}", /not supported|cannot|call/i],
      ["{% include '/etc/passwd' %}", /include.*not supported/i],
      ["{% import 'fs' as fs %}", /import.*not supported/i],
      ['${{ parameters.p | safe | eval }}', /unknown filter "eval"/],
      // Catastrophic patterns like (a+)+$ are harmless under RE2; what RE2 cannot match in linear time is refused.
      ['${{ r/(a)\\1/.test(parameters.p) }}', /regular expression .*back-reference/i],
    ] as const;

    it.each(refusedAtCheck)('%s is a template problem when the template is read, and nothing runs', async (payload, message) => {
      const raw = template('escape', [{ action: 'debug:log', input: { message: payload } }]);
      const reading = pave.app.templates.checkTemplate(raw);
      expect(reading.problems.length).toBeGreaterThan(0);
      expect(reading.problems[0]!.pointer).toBe('/spec/steps/0/input/message');
      expect(reading.problems.map(p => p.detail).join(' ')).toMatch(message);
      await expect(dryRun(raw, { p: 'x' })).rejects.toMatchObject({ status: 422, problem: { errors: expect.arrayContaining([expect.objectContaining({ pointer: '/spec/steps/0/input/message' })]) } });
    });

    const harmlessAtRun = [
      '${{ parameters.__proto__ }}',
      '${{ parameters.constructor }}',
      '${{ process.env }}',
      '${{ this }}',
      "${{ parameters['__proto__']['polluted'] }}",
      '${{ global }}',
      '${{ parameters.p is callable }}',
    ];

    it.each(harmlessAtRun)('%s reads nothing outside the data it is given', async payload => {
      const result = await dryRun(template('probe', [{ id: 'echo', action: 'test:echo', input: { value: payload } }]), { p: 'x' });
      expect(result.status).toBe('completed');
      const value = result.steps[0]!.output?.value;
      expect(value === undefined || value === '' || value === null || value === false).toBe(true);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('loops and huge ranges stop at the engine limits with a clear error', async () => {
      const result = await dryRun(template('dos', [{ action: 'debug:log', input: { message: '{% for i in range(9999) %}{% for j in range(9999) %}x{% endfor %}{% endfor %}' } }]));
      expect(result.status).toBe('failed');
      expect(failure(result)).toMatch(/limit/i);
    });

    it('payloads in skeleton files fail the fetch step with the file named; nothing leaks', async () => {
      const result = await dryRun(template('skeleton-escape', [{ action: 'fetch:template', input: { url: './skeleton', values: { name: 'x' } } }]), {}, {
        'skeleton/ok.txt': '${{ values.name }}',
        'skeleton/evil.txt': "${{ values.constructor.constructor('return process.env')() }}",
      });
      expect(result.status).toBe('failed');
      expect(failure(result)).toMatch(/evil\.txt/);
      expect(JSON.stringify(result)).not.toMatch(/PATH|HOME=/);
    });

    it('parameter values are data: an expression typed into a form is never evaluated', async () => {
      const raw = template('double-render', [
        { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
        { id: 'echo', action: 'test:echo', input: { value: 'hello ${{ parameters.name }}' } },
      ]);
      const hostile = '${{ secrets.token }}{% for i in range(3) %}x{% endfor %}';
      const result = await pave.app.templates.dryRun({
        template: raw,
        values: { name: hostile },
        secrets: { token: 'never-shown-9876' },
        directoryContents: files({ 'skeleton/README.md': 'name: ${{ values.name }}' }),
      });
      expect(result.status).toBe('completed');
      expect(result.steps[1]!.output?.value).toBe(`hello ${hostile}`);
      expect(Buffer.from(result.directoryContents[0]!.base64Content, 'base64').toString()).toBe(`name: ${hostile}`);
      expect(JSON.stringify(result)).not.toContain('never-shown-9876');
    });
  });

  describe('path traversal in every path input', () => {
    // Every hostile path arrives as a form value, as it would from a user.
    const cases: Array<[string, StepSpec, string, RegExp]> = [
      ['fetch:template url (climbing out)', { action: 'fetch:template', input: { url: '${{ parameters.p }}' } }, '../../../../../etc', /input\.url .* points outside the template's folder/],
      ['fetch:template url (absolute)', { action: 'fetch:template', input: { url: '${{ parameters.p }}' } }, '/etc', /input\.url .* is absolute/],
      ['fetch:template url (remote, not on the reading allow-list)', { action: 'fetch:template', input: { url: '${{ parameters.p }}' } }, 'https://evil.example/skeleton', /input\.url .* is not on the reading allow-list/],
      ['fetch:template url (other scheme)', { action: 'fetch:template', input: { url: '${{ parameters.p }}' } }, 'file:///etc', /input\.url .* is a URL of a scheme Pave does not fetch/],
      ['fetch:template targetPath', { action: 'fetch:template', input: { url: './skeleton', targetPath: '${{ parameters.p }}' } }, '../../pwned', /input\.targetPath .* points outside the workspace/],
      ['fetch:template targetPath (absolute)', { action: 'fetch:template', input: { url: './skeleton', targetPath: '${{ parameters.p }}' } }, '/tmp/pwned', /input\.targetPath .* is absolute/],
      ['fetch:template rendered file name', { action: 'fetch:template', input: { url: './named', values: { name: '${{ parameters.p }}' } } }, '../../pwned', /\$\{\{ values\.name \}\}.* points outside the workspace/],
      ['fetch:plain url', { action: 'fetch:plain', input: { url: '${{ parameters.p }}' } }, '../../../..', /input\.url .* points outside the template's folder/],
      ['fetch:plain targetPath', { action: 'fetch:plain', input: { url: './skeleton', targetPath: '${{ parameters.p }}' } }, '../pwned', /input\.targetPath .* points outside the workspace/],
      ['fetch:plain:file url', { action: 'fetch:plain:file', input: { url: '${{ parameters.p }}', targetPath: 'x' } }, '../../../../etc/hostname', /input\.url .* points outside the template's folder/],
      ['fetch:plain:file targetPath', { action: 'fetch:plain:file', input: { url: './skeleton/README.md', targetPath: '${{ parameters.p }}' } }, '../../pwned.txt', /input\.targetPath .* points outside the workspace/],
      ['fetch:template:file targetPath', { action: 'fetch:template:file', input: { url: './skeleton/README.md', targetPath: '${{ parameters.p }}' } }, 'a/../../../pwned.txt', /input\.targetPath .* points outside the workspace/],
      ['fs:rename from', { action: 'fs:rename', input: { files: [{ from: '${{ parameters.p }}', to: 'x' }] } }, '../../../etc/hostname', /input\.files\[0\]\.from .* points outside the workspace/],
      ['fs:rename to', { action: 'fs:rename', input: { files: [{ from: 'README.md', to: '${{ parameters.p }}' }] } }, '../pwned', /input\.files\[0\]\.to .* points outside the workspace/],
      ['fs:delete (relative)', { action: 'fs:delete', input: { files: ['${{ parameters.p }}'] } }, '../*', /input\.files\[0\] .* points outside the workspace/],
      ['fs:delete (absolute)', { action: 'fs:delete', input: { files: ['${{ parameters.p }}'] } }, '/etc/hostname', /input\.files\[0\] .* is absolute/],
      ['fs:delete (glob climbing out)', { action: 'fs:delete', input: { files: ['${{ parameters.p }}'] } }, '**/../../../*', /input\.files\[0\] .* points outside the workspace/],
      ['catalog:write filePath', { action: 'catalog:write', input: { filePath: '${{ parameters.p }}', entity: { kind: 'Component' } } }, '../../pwned.yaml', /input\.filePath .* points outside the workspace/],
      ['publish:git sourcePath', { action: 'publish:git', input: { repoUrl: 'local?owner=acme&repo=x', sourcePath: '${{ parameters.p }}' } }, '../', /input\.sourcePath .* points outside the workspace/],
      ['publish:git repoUrl (path outside)', { action: 'publish:git', input: { repoUrl: '${{ parameters.p }}' } }, '/tmp/pwned.git', /publish:git writes local repositories only inside/],
      ['publish:git repoUrl (file URL outside)', { action: 'publish:git', input: { repoUrl: '${{ parameters.p }}' } }, 'file:///etc/pwned.git', /publish:git writes local repositories only inside/],
      ['publish:git repoUrl (owner climbing out)', { action: 'publish:git', input: { repoUrl: '${{ parameters.p }}' } }, 'local?owner=..&repo=pwned', /owner "\.\." must be letters/],
      ['publish:git repoUrl (ext transport)', { action: 'publish:git', input: { repoUrl: '${{ parameters.p }}' } }, 'ext::sh -c touch% /tmp/pwned', /is not a repository/],
      ['NUL byte', { action: 'catalog:write', input: { filePath: '${{ parameters.p }}', entity: {} } }, 'a\u0000b', /contains a NUL character/],
    ];

    it.each(cases)('%s is refused with an error naming the input', async (_name, step, hostile, message) => {
      const tree = { 'skeleton/README.md': 'hello', 'named/${{ values.name }}': 'pwned' };
      const result = await dryRun(template('traversal', [{ action: 'fetch:plain', input: { url: './skeleton' } }, step]), { p: hostile }, tree);
      expect(result.status, JSON.stringify(result.log)).toBe('failed');
      expect(failure(result)).toMatch(message);
      expect(result.error?.errors?.[0]?.pointer).toMatch(/^\/spec\/steps\/1/);
    });

    it('a real task refused for traversal wrote nothing outside its workspace', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pave-traversal-'));
      await writeTree(dir, { 'template.yaml': stringify(template('real-traversal', [{ action: 'catalog:write', input: { filePath: '${{ parameters.p }}', entity: { kind: 'Component' } } }])) });
      const ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values: { p: '../../../pwned.yaml' } }, TESTER);
      const task = await waitForTask(pave.app, id);
      expect(task.status).toBe('failed');
      expect(task.error?.detail).toMatch(/input\.filePath "\.\.\/\.\.\/\.\.\/pwned\.yaml" points outside the workspace/);
      const everywhere = async (root: string): Promise<string[]> =>
        (await readdir(root, { recursive: true })).filter(p => String(p).includes('pwned')).map(String);
      expect(await everywhere(pave.dataDir)).toEqual([]);
      await rm(dir, { recursive: true, force: true });
    });

    it('dry-run files sent with a template cannot be placed outside', async () => {
      await expect(
        pave.app.templates.dryRun({ template: template('upload', [{ action: 'debug:log', input: { message: 'x' } }]), directoryContents: files({ '../../pwned': 'x' }) }),
      ).rejects.toMatchObject({ status: 422, message: expect.stringMatching(/directoryContents\[0\]\.path "\.\.\/\.\.\/pwned" points outside/) });
    });
  });

  describe('symbolic links in skeletons', () => {
    let root: string;
    let ref: string;
    const linked = (name: string, tree: Record<string, TreeEntry>) => ({ name, tree });
    const attacks = () => [
      linked('absolute', { 'skel/passwd': { link: '/etc/passwd' } }),
      linked('relative-escape', { 'skel/secret': { link: `../../../../../../../../${outside.slice(1)}/secret.txt` } }),
      linked('chain-out', { 'skel/a': { link: 'b' }, 'skel/b': { link: 'c' }, 'skel/c': { link: `../../../../../../../..${outside}/secret.txt` } }),
      linked('dangling', { 'skel/missing': { link: 'no-such-file.txt' } }),
      linked('loop', { 'skel/x': { link: 'y' }, 'skel/y': { link: 'x' } }),
      linked('folder-out', { 'skel/etc': { link: '/etc' } }),
      linked('folder-in', { 'skel/inner/file.txt': 'x', 'skel/alias': { link: 'inner' } }),
    ];
    const expected: Record<string, RegExp> = {
      absolute: /passwd is a symbolic link to the absolute path \/etc\/passwd; refused/,
      'relative-escape': /secret is a symbolic link to .*, outside the fetched folder; refused/,
      'chain-out': /a is a symbolic link to .*outside the fetched folder; refused/,
      dangling: /missing is a symbolic link whose target .* does not exist \(dangling\); refused/,
      loop: /x is a symbolic link in a chain of more than \d+ links \(or a loop\); refused/,
      'folder-out': /etc is a symbolic link to the absolute path \/etc; refused/,
      'folder-in': /alias is a symbolic link to a folder .*; refused/,
    };

    beforeAll(async () => {
      root = await mkdtemp(join(tmpdir(), 'pave-links-'));
      const tree: Record<string, TreeEntry> = {};
      for (const attack of attacks()) for (const [path, entry] of Object.entries(attack.tree)) tree[`${attack.name}/${path}`] = entry;
      await writeTree(root, {
        ...tree,
        'inside/skel/real.txt': 'the real file ${{ values.who }}',
        'inside/skel/alias.txt': { link: 'hop.txt' },
        'inside/skel/hop.txt': { link: 'real.txt' },
        'evil-url': { link: outside },
        'template.yaml': stringify({
          ...template('links', [
            { id: 'fetch', action: 'fetch:template', input: { url: '${{ parameters.p }}', values: { who: 'me' } } },
            { id: 'plain', action: 'fetch:plain', input: { url: '${{ parameters.p }}', targetPath: 'plain' } },
            { id: 'list', action: 'debug:log', input: { listWorkspace: true } },
          ]),
        }),
      });
      ref = await registerTemplate(pave.app, join(root, 'template.yaml'));
    });
    afterAll(async () => rm(root, { recursive: true, force: true }));

    it.each(['absolute', 'relative-escape', 'chain-out', 'dangling', 'loop', 'folder-out', 'folder-in'])('%s: refused by fetch:template and by fetch:plain', async name => {
      const result = await pave.app.templates.dryRun({ templateRef: ref, values: { p: `./${name}/skel` } });
      expect(result.status).toBe('failed');
      expect(failure(result)).toMatch(expected[name]!);
      expect(JSON.stringify(result)).not.toContain('TOP-SECRET-CONTENT');
      // fetch:plain meets the same link.
      const plain = await pave.app.templates.dryRun({
        template: template('plain-only', [{ action: 'fetch:plain', input: { url: '${{ parameters.p }}' } }]),
        values: { p: 'x' },
        directoryContents: [],
      });
      expect(plain.status).toBe('failed');
    });

    it('fetch:plain refuses the same links from a registered template', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pave-links-plain-'));
      await writeTree(dir, { 'skel/passwd': { link: '/etc/passwd' }, 'template.yaml': stringify(template('plain-links', [{ action: 'fetch:plain', input: { url: './skel' } }])) });
      const plainRef = await registerTemplate(pave.app, join(dir, 'template.yaml'));
      const result = await pave.app.templates.dryRun({ templateRef: plainRef, values: {} });
      expect(failure(result)).toMatch(/passwd is a symbolic link to the absolute path \/etc\/passwd; refused/);
      await rm(dir, { recursive: true, force: true });
    });

    it('a fetch url that is itself a link out of the template folder is refused', async () => {
      const result = await pave.app.templates.dryRun({ templateRef: ref, values: { p: './evil-url' } });
      expect(result.status).toBe('failed');
      expect(failure(result)).toMatch(/input\.url "\.\/evil-url" leads outside the template's folder through a symbolic link/);
    });

    it('links that stay inside and end at a file (chains too) are copied as plain files, rendered', async () => {
      const result = await pave.app.templates.dryRun({ templateRef: ref, values: { p: './inside/skel' } });
      expect(result.status, failure(result)).toBe('completed');
      const content = Object.fromEntries(result.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString()]));
      expect(content['alias.txt']).toBe('the real file me');
      expect(content['hop.txt']).toBe('the real file me');
      expect(content['plain/alias.txt']).toBe('the real file ${{ values.who }}');
    });

    it('a real task leaves no symbolic link in the workspace it publishes', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pave-links-publish-'));
      await writeTree(dir, {
        'skel/real.txt': 'real',
        'skel/alias.txt': { link: 'real.txt' },
        'template.yaml': stringify(template('links-publish', [
          { id: 'fetch', action: 'fetch:template', input: { url: './skel' } },
          { id: 'publish', action: 'publish:git', input: { repoUrl: 'local?owner=security&repo=links' } },
        ])),
      });
      const linksRef = await registerTemplate(pave.app, join(dir, 'template.yaml'));
      const task = await waitForTask(pave.app, (await pave.app.templates.createTask({ templateRef: linksRef, values: {} }, TESTER)).id);
      expect(task.status).toBe('completed');
      const { runGit } = await import('../../src/git/run-git.js');
      const tree = (await runGit(['--git-dir', join(pave.dataDir, 'git', 'security', 'links.git'), 'ls-tree', '-r', 'main'])).stdout;
      expect(tree).toMatch(/^100644 blob \S+\talias\.txt$/m);
      expect(tree).not.toMatch(/^120000/m);
      await rm(dir, { recursive: true, force: true });
    });
  });

  describe('secrets', () => {
    it('are redacted from logs, step outputs, the task output and errors, and dropped when the task ends', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pave-secrets-'));
      await writeTree(dir, {
        'template.yaml': stringify(
          template(
            'secretive',
            [
              { id: 'log', action: 'debug:log', input: { message: 'the token is ${{ secrets.token }}' } },
              { id: 'echo', action: 'test:echo', input: { value: { auth: 'Bearer ${{ secrets.token }}' } } },
              { id: 'url', action: 'debug:log', input: { message: 'cloning https://bot:${{ secrets.token }}@git.example/r.git' } },
            ],
            { output: { text: [{ title: 'token', content: 'it was ${{ secrets.token }}' }], auth: '${{ steps.echo.output.value.auth }}' } },
          ),
        ),
      });
      const ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
      const secret = 'sup3r-s3cret-token';
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values: {}, secrets: { token: secret } }, TESTER);
      const task = await waitForTask(pave.app, id);
      expect(task.status).toBe('completed');
      const everything = JSON.stringify({ task, events: await pave.app.templates.events(id) });
      expect(everything).not.toContain(secret);
      expect(everything).toContain('the token is ***');
      expect(task.output?.text?.[0]?.content).toBe('it was ***');
      expect(task.output?.auth).toBe('Bearer ***');
      expect(task.steps[1]!.output).toEqual({ value: { auth: 'Bearer ***' } });
      const row = await pave.app.store.db.selectFrom('scaffolder_tasks').select(['secrets']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(row.secrets).toBeNull();
      const steps = await pave.app.store.db.selectFrom('scaffolder_task_steps').select('output').where('task_id', '=', id).execute();
      expect(JSON.stringify(steps)).not.toContain(secret);
      await rm(dir, { recursive: true, force: true });
    });

    it('transformed by an expression, are masked in stored step outputs while the task runs and after it ends', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'pave-derived-'));
      await writeTree(dir, {
        'template.yaml': stringify(
          template('derived', [
            { id: 'shout', action: 'test:echo', input: { value: '${{ secrets.token | upper }}' } },
            { id: 'again', action: 'test:echo', input: { value: '${{ steps.shout.output.value | reverse }}' } },
            { id: 'wait', action: 'debug:wait', input: { seconds: 60 } },
          ]),
        ),
      });
      const ref = await registerTemplate(pave.app, join(dir, 'template.yaml'));
      const secret = 'quiet-s3cret-value';
      const shouted = secret.toUpperCase();
      const reversed = [...shouted].reverse().join('');
      const { id } = await pave.app.templates.createTask({ templateRef: ref, values: {}, secrets: { token: secret } }, TESTER);
      for (;;) {
        if ((await pave.app.templates.tasks.steps(id))[2]?.status === 'processing') break;
        await new Promise(resolve => setTimeout(resolve, 20));
      }
      // Stored raw while the task may resume; every view masks what was derived.
      const running = await pave.app.templates.getTask(id);
      expect(running.steps.slice(0, 2).map(s => s.output)).toEqual([{ value: '***' }, { value: '***' }]);
      const row = await pave.app.store.db.selectFrom('scaffolder_tasks').select('derived_secrets').where('id', '=', id).executeTakeFirstOrThrow();
      expect(JSON.parse(row.derived_secrets ?? '[]')).toEqual(expect.arrayContaining([shouted, reversed]));
      await pave.app.templates.cancel(id, TESTER);
      const ended = await waitForTask(pave.app, id);
      expect(ended.status).toBe('cancelled');
      const stored = await pave.app.store.db.selectFrom('scaffolder_task_steps').select('output').where('task_id', '=', id).execute();
      const everything = JSON.stringify({ ended, stored, events: await pave.app.templates.events(id) });
      for (const form of [secret, shouted, reversed]) expect(everything).not.toContain(form);
      const after = await pave.app.store.db.selectFrom('scaffolder_tasks').select(['secrets', 'derived_secrets']).where('id', '=', id).executeTakeFirstOrThrow();
      expect(after).toEqual({ secrets: null, derived_secrets: null });
      await rm(dir, { recursive: true, force: true });
    });
  });

  it('nothing above wrote outside the test folders', () => {
    for (const path of ['/tmp/pwned', '/tmp/pwned.git', '/etc/pwned.git', '/tmp/pwned.txt']) expect(existsSync(path)).toBe(false);
    expect(lstatSync(join(outside, 'secret.txt')).isFile()).toBe(true);
  });
});
