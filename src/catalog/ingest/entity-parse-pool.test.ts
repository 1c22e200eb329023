import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EntityParsePool } from './entity-parse-pool.js';
import { readLocation, type ReadLocationOptions } from './read-location.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'pave-parse-pool-')));
const component = (name: string, extra = '') => `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ${name}\n${extra}spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n`;

/** A location of many files (so the workers parse them): good ones, a syntax error, an invalid entity, a duplicate, a nested Location. */
const many = join(base, 'many');
mkdirSync(join(many, 'nested'), { recursive: true });
for (let i = 0; i < 20; i++) writeFileSync(join(many, `c${String(i).padStart(2, '0')}.yaml`), `${component(`svc-${i}-a`)}---\n${component(`svc-${i}-b`)}`);
writeFileSync(join(many, 'c05.yaml'), `${component('five')}---\nkind: Component\nmetadata:\n  name: broken\n  bad: [unclosed\n`);
writeFileSync(join(many, 'c06.yaml'), component('six').replace('lifecycle: production', 'lifecycle: 7'));
writeFileSync(join(many, 'c07.yaml'), component('svc-1-a'));
writeFileSync(join(many, 'c08.yaml'), 'apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: more\nspec:\n  targets:\n    - ./nested/*.yaml\n    - ./missing.yaml\n');
writeFileSync(join(many, 'nested', 'n.yaml'), component('nested-one'));

/** A location of more than 1 MiB of YAML, after whose read the workers end at once. */
const large = join(base, 'large');
mkdirSync(large);
for (let f = 0; f < 4; f++) writeFileSync(join(large, `l${f}.yaml`), Array.from({ length: 1_200 }, (_, i) => component(`large-${f}-${i}`, `  description: ${'word '.repeat(30)}\n`)).join('---\n'));

/** One file big enough that parsing it exceeds a small worker heap. */
const big = join(base, 'big');
mkdirSync(big);
writeFileSync(join(big, 'all.yaml'), Array.from({ length: 40_000 }, (_, i) => component(`big-${i}`, `  description: ${'word '.repeat(20)}\n`)).join('---\n'));

const options: ReadLocationOptions = { allowedRoots: [base], maxDocumentBytes: 1 << 20, maxFileBytes: 64 << 20 };
const pools: EntityParsePool[] = [];
afterAll(async () => {
  await Promise.all(pools.map(pool => pool.close()));
  rmSync(base, { recursive: true, force: true });
});
const pool = (...args: ConstructorParameters<typeof EntityParsePool>) => {
  const made = new EntityParsePool(...args);
  pools.push(made);
  return made;
};

describe('parsing in worker threads', () => {
  it('reads a location exactly as parsing on the main thread does: entities, problems and their lines', async () => {
    const here = await readLocation({ type: 'file', target: join(many, '*.yaml') }, options);
    const workers = pool({ size: 2 });
    const there = await readLocation({ type: 'file', target: join(many, '*.yaml') }, { ...options, parser: workers });
    expect(workers.workersStarted).toBeGreaterThan(0);
    expect(there).toEqual(here);
    expect(there.entities.map(entity => entity.entity.metadata.name)).toContain('nested-one');
    expect(there.errors.map(error => [error.source?.split('/').pop(), error.rule, error.line])).toEqual(
      expect.arrayContaining([
        ['c05.yaml', 'yaml', expect.any(Number)],
        ['c06.yaml', expect.any(String), 7],
        ['c07.yaml', 'duplicate', 4],
        ['c08.yaml', 'not-found', 8],
      ]),
    );
  });

  it('fails the read with a clear problem when a worker runs out of memory, and the next read starts a new worker', async () => {
    const small = pool({ size: 1, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 } });
    const failed = await readLocation({ type: 'file', target: join(big, 'all.yaml') }, { ...options, parser: small });
    expect(failed).toMatchObject({ entities: [], files: 0, kept: [], skippable: [] });
    expect(failed.errors).toEqual([
      {
        pointer: '',
        rule: 'parse-worker',
        source: expect.stringContaining('all.yaml'),
        detail: expect.stringContaining('the parsing worker stopped (it ran out of memory)'),
      },
    ]);
    const next = await readLocation({ type: 'file', target: join(many, '*.yaml') }, { ...options, parser: small });
    expect(next.entities.length).toBeGreaterThan(30);
    expect(small.workersStarted).toBe(2);
  });

  it('gives a file up at its deadline: the read fails with a clear problem, and the worker is ended', async () => {
    // A deadline of 0 passes before any worker can have started, let alone parsed ~10 MB.
    const hasty = pool({ size: 1, fileDeadlineMs: 0 });
    const failed = await readLocation({ type: 'file', target: join(big, 'all.yaml') }, { ...options, parser: hasty });
    expect(failed).toMatchObject({ entities: [], files: 0 });
    expect(failed.errors).toEqual([
      { pointer: '', rule: 'parse-worker', source: expect.stringContaining('all.yaml'), detail: expect.stringContaining('the parsing worker stopped (it took longer than 0 s)') },
    ]);
    expect(hasty.workersRunning).toBe(0);
  });
});

describe('idle parse workers', () => {
  it('end once idle for the idle time, and the next read starts a new one', async () => {
    const brief = pool({ size: 1, idleMs: 50 });
    const first = await readLocation({ type: 'file', target: join(many, '*.yaml') }, { ...options, parser: brief });
    expect(brief.workersStarted).toBe(1);
    expect(brief.workersRunning).toBe(1);
    await new Promise(resolve => setTimeout(resolve, 1_000));
    expect(brief.workersRunning).toBe(0);
    const second = await readLocation({ type: 'file', target: join(many, '*.yaml') }, { ...options, parser: brief });
    expect(second).toEqual(first);
    expect(brief.workersStarted).toBe(2);
  });

  it('end as soon as a read that handed them 1 MiB or more is done (its write comes next), and the next read starts a new one', async () => {
    const ended = pool({ size: 1, idleMs: 60_000 });
    const first = await readLocation({ type: 'file', target: join(large, '*.yaml') }, { ...options, parser: ended });
    expect(first.entities).toHaveLength(4_800);
    expect(ended.workersRunning).toBe(0);
    const second = await readLocation({ type: 'file', target: join(large, '*.yaml') }, { ...options, parser: ended });
    expect(second).toEqual(first);
    expect(ended.workersStarted).toBe(2);
  });

  it('are kept while files keep coming', async () => {
    const kept = pool({ size: 1, idleMs: 60_000 });
    await readLocation({ type: 'file', target: join(many, '*.yaml') }, { ...options, parser: kept });
    await readLocation({ type: 'file', target: join(many, '*.yaml') }, { ...options, parser: kept });
    expect(kept.workersStarted).toBe(1);
    expect(kept.workersRunning).toBe(1);
  });
});
