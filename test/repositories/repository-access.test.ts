/**
 * Hosted repositories under the catalog's read rules, over real HTTP and with the git CLI, on SQLite
 * and PostgreSQL. A repository is tied to the entities whose source-location or managed-by-location
 * points into it (portal page, HTTP clone URL, file:// URL as catalog:register records it); a caller
 * reads it when they may read one of those entities. An untied repository is for callers the rules
 * hide nothing from, admins, and the group its owner folder names. The list leaves out the rest, and
 * every route (API and git) refuses them with the same 403 as a repository that does not exist.
 *
 * The organisation is test/auth/support.ts's; default policy on, plus two rules:
 *   dave may not read what checkout-team owns;  erin may not read Locations (so her scope is narrowed too).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { GitError, runGit } from '../../src/git/run-git.js';
import type { BlobView, RepositoryListItem, RepositorySummary } from '../../src/repositories/repository-views.js';
import { POSTGRES_URL } from '../support/require-all.js';
import { adminQuery, postgresFactory } from '../support/stores.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';
import { makeHostedRepository } from './support.js';

const SOURCE = 'backstage.io/source-location';
const RULES = [
  { id: 'test.dave-not-checkout', description: 'dave reads nothing checkout-team owns', effect: 'deny' as const, actions: ['catalog.entity.read'], subjects: ['user:default/dave'], resource: { owners: ['group:default/checkout-team'] } },
  { id: 'test.erin-no-locations', description: 'erin reads no Location', effect: 'deny' as const, actions: ['catalog.entity.read'], subjects: ['user:default/erin'], resource: { kinds: ['Location'] } },
];
const ALL = ['checkout/mixed', 'checkout/payments', 'loop-a/notes', 'platform/infra', 'platform/infra-tools'];

const component = (name: string, owner: string, annotations: Record<string, string> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
});

const postgres = await postgresFactory();
const stores = [
  { name: 'sqlite', skip: undefined as string | undefined, config: async () => ({}), drop: async () => {} },
  {
    name: 'postgres',
    skip: postgres.unavailable,
    schema: `pave_repos_${Date.now()}_${Math.random().toString(36).slice(2, 7)}`,
    async config() {
      await adminQuery(`CREATE SCHEMA ${this.schema}`);
      return { databaseUrl: POSTGRES_URL, databaseSchema: this.schema };
    },
    async drop() {
      await adminQuery(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    },
  },
];

for (const store of stores) {
  describe.skipIf(Boolean(store.skip))(`hosted repositories under the catalog's rules (${store.name})`, { timeout: 60_000 }, () => {
    let pave: AuthPave;
    let work: string;
    const tokens: Record<string, string> = {};

    beforeAll(async () => {
      pave = await startAuthPave({ auth: { rules: RULES }, config: await store.config() });
      work = await mkdtemp(join(tmpdir(), 'pave-repo-access-'));
      for (const user of ['alice', 'bob', 'dave', 'erin']) tokens[user] = await tokenFor(pave.app, `user:default/${user}`);
      const root = pave.app.repositories.root;
      const files = (text: string) => [{ message: 'Start', files: { 'README.md': `# ${text}\n`, 'catalog-info.yaml': `# ${text}\n` } }];
      await makeHostedRepository(root, 'checkout', 'payments', files('payments'));
      await makeHostedRepository(root, 'checkout', 'mixed', files('mixed'));
      await makeHostedRepository(root, 'platform', 'infra', files('infra'));
      await makeHostedRepository(root, 'loop-a', 'notes', files('notes'));
      const tools = await makeHostedRepository(root, 'platform', 'infra-tools', [
        { message: 'Start', files: { 'catalog-info.yaml': 'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: infra-tools\nspec:\n  type: service\n  lifecycle: production\n  owner: platform-team\n' } },
      ]);
      // As publish:git writes it: the portal page; and as people register it: the HTTP clone URL.
      const page = `${pave.url}/repositories`;
      await pave.app.catalog.saveEntity(component('payments-service', 'checkout-team', { [SOURCE]: `url:${page}/checkout/payments/` }));
      await pave.app.catalog.saveEntity(component('mixed-hidden', 'checkout-team', { [SOURCE]: `url:${page}/checkout/mixed/` }));
      await pave.app.catalog.saveEntity(component('mixed-open', 'platform-team', { [SOURCE]: `url:${pave.url}/git/checkout/mixed.git` }));
      // As catalog:register records it: managed-by-location is the file:// URL of the repository.
      const registered = await pave.app.catalog.locations.register({ type: 'url', target: `${pathToFileURL(tools.dir).href}#main:catalog-info.yaml` });
      expect(registered.entities.map(e => e.metadata.name)).toEqual(['infra-tools']);
    });

    afterAll(async () => {
      await pave?.close();
      await rm(work, { recursive: true, force: true });
      await store.drop();
    });

    async function get<T>(user: string, path: string): Promise<{ status: number; body: T }> {
      const response = await fetch(`${pave.url}${path}`, { headers: bearer(tokens[user]!) });
      return { status: response.status, body: (await response.json()) as T };
    }
    const listed = async (user: string) => (await get<{ items: RepositoryListItem[] }>(user, '/api/repositories')).body.items;

    it("lists only the repositories the caller may read", async () => {
      // bob: the rules hide nothing from him, so every repository, tied or not.
      expect((await listed('bob')).map(item => item.name)).toEqual(ALL);
      // dave: payments is tied only to checkout-team's entities; mixed to one he may read; infra-tools
      // through managed-by-location; the untied ones are not his (platform/infra is not infra-tools).
      expect((await listed('dave')).map(item => item.name)).toEqual(['checkout/mixed', 'platform/infra-tools']);
      // erin reads every tied repository, and the untied one her group's folder holds.
      expect((await listed('erin')).map(item => item.name)).toEqual(['checkout/mixed', 'checkout/payments', 'loop-a/notes', 'platform/infra-tools']);
    });

    it('refuses a hidden repository on every route with the 403 a missing one gets', async () => {
      const open = await get<BlobView>('bob', '/api/repositories/checkout/payments/blob?path=catalog-info.yaml');
      expect(open.status).toBe(200);
      expect(open.body.content).toBe('# payments\n');
      for (const path of ['/api/repositories/checkout/payments', '/api/repositories/checkout/payments/tree', '/api/repositories/checkout/payments/blob?path=catalog-info.yaml', '/api/repositories/platform/infra']) {
        const refused = await get<{ status: number; action: string; detail: string }>('dave', path);
        expect(refused.status, path).toBe(403);
        expect(refused.body).toMatchObject({ status: 403, action: 'repositories.repository.read' });
      }
      const hidden = await get<{ detail: string }>('dave', '/api/repositories/checkout/payments');
      const missing = await get<{ detail: string }>('dave', '/api/repositories/checkout/nope');
      expect(missing.status).toBe(403);
      expect(missing.body.detail).toBe(hidden.body.detail.replace('checkout/payments', 'checkout/nope'));
      // Someone the rules hide nothing from learns that it does not exist.
      expect((await get('bob', '/api/repositories/checkout/nope')).status).toBe(404);
      expect((await get<RepositorySummary>('dave', '/api/repositories/checkout/mixed')).body.tree?.readme?.markdown).toBe('# mixed\n');
      expect((await get('erin', '/api/repositories/loop-a/notes')).status).toBe(200);
      expect((await get('dave', '/api/repositories/loop-a/notes')).status).toBe(403);
    });

    it('applies the same rule to git clone over HTTP', async () => {
      const clone = (user: string, name: string) =>
        runGit(['-c', `http.extraHeader=Authorization: Bearer ${tokens[user]}`, 'clone', '--quiet', `${pave.url}/git/${name}.git`, join(work, `${user}-${name.replace('/', '-')}`)], {
          env: { GIT_CONFIG_GLOBAL: '/dev/null' },
          timeoutMs: 60_000,
        });
      await clone('dave', 'checkout/mixed');
      await clone('erin', 'loop-a/notes');
      for (const name of ['checkout/payments', 'loop-a/notes', 'platform/infra']) {
        const error = await clone('dave', name).then(() => undefined, (e: unknown) => e);
        expect(error, name).toBeInstanceOf(GitError);
        expect((error as GitError).stderr, name).toMatch(/403/);
      }
      const refs = await fetch(`${pave.url}/git/checkout/payments.git/info/refs?service=git-upload-pack`, { headers: bearer(tokens.dave!) });
      expect(refs.status).toBe(403);
      expect(await refs.json()).toMatchObject({ action: 'repositories.repository.read' });
    });

    it('follows the catalog: once the last readable entity leaves, the repository is hidden', async () => {
      const open = await pave.app.catalog.entities.byRef('component:default/mixed-open');
      await pave.app.catalog.deleteByUid(open!.metadata.uid!);
      expect((await get('dave', '/api/repositories/checkout/mixed')).status).toBe(403);
      expect((await listed('dave')).map(item => item.name)).toEqual(['platform/infra-tools']);
      // Still tied (mixed-hidden), so still readable by whoever may read that entity.
      expect((await get('erin', '/api/repositories/checkout/mixed')).status).toBe(200);
    });

    it("shows the file:// clone URL, the server's own data path, only to admins", async () => {
      const bobs = (await listed('bob')).find(item => item.name === 'checkout/payments')!;
      expect(bobs.urls).toEqual({ page: `${pave.url}/repositories/checkout/payments`, httpClone: `${pave.url}/git/checkout/payments.git` });
      expect((await get<RepositorySummary>('bob', '/api/repositories/checkout/payments')).body.urls).not.toHaveProperty('fileClone');
      const dir = join(pave.app.repositories.root, 'checkout', 'payments.git');
      const alices = (await listed('alice')).find(item => item.name === 'checkout/payments')!;
      expect(alices.urls.fileClone).toBe(pathToFileURL(dir).href);
      expect((await get<RepositorySummary>('alice', '/api/repositories/checkout/payments')).body.urls.fileClone).toBe(pathToFileURL(dir).href);
    });
  });
}
