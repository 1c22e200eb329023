/**
 * The git CLI runner: every git process Pave starts is started here, with the hardened configuration
 * (`hardening.ts`), no shell, a time limit and a cap on what it may print.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { hardenedCommand, type GitCommandOptions } from './hardening.js';

export interface GitResult<Output extends string | Buffer = string> {
  stdout: Output;
  stderr: string;
}

export interface RunGitOptions extends GitCommandOptions {
  cwd?: string;
  /** Killed after this long. Default 60 s. */
  timeoutMs?: number;
  /** Killed when it prints more than this on stdout or stderr. Default 64 MiB. */
  maxOutputBytes?: number;
  /** Written to git's stdin (e.g. for `hash-object --stdin` or `cat-file --batch`). */
  input?: string | Buffer;
  /** Kills it when aborted (a clone that grew past its size limit). */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_OUTPUT = 64 * 1024 * 1024;

/** A git command that failed; `stderr` is what git said, `exitCode` null when it was killed. */
export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${subcommandOf(args)} failed: ${stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${exitCode}`}`);
    this.name = 'GitError';
  }
}

/** Options that come before the subcommand and take a value (`git -C dir log`). */
const GLOBAL_WITH_VALUE = new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace']);

/** The subcommand an argument list runs, for messages (`git --git-dir x log` → `log`). */
function subcommandOf(args: readonly string[]): string {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_WITH_VALUE.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return args[0] ?? '';
}

/**
 * Runs one git command to completion and returns what it printed; rejects with a GitError when it fails,
 * runs out of time or prints too much.
 * @example const { stdout } = await runGit(['rev-parse', 'HEAD'], { cwd: dir });
 * @example const bytes = (await runGit(['cat-file', 'blob', oid], { cwd: dir, encoding: 'buffer' })).stdout;
 */
export function runGit(args: string[], options?: RunGitOptions & { encoding?: 'utf8' }): Promise<GitResult>;
export function runGit(args: string[], options: RunGitOptions & { encoding: 'buffer' }): Promise<GitResult<Buffer>>;
export function runGit(args: string[], options: RunGitOptions & { encoding?: 'utf8' | 'buffer' } = {}): Promise<GitResult<string | Buffer>> {
  const command = hardenedCommand(args, options);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      command.args,
      { cwd: options.cwd, env: command.env, timeout: timeoutMs, maxBuffer: options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT, encoding: 'buffer', ...(options.signal ? { signal: options.signal } : {}) },
      (error, stdout, stderr) => {
        const said = stderr.toString('utf8');
        if (error) {
          const reason =
            (error as { code?: unknown }).code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER'
              ? 'printed more than its output limit'
              : said.trim() || (error.killed ? `timed out after ${timeoutMs} ms` : error.message);
          reject(new GitError(args, reason, typeof error.code === 'number' ? error.code : null));
        } else resolve({ stdout: options.encoding === 'buffer' ? stdout : stdout.toString('utf8'), stderr: said });
      },
    );
    // git may stop reading early (and then fail, saying why): a broken pipe is not the error to report.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input);
  });
}

/**
 * Starts a long-running git command whose output streams (the git HTTP backend), hardened like every
 * other; the caller reads its streams and ends it. `timeoutMs` kills it when it runs too long.
 * @example const child = spawnGit(['http-backend'], { env: cgiVariables, inheritEnv: false, timeoutMs: 600_000 });
 */
export function spawnGit(args: string[], options: GitCommandOptions & { timeoutMs?: number } = {}): ChildProcessWithoutNullStreams {
  const command = hardenedCommand(args, options);
  return spawn('git', command.args, { env: command.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs });
}
