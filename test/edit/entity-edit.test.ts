import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';
import { startPave, type RunningPave } from '../support/pave-server.js';

const component = (description: string) => `# owned by the ledger team
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  description: ${description}
spec:
  type: service # keep this comment
  lifecycle: production
  owner: finance
`;

describe('editing entities where they are defined (PUT /api/catalog/entities/by-name)', () => {
  let pave: RunningPave;
  let dir: string;

  beforeAll(async () => {
    pave = await startPave();
    dir = await mkdtemp(join(tmpdir(), 'pave-edit-'));
  });
  afterAll(async () => {
    await pave.close();
    await rm(dir, { recursive: true, force: true });
  });

  const url = (name: string) => `${pave.url}/api/catalog/entities/by-name/component/default/${name}`;
  const get = async (name: string) => (await (await fetch(url(name))).json()) as { metadata: Record<string, unknown> } & Record<string, unknown>;
  const put = (name: string, body: unknown) => fetch(url(name), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const register = async (body: unknown) => {
    const response = await fetch(`${pave.url}/api/catalog/locations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
  };

  it('fixes a typo in a file location: the file changes in place, comments kept, and the store shows it at once', async () => {
    const file = join(dir, 'catalog-info.yaml');
    await writeFile(file, component('Recieves payments'));
    await register({ type: 'file', target: file });
    const entity = await get('ledger');
    const response = await put('ledger', { ...entity, metadata: { ...entity.metadata, description: 'Receives payments' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('pave-saved-to')).toBe('file');
    expect(((await response.json()) as { metadata: { description: string } }).metadata.description).toBe('Receives payments');
    const text = await readFile(file, 'utf8');
    expect(text).toBe(component('Receives payments'));
  });

  it('refuses an invalid edit with the field named, and a stale etag, leaving the file alone', async () => {
    const file = join(dir, 'catalog-info.yaml');
    const before = await readFile(file, 'utf8');
    const entity = await get('ledger');
    const invalid = await put('ledger', { ...entity, spec: { ...(entity.spec as object), lifecycle: 42 } });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    const problem = (await invalid.json()) as { errors: Array<{ pointer: string }> };
    expect(problem.errors.map(e => e.pointer)).toContain('/spec/lifecycle');
    const stale = await put('ledger', { ...entity, metadata: { ...entity.metadata, etag: 'stale', description: 'x' } });
    expect(stale.status).toBe(409);
    expect(await readFile(file, 'utf8')).toBe(before);
  });

  it('commits an edit to a git location, directly or on a review branch', async () => {
    const remote = join(dir, 'remote.git');
    const work = join(dir, 'work');
    await initBareRepository(remote);
    await runGit(['clone', '-q', remote, work]);
    await writeFile(join(work, 'catalog-info.yaml'), component('Keeps the books').replace(/ledger/g, 'books'));
    await runGit(['add', '.'], { cwd: work });
    await runGit(['commit', '-q', '-m', 'add catalog'], { cwd: work });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
    await register({ type: 'url', target: `file://${remote}#main:catalog-info.yaml` });

    const entity = await get('books');
    const direct = await put('books', { ...entity, metadata: { ...entity.metadata, title: 'The Books' } });
    expect(direct.status).toBe(200);
    expect(direct.headers.get('pave-saved-to')).toBe('git');
    const commit = direct.headers.get('pave-commit')!;
    const log = await runGit(['log', '--format=%H %s', '-1', 'main'], { cwd: remote });
    expect(log.stdout.trim()).toBe(`${commit} Edit component:default/books: metadata.title`);
    const shown = await runGit(['show', 'main:catalog-info.yaml'], { cwd: remote });
    expect(shown.stdout).toContain('title: The Books');
    expect(shown.stdout).toContain('# keep this comment');
    expect((await get('books')).metadata.title).toBe('The Books');
  });

  it('pushes to a review branch when the location asks for it, leaving the branch and the catalog unchanged', async () => {
    const remote = join(dir, 'review.git');
    const work = join(dir, 'review-work');
    await initBareRepository(remote);
    await runGit(['clone', '-q', remote, work]);
    await writeFile(join(work, 'catalog-info.yaml'), component('Reviewed').replace(/ledger/g, 'reviewed'));
    await runGit(['add', '.'], { cwd: work });
    await runGit(['commit', '-q', '-m', 'add catalog'], { cwd: work });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
    await register({ type: 'url', target: `file://${remote}#main:catalog-info.yaml`, editMode: 'branch' });

    const entity = await get('reviewed');
    const response = await put('reviewed', { ...entity, metadata: { ...entity.metadata, description: 'Reviewed first' } });
    expect(response.status).toBe(202);
    const branch = response.headers.get('pave-branch')!;
    expect(branch).toMatch(/^pave\/edit-reviewed-/);
    expect((await runGit(['show', `${branch}:catalog-info.yaml`], { cwd: remote })).stdout).toContain('description: Reviewed first');
    expect((await runGit(['show', 'main:catalog-info.yaml'], { cwd: remote })).stdout).toContain('description: Reviewed\n');
    expect((await get('reviewed')).metadata.description).toBe('Reviewed');
  });

  it('saves an entity registered through the API in the store, and refuses a body for another ref', async () => {
    const body = { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'api-made' }, spec: { type: 'service', lifecycle: 'experimental', owner: 'finance' } };
    // A new entity's references are checked as an edit's: its owner must be in the catalog first.
    const early = await put('api-made', body);
    expect(early.status).toBe(422);
    expect(((await early.json()) as { errors: Array<{ pointer: string; detail: string }> }).errors).toEqual([expect.objectContaining({ pointer: '/spec/owner', detail: 'is not a Group or User in the catalog' })]);
    const group = { apiVersion: 'backstage.io/v1alpha1', kind: 'Group', metadata: { name: 'finance' }, spec: { type: 'team', children: [] } };
    const groupUrl = `${pave.url}/api/catalog/entities/by-name/group/default/finance`;
    expect((await fetch(groupUrl, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(group) })).status).toBe(200);
    const typo = await fetch(url('api-typo'), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, metadata: { name: 'api-typo' }, spec: { ...body.spec, lifecycle: 'experimentl' } }) });
    expect(typo.status).toBe(422);
    expect(((await typo.json()) as { errors: Array<{ pointer: string; detail: string }> }).errors).toEqual([expect.objectContaining({ pointer: '/spec/lifecycle', detail: expect.stringMatching(/did you mean experimental\?$/) })]);
    const created = await put('api-made', body);
    expect(created.status).toBe(200);
    expect(created.headers.get('pave-saved-to')).toBe('store');
    const mismatch = await put('other-name', body);
    expect(mismatch.status).toBe(400);
    expect(((await mismatch.json()) as { errors: Array<{ pointer: string }> }).errors[0]!.pointer).toBe('/metadata/name');
  });
});
