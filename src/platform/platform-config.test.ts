import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../pave-config.js';
import { isPaveError, type FieldError } from '../core/problem.js';

/** The platform settings that decide how module steps are isolated and who owns a namespace's requests. */
describe('platform configuration: module sandbox and namespace owners', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pave-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mistakes = (env: Record<string, string> = {}): FieldError[] => {
    try {
      loadConfig({ cwd: dir, env });
    } catch (error) {
      if (isPaveError(error)) return error.problem.errors ?? [];
      throw error;
    }
    return [];
  };

  it('isolates module steps with bubblewrap and names no namespace owners by default', () => {
    const { platform } = loadConfig({ cwd: dir, env: {} });
    expect(platform).toMatchObject({ moduleSandbox: 'bubblewrap', moduleMemoryMb: 256, namespaceOwners: {} });
  });

  it('reads the sandbox and owners from the file and the environment, owners as Group refs', () => {
    writeFileSync(join(dir, 'pave.config.yaml'), 'platform:\n  moduleSandbox: process\n  moduleMemoryMb: 512\n  namespaceOwners:\n    ops: sre-team\n    web: group:default/Storefront-Team\n');
    expect(loadConfig({ cwd: dir, env: {} }).platform).toMatchObject({
      moduleSandbox: 'process',
      moduleMemoryMb: 512,
      namespaceOwners: { ops: 'group:default/sre-team', web: 'group:default/storefront-team' },
    });
    const fromEnv = loadConfig({ cwd: dir, env: { PAVE_MODULE_SANDBOX: 'bubblewrap', PAVE_NAMESPACE_OWNERS: 'data=group:analytics/data-team, billing=payments-team' } }).platform;
    expect(fromEnv.moduleSandbox).toBe('bubblewrap');
    expect(fromEnv.namespaceOwners).toEqual({ data: 'group:analytics/data-team', billing: 'group:default/payments-team' });
  });

  it('names each mistake', () => {
    writeFileSync(join(dir, 'pave.config.yaml'), 'platform:\n  moduleMemoryMb: -1\n  namespaceOwners:\n    ops: user:default/someone\n    web/app: ""\n');
    expect(mistakes({ PAVE_MODULE_SANDBOX: 'chroot' }).map(e => `${e.pointer}: ${e.detail}`)).toEqual([
      '/platform/moduleMemoryMb: must be a positive number',
      '/platform/moduleSandbox: must be one of bubblewrap, process (PAVE_MODULE_SANDBOX)',
      "/platform/namespaceOwners/ops: must be a Group ref such as 'group:default/checkout-team' or a group name",
      "/platform/namespaceOwners/web~1app: must be a Group ref such as 'group:default/checkout-team' or a group name",
    ]);
  });
});
