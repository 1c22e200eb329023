import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolvePlaceholders } from './placeholders.js';
import { SourceTree } from './source-tree.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'pave-placeholders-')));
writeFileSync(join(root, 'a.txt'), 'from a file\n');
const context = { file: join(root, 'catalog-info.yaml'), tree: new SourceTree(root, path => `file:${path}`), maxBytes: 1 << 20 };
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolvePlaceholders', () => {
  it('answers a document without placeholders as it is', async () => {
    const value = { kind: 'Component', metadata: { name: 'a', tags: ['x', 'ü'] }, spec: { list: [{ a: null }, 1, true], $text: 'no: a sibling key' } };
    const resolved = await resolvePlaceholders(value, context);
    expect(resolved).toEqual({ value, errors: [], unread: [], found: 0 });
  });

  it('resolves a placeholder however deep, the rest copied', async () => {
    const resolved = await resolvePlaceholders({ spec: { list: [{ nested: { $text: './a.txt' } }], other: 'b' } }, context);
    expect(resolved).toEqual({ value: { spec: { list: [{ nested: 'from a file\n' }], other: 'b' } }, errors: [], unread: [], found: 1 });
  });

  it('copies as it always has what a copy changes: an own __proto__ key, a shared object, a Date', async () => {
    const polluted = JSON.parse('{"spec": {"__proto__": {"x": 1}, "a": 1}}') as { spec: object };
    const { value } = await resolvePlaceholders(polluted, context);
    const spec = (value as { spec: Record<string, unknown> }).spec;
    expect(Object.keys(spec)).toEqual(['a']);
    expect(Object.hasOwn(spec, '__proto__')).toBe(false);

    const shared = { x: [1] };
    const copied = (await resolvePlaceholders({ one: shared, two: shared }, context)).value as { one: object; two: object };
    expect(copied.one).toEqual(shared);
    expect(copied.one).not.toBe(copied.two);

    expect((await resolvePlaceholders({ at: new Date(0) }, context)).value).toEqual({ at: {} });
  });
});
