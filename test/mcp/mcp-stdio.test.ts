/**
 * `pave mcp` over stdio on the local store: one real `pave` process spawned by the SDK's stdio client,
 * acting as the local operator; a change made through it is audited with `via: mcp` and the client's name.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';
import { loadDemo } from '../../src/cli/serve-command.js';
import { callTool } from './support.js';
import { paveCli } from '../support/pave-cli.js';

describe('pave mcp (stdio, local store)', { timeout: 90_000 }, () => {
  let dataDir: string;
  let client: Client;
  const config = (): PaveConfig => ({ ...defaultConfig(), dataDir, logLevel: 'silent' });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pave-mcp-stdio-'));
    const app = await createApp(config(), { logger: createLogger('silent') });
    await loadDemo(app);
    await app.close();
    client = new Client({ name: 'stdio-agent', version: '2.0.0' });
    await client.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [paveCli(), 'mcp', '--local'],
        cwd: dataDir,
        env: { ...(process.env as Record<string, string>), PAVE_DATA_DIR: dataDir, PAVE_LOG_LEVEL: 'silent' },
        stderr: 'pipe',
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lists tools, searches the local catalog, and applies a request audited via mcp as the local operator', async () => {
    const { tools } = await client.listTools();
    expect(tools.map(tool => tool.name)).toContain('create_platform_request');
    const found = await callTool(client, 'search_catalog', { q: 'checkout' });
    expect(found.data.results.map((hit: any) => hit.entityRef)).toContain('group:default/checkout-team');
    const request = { apiVersion: 'databases.pave.dev/v1alpha1', kind: 'PostgreSQL', metadata: { name: 'stdio-db', namespace: 'checkout-team' }, spec: { environment: 'dev', instances: 1, storage: '1Gi', database: 'stdio' } };
    const applied = await callTool(client, 'create_platform_request', { request, apply: true });
    expect(applied.isError, applied.text).toBeFalsy();
    expect(applied.data).toMatchObject({ applied: true, outcome: 'created' });
    const { prompts } = await client.listPrompts();
    expect(prompts.map(prompt => prompt.name)).toEqual(['create_service', 'request_infrastructure', 'fix_before_campaign']);

    await client.close();
    const app = await createApp(config(), { logger: createLogger('silent') });
    try {
      const { items } = await app.audit.query({ action: 'platform.request.create' });
      expect(items[0]).toMatchObject({ actor: app.auth.localOperator().principal, entityRef: expect.stringContaining('stdio-db'), detail: expect.objectContaining({ via: 'mcp', client: 'stdio-agent 2.0.0' }) });
    } finally {
      await app.close();
    }
  });
});
