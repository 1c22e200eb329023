import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { runGit } from '../../src/git/run-git.js';

const GOOD = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: Double-entry bookkeeping for every sale
spec:
  type: service
  lifecycle: production
  owner: finance
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: finance
spec:
  type: team
  children: []
`;

const BAD = `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: Bad Name
spec:
  type: service
  owner: finance
`;

describe('pave catalog (CLI)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-cli-'));
    await mkdir(join(dir, 'catalog'));
    await writeFile(join(dir, 'catalog', 'good.yaml'), GOOD);
    await writeFile(join(dir, 'catalog', 'bad.yaml'), BAD);
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('validate: ok for good files, exit 1 with file, document, line, field and rule for bad ones', async () => {
    const good = await runCli(['catalog', 'validate', 'catalog/good.yaml'], { cwd: dir });
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('ok: 2 valid entities in 1 file(s)');

    const bad = await runCli(['catalog', 'validate', 'catalog/*.yaml'], { cwd: dir });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/bad\.yaml, document 0, line 4: \/metadata\/name: must match/);
    expect(bad.stdout).toMatch(/bad\.yaml, document 0, line \d+: \/spec\/lifecycle: is required/);

    const json = await runCli(['--json', 'catalog', 'validate', 'catalog/bad.yaml'], { cwd: dir });
    const parsed = JSON.parse(json.stdout) as { valid: boolean; results: Array<{ errors: Array<{ pointer: string; line: number }> }> };
    expect(parsed.valid).toBe(false);
    expect(parsed.results[0]!.errors.map(e => e.pointer)).toContain('/metadata/name');
  });

  it('import, get, list and search against the configured store, with --json', async () => {
    const imported = await runCli(['--json', 'catalog', 'import', 'catalog/*.yaml'], { cwd: dir });
    expect(imported.code).toBe(0);
    const result = JSON.parse(imported.stdout) as { entities: string[]; errors: Array<{ source: string }> };
    expect(result.entities.sort()).toEqual(['component:default/ledger', 'group:default/finance']);
    expect(result.errors.every(e => e.source.endsWith('bad.yaml'))).toBe(true);

    const got = await runCli(['--json', 'catalog', 'get', 'ledger'], { cwd: dir });
    const entity = JSON.parse(got.stdout) as { metadata: { name: string }; relations: Array<{ type: string; targetRef: string }> };
    expect(entity.metadata.name).toBe('ledger');
    expect(entity.relations).toContainEqual(expect.objectContaining({ type: 'ownedBy', targetRef: 'group:default/finance' }));

    const listed = await runCli(['catalog', 'list', '--filter', 'kind=group'], { cwd: dir });
    expect(listed.stdout).toContain('group:default/finance');
    expect(listed.stdout).not.toContain('component:default/ledger');

    const found = await runCli(['--json', 'catalog', 'search', 'bookkeep'], { cwd: dir });
    expect((JSON.parse(found.stdout) as { results: Array<{ entityRef: string }> }).results[0]!.entityRef).toBe('component:default/ledger');
  });

  it('lists by filter predicate, counts facets and traces ancestry through the routes Backstage\'s client calls, one-line error for a bad --query', async () => {
    const listed = await runCli(['--json', 'catalog', 'list', '--query', '{"kind":"Component","spec.lifecycle":{"$in":["production"]}}'], { cwd: dir });
    expect((JSON.parse(listed.stdout) as { items: Array<{ metadata: { name: string } }> }).items.map(e => e.metadata.name)).toEqual(['ledger']);

    const facets = await runCli(['catalog', 'facets', 'kind', 'relations.ownedBy', '--query', '{"kind":"Component"}'], { cwd: dir });
    expect(facets.code).toBe(0);
    expect(facets.stdout).toMatch(/kind\s+Component\s+1/);
    expect(facets.stdout).toMatch(/relations\.ownedBy\s+group:default\/finance\s+1/);

    const ancestry = await runCli(['--json', 'catalog', 'ancestry', 'ledger'], { cwd: dir });
    const { rootEntityRef, items } = JSON.parse(ancestry.stdout) as { rootEntityRef: string; items: Array<{ entity: { kind: string; spec?: { target?: string } }; parentEntityRefs: string[] }> };
    expect(rootEntityRef).toBe('component:default/ledger');
    expect(items.map(item => item.entity.kind)).toEqual(['Component', 'Location']);
    expect(items[1]!.entity.spec?.target).toMatch(/catalog\/\*\.yaml$/);

    const bad = await runCli(['catalog', 'list', '--query', '[1,2]'], { cwd: dir });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--query.*JSON object/);
  });

  it('imports from a git repository by URL, branch and path', async () => {
    const repo = join(dir, 'repo');
    await mkdir(repo);
    await runGit(['init', '-q', '-b', 'trunk'], { cwd: repo });
    await writeFile(join(repo, 'catalog-info.yaml'), GOOD.replace(/ledger/g, 'git-ledger').replace(/finance/g, 'git-finance'));
    await runGit(['add', '.'], { cwd: repo });
    await runGit(['commit', '-q', '-m', 'catalog'], { cwd: repo });
    const imported = await runCli(['--json', 'catalog', 'import', `file://${repo}#trunk:catalog-info.yaml`], { cwd: dir });
    expect(imported.code).toBe(0);
    expect((JSON.parse(imported.stdout) as { entities: string[] }).entities).toContain('component:default/git-ledger');
  });

  it('reports failures in one line and exits non-zero', async () => {
    const missing = await runCli(['catalog', 'get', 'component:nope'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('error: No entity component:default/nope');

    const unreachable = await runCli(['catalog', 'import', 'file:///nonexistent/repo.git'], { cwd: dir });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.split('\n')[0]).toMatch(/^error: .*could not clone file:\/\/\/nonexistent\/repo\.git/);

    const badFilter = await runCli(['catalog', 'list', '--filter', '=x'], { cwd: dir });
    expect(badFilter.code).toBe(1);
    expect(badFilter.stderr).toMatch(/^error: Invalid filter/);

    const badConfig = await runCli(['catalog', 'list'], { cwd: dir, env: { PAVE_PORT: 'seventy' } });
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('/port: must be a whole number');

    const badLimit = await runCli(['catalog', 'list', '--limit', 'abc'], { cwd: dir });
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr.trim()).toBe("error: option '-l, --limit <n>' argument 'abc' is invalid. Use a whole number from 1 to 1000.");
  });

  it('with --json, prints every failure as one RFC 9457 problem object on stderr', async () => {
    const missing = await runCli(['--json', 'catalog', 'get', 'component:nope'], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(JSON.parse(missing.stderr)).toMatchObject({ status: 404, title: 'Not found', detail: 'No entity component:default/nope' });

    const badLimit = await runCli(['--json', 'catalog', 'search', 'ledger', '--limit', '0'], { cwd: dir });
    expect(badLimit.code).toBe(1);
    expect(JSON.parse(badLimit.stderr)).toMatchObject({ status: 400, detail: expect.stringContaining('Use a whole number from 1 to 100') });

    const unknown = await runCli(['--json', 'catalog', 'frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.stderr)).toMatchObject({ status: 400, detail: "unknown command 'frobnicate'" });
  });

  it('validate passes over API definitions and other YAML that is not an entity, and says so', async () => {
    await mkdir(join(dir, 'mixed'));
    await writeFile(join(dir, 'mixed', 'entities.yaml'), GOOD);
    await writeFile(join(dir, 'mixed', 'orders.openapi.yaml'), 'openapi: 3.0.3\ninfo:\n  title: Orders\n  version: 1.0.0\npaths: {}\n');
    await writeFile(join(dir, 'mixed', 'events.asyncapi.yaml'), 'asyncapi: 2.6.0\ninfo:\n  title: Events\n  version: 1.0.0\nchannels: {}\n');
    await writeFile(join(dir, 'mixed', 'values.yaml'), 'replicas: 3\nimage: ledger\n');
    await writeFile(join(dir, 'mixed', 'half.yaml'), 'kind: Component\nmetadata:\n  name: half\n');

    const result = await runCli(['--json', 'catalog', 'validate', 'mixed/*.yaml'], { cwd: dir });
    expect(result.code).toBe(1);
    const parsed = JSON.parse(result.stdout) as { skipped: string[]; results: Array<{ errors: Array<{ source: string }> }> };
    expect(parsed.skipped.map(source => source.split('/').pop()).sort()).toEqual(['events.asyncapi.yaml', 'orders.openapi.yaml', 'values.yaml']);
    // A document with a kind but no apiVersion is an entity with a mistake, not something to pass over.
    expect(new Set(parsed.results[0]!.errors.map(error => error.source.split('/').pop()))).toEqual(new Set(['half.yaml']));

    const human = await runCli(['catalog', 'validate', 'mixed/entities.yaml', 'mixed/*api.yaml'], { cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('ok: 2 valid entities in 1 file(s)');
    expect(human.stdout).toContain('2 file(s) passed over: not entity files (API definitions or other YAML)');
  });
});
