import { remoteCommit, shallowClone } from '../../git/clone.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneRepository, policyGitTransport, remoteCommitOf, type PolicyGitTransport } from '../../reading/web-url-clone.js';

/**
 * Clones the repository of a `url` location (or of an entity read from one, for its docs) into `dir`. One on
 * a git host with a configured integration is cloned under the reading policy, as every URL read from such a
 * host is: allow-list, checked address, no redirects, time and clone size limits, signed in with the host's
 * credentials (private repositories too). Any other is cloned as a registered location always was (the
 * platform team chose it), held to the clone size limit when it is remote.
 * @example await cloneLocationRepository('https://github.com/acme/shop.git', 'main', dir, reader);
 * @throws ReadingError when the policy refuses an integration host's repository, GitError or CloneTooLargeError otherwise
 */
export async function cloneLocationRepository(url: string, ref: string | undefined, dir: string, reader: UrlReader | undefined): Promise<void> {
  const web = httpUrl(url);
  if (web && reader && (await reader.hostedClone(web))) return void (await cloneRepository(reader, web, ref ?? 'HEAD', dir, 'integration'));
  const remote = !url.startsWith('file:') && !url.startsWith('/');
  await shallowClone(url, dir, { ...(ref ? { branch: ref } : {}), ...(remote && reader ? { maxBytes: reader.maxCloneBytes } : {}) });
}

/**
 * The commit a location's ref (none: the default branch) names now in its repository, asked as
 * `cloneLocationRepository` would clone it (nothing is downloaded); undefined when there is no such ref. What
 * clones kept by (repository, commit) are looked up by.
 * @example await locationCommit('https://git.example.com/acme/shop.git', 'main', reader) // '3f2a…'
 * @throws ReadingError when the policy refuses an integration host's repository, GitError otherwise
 */
export async function locationCommit(url: string, ref: string | undefined, reader: UrlReader | undefined): Promise<string | undefined> {
  const web = httpUrl(url);
  if (web && reader && (await reader.hostedClone(web))) return remoteCommitOf(reader, web, ref ?? 'HEAD', 'integration');
  return remoteCommit(url, ref ?? 'HEAD');
}

/** How git commands that keep working in a location's clone (an edit's clone, fetch and push) reach its repository. */
export interface LocationGitTransport {
  /** Given to each of those commands: the reading policy's on an integration host, nothing otherwise. */
  transport: Partial<PolicyGitTransport>;
  /**
   * Who git signs in as: the integration's credentials; `no-credentials` on an integration host that gives
   * none for this URL (none configured, or a URL off the integration's own https origin); `no-integration`
   * on any other host (as the location was registered).
   */
  signIn: 'integration' | 'no-credentials' | 'no-integration';
}

/**
 * The transport for a location's repository, decided as `cloneLocationRepository` decides it: on a git host
 * with a configured integration, the reading policy's (allow-list, pinned address, no redirects) signed in
 * with the host's credentials, which go as a header to that address only, never on a command line or in a URL.
 * @example const { transport } = await locationGitTransport('https://github.com/acme/shop.git', reader); await pushWithRebase(dir, { branch: 'main', ...transport });
 * @throws ReadingError when the policy refuses an integration host's repository
 */
export async function locationGitTransport(url: string, reader: UrlReader | undefined): Promise<LocationGitTransport> {
  const web = httpUrl(url);
  const hosted = web && reader ? await reader.hostedClone(web) : undefined;
  if (!web || !reader || !hosted) return { transport: {}, signIn: 'no-integration' };
  return { transport: await policyGitTransport(reader, web, 'integration'), signIn: hosted.credentials ? 'integration' : 'no-credentials' };
}

function httpUrl(url: string): URL | undefined {
  return /^https?:\/\//i.test(url) && URL.canParse(url) ? new URL(url) : undefined;
}
