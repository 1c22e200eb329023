import { realpath, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isInside } from '../core/is-inside.js';
import { shallowClone } from '../git/clone.js';
import type { GitWebUrl } from './git-web-url.js';
import { pinnedGitTransport } from './pinned-git-transport.js';
import { ReadingError, shownUrl } from './reading-error.js';
import type { UrlReader } from './url-reader.js';

/**
 * Clones the repository of a git host's web URL into `dir` (missing or empty) under the reading policy:
 * its repository URL admitted by `reader` (allow-list, resolved addresses), curl pinned to the admitted
 * address with no redirects, within the reader's time limit. Symbolic links are checked out as plain files
 * holding their target's text, so nothing read from the clone can follow one out of it. The clone's `.git` is
 * dropped (its history is not what was asked for); the answer is the URL's path inside `dir`, never outside it.
 * @example const docs = await cloneWebUrl(reader, gitWebUrl(new URL(ref))!, dir);
 * @throws ReadingError when the policy refuses the repository or the clone fails
 */
export async function cloneWebUrl(reader: UrlReader, web: GitWebUrl, dir: string): Promise<string> {
  const admitted = await reader.admit(web.repository);
  try {
    await shallowClone(web.repository.href, dir, { branch: web.ref, timeoutMs: reader.timeoutSeconds * 1000, config: [...pinnedGitTransport(admitted), 'core.symlinks=false'] });
  } catch (error) {
    throw new ReadingError('unreachable', `could not clone ${shownUrl(web.repository)} at ${web.ref}: ${(error as Error).message}`);
  }
  await rm(join(dir, '.git'), { recursive: true, force: true });
  const target = resolve(dir, web.path);
  // Real paths too (the clone holds no link, but its folder might sit under one).
  const [root, real] = await Promise.all([realpath(dir), realpath(target).catch(() => target)]);
  if (!isInside(dir, target) || !isInside(root, real)) throw new ReadingError('not-found', `${shownUrl(web.repository)} has no path ${web.path}`);
  return target;
}
