import { shallowClone } from '../../git/clone.js';
import type { UrlReader } from '../../reading/url-reader.js';
import { cloneRepository } from '../../reading/web-url-clone.js';

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
  const web = /^https?:\/\//i.test(url) && URL.canParse(url) ? new URL(url) : undefined;
  if (web && reader && (await reader.hostedClone(web))) return void (await cloneRepository(reader, web, ref ?? 'HEAD', dir, 'integration'));
  const remote = !url.startsWith('file:') && !url.startsWith('/');
  await shallowClone(url, dir, { ...(ref ? { branch: ref } : {}), ...(remote && reader ? { maxBytes: reader.maxCloneBytes } : {}) });
}
