import { execFile } from 'node:child_process';

export interface GitResult {
  stdout: string;
  stderr: string;
}

export class GitError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args[0]} failed: ${stderr.trim().split('\n').slice(-3).join(' ') || `exit code ${exitCode}`}`);
    this.name = 'GitError';
  }
}

/**
 * Runs the git CLI with prompts disabled (a missing credential fails fast instead of hanging) and a time limit.
 * @example await runGit(['clone', '--depth', '1', url, dir]);
 */
export function runGit(args: string[], options: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          GIT_TERMINAL_PROMPT: '0',
          GIT_ASKPASS: 'echo',
          GIT_CONFIG_NOSYSTEM: '1',
          GIT_AUTHOR_NAME: process.env.GIT_AUTHOR_NAME ?? 'Pave',
          GIT_AUTHOR_EMAIL: process.env.GIT_AUTHOR_EMAIL ?? 'pave@localhost',
          GIT_COMMITTER_NAME: process.env.GIT_COMMITTER_NAME ?? 'Pave',
          GIT_COMMITTER_EMAIL: process.env.GIT_COMMITTER_EMAIL ?? 'pave@localhost',
          ...options.env,
        },
      },
      (error, stdout, stderr) => {
        if (error) reject(new GitError(args, String(stderr || error.message), typeof error.code === 'number' ? error.code : null));
        else resolve({ stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}
