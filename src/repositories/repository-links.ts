/**
 * The addresses of Pave's hosted repositories, and the way back: which repository a catalog
 * location names. `publish:git` writes `backstage.io/source-location: url:<page>/` into the entities it
 * pushes, and `catalog:register` records `backstage.io/managed-by-location: url:<file:// URL>#<branch>:<path>`;
 * people may also register the HTTP clone URL or the folder itself. Pure: no I/O.
 */
import { pathToFileURL } from 'node:url';
import { formatRepositoryName, repositoryName, type RepositoryName } from './repository-name.js';
import type { RepositoryUrls } from './repository-views.js';

/** The annotations that tie an entity to the repository its source or catalog file is in. */
export const LOCATION_ANNOTATION_KEYS = ['metadata.annotations.backstage.io/source-location', 'metadata.annotations.backstage.io/managed-by-location'] as const;

/** Where `<owner>/<repo>` follows in each address of a hosted repository (each ends with `/`). */
export interface RepositoryAddresses {
  /** `<baseUrl>/repositories/`: portal pages. */
  page: string;
  /** `<baseUrl>/git/`: HTTP clone URLs (`<owner>/<repo>.git`). */
  http: string;
  /** `file://<root>/`: file URLs (`<owner>/<repo>.git`). */
  file: string;
  /** `<root>/`: the folders themselves. */
  folder: string;
}

/**
 * The addresses for a base URL and the repositories' folder.
 * @example repositoryAddresses('http://pave:7007/', '/data/git').page // 'http://pave:7007/repositories/'
 */
export function repositoryAddresses(baseUrl: string, root: string): RepositoryAddresses {
  const base = baseUrl.replace(/\/+$/, '');
  return { page: `${base}/repositories/`, http: `${base}/git/`, file: `${pathToFileURL(root).href}/`, folder: `${root}/` };
}

/** A repository's portal page, HTTP clone URL and (when asked) file:// URL. */
export function repositoryUrls(addresses: RepositoryAddresses, name: RepositoryName, withFileUrl: boolean): RepositoryUrls {
  const path = formatRepositoryName(name);
  return { page: `${addresses.page}${path}`, httpClone: `${addresses.http}${path}.git`, ...(withFileUrl ? { fileClone: `${addresses.file}${path}.git` } : {}) };
}

/**
 * What a location annotation that names a repository starts with: for one repository (a candidate;
 * `repositoryOfLocation` has the last word, so `acme/shop` does not take `acme/shopping`), or for all.
 */
export function locationPrefixes(addresses: RepositoryAddresses, name?: RepositoryName): string[] {
  const path = name ? formatRepositoryName(name) : '';
  return [`url:${addresses.page}${path}`, `url:${addresses.http}${path}`, `url:${addresses.file}${path}`, `url:${addresses.folder}${path}`];
}

/**
 * The hosted repository a location annotation points into, or undefined. The address part is
 * compared case-insensitively (URLs' schemes and hosts are), the name exactly.
 * @example repositoryOfLocation('url:http://pave/repositories/acme/shop/', addresses) // { owner: 'acme', repo: 'shop' }
 * @example repositoryOfLocation('url:file:///data/git/acme/shop.git#main:catalog-info.yaml', addresses) // { owner: 'acme', repo: 'shop' }
 */
export function repositoryOfLocation(value: string, addresses: RepositoryAddresses): RepositoryName | undefined {
  const lower = value.toLowerCase();
  for (const prefix of locationPrefixes(addresses)) {
    if (!lower.startsWith(prefix.toLowerCase())) continue;
    const match = /^([^/?#]+)\/([^/?#:]+)(?:$|[/?#])/.exec(value.slice(prefix.length));
    if (match) return repositoryName(match[1]!, match[2]!);
  }
  return undefined;
}

/**
 * Text a person reads with every server address of a hosted repository (its file:// URL or its folder)
 * replaced by its HTTP clone URL: what Pave shows never names where the server keeps its files.
 * @example withHttpCloneUrls('git clone file:///data/git/acme/shop.git', addresses) // 'git clone http://pave:7007/git/acme/shop.git'
 */
export function withHttpCloneUrls(text: string, addresses: RepositoryAddresses): string {
  // The file:// URL first: it holds the folder.
  return text.replaceAll(addresses.file, addresses.http).replaceAll(addresses.folder, addresses.http);
}

/**
 * A link a person follows: a hosted repository's server address (file:// URL or folder) becomes its portal
 * page, which a browser can open; other server addresses in it become HTTP clone URLs.
 * @example browsableUrl('file:///data/git/acme/shop.git#main', addresses) // 'http://pave:7007/repositories/acme/shop'
 */
export function browsableUrl(url: string, addresses: RepositoryAddresses): string {
  const serverAddress = [addresses.file, addresses.folder].some(prefix => url.toLowerCase().startsWith(prefix.toLowerCase()));
  const name = serverAddress ? repositoryOfLocation(`url:${url}`, addresses) : undefined;
  return name ? repositoryUrls(addresses, name, false).page : withHttpCloneUrls(url, addresses);
}
