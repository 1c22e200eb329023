/**
 * What a server loads before anyone uses it: packages that only some Paves need (the NATS client, libsodium for
 * GitHub secrets, the MCP SDK with its zod schemas) are imported with their first use, not at start, where together
 * they held ~15 MiB of every server's memory (bench/README `### Session 13: memory and reads during a refresh`).
 * A real server starts in a child process whose module resolutions a loader hook writes down; it answers a health
 * check and an MCP request, and the packages it resolved are compared before and after that request.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Writes every resolved module's URL to the file named by PAVE_TEST_IMPORT_LOG, with a marker line when asked. */
const HOOKS = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.PAVE_TEST_IMPORT_LOG, resolved.url + '\\n');
  return resolved;
}`;

/** Starts Pave as the tests do, asks for its health, marks the log, then opens an MCP session. */
const SERVER = `import { register } from 'node:module';
import { appendFileSync } from 'node:fs';
register(process.env.PAVE_TEST_HOOKS);
const { defaultConfig } = await import('./src/pave-config.ts');
const { createLogger } = await import('./src/core/logger.ts');
const { createApp } = await import('./src/app.ts');
const { createServer } = await import('./src/api/server.ts');
const config = { ...defaultConfig(), dataDir: process.env.PAVE_TEST_DATA_DIR, port: 0, logLevel: 'silent', auth: { ...defaultConfig().auth, enabled: false } };
const app = await createApp(config, { logger: createLogger('silent') });
const server = await createServer(app);
const url = await server.listen({ host: '127.0.0.1', port: 0 });
const health = await fetch(url + '/api/health');
appendFileSync(process.env.PAVE_TEST_IMPORT_LOG, 'health ' + health.status + '\\n');
const mcp = await fetch(url + '/api/mcp', {
  method: 'POST',
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'test', version: '1' } } }),
});
await mcp.text();
appendFileSync(process.env.PAVE_TEST_IMPORT_LOG, 'mcp ' + mcp.status + '\\n');
await server.close();
await app.close();`;

/** The packages (under node_modules) of the resolved URLs. */
function packagesOf(lines: string[]): Set<string> {
  return new Set(lines.flatMap(line => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.slice(1) ?? []));
}

describe('a server at start', () => {
  let dir: string;
  let lines: string[];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pave-start-imports-'));
    await writeFile(join(dir, 'hooks.mjs'), HOOKS);
    const log = join(dir, 'imports.log');
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SERVER], {
      cwd: ROOT,
      env: { ...process.env, PAVE_TEST_HOOKS: `file://${join(dir, 'hooks.mjs')}`, PAVE_TEST_IMPORT_LOG: log, PAVE_TEST_DATA_DIR: dir },
    });
    lines = (await readFile(log, 'utf8')).split('\n');
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers without loading NATS, libsodium or the MCP SDK, and loads the MCP SDK with the first MCP request', () => {
    const healthAt = lines.findIndex(line => line.startsWith('health '));
    const mcpAt = lines.findIndex(line => line.startsWith('mcp '));
    expect([lines[healthAt], lines[mcpAt]]).toEqual(['health 200', 'mcp 200']);
    const atStart = packagesOf(lines.slice(0, healthAt));
    expect(atStart).toContain('fastify');
    expect(atStart).toContain('kysely');
    expect([...atStart].filter(name => ['nats', 'libsodium-wrappers', 'libsodium', '@modelcontextprotocol/sdk', 'zod'].includes(name))).toEqual([]);
    expect(packagesOf(lines.slice(healthAt, mcpAt))).toContain('@modelcontextprotocol/sdk');
  });
});
