/**
 * What a `fetch:*` url names when it is an http(s) URL: a folder or file of a git repository, written as
 * a git host shows it (GitHub's `/owner/repo/tree/<ref>/<path>` and `/blob/…`, GitLab's
 * `/group/project/-/tree/<ref>/<path>`), cloned with the git CLI; or any other URL, read as one file.
 * Both go through the reading allow-list: the file through `UrlReader.read`, the clone to the address
 * `UrlReader.admit` checked, with no redirects.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { invalidInput } from '../../core/problem.js';
import { shallowClone } from '../../git/clone.js';
import { pinnedGitTransport } from '../../reading/pinned-git-transport.js';
import { shownUrl } from '../../reading/reading-error.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { isInside } from './safe-path.js';

/** A git host's web URL of a folder (`tree`) or file (`blob`), taken apart. */
export interface GitWebUrl {
  repository: URL;
  ref: string;
  /** Inside the repository, with `/`; empty for its top. */
  path: string;
  kind: 'tree' | 'blob';
}

/**
 * Takes apart a git host's web URL of a folder or file; anything else is undefined. The ref is one path
 * segment (a branch with a slash in its name cannot be told from a folder in such a URL).
 * @example gitWebUrl(new URL('https://github.com/acme/skeletons/tree/main/node')) // { repository: https://github.com/acme/skeletons.git, ref: 'main', path: 'node', kind: 'tree' }
 */
export function gitWebUrl(url: URL): GitWebUrl | undefined {
  const segments = url.pathname.split('/').filter(Boolean);
  const dash = segments.indexOf('-');
  const split = dash >= 2 ? dash : segments.length >= 4 ? 2 : -1;
  if (split < 0) return undefined;
  const [kind, ref, ...path] = segments.slice(dash >= 2 ? split + 1 : split);
  if ((kind !== 'tree' && kind !== 'blob') || !ref) return undefined;
  const project = segments.slice(0, split).join('/');
  return {
    repository: new URL(`${url.origin}/${project.endsWith('.git') ? project : `${project}.git`}`),
    ref: decodeURIComponent(ref),
    path: path.map(segment => decodeURIComponent(segment)).join('/'),
    kind,
  };
}

/**
 * Brings what an http(s) url names into `dir` (an empty folder the caller removes) and answers its path
 * there: the folder or file inside a clone, or the one file read.
 * @throws ReadingError when the policy refuses the URL; a 422 problem naming `what` when the clone fails
 */
export async function fetchRemote(reader: UrlReader, url: string, dir: string, what: string): Promise<string> {
  const parsed = new URL(url);
  const web = gitWebUrl(parsed);
  if (!web) {
    const { content } = await reader.read(url);
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'fetched');
    await writeFile(file, content);
    return file;
  }
  const admitted = await reader.admit(web.repository);
  try {
    await shallowClone(web.repository.href, dir, { branch: web.ref, timeoutMs: reader.timeoutSeconds * 1000, config: pinnedGitTransport(admitted) });
  } catch (error) {
    throw invalidInput(`${what}: could not clone ${shownUrl(web.repository)} at ${web.ref}: ${(error as Error).message}`, [{ pointer: '', detail: 'could not be cloned', rule: 'remote' }]);
  }
  // The repository's history is not part of what was fetched.
  await rm(join(dir, '.git'), { recursive: true, force: true });
  const target = resolve(dir, web.path);
  if (!isInside(dir, target)) throw invalidInput(`${what}: ${shownUrl(parsed)} names a path outside its repository`, [{ pointer: '', detail: 'points outside the repository', rule: 'remote' }]);
  return target;
}
