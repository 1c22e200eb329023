import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig } from '../../src/pave-config.js';
import { createLogger } from '../../src/core/logger.js';
import { createApp } from '../../src/app.js';
import { runCli, type CliResult } from '../support/run-cli.js';
import { authCommands, loginCommand, logoutCommand } from '../../src/cli/auth-commands.js';
import { createOutput, describeError } from '../../src/cli/output.js';
import type { GlobalOptions } from '../../src/cli/context.js';
import { authConfig, seedOrg, startAuthPave, tokenFor, type AuthPave } from './support.js';

/**
 * The `pave auth`, `pave login` and `pave logout` commands: run in this process through commander
 * (the same command objects `pave` adds, writing to a captured stdout), and once as the real `pave`
 * process to show they are wired into it. Tokens, explanations and rules act on the store; login
 * talks to a real server.
 */
describe('pave auth and pave login', { timeout: 120_000 }, () => {
  let dir: string;
  let configHome: string;
  let configFile: string;
  let pave: AuthPave;

  /** Runs `pave <args>` in this process, as bin/pave would (one line per error, exit code 1). */
  async function cli(...args: string[]): Promise<CliResult> {
    const program = new Command('pave').option('--json').option('-c, --config <file>').exitOverride();
    const globals = () => program.opts<GlobalOptions>();
    const output = () => createOutput(Boolean(globals().json));
    program.addCommand(authCommands(output, globals)).addCommand(loginCommand(output)).addCommand(logoutCommand(output));
    let stdout = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => ((stdout += String(chunk)), true));
    vi.stubEnv('XDG_CONFIG_HOME', configHome);
    try {
      await program.parseAsync(['node', 'pave', '--config', configFile, ...args]);
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      return { code: 1, stdout, stderr: describeError(error) + '\n' };
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pave-cli-auth-'));
    configHome = join(dir, 'config-home');
    configFile = join(dir, 'pave.config.yaml');
    writeFileSync(configFile, `dataDir: ${JSON.stringify(join(dir, '.pave'))}\nlogLevel: silent\n`);
    // The CLI opens ./.pave/pave.db, like `pave serve` in the same folder would.
    const app = await createApp({ ...defaultConfig(), dataDir: join(dir, '.pave'), auth: authConfig() }, { logger: createLogger('silent'), cwd: dir });
    await seedOrg(app.catalog);
    await app.close();
    pave = await startAuthPave();
  });
  afterAll(async () => {
    await pave?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, lists and revokes tokens as the local operator, and the audit log names it', async () => {
    const created = await cli('auth', 'token', 'create', '--user', 'bob', '--name', 'ci', '--scope', 'catalog.*', 'auth.session.read', '--expires-in', '7', '--json');
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout) as { token: string; id: string; principal: string; scopes: string[]; createdBy: string };
    expect(token).toMatchObject({ principal: 'user:default/bob', scopes: ['catalog.*', 'auth.session.read'] });
    expect(token.token).toMatch(/^pave_/);
    expect(token.createdBy).toMatch(/^cli:/);

    const listed = await cli('auth', 'token', 'list');
    const bad = await cli('auth', 'token', 'create', '--name', 'x');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(token.id);
    expect(listed.stdout).toContain('active');
    expect(listed.stdout).not.toContain(token.token);

    const revoked = await cli('--json', 'auth', 'token', 'revoke', token.id);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: token.id, state: 'revoked' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('error: Say who the token acts as: --user <ref> or --service <name>\n');

    const app = await createApp({ ...defaultConfig(), dataDir: join(dir, '.pave'), auth: authConfig() }, { logger: createLogger('silent'), cwd: dir });
    try {
      const { items } = await app.auth.audit.query({ entityRef: `token:${token.id}` });
      expect(items.map(i => i.action)).toEqual(['auth.token.revoke', 'auth.token.create']);
      expect(items[0]).toMatchObject({ actor: token.createdBy, userAgent: 'pave-cli' });
    } finally {
      await app.close();
    }
  });

  it('explains which rule allows or denies, for people and as JSON', async () => {
    // The real process, once: `pave` has the auth commands.
    const owner = await runCli(['auth', 'explain', 'carol', 'catalog.entity.write', 'component:default/payments', '--json'], { cwd: dir });
    const other = await cli('auth', 'explain', 'user:default/dave', 'catalog.entity.write', 'component:default/payments');
    const rules = await cli('auth', 'rules');
    const unknown = await cli('auth', 'explain', 'nobody', 'catalog.entity.read');
    expect(owner.code, owner.stderr).toBe(0);
    expect(JSON.parse(owner.stdout)).toMatchObject({ allowed: true, rule: { id: 'default.owners-edit', source: 'default' }, identity: { principal: 'user:default/carol' } });
    expect(other.stdout).toMatch(/^DENIED: no rule allows catalog\.entity\.write on component:default\/payments to user:default\/dave; it is allowed by "default\.owners-edit" \(role:owner\)\n/);
    expect(rules.stdout).toMatch(/default\.owners-edit\s+allow\s+default/);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/user:default\/nobody is not a User in the catalog/);
  });

  it('pave login checks a token against the server and keeps it readable by its owner only', async () => {
    const token = await tokenFor(pave.app, 'user:default/alice');
    const refused = await cli('login', '--url', pave.url, '--token', 'pave_wrong');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the token: The API token is unknown/);
    expect(existsSync(join(configHome, 'pave', 'credentials'))).toBe(false);
    const login = await cli('login', '--url', `${pave.url}/some/page`, '--token', token, '--json');
    expect(login.code, login.stderr).toBe(0);
    expect(JSON.parse(login.stdout)).toMatchObject({ server: pave.url, principal: 'user:default/alice' });
    const path = join(configHome, 'pave', 'credentials');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ current: pave.url, servers: { [pave.url]: { token, principal: 'user:default/alice' } } });

    const logout = await cli('logout');
    expect(logout.stdout).toBe(`signed out of ${pave.url}\n`);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ servers: {} });
    expect(existsSync(path)).toBe(true);
  });
});
