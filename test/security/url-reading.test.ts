/**
 * Attacks on reading URLs (boundary 19 of SECURITY.md): every way a catalog file or a golden path could
 * make the server read from where it should not — the cloud metadata address, loopback written in other
 * forms, a listed name that resolves inside, a redirect that hops off the list or inside, credentials,
 * path prefixes climbed out of, and a git clone redirected elsewhere. Played against real servers on
 * 127.0.0.1 that count what they hear: a refused read must reach none of them.
 */
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../support/file-server.js';
import { ReadingError } from '../../src/reading/reading-error.js';
import { UrlReader } from '../../src/reading/url-reader.js';
import type { ReadingAllowEntry } from '../../src/reading/reading-config.js';
import { fetchRemote } from '../../src/templates/workspace/remote-source.js';
import { readRemoteFile } from '../../src/reading/remote-file.js';
import { runGit } from '../../src/git/run-git.js';
import { startGitHttpServer } from '../templates/support.js';

const SECRET = 'SECRET-inside-only-3f9a';
/** The host an attacker wants to reach (listed in no test below unless said). */
let inside: FileServer;
/** The host the operator listed. */
let listed: FileServer;
let scratch: string;

beforeAll(async () => {
  inside = await startFileServer({ '/latest/meta-data/iam': SECRET, '/acme/repo.git/info/refs': SECRET });
  listed = await startFileServer({
    '/public/ok.txt': 'ok',
    '/private/secret.txt': SECRET,
  });
  listed.route('/public/to-inside', { redirect: `http://localhost:${inside.port}/latest/meta-data/iam` });
  listed.route('/acme/repo.git/info/refs', { redirect: `${inside.url}/acme/repo.git/info/refs` });
  scratch = await mkdtemp(join(tmpdir(), 'pave-url-attacks-'));
});
afterAll(async () => {
  await inside?.close();
  await listed?.close();
  await rm(scratch, { recursive: true, force: true });
});

const reader = (allow: ReadingAllowEntry[]) => new UrlReader({ allow, maxBytes: 1 << 20, timeoutSeconds: 10, maxRedirects: 5, maxCloneBytes: 1 << 24 });
async function refused(read: Promise<unknown>, failure: ReadingError['failure']): Promise<string> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReadingError);
  expect((error as ReadingError).failure).toBe(failure);
  expect((error as ReadingError).message).not.toContain(SECRET);
  return (error as ReadingError).message;
}

describe('reading URLs cannot be turned against the inside', () => {
  it('reads nothing at all while the allow-list is empty, not even a public-looking URL', async () => {
    await refused(reader([]).read('https://docs.example.com/api.yaml'), 'not-allowed');
    await refused(reader([]).read(`${listed.url}/public/ok.txt`), 'not-allowed');
    expect(listed.requests).toEqual([]);
  });

  it('refuses the cloud metadata address and loopback written in other forms, unless that address is listed', async () => {
    const byName = reader([{ host: '*.example.com' }, { host: `localhost:${inside.port}` }]);
    await refused(byName.read('http://169.254.169.254/latest/meta-data/iam'), 'not-allowed');
    for (const host of [`2130706433:${inside.port}`, `0x7f.1:${inside.port}`, `[::ffff:127.0.0.1]:${inside.port}`, `127.1:${inside.port}`]) {
      await refused(byName.read(`http://${host}/latest/meta-data/iam`), 'not-allowed');
    }
    expect(inside.requests).toEqual([]);
  });

  it('refuses a listed name that resolves to loopback, and a redirect that hops to one', async () => {
    const message = await refused(reader([{ host: `localhost:${inside.port}` }]).read(`http://localhost:${inside.port}/latest/meta-data/iam`), 'private-address');
    expect(message).not.toMatch(/127\.0\.0\.1|::1/);
    // The operator listed 127.0.0.1 explicitly for one server, and localhost (a name) for the inside one.
    const hops = reader([{ host: listed.host }, { host: `localhost:${inside.port}` }]);
    await refused(hops.read(`${listed.url}/public/to-inside`), 'private-address');
    expect(inside.requests).toEqual([]);
  });

  it('refuses credentials in a URL and climbs out of a path prefix', async () => {
    const prefixed = reader([{ host: listed.host, paths: ['/public/'] }]);
    const before = listed.requests.length;
    await refused(prefixed.read(`http://user:${SECRET}@${listed.host}/public/ok.txt`), 'not-allowed');
    for (const path of ['/public/../private/secret.txt', '/public/%2e%2e/private/secret.txt', '/public/..%2fprivate/secret.txt', '/public/%2E%2E%2Fprivate/secret.txt']) {
      await refused(prefixed.read(`${listed.url}${path}`), 'not-allowed');
    }
    expect(listed.requests.length).toBe(before);
    expect((await prefixed.read(`${listed.url}/public/ok.txt`)).content.toString()).toBe('ok');
  });

  it('clones only from listed hosts, and git follows no redirect off the list', async () => {
    const only = reader([{ host: listed.host }]);
    await refused(fetchRemote(only, `${inside.url.replace('127.0.0.1', 'localhost')}/acme/repo/tree/main/x`, join(scratch, 'a')), 'not-allowed');
    await expect(fetchRemote(only, `${listed.url}/acme/repo/tree/main/x`, join(scratch, 'b'))).rejects.toThrow(/could not clone/);
    expect(listed.requests.some(path => path.startsWith('/acme/repo.git/info/refs'))).toBe(true);
    expect(inside.requests).toEqual([]);
  });

  it('reads nothing through a symbolic link committed to a cloned repository', async () => {
    // A repository whose links point at the server's own files, served over real git smart HTTP.
    const work = join(scratch, 'links-work');
    await mkdir(join(work, 'docs'), { recursive: true });
    await writeFile(join(work, 'docs', 'index.md'), '# Hello\n');
    await symlink('/etc', join(work, 'etc'));
    await symlink('/etc/hostname', join(work, 'docs', 'hostname.md'));
    await runGit(['init', '--quiet', '--initial-branch', 'main'], { cwd: work });
    await runGit(['add', '-A'], { cwd: work });
    await runGit(['-c', 'user.name=attacker', '-c', 'user.email=a@example.test', 'commit', '--quiet', '-m', 'links'], { cwd: work });
    const served = join(scratch, 'links-served');
    await runGit(['clone', '--quiet', '--bare', work, join(served, 'acme', 'links.git')]);
    const git = await startGitHttpServer(served);
    try {
      const linked = reader([{ host: new URL(git.url).host }]);
      // Through a linked folder: the clone holds no link, so there is no such file.
      await refused(readRemoteFile(linked, `${git.url}/acme/links/blob/main/etc/hostname`, { signIn: 'anonymous' }), 'not-found');
      // A linked file reads as the link's own text, never as what it names.
      expect((await readRemoteFile(linked, `${git.url}/acme/links/blob/main/docs/hostname.md`, { signIn: 'anonymous' })).toString()).toBe('/etc/hostname');
      // A folder fetched for a golden path holds the link as that text too.
      const fetched = join(scratch, 'links-fetched');
      const folder = await fetchRemote(linked, `${git.url}/acme/links/tree/main/docs`, fetched);
      expect(await readFile(join(folder, 'hostname.md'), 'utf8')).toBe('/etc/hostname');
    } finally {
      await git.close();
    }
  });
});

describe('a provider token given to a read never leaves its origin', () => {
  it('sends the headers to the URL asked for, and not to the origin a redirect leads to', async () => {
    const heard: Array<{ server: string; authorization?: string }> = [];
    const serve = (name: string, answer: (response: ServerResponse) => void) => {
      const server = createServer((request, response) => {
        heard.push({ server: name, ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}) });
        answer(response);
      });
      return new Promise<Server>(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
    };
    const elsewhere = await serve('elsewhere', response => response.end('moved content'));
    const api = await serve('api', response => {
      response.writeHead(302, { location: `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/file` });
      response.end();
    });
    try {
      const hosts = [api, elsewhere].map(server => ({ host: `127.0.0.1:${(server.address() as AddressInfo).port}` }));
      const read = await reader(hosts).read(`http://${hosts[0]!.host}/raw/openapi.yaml`, { headers: { authorization: 'token provider-secret' } });
      expect(read.content.toString()).toBe('moved content');
      expect(heard).toEqual([{ server: 'api', authorization: 'token provider-secret' }, { server: 'elsewhere' }]);
    } finally {
      await Promise.all([api, elsewhere].map(server => new Promise(resolve => server.close(resolve))));
    }
  });
});
