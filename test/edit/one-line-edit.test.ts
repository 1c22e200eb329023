import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBareRepository } from '../../src/git/bare-repository.js';
import { runGit } from '../../src/git/run-git.js';
import { bearer, startAuthPave, tokenFor, type AuthPave } from '../auth/support.js';

const COMMERCE = new URL('../../demo/catalog/components/commerce.yaml', import.meta.url);

describe('an edit from the portal touches one line of its git file, authored by its editor', () => {
  let pave: AuthPave;
  let dir: string;
  let remote: string;
  let alice: Record<string, string>;

  beforeAll(async () => {
    pave = await startAuthPave();
    dir = await mkdtemp(join(tmpdir(), 'pave-one-line-'));
    remote = join(dir, 'commerce.git');
    const work = join(dir, 'work');
    await initBareRepository(remote);
    await runGit(['clone', '-q', remote, work]);
    await copyFile(COMMERCE, join(work, 'commerce.yaml'));
    await runGit(['add', '.'], { cwd: work });
    await runGit(['commit', '-q', '-m', 'the demo commerce domain'], { cwd: work });
    await runGit(['push', '-q', 'origin', 'HEAD:main'], { cwd: work });
    alice = { ...bearer(await tokenFor(pave.app, 'user:default/alice')), 'content-type': 'application/json' };
    const registered = await fetch(`${pave.url}/api/catalog/locations`, { method: 'POST', headers: alice, body: JSON.stringify({ type: 'url', target: `file://${remote}#main:commerce.yaml` }) });
    expect(registered.status).toBe(201);
  });
  afterAll(async () => {
    await pave.close();
    await rm(dir, { recursive: true, force: true });
  });

  const url = (name: string) => `${pave.url}/api/catalog/entities/by-name/component/default/${name}`;
  const get = async (name: string) => (await (await fetch(url(name), { headers: alice })).json()) as { metadata: Record<string, unknown>; spec: Record<string, unknown> };
  const put = (name: string, body: unknown) => fetch(url(name), { method: 'PUT', headers: alice, body: JSON.stringify(body) });

  it('changes one word of a folded description: a one-line diff, comments kept, authored by alice and committed by Pave', async () => {
    const entity = await get('storefront-web');
    const description = (entity.metadata.description as string).replace('browsing', 'exploring');
    const response = await put('storefront-web', { ...entity, metadata: { ...entity.metadata, description } });
    expect(response.status).toBe(200);
    expect(response.headers.get('pave-saved-to')).toBe('git');
    const diff = await runGit(['diff', '--unified=0', 'main~1', 'main', '--', 'commerce.yaml'], { cwd: remote });
    const changed = diff.stdout.split('\n').filter(line => /^[-+](?![-+]{2} )/.test(line));
    expect(changed).toEqual([
      '-    The larkspur.example web shop. Server-rendered Next.js pages for browsing',
      '+    The larkspur.example web shop. Server-rendered Next.js pages for exploring',
    ]);
    const log = await runGit(['log', '-1', '--format=%an <%ae>|%cn|%s', 'main'], { cwd: remote });
    expect(log.stdout.trim()).toBe('alice <alice@example.test>|Pave|Edit component:default/storefront-web: metadata.description');
    const file = (await runGit(['show', 'main:commerce.yaml'], { cwd: remote })).stdout;
    expect(file.startsWith('# Commerce domain: web shop, product catalogue and checkout.\n# ---')).toBe(true);
    expect((await get('storefront-web')).metadata.description).toContain('pages for exploring aisles');
  });

  it('moves the owner to an existing group on one line, and names both edited fields in the commit', async () => {
    const entity = await get('storefront-bff');
    const response = await put('storefront-bff', { ...entity, metadata: { ...entity.metadata, title: 'Storefront backend' }, spec: { ...entity.spec, owner: 'checkout-team' } });
    expect(response.status).toBe(200);
    const stat = await runGit(['diff', '--numstat', 'main~1', 'main'], { cwd: remote });
    expect(stat.stdout.trim()).toBe('2\t2\tcommerce.yaml');
    expect((await runGit(['log', '-1', '--format=%s', 'main'], { cwd: remote })).stdout.trim()).toBe('Edit component:default/storefront-bff: metadata.title, spec.owner');
  });

  it('refuses an owner, system, lifecycle or type the catalog does not hold, naming each field, and commits nothing', async () => {
    const head = (await runGit(['rev-parse', 'main'], { cwd: remote })).stdout;
    const entity = await get('storefront-web');
    const response = await put('storefront-web', { ...entity, spec: { ...entity.spec, owner: 'checkout-tem', system: 'no-such-system', lifecycle: 'prodution', type: 'servise' } });
    expect(response.status).toBe(422);
    const problem = (await response.json()) as { errors: Array<{ pointer: string; detail: string }> };
    expect(problem.errors).toEqual([
      expect.objectContaining({ pointer: '/spec/owner', detail: 'is not a Group or User in the catalog; did you mean checkout-team?' }),
      expect.objectContaining({ pointer: '/spec/system', detail: 'is not a System in the catalog' }),
      expect.objectContaining({ pointer: '/spec/lifecycle', detail: expect.stringMatching(/did you mean production\?$/) }),
      expect.objectContaining({ pointer: '/spec/type', detail: expect.stringMatching(/did you mean service\?$/) }),
    ]);
    const component = await put('storefront-web', { ...entity, spec: { ...entity.spec, owner: 'component:payments' } });
    expect(((await component.json()) as { errors: Array<{ detail: string }> }).errors[0]!.detail).toBe('must name a Group or User, not a component');
    expect((await runGit(['rev-parse', 'main'], { cwd: remote })).stdout).toBe(head);
  });
});
