import type { AdmittedUrl } from './url-reader.js';

/**
 * The git settings (`-c name=value`) that hold a clone over http(s) to what `UrlReader.admit` checked:
 * curl connects to the admitted address for the URL's host and port (so the name is not resolved again,
 * DNS rebinding gains nothing), and no redirect is followed (one could lead off the allow-list).
 * @example await shallowClone(url, dir, { config: pinnedGitTransport(await reader.admit(url)) });
 */
export function pinnedGitTransport(admitted: AdmittedUrl): string[] {
  const { url, address, family } = admitted;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return ['http.followRedirects=false', `http.curloptResolve=${host}:${port}:${family === 6 ? `[${address}]` : address}`];
}
