import { mkdtemp, rm, symlink, mkdir, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { confinePath } from './safe-path.js';
import { isInside } from '../../core/is-inside.js';
import { Workspace } from './workspace.js';
import { Redactor } from './redactor.js';

describe('confinePath', () => {
  it('resolves relative paths inside the root', () => {
    expect(confinePath('/ws', 'a/b/../c.txt', 'p')).toBe('/ws/a/c.txt');
    expect(confinePath('/ws', '.', 'p')).toBe('/ws');
    expect(confinePath('/ws', '..foo', 'p')).toBe('/ws/..foo');
  });

  it.each([
    ['../x', /points outside the workspace/],
    ['a/../../x', /points outside the workspace/],
    ['/etc/passwd', /is absolute/],
    ['C:\\Windows', /is absolute/],
    ['\\\\server\\share', /is absolute/],
    ['file:///etc/passwd', /is a URL/],
    ['a\u0000b', /NUL/],
  ])('refuses %j', (path, message) => {
    expect(() => confinePath('/ws', path, 'input.path')).toThrow(message);
  });

  it('refuses what is not text', () => {
    expect(() => confinePath('/ws', 42, 'input.path')).toThrow(/input.path 42 must be a path/);
  });

  it('isInside is lexical and exact about siblings', () => {
    expect(isInside('/ws', '/ws')).toBe(true);
    expect(isInside('/ws', '/ws/a')).toBe(true);
    expect(isInside('/ws', '/wsx')).toBe(false);
    expect(isInside('/ws', '/')).toBe(false);
  });
});

describe('Workspace', () => {
  let root: string;
  let ws: Workspace;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'pave-ws-'));
    ws = new Workspace(join(root, 'ws'));
    await ws.ensureRoot();
    await mkdir(join(root, 'outside'));
    await symlink(join(root, 'outside'), join(root, 'ws', 'door'));
    await writeFile(join(root, 'outside', 'target.txt'), 'outside');
    await symlink(join(root, 'outside', 'target.txt'), join(root, 'ws', 'file-link'));
  });
  afterAll(async () => rm(root, { recursive: true, force: true }));

  it('writes, reads, renames and lists inside', async () => {
    await ws.writeFile('a/b.txt', 'hello', { executable: true });
    expect((await ws.readFile('a/b.txt')).toString()).toBe('hello');
    await ws.rename('a/b.txt', 'c/d.txt');
    expect(await ws.list('c')).toEqual([{ path: 'c/d.txt', type: 'file', size: 5, executable: true }]);
    expect(await ws.writeFile('c/d.txt', 'again', { overwrite: false })).toBe(false);
  });

  it('never writes or reads through a link, and removes links themselves', async () => {
    await expect(ws.writeFile('door/pwned.txt', 'x')).rejects.toThrow(/door is a symbolic link/);
    await expect(ws.writeFile('file-link', 'x')).rejects.toThrow(/file-link is a symbolic link/);
    await expect(ws.readFile('file-link')).rejects.toThrow(/symbolic link/);
    await expect(ws.mkdir('door/sub')).rejects.toThrow(/symbolic link/);
    await expect(ws.rename('c', 'door/c')).rejects.toThrow(/symbolic link/);
    expect(await ws.remove('door')).toBe(true);
    expect((await lstat(join(root, 'outside', 'target.txt'))).isFile()).toBe(true);
    await expect(ws.remove('.')).rejects.toThrow(/whole workspace/);
  });
});

describe('Redactor', () => {
  it('masks every secret value, encoded forms and URL credentials', () => {
    const redactor = new Redactor({ token: 'abc123', nested: { key: 'p@ss word' }, short: 'ab' });
    expect(redactor.text('token abc123 and p%40ss%20word and ' + Buffer.from('abc123').toString('base64'))).toBe('token *** and *** and ***');
    expect(redactor.text('https://user:pw@host/x.git')).toBe('https://***@host/x.git');
    expect(redactor.text('ab stays')).toBe('ab stays');
    expect(redactor.value({ list: ['abc123'], n: 1 })).toEqual({ list: ['***'], n: 1 });
  });
});
