/**
 * Pushing to a branch others push to as well: when the remote refuses because someone pushed first, our
 * commits are put on top of theirs and the push tried again.
 */
import { GitError, runGit } from './run-git.js';
import { checkRefName } from './refs.js';
import { timed } from '../core/operation-timings.js';

export interface PushOptions {
  /** A remote's name or URL. Default `origin`. */
  remote?: string;
  branch: string;
  /** The commit to push. Default HEAD. */
  revision?: string;
  /** Tries in all, the first one included. Default 3. */
  attempts?: number;
  /** Time limit of each git command. Default the runner's. */
  timeoutMs?: number;
  /** Transport settings for the push and its catch-up fetch, as `name=value` given with `-c` (a pinned address, no redirects). */
  config?: readonly string[];
  /** Variables for git (credentials as an HTTP header, `git-credentials.ts`: never in the remote's URL). */
  env?: NodeJS.ProcessEnv;
  /**
   * After a refusal, puts the local commits on top of the remote's branch and returns the revision to
   * push next, or undefined when nothing is left to push. Default: fetch the branch and rebase onto it,
   * failing with a `conflicting` PushError when the rebase does not apply.
   */
  catchUp?: (attempt: number) => Promise<string | undefined>;
}

export interface PushResult {
  /** Pushes tried (more than one when another writer got there first). */
  attempts: number;
  /** What went out; undefined when catching up left nothing to push. */
  pushed?: string;
}

/** A push that did not go through; `cause` is git's own error. */
export class PushError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
    /** True when our commits conflict with the ones someone pushed first (the rebase did not apply). */
    readonly conflicting: boolean,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'PushError';
  }
}

const REFUSED = /\(fetch first\)|\(non-fast-forward\)|cannot lock ref|failed to update ref|incorrect old value|reference already exists|stale info/i;

/**
 * True when a push was refused because the branch moved on the remote (so fetching and rebasing may
 * help), rather than failing for another reason.
 */
export function isPushRefused(error: unknown): boolean {
  return error instanceof GitError && REFUSED.test(error.stderr);
}

/**
 * Pushes `revision` to `branch`; when the remote refuses because someone pushed first, waits a short
 * random pause (two busy writers do not collide in step), catches up and tries again, `attempts` times in
 * all. Other failures are not retried.
 * @example await pushWithRebase(dir, { branch: 'main' }); // { attempts: 1, pushed: 'HEAD' }
 */
export function pushWithRebase(dir: string, options: PushOptions): Promise<PushResult> {
  return timed('git.push', () => pushWithRebaseUntimed(dir, options));
}

async function pushWithRebaseUntimed(dir: string, options: PushOptions): Promise<PushResult> {
  const remote = options.remote ?? 'origin';
  const branch = checkRefName(options.branch);
  const attempts = options.attempts ?? 3;
  const transport = (options.config ?? []).flatMap(setting => ['-c', setting]);
  const git = (args: string[]) => runGit([...transport, ...args], { cwd: dir, timeoutMs: options.timeoutMs, ...(options.env ? { env: options.env } : {}) });
  const catchUp =
    options.catchUp ??
    (async (attempt: number) => {
      // A shallow clone needs some history to find where the two lines meet.
      await git(['fetch', '--quiet', '--depth', '20', '--', remote, `refs/heads/${branch}`]);
      try {
        await git(['rebase', '--quiet', 'FETCH_HEAD']);
      } catch (error) {
        await git(['rebase', '--abort']).catch(() => undefined);
        throw new PushError(`our commits conflict with newer ones on ${branch}: ${(error as Error).message}`, attempt, true, { cause: error });
      }
      return options.revision ?? 'HEAD';
    });
  let revision: string | undefined = options.revision ?? 'HEAD';
  for (let attempt = 1; ; attempt++) {
    try {
      await git(['push', '--quiet', '--', remote, `${revision}:refs/heads/${branch}`]);
      return { attempts: attempt, pushed: revision };
    } catch (error) {
      if (!isPushRefused(error) || attempt >= attempts) {
        throw new PushError(`push to ${branch} failed after ${attempt} attempt(s): ${(error as Error).message}`, attempt, false, { cause: error });
      }
    }
    await new Promise(resolve => setTimeout(resolve, Math.random() * 80 * attempt));
    revision = await catchUp(attempt);
    if (revision === undefined) return { attempts: attempt };
  }
}
