/**
 * Catalog references to http(s) URLs, read through the reading allow-list from stand-in hosts on 127.0.0.1
 * (listed explicitly): placeholders from a file host with a path prefix — what is listed is read; what is
 * not, or what redirects off the list, leaves the entity loaded with one problem that names the placeholder
 * and the allow-list — and `techdocs-ref: url:` docs from a git host's tree URL over real git smart HTTP.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningPave } from '../support/pave-server.js';
import { startFileServer, type FileServer } from '../support/file-server.js';
import { defaultConfig } from '../../src/pave-config.js';
import { TempDirs, entityYaml, json, makeRepo, registerLocation, removeLocation, startApiPave, writeFiles } from './support.js';
import { startGitHttpServer, type GitHttpServer } from '../templates/support.js';
import { runGit } from '../../src/git/run-git.js';

const DEFINITION = 'openapi: 3.0.0\ninfo: { title: Payments, version: 1.0.0 }\npaths: {}\n';
const temp = new TempDirs();
let pave: RunningPave;
let files: FileServer;
let git: GitHttpServer;
let served: string;

beforeAll(async () => {
  served = await mkdtemp(join(tmpdir(), 'pave-remote-docs-'));
  const work = makeRepo(temp.make(), { 'handbook/mkdocs.yml': 'site_name: Payments handbook\n', 'handbook/docs/index.md': '# Paying out\n' });
  await runGit(['clone', '--quiet', '--bare', work, join(served, 'acme/payments.git')]);
  git = await startGitHttpServer(served);
  files = await startFileServer({
    '/defs/payments.yaml': DEFINITION,
    '/defs/limits.json': JSON.stringify({ perDay: 100 }),
    '/defs/tier.yaml': 'tier: gold\n',
    '/private/secret.yaml': 'SECRET-not-listed\n',
    '/defs/moved.yaml': { redirect: '/defs/payments.yaml' },
    '/defs/away.yaml': { redirect: 'http://localhost:1/defs/payments.yaml' },
  });
  const allow = [{ host: files.host, paths: ['/defs/'] }, { host: new URL(git.url).host, paths: ['/acme/payments'] }];
  pave = await startApiPave({ config: { reading: { ...defaultConfig().reading, allow } } });
});
afterAll(async () => {
  await pave?.close();
  await files?.close();
  await git?.close();
  await rm(served, { recursive: true, force: true });
  temp.cleanup();
});

interface ApiEntity {
  spec?: Record<string, unknown>;
}
const entity = async (name: string, kind = 'api') => {
  const response = await fetch(`${pave.url}/api/catalog/entities/by-name/${kind}/default/${name}`);
  return response.status === 200 ? json<ApiEntity>(response) : undefined;
};
const api = (name: string, placeholder: Record<string, string>) => entityYaml('API', name, { type: 'openapi', lifecycle: 'production', owner: 'team-a', definition: placeholder });

describe('remote placeholders', () => {
  it('reads $text, $json and $yaml from listed URLs, following a redirect that stays on the list', async () => {
    const dir = temp.make();
    writeFiles(dir, {
      'catalog-info.yaml': [
        api('remote-text', { $text: `${files.url}/defs/payments.yaml` }),
        api('remote-moved', { $text: `${files.url}/defs/moved.yaml` }),
        entityYaml('Component', 'remote-data', { type: 'service', lifecycle: 'production', owner: 'team-a', limits: { $json: `${files.url}/defs/limits.json` }, tier: { $yaml: `${files.url}/defs/tier.yaml` } }),
      ].join('---\n'),
    });
    const { location, errors } = await registerLocation(pave.url, 'file', join(dir, 'catalog-info.yaml'));
    expect(errors).toEqual([]);
    expect((await entity('remote-text'))?.spec?.definition).toBe(DEFINITION);
    expect((await entity('remote-moved'))?.spec?.definition).toBe(DEFINITION);
    expect((await entity('remote-data', 'component'))?.spec).toMatchObject({ limits: { perDay: 100 }, tier: { tier: 'gold' } });
    await removeLocation(pave.url, location.id);
  });

  it('loads the entity when a URL is not on the list, with one problem naming the placeholder and the allow-list', async () => {
    const dir = temp.make();
    writeFiles(dir, {
      'catalog-info.yaml': [api('unlisted-path', { $text: `${files.url}/private/secret.yaml` }), api('redirected-away', { $text: `${files.url}/defs/away.yaml` })].join('---\n'),
    });
    const before = files.requests.length;
    const { location, errors } = await registerLocation(pave.url, 'file', join(dir, 'catalog-info.yaml'));
    // The unlisted path is never asked for; the redirect's target is never reached.
    expect(files.requests.slice(before)).toEqual(['/defs/away.yaml']);

    expect(errors).toHaveLength(2);
    const [unlisted, away] = errors;
    expect(unlisted).toMatchObject({ pointer: '/spec/definition', rule: 'placeholder-url', entityRef: 'api:default/unlisted-path' });
    expect(unlisted!.detail).toMatch(/^\$text: .*\/private\/secret\.yaml is not on the reading allow-list \(reading\.allow/);
    expect(away!.detail).toMatch(/^\$text: .*redirected to http:\/\/localhost:1\/defs\/payments\.yaml, which is not on the reading allow-list/);
    expect(errors.some(error => /required/.test(error.detail))).toBe(false);

    const loaded = await entity('unlisted-path');
    expect(loaded?.spec?.definition).toMatch(/^\(not read: \$text: .* is not on the reading allow-list/);
    expect(JSON.stringify(loaded)).not.toContain('SECRET-not-listed');
    expect(await entity('redirected-away')).toBeDefined();
    await removeLocation(pave.url, location.id);
  });

  it('serves techdocs-ref url: docs from a listed git host tree URL (and placeholders from its blob URLs), and refuses an unlisted one naming the allow-list', async () => {
    const dir = temp.make();
    const docs = (name: string, url: string) => entityYaml('Component', name, { type: 'service', lifecycle: 'production', owner: 'team-a' }, { annotations: { 'backstage.io/techdocs-ref': `url:${url}` } });
    writeFiles(dir, {
      'catalog-info.yaml': [
        docs('remote-docs', `${git.url}/acme/payments/tree/main/handbook`),
        docs('unlisted-docs', `${git.url}/acme/other/tree/main/handbook`),
        api('from-blob', { $text: `${git.url}/acme/payments/blob/main/handbook/docs/index.md` }),
      ].join('---\n'),
    });
    const { location, errors } = await registerLocation(pave.url, 'file', join(dir, 'catalog-info.yaml'));
    expect(errors).toEqual([]);
    // A blob URL's page is HTML: its file is read from a clone instead.
    expect((await entity('from-blob'))?.spec?.definition).toBe('# Paying out\n');
    const base = `${pave.url}/api/docs/by-name/component/default`;
    expect(await json<{ siteName: string }>(await fetch(`${base}/remote-docs`))).toMatchObject({ siteName: 'Payments handbook' });
    expect(await json<{ markdown: string }>(await fetch(`${base}/remote-docs/page?path=index.md`))).toMatchObject({ markdown: '# Paying out\n' });
    const refused = await fetch(`${base}/unlisted-docs`);
    expect(refused.status).toBe(403);
    expect((await json<{ detail: string }>(refused, 403)).detail).toMatch(/acme\/other\.git is not on the reading allow-list \(reading\.allow/);
    await removeLocation(pave.url, location.id);
  });
});
