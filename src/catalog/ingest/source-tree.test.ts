import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileLocationTree, SourceTree } from './source-tree.js';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'pave-tree-')));
const root = join(base, 'root');
const outside = join(base, 'outside');
mkdirSync(join(root, 'sub'), { recursive: true });
mkdirSync(outside);
writeFileSync(join(root, 'sub', 'a.yaml'), 'inside\n');
writeFileSync(join(outside, 'secret.txt'), 'SECRET\n');
symlinkSync(join(outside, 'secret.txt'), join(root, 'link-out.txt'));
symlinkSync('sub/a.yaml', join(root, 'link-in.yaml'));
symlinkSync(outside, join(root, 'dir-out'));
symlinkSync(join(base, 'nowhere'), join(root, 'dangling'));
execFileSync('mkfifo', [join(root, 'fifo')]);
const tree = new SourceTree(root, path => `file:${path}`);

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('SourceTree', () => {
  it('answers the real path of a file inside, through links that stay inside', async () => {
    expect(await tree.locate('sub/a.yaml')).toEqual({ path: join(root, 'sub', 'a.yaml') });
    expect(await tree.locate('link-in.yaml')).toEqual({ path: join(root, 'sub', 'a.yaml') });
    expect(await tree.locate('../a.yaml', join(root, 'sub', 'deeper'))).toEqual({ path: join(root, 'sub', 'a.yaml') });
  });

  it('refuses whatever leads outside: .., absolute paths, links to files and folders', async () => {
    for (const path of ['../outside/secret.txt', join(outside, 'secret.txt'), '/etc/passwd', 'link-out.txt', 'dir-out/secret.txt']) {
      expect(await tree.locate(path), path).toEqual({ refused: 'outside' });
    }
    expect(await tree.locate('sub/missing.yaml')).toEqual({ refused: 'missing' });
    expect(await tree.locate('dangling')).toEqual({ refused: 'missing' });
  });

  it('reads at most maxBytes, checked before reading, and only regular files', async () => {
    const read = await tree.read('sub/a.yaml', { maxBytes: 100 });
    expect('content' in read && read.content.toString()).toBe('inside\n');
    expect(await tree.read('sub/a.yaml', { maxBytes: 3 })).toEqual({ refused: 'too-large', size: 7 });
    expect(await tree.read('link-out.txt', { maxBytes: 100 })).toEqual({ refused: 'outside' });
    expect(await tree.read('fifo', { maxBytes: 100 })).toEqual({ refused: 'not-a-file' });
    expect(await tree.read('sub', { maxBytes: 100 })).toEqual({ refused: 'not-a-file' });
  });

  it('roots a file location at its allowed root, or at its own folder when none are configured', () => {
    expect(fileLocationTree(join(root, 'sub', '*.yaml'), [])?.root).toBe(join(root, 'sub'));
    expect(fileLocationTree(join(root, 'sub', 'a.yaml'), [base])?.root).toBe(base);
    expect(fileLocationTree('/etc/passwd', [base])).toBeUndefined();
  });
});
