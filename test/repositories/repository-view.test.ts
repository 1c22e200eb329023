/**
 * The repository view over real HTTP: a Pave with auth on (default policy) hosting real git
 * repositories under `<dataDir>/git`, read through /api/repositories as a signed-in user: list,
 * summary, folders, files at branches, tags and commits; and everything a caller could send to
 * escape the repository (options as refs, .. in paths, linked folders) answered with a problem.
 */
import { mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGit } from '../../src/git/run-git.js';
import { MAX_BLOB_BYTES } from '../../src/repositories/repository-browser.js';
import type { BlobView, CommitDetail, RepositoryListItem, RepositorySummary, TreeView } from '../../src/repositories/repository-views.js';
import { bearer, startAuthPave, tokenFor } from '../auth/support.js';
import { makeHostedRepository } from './support.js';

const pave = await startAuthPave();
const root = pave.app.repositories.root;
const token = await tokenFor(pave.app, 'user:default/bob');
const shop = await makeHostedRepository(
  root,
  'acme',
  'shop',
  [
    { message: 'Start the shop', files: { 'README.md': '# Shop\n\nSells **oat milk**.\n', 'src/index.ts': 'export const shop = 1;\n' } },
    {
      message: 'Add docs, a picture and a link',
      files: {
        'docs/README.md': '# Docs\n',
        'docs/guide.md': 'How to shop\n',
        'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d]),
        'passwd': { link: '../../../../etc/passwd' },
        'big.txt': 'x'.repeat(MAX_BLOB_BYTES + 1),
      },
    },
  ],
  'The grocery shop',
);
await shop.commit('Try a new checkout', { 'src/checkout.ts': 'export const checkout = 2;\n' }, 'feature/checkout');
await makeHostedRepository(root, 'acme', 'empty', []);
// HEAD names a commit instead of a branch (git checkout --detach in a bare repository).
const detached = await makeHostedRepository(root, 'acme', 'detached', [{ message: 'Pinned', files: { 'README.md': '# Pinned\n' } }]);
await runGit(['--git-dir', detached.dir, 'update-ref', '--no-deref', 'HEAD', detached.commits[0]!]);
// A linked folder that leads out of the root is never a repository, whatever it points at.
const outside = await makeHostedRepository(join(pave.app.config.dataDir, 'elsewhere'), 'evil', 'secret', [{ message: 'Secret', files: { 'key.txt': 'secret\n' } }]);
await mkdir(join(root, 'evil'), { recursive: true });
await symlink(outside.dir, join(root, 'evil', 'secret.git'));
await symlink(join(pave.app.config.dataDir, 'elsewhere', 'evil'), join(root, 'linked'));

afterAll(() => pave.close());

async function get<T>(path: string, options: { token?: string } = { token }): Promise<{ status: number; body: T; contentType: string | null }> {
  const response = await fetch(`${pave.url}${path}`, { headers: options.token ? bearer(options.token) : {} });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, contentType: response.headers.get('content-type') };
}

describe('repository view', () => {
  it('lists the hosted repositories with description, default branch, latest commit and URLs', async () => {
    const { status, body } = await get<{ items: RepositoryListItem[] }>('/api/repositories');
    expect(status).toBe(200);
    expect(body.items.map(item => item.name)).toEqual(['acme/detached', 'acme/empty', 'acme/shop']);
    const item = body.items[2]!;
    expect(item).toMatchObject({ owner: 'acme', repo: 'shop', description: 'The grocery shop', defaultBranch: 'main' });
    expect(item.lastCommit).toMatchObject({ id: shop.commits[1], subject: 'Add docs, a picture and a link', author: 'Ada Lovelace', authorEmail: 'ada@example.test' });
    // No file:// URL for bob: it tells where the server keeps its data (admins get it; see repository-access.test.ts).
    expect(item.urls).toEqual({ page: `${pave.url}/repositories/acme/shop`, httpClone: `${pave.url}/git/acme/shop.git` });
    expect(body.items[1]).not.toHaveProperty('lastCommit');
    expect(body.items[0]).not.toHaveProperty('defaultBranch');
    expect(body.items[0]!.lastCommit).toMatchObject({ id: detached.commits[0], subject: 'Pinned' });
  });

  it('summarises a repository: branches, tags, latest commits, root folder (folders first) and README', async () => {
    const { status, body } = await get<RepositorySummary>('/api/repositories/acme/shop');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'acme/shop', ref: 'main', commit: shop.commits[1], branches: ['feature/checkout', 'main'], tags: [] });
    expect(body.commits.map(c => c.id)).toEqual([shop.commits[1], shop.commits[0]]);
    expect(body.commits[1]!.date).toBe('2025-01-01T01:00:00.000Z');
    expect(body.tree!.entries.map(e => [e.name, e.type])).toEqual([
      ['docs', 'tree'],
      ['src', 'tree'],
      ['big.txt', 'blob'],
      ['logo.png', 'blob'],
      ['passwd', 'symlink'],
      ['README.md', 'blob'],
    ]);
    expect(body.tree!.readme).toEqual({ path: 'README.md', markdown: '# Shop\n\nSells **oat milk**.\n', truncated: false });
    // `.git` in a URL names the same repository, as git clients write it.
    expect((await get<RepositorySummary>('/api/repositories/acme/shop.git')).body.commit).toBe(shop.commits[1]);
  });

  it('shows another branch, or a commit, when asked', async () => {
    const branch = await get<RepositorySummary>('/api/repositories/acme/shop?ref=feature/checkout');
    expect(branch.body.commits.map(c => c.subject)).toEqual(['Try a new checkout', 'Add docs, a picture and a link', 'Start the shop']);
    const first = await get<TreeView>(`/api/repositories/acme/shop/tree?ref=${shop.commits[0]}`);
    expect(first.body.entries.map(e => e.path)).toEqual(['src', 'README.md']);
    const src = await get<TreeView>('/api/repositories/acme/shop/tree?path=src&ref=feature/checkout');
    expect(src.body).toMatchObject({ path: 'src', ref: 'feature/checkout', commit: shop.commits[2] });
    expect(src.body.entries).toEqual([
      { name: 'checkout.ts', path: 'src/checkout.ts', type: 'blob', size: 27 },
      { name: 'index.ts', path: 'src/index.ts', type: 'blob', size: 23 },
    ]);
  });

  it('lists a folder with its own README', async () => {
    const { status, body } = await get<TreeView>('/api/repositories/acme/shop/tree?path=docs/');
    expect(status).toBe(200);
    expect(body.entries.map(e => e.path)).toEqual(['docs/guide.md', 'docs/README.md']);
    expect(body.readme).toMatchObject({ path: 'docs/README.md', markdown: '# Docs\n' });
  });

  it('shows a text file; a binary or large one only by size; a symbolic link as its target, never followed', async () => {
    const text = await get<BlobView>('/api/repositories/acme/shop/blob?path=src/index.ts');
    expect(text.body).toMatchObject({ path: 'src/index.ts', type: 'blob', size: 23, binary: false, truncated: false, content: 'export const shop = 1;\n' });
    const picture = await get<BlobView>('/api/repositories/acme/shop/blob?path=logo.png');
    expect(picture.body).toMatchObject({ binary: true, size: 8, truncated: false });
    expect(picture.body).not.toHaveProperty('content');
    const big = await get<BlobView>('/api/repositories/acme/shop/blob?path=big.txt');
    expect(big.body).toMatchObject({ truncated: true, size: MAX_BLOB_BYTES + 1 });
    expect(big.body).not.toHaveProperty('content');
    const link = await get<BlobView>('/api/repositories/acme/shop/blob?path=passwd');
    expect(link.body).toMatchObject({ type: 'symlink', content: '../../../../etc/passwd' });
  });

  it('shows a commit: author, whole message, parents and the files it changed; a branch names its tip', async () => {
    const { status, body } = await get<CommitDetail>(`/api/repositories/acme/shop/commits/${shop.commits[1]}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'acme/shop', id: shop.commits[1], parents: [shop.commits[0]], subject: 'Add docs, a picture and a link', message: 'Add docs, a picture and a link', author: 'Ada Lovelace' });
    expect(body.files.map(f => [f.path, f.change])).toEqual([
      ['big.txt', 'added'],
      ['docs/README.md', 'added'],
      ['docs/guide.md', 'added'],
      ['logo.png', 'added'],
      ['passwd', 'added'],
    ]);
    const root = await get<CommitDetail>(`/api/repositories/acme/shop/commits/${shop.commits[0]}`);
    expect(root.body.parents).toEqual([]);
    expect(root.body.files.map(f => f.path)).toEqual(['README.md', 'src/index.ts']);
    expect((await get<CommitDetail>('/api/repositories/acme/shop/commits/feature%2Fcheckout')).body.files).toEqual([{ path: 'src/checkout.ts', change: 'added' }]);
    // A tree or blob id is no commit; an option is no ref.
    const tree = (await runGit(['--git-dir', shop.dir, 'rev-parse', `${shop.commits[0]}^{tree}`])).stdout.trim();
    expect((await get(`/api/repositories/acme/shop/commits/${tree}`)).status).toBe(404);
    expect((await get('/api/repositories/acme/shop/commits/--output=x')).status).toBe(400);
  });

  it('answers a repository with no commits without ref, commits or tree', async () => {
    const { status, body } = await get<RepositorySummary>('/api/repositories/acme/empty');
    expect(status).toBe(200);
    expect(body).toMatchObject({ name: 'acme/empty', defaultBranch: 'main', commits: [], branches: [] });
    expect(body).not.toHaveProperty('tree');
  });

  it('refuses refs that could be options or revision expressions, and paths that leave the tree, naming the field', async () => {
    const cases: Array<[string, number, string]> = [
      ['/api/repositories/acme/shop?ref=--output=/tmp/x', 400, '/ref'],
      ['/api/repositories/acme/shop?ref=main..feature', 400, '/ref'],
      ['/api/repositories/acme/shop?ref=main@{1}', 400, '/ref'],
      ['/api/repositories/acme/shop?ref=main~1', 400, '/ref'],
      ['/api/repositories/acme/shop?ref=no-such-branch', 404, '/ref'],
      ['/api/repositories/acme/shop/tree?path=docs/../..&ref=main', 400, '/path'],
      ['/api/repositories/acme/shop/blob?path=../../etc/passwd', 400, '/path'],
      ['/api/repositories/acme/shop/blob?path=%2Fetc%2Fpasswd', 404, '/path'],
      ['/api/repositories/acme/shop/blob?path=src//index.ts', 400, '/path'],
      ['/api/repositories/acme/shop/blob?path=nope.txt', 404, '/path'],
      ['/api/repositories/acme/shop/blob?path=src', 400, '/path'],
      ['/api/repositories/acme/shop/tree?path=README.md', 400, '/path'],
      ['/api/repositories/acme/shop/blob?path=/', 400, '/path'],
      ['/api/repositories/acme/shop/blob', 400, '/querystring/path'],
      ['/api/repositories/..%2F..%2Fetc/shop', 400, '/owner'],
      ['/api/repositories/acme/.git', 400, '/repo'],
      ['/api/repositories/acme/nope', 404, '/repo'],
    ];
    for (const [path, status, pointer] of cases) {
      const response = await get<{ status: number; errors: Array<{ pointer: string }> }>(path);
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(status);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map(e => e.pointer), path).toContain(pointer);
    }
  });

  it('never treats a linked folder as a repository, nor lists it', async () => {
    expect((await get('/api/repositories/evil/secret')).status).toBe(404);
    expect((await get('/api/repositories/linked/secret')).status).toBe(404);
    const { body } = await get<{ items: RepositoryListItem[] }>('/api/repositories');
    expect(body.items.map(item => item.owner)).not.toContain('evil');
    expect(body.items.map(item => item.owner)).not.toContain('linked');
  });

  it('needs a signed-in caller', async () => {
    const anonymous = await get<{ status: number; action: string }>('/api/repositories/acme/shop', {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ status: 401, action: 'repositories.repository.read' });
  });
});
