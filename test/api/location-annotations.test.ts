/**
 * Location annotations as Backstage writes them, for a repository served over real git smart-HTTP and
 * registered by the URL of its file's page (`…/blob/<branch>/<path>`): managed-by-location and
 * managed-by-origin-location are `url:<page of the file>`, view-url, edit-url and source-location point at
 * the file, its editor and its folder (a file's own value wins), analyze-location names the file by its page,
 * and an edit from the portal does not write the derived links into the file.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { initBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';
import { startPave, type RunningPave } from '../support/pave-server.js';
import { startGitHttpServer, type GitHttpServer } from '../templates/support.js';

let pave: RunningPave;
let git: GitHttpServer;
let dir: string;
let remote: string;

const FILE = `# the shop's services
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop-web
  description: The shop
spec:
  type: website
  lifecycle: production
  owner: shop-team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: shop-jobs
  annotations:
    backstage.io/source-location: url:https://example.test/elsewhere/
spec:
  type: service
  lifecycle: production
  owner: shop-team
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pave-annotations-'));
  remote = join(dir, 'served', 'acme', 'shop.git');
  await mkdir(join(dir, 'served', 'acme'), { recursive: true });
  await initBareRepository(remote);
  const work = join(dir, 'work');
  await runGit(['clone', '-q', remote, work]);
  await mkdir(join(work, 'services'));
  await writeFile(join(work, 'services', 'catalog-info.yaml'), FILE);
  await runGit(['add', '.'], { cwd: work });
  await runGit(['commit', '-q', '-m', 'catalog'], { cwd: work });
  await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
  git = await startGitHttpServer(join(dir, 'served'));
  pave = await startPave();
});

afterAll(async () => {
  await pave?.close();
  await git?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = async (path: string, init?: { method: string; body: unknown }) => {
  const response = await fetch(`${pave.url}/api/catalog${path}`, init ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : undefined);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { metadata: { annotations: Record<string, string> } } };
};

it('writes Backstage’s location annotations, follows them back to the repository, and keeps them out of edited files', async () => {
  const page = `${git.url}/acme/shop`;
  const fileUrl = `${page}/blob/main/services/catalog-info.yaml`;

  const analyzed = await api('/analyze-location', { method: 'POST', body: { location: { type: 'url', target: fileUrl } } });
  expect(analyzed.status).toBe(200);
  expect((analyzed.body.existingEntityFiles as Array<{ location: unknown; isRegistered: boolean }>).map(f => [f.location, f.isRegistered])).toEqual([
    [{ type: 'url', target: fileUrl }, false],
    [{ type: 'url', target: fileUrl }, false],
  ]);

  expect((await api('/locations', { method: 'POST', body: { type: 'url', target: fileUrl } })).status).toBe(201);
  const web = (await api('/entities/by-name/component/default/shop-web')).body;
  expect(web.metadata.annotations).toMatchObject({
    'backstage.io/managed-by-location': `url:${fileUrl}`,
    'backstage.io/managed-by-origin-location': `url:${fileUrl}`,
    'backstage.io/view-url': fileUrl,
    'backstage.io/edit-url': `${page}/edit/main/services/catalog-info.yaml`,
    'backstage.io/source-location': `url:${page}/tree/main/services/`,
  });
  const jobs = (await api('/entities/by-name/component/default/shop-jobs')).body;
  expect(jobs.metadata.annotations['backstage.io/source-location']).toBe('url:https://example.test/elsewhere/');
  expect(jobs.metadata.annotations['backstage.io/view-url']).toBe(fileUrl);

  // The page URL the annotations name leads back to the same repository, branch and file.
  const ancestry = await api('/entities/by-name/component/default/shop-web/ancestry');
  expect((ancestry.body.items as Array<{ entity: { spec: unknown } }>)[1]!.entity.spec).toEqual({ type: 'url', target: fileUrl });

  const edited = await api('/entities/by-name/component/default/shop-web', { method: 'PUT', body: { ...web, metadata: { ...web.metadata, description: 'The shop, edited' } } });
  expect(edited.status).toBe(200);
  const written = (await runGit(['show', 'main:services/catalog-info.yaml'], { cwd: remote })).stdout;
  expect(written).toBe(FILE.replace('description: The shop\n', 'description: The shop, edited\n'));
});
