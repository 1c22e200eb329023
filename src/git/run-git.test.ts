/**
 * The hardening every git command gets, tried the way an attacker would: hooks and a file-system monitor
 * planted in a repository, a user's ~/.gitconfig, variables inherited from the environment, transports
 * that run commands. Real git in temporary folders; a marker file proves whether anything ran.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { commit } from './commit.js';
import { GitError, runGit } from './run-git.js';

const root = await mkdtemp(join(tmpdir(), 'pave-run-git-'));
afterAll(() => rm(root, { recursive: true, force: true }));

let marker: string;
let n = 0;
beforeEach(() => {
  marker = join(root, `ran-${++n}`);
});

/** A shell script that leaves the marker when run. */
async function planted(path: string): Promise<void> {
  await writeFile(path, `#!/bin/sh\ntouch '${marker}'\n`);
  await chmod(path, 0o755);
}

async function repository(name: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir);
  await runGit(['init', '--quiet', '--initial-branch=main'], { cwd: dir });
  return dir;
}

const failure = (promise: Promise<unknown>) => promise.then(() => expect.fail('git should have failed'), (error: unknown) => error as GitError);

describe('runGit', () => {
  it('never runs the hooks of a repository, in .git/hooks or wherever its core.hooksPath points', async () => {
    const dir = await repository('hooks');
    // (No template folder is copied into a new repository, so it has no hooks folder yet.)
    await mkdir(join(dir, '.git', 'hooks'));
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit', 'post-checkout']) await planted(join(dir, '.git', 'hooks', hook));
    await mkdir(join(dir, 'elsewhere'));
    await planted(join(dir, 'elsewhere', 'pre-commit'));
    await runGit(['config', 'core.hooksPath', join(dir, 'elsewhere')], { cwd: dir });
    await writeFile(join(dir, 'a.txt'), 'a\n');
    expect(await commit(dir, { message: 'a' })).toMatch(/^[0-9a-f]{40}$/);
    await runGit(['checkout', '--quiet', '-b', 'other'], { cwd: dir });
    expect(existsSync(marker)).toBe(false);
  });

  it("never runs a file-system monitor a repository's configuration names", async () => {
    const dir = await repository('fsmonitor');
    await planted(join(root, 'monitor.sh'));
    await runGit(['config', 'core.fsmonitor', join(root, 'monitor.sh')], { cwd: dir });
    await writeFile(join(dir, 'a.txt'), 'a\n');
    await runGit(['status', '--porcelain'], { cwd: dir });
    await commit(dir, { message: 'a' });
    expect(existsSync(marker)).toBe(false);
  });

  it("ignores the user's ~/.gitconfig: aliases, URL rewrites, core.sshCommand, hooks and protocol.ext.allow", async () => {
    const home = join(root, 'home');
    await mkdir(home);
    await planted(join(root, 'ssh.sh'));
    await writeFile(
      join(home, '.gitconfig'),
      [
        '[alias]',
        `  probe = !touch '${marker}'`,
        `[url "ext::sh -c touch% ${marker}% #"]`,
        '  insteadOf = file://',
        '[core]',
        `  sshCommand = ${join(root, 'ssh.sh')}`,
        '[protocol "ext"]',
        '  allow = always',
        '',
      ].join('\n'),
    );
    const env = { HOME: home, XDG_CONFIG_HOME: home };
    const source = await repository('source');
    await commit(source, { message: 'start', allowEmpty: true });
    expect((await failure(runGit(['probe'], { cwd: source, env }))).stderr).toMatch(/not a git command/);
    await runGit(['clone', '--quiet', '--', `file://${source}`, join(root, 'rewritten')], { env });
    await failure(runGit(['ls-remote', '--', 'ssh://127.0.0.1:1/repo.git'], { env, timeoutMs: 30_000 }));
    await failure(runGit(['ls-remote', '--', `ext::sh -c touch% ${marker}`], { env }));
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(join(root, 'rewritten', '.git'))).toBe(true);
  });

  it('refuses transports other than file, http(s) and ssh, whatever a repository allows', async () => {
    const dir = await repository('transports');
    await runGit(['config', 'protocol.allow', 'always'], { cwd: dir });
    await runGit(['config', 'protocol.ext.allow', 'always'], { cwd: dir });
    for (const url of [`ext::sh -c touch% ${marker}`, 'git://127.0.0.1:1/repo.git', 'fd::7']) {
      expect((await failure(runGit(['fetch', '--quiet', '--', url], { cwd: dir }))).stderr, url).toMatch(/transport '\w+' not allowed/);
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('takes no repository or configuration from variables inherited from the environment', async () => {
    const dir = await repository('inherited');
    const other = await repository('other');
    const inherited = { GIT_DIR: join(other, '.git'), GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'alias.probe', GIT_CONFIG_VALUE_0: `!touch '${marker}'`, GIT_CONFIG_PARAMETERS: `'core.hookspath'='${root}'` };
    Object.assign(process.env, inherited);
    try {
      expect((await runGit(['rev-parse', '--absolute-git-dir'], { cwd: dir })).stdout.trim()).toBe(join(dir, '.git'));
      await failure(runGit(['probe'], { cwd: dir }));
    } finally {
      for (const name of Object.keys(inherited)) delete process.env[name];
    }
    expect(existsSync(marker)).toBe(false);
  });

  it('ends a command at its time limit and one that prints too much, naming the subcommand', async () => {
    const dir = await repository('limits');
    const slow = await failure(runGit(['-c', 'alias.slow=!sleep 5', 'slow'], { cwd: dir, timeoutMs: 300 }));
    expect(slow.message).toBe('git slow failed: timed out after 300 ms');
    expect(slow.exitCode).toBeNull();
    await writeFile(join(dir, 'big.txt'), 'x'.repeat(10_000));
    const blob = (await runGit(['hash-object', '-w', 'big.txt'], { cwd: dir })).stdout.trim();
    const big = await failure(runGit(['--git-dir', join(dir, '.git'), 'cat-file', 'blob', blob], { maxOutputBytes: 1000 }));
    expect(big.message).toBe('git cat-file failed: printed more than its output limit');
  });

  it('writes input to stdin and can answer bytes', async () => {
    const dir = await repository('input');
    const blob = (await runGit(['hash-object', '-w', '--stdin'], { cwd: dir, input: 'héllo\n' })).stdout.trim();
    const bytes = (await runGit(['cat-file', 'blob', blob], { cwd: dir, encoding: 'buffer' })).stdout;
    expect(bytes).toEqual(Buffer.from('héllo\n'));
  });
});
