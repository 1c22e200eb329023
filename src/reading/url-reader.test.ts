import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReadingError } from './reading-error.js';
import { UrlReader } from './url-reader.js';
import type { ReadingConfig } from './reading-config.js';

const BODY = 'openapi: 3.0.0\ninfo: { title: Payments, version: 1.0.0 }\n';
/** Responses held open on purpose (the slow route), ended when the server closes. */
const held = new Set<ServerResponse>();
const server = createServer((req, res) => {
  const path = req.url ?? '/';
  if (path === '/files/api.yaml') return void res.end(BODY);
  if (path === '/hop') return void res.writeHead(302, { location: '/files/api.yaml' }).end();
  if (path === '/loop') return void res.writeHead(302, { location: '/loop' }).end();
  if (path === '/off-list') return void res.writeHead(301, { location: `http://localhost:${port}/files/api.yaml` }).end();
  if (path === '/big') return void res.writeHead(200, { 'content-length': String(2048) }).end('x'.repeat(2048));
  if (path === '/big-stream') {
    res.writeHead(200);
    for (let i = 0; i < 8; i++) res.write('y'.repeat(512));
    return void res.end();
  }
  if (path === '/slow') {
    held.add(res);
    return void res.writeHead(200).write('first bytes, and then nothing');
  }
  if (path === '/teapot') return void res.writeHead(418).end();
  res.writeHead(404).end();
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const res of held) res.destroy();
  await new Promise(resolve => server.close(resolve));
});

const reader = (config: Partial<ReadingConfig> = {}) =>
  new UrlReader({ allow: [{ host: `127.0.0.1:${port}` }], maxBytes: 1024, timeoutSeconds: 0.5, maxRedirects: 3, ...config });
const url = (path: string, host = `127.0.0.1:${port}`) => `http://${host}${path}`;
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

  it('refuses every URL when the list is empty, naming the setting', async () => {
    const error = await failure(reader({ allow: [] }).read(url('/files/api.yaml')));
    expect(error.failure).toBe('not-allowed');
    expect(error.message).toContain('reading.allow');
    expect(error.status).toBe(403);
  });

  it('reads only below the path prefixes of an entry', async () => {
    const prefixed = reader({ allow: [{ host: `127.0.0.1:${port}`, paths: ['/files/'] }] });
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
    const byName = await failure(reader({ allow: [{ host: `localhost:${port}` }] }).read(url('/files/api.yaml', `localhost:${port}`)));
    expect(byName.failure).toBe('private-address');
    expect(byName.message).toContain('allowPrivateAddresses');
    expect(byName.message).not.toContain('127.0.0.1');
    const allowed = reader({ allow: [{ host: `localhost:${port}`, allowPrivateAddresses: true }] });
    expect((await allowed.read(url('/files/api.yaml', `localhost:${port}`))).content.toString()).toBe(BODY);
  });
});
