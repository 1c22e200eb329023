import { realpath, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isInside } from '../core/is-inside.js';
import { CloneTooLargeError, remoteCommit, shallowClone } from '../git/clone.js';
import { runGit } from '../git/run-git.js';
import { gitCredentialsEnv } from '../git/git-credentials.js';
import type { GitWebUrl } from './git-web-url.js';
import { pinnedGitTransport } from './pinned-git-transport.js';
import { ReadingError, shownUrl } from './reading-error.js';
import type { UrlReader } from './url-reader.js';

/**
 * Clones a repository over http(s) into `dir` (missing or empty) under the reading policy: its URL admitted by
 * `reader` (allow-list, resolved addresses), curl pinned to the admitted address with no redirects, within
 * the reader's time and clone size limits. Signed in with the integration's git credentials (as a header, to
 * that address only) only when the caller asks (`signIn: 'integration'`) and the host has them; `'anonymous'`
 * clones as anyone may. Symbolic links are checked out as plain files
 * holding their target's text, so nothing read from the clone can follow one out of it; the clone's `.git`
 * is dropped (its history is not what was asked for). Answers the commit cloned.
 * @example const { commit } = await cloneRepository(reader, new URL('https://github.com/acme/shop.git'), 'main', dir, 'integration');
 * @throws ReadingError when the policy refuses the repository or the clone fails
 */
export async function cloneRepository(reader: UrlReader, repository: URL, ref: string, dir: string, signIn: SignIn): Promise<{ commit: string }> {
  const transport = await policyGitTransport(reader, repository, signIn);
  try {
    await shallowClone(repository.href, dir, { branch: ref, maxBytes: reader.maxCloneBytes, ...transport, config: [...transport.config, 'core.symlinks=false'] });
  } catch (error) {
    if (error instanceof CloneTooLargeError) throw new ReadingError('too-large', `${shownUrl(repository)} is larger than the clone limit of ${error.maxBytes} bytes (reading.maxCloneBytes)`);
    throw new ReadingError('unreachable', `could not clone ${shownUrl(repository)} at ${ref}${asAnyone(signIn)}: ${(error as Error).message}`);
  }
  const commit = (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
  await rm(join(dir, '.git'), { recursive: true, force: true });
  return { commit };
}

/**
 * The commit a branch or tag of a repository names now, asked under the same policy as a clone (nothing is
 * downloaded); undefined when there is no such ref.
 * @throws ReadingError when the policy refuses the repository or it cannot be reached
 */
export async function remoteCommitOf(reader: UrlReader, repository: URL, ref: string, signIn: SignIn): Promise<string | undefined> {
  const transport = await policyGitTransport(reader, repository, signIn);
  try {
    return await remoteCommit(repository.href, ref, transport);
  } catch (error) {
    throw new ReadingError('unreachable', `could not ask ${shownUrl(repository)} for ${ref}${asAnyone(signIn)}: ${(error as Error).message}`);
  }
}

/**
 * Whose credentials a clone signs in with: the integration's, for sources the platform team chose (a registered
 * `url` location, a published golden path); none, for a repository anyone who edits an entity may name (docs at
 * `url:`, `backstage.io/source-location`), so the integration's token never reads for them what they cannot.
 */
export type SignIn = 'integration' | 'anonymous';

/** The words a failure adds when the clone was made without credentials, so a private repository's refusal is understood. */
function asAnyone(signIn: SignIn): string {
  return signIn === 'anonymous' ? ' (read without credentials, as anyone may: an entity annotation never uses the integration token)' : '';
}

/** What every git command reaching a repository under the reading policy is given (a clone, and an edit's fetch and push). */
export interface PolicyGitTransport {
  /** `-c` settings: curl pinned to the admitted address, no redirects. */
  config: string[];
  timeoutMs: number;
  /** The integration's credentials, as an HTTP header in GIT_CONFIG_* variables; none for `'anonymous'` or a host without them. */
  env: NodeJS.ProcessEnv;
}

/**
 * How git reaches a repository under the policy: the admitted address pinned, no redirects, the time limit,
 * the integration's credentials when asked for (and the host has them, at the integration's own origin).
 * @example await pushWithRebase(dir, { branch: 'main', ...(await policyGitTransport(reader, repository, 'integration')) });
 * @throws ReadingError when the policy refuses the repository
 */
export async function policyGitTransport(reader: UrlReader, repository: URL, signIn: SignIn): Promise<PolicyGitTransport> {
  const admitted = await reader.admit(repository);
  const hosted = signIn === 'integration' ? await reader.hostedClone(repository) : undefined;
  return { config: pinnedGitTransport(admitted), timeoutMs: reader.timeoutSeconds * 1000, env: gitCredentialsEnv(hosted?.credentials) };
}

/**
 * Clones the repository of a git host's web URL into `dir` (see `cloneRepository`) and answers the URL's
 * path inside `dir`, never outside it.
 * @example const docs = await cloneWebUrl(reader, gitWebUrl(new URL(ref))!, dir, 'anonymous');
 * @throws ReadingError when the policy refuses the repository or the clone fails
 */
export async function cloneWebUrl(reader: UrlReader, web: GitWebUrl, dir: string, signIn: SignIn): Promise<string> {
  await cloneRepository(reader, web.repository, web.ref, dir, signIn);
  return pathInClone(dir, web);
}

/**
 * The path a web URL names inside a clone of its repository in `dir`, never outside it.
 * @throws ReadingError when it would lie outside
 */
export async function pathInClone(dir: string, web: GitWebUrl): Promise<string> {
  const target = resolve(dir, web.path);
  // Real paths too (the clone holds no link, but its folder might sit under one).
  const [root, real] = await Promise.all([realpath(dir), realpath(target).catch(() => target)]);
  if (!isInside(dir, target) || !isInside(root, real)) throw new ReadingError('not-found', `${shownUrl(web.repository)} has no path ${web.path}`);
  return target;
}
