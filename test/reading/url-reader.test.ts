/**
 * The URL reader against a real HTTP server on 127.0.0.1 (listed explicitly, as every private address must
 * be): reads, path prefixes, redirects on and off the list, size and time limits, names that resolve to
 * loopback.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFileServer, type FileServer } from '../support/file-server.js';
import { ReadingError } from '../../src/reading/reading-error.js';
import { UrlReader } from '../../src/reading/url-reader.js';
import type { ReadingConfig } from '../../src/reading/reading-config.js';

const BODY = 'openapi: 3.0.0\ninfo: { title: Payments, version: 1.0.0 }\n';
let files: FileServer;

beforeAll(async () => {
  files = await startFileServer({
    '/files/api.yaml': BODY,
    '/hop': { redirect: '/files/api.yaml' },
    '/loop': { redirect: '/loop' },
    '/big': 'x'.repeat(2048),
    '/big-stream': { chunks: Array.from({ length: 8 }, () => 'y'.repeat(512)) },
    '/slow': { hang: true },
    '/teapot': { status: 418 },
  });
  files.route('/off-list', { redirect: `http://localhost:${files.port}/files/api.yaml`, status: 301 });
});
afterAll(() => files?.close());

const reader = (config: Partial<ReadingConfig> = {}) => new UrlReader({ allow: [{ host: files.host }], maxBytes: 1024, timeoutSeconds: 0.5, maxRedirects: 3, maxCloneBytes: 1 << 20, ...config });
const url = (path: string, host = files.host) => `http://${host}${path}`;
async function failure(read: Promise<unknown>): Promise<ReadingError> {
  const error = await read.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ReadingError);
  return error as ReadingError;
}

describe('the URL reader', () => {
  it('reads a URL on the list, and follows a redirect that stays on it', async () => {
    const read = await reader().read(url('/files/api.yaml'));
    expect(read.content.toString()).toBe(BODY);
    expect((await reader().read(url('/hop'))).url).toBe(url('/files/api.yaml'));
  });

  it('refuses every URL when the list is empty, naming the setting, without asking the server', async () => {
    const before = files.requests.length;
    const error = await failure(reader({ allow: [] }).read(url('/files/api.yaml')));
    expect(error.failure).toBe('not-allowed');
    expect(error.message).toContain('reading.allow');
    expect(error.status).toBe(403);
    expect(files.requests.length).toBe(before);
  });

  it('reads only below the path prefixes of an entry', async () => {
    const prefixed = reader({ allow: [{ host: files.host, paths: ['/files/'] }] });
    expect((await prefixed.read(url('/files/api.yaml'))).content.toString()).toBe(BODY);
    expect((await failure(prefixed.read(url('/hop')))).failure).toBe('not-allowed');
  });

  it('refuses a redirect to a host not on the list', async () => {
    const error = await failure(reader().read(url('/off-list')));
    expect(error.failure).toBe('not-allowed');
    expect(error.message).toMatch(/redirected to http:\/\/localhost:\d+\/files\/api\.yaml, which is not on the reading allow-list/);
  });

  it('stops after the configured number of redirects', async () => {
    expect((await failure(reader().read(url('/loop')))).failure).toBe('too-many-redirects');
  });

  it('refuses a response larger than the limit, declared or streamed', async () => {
    expect((await failure(reader().read(url('/big')))).failure).toBe('too-large');
    expect((await failure(reader().read(url('/big-stream')))).failure).toBe('too-large');
    expect((await reader({ maxBytes: 8192 }).read(url('/big-stream'))).content.length).toBe(4096);
  });

  it('gives up on a response that does not finish in time', async () => {
    const error = await failure(reader().read(url('/slow')));
    expect(error.failure).toBe('timeout');
    expect(error.message).toContain('reading.timeoutSeconds');
  });

  it('reports a missing file and an error status as such', async () => {
    expect((await failure(reader().read(url('/nothing-here')))).failure).toBe('not-found');
    expect((await failure(reader().read(url('/teapot')))).message).toContain('HTTP 418');
  });

  it('refuses a name that resolves to a loopback address unless its entry allows private addresses', async () => {
    const byName = await failure(reader({ allow: [{ host: `localhost:${files.port}` }] }).read(url('/files/api.yaml', `localhost:${files.port}`)));
    expect(byName.failure).toBe('private-address');
    expect(byName.message).toContain('allowPrivateAddresses');
    expect(byName.message).not.toContain('127.0.0.1');
    const allowed = reader({ allow: [{ host: `localhost:${files.port}`, allowPrivateAddresses: true }] });
    expect((await allowed.read(url('/files/api.yaml', `localhost:${files.port}`))).content.toString()).toBe(BODY);
  });
});
