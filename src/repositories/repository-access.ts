/**
 * Who may read which hosted repository. A repository holds what the catalog shows of it (publish:git
 * pushes `catalog-info.yaml` and the code), so it is read under the catalog's rules:
 * - a repository that entities are *tied* to — their `backstage.io/source-location` or
 *   `backstage.io/managed-by-location` points into it (`repository-links.ts`) — may be read by whoever
 *   may read (`catalog.entity.read`) at least one of those entities;
 * - a repository no entity is tied to may be read by admins, by callers the catalog rules hide no
 *   entity from, and by the members of the group its owner folder names (`acme/shop`: `group:default/acme`,
 *   with members of child groups) or the user it names (`user:default/acme`).
 * On top of that the routes need `repositories.repository.read` as before. One catalog query answers a
 * request, for one repository or the whole list, and none when the caller may read every entity.
 */
import type { Identity } from '../auth/identity.js';
import type { EntityScope } from '../catalog/query/entity-scope.js';
import type { ValueMatch } from '../catalog/query/values-by-prefix.js';
import { forbidden } from '../core/problem.js';
import { LOCATION_ANNOTATION_KEYS, locationPrefixes, repositoryOfLocation, type RepositoryAddresses } from './repository-links.js';
import { formatRepositoryName, type RepositoryName } from './repository-name.js';

export const REPOSITORY_READ = 'repositories.repository.read';

export interface RepositoryAccessOptions {
  /** What the caller may read of the catalog (`catalog.entity.read`), as the permission service says. */
  readScope: (identity: Identity) => Promise<EntityScope>;
  /** The catalog's values of some fields that start with some prefixes, with whether the scope sees them (`valuesByPrefix`). */
  valuesByPrefix: (query: { keys: readonly string[]; prefixes: readonly string[]; scope: EntityScope }) => Promise<ValueMatch[]>;
  /** The repositories' addresses now (the base URL is read on use). */
  addresses: () => RepositoryAddresses;
}

/**
 * Decides reads of hosted repositories for one identity at a time.
 * @example const readable = await access.readable(request.identity, names);
 *          await access.check(request.identity, { owner: 'acme', repo: 'shop' }); // a 403 problem when refused
 */
export class RepositoryAccess {
  readonly #options: RepositoryAccessOptions;

  constructor(options: RepositoryAccessOptions) {
    this.#options = options;
  }

  /** The names the identity may read, in their order. */
  async readable<T extends RepositoryName>(identity: Identity, names: readonly T[]): Promise<T[]> {
    if (!names.length) return [];
    const scope = await this.#options.readScope(identity);
    if (scope.type === 'all') return [...names];
    const addresses = this.#options.addresses();
    const values = await this.#options.valuesByPrefix({ keys: LOCATION_ANNOTATION_KEYS, prefixes: locationPrefixes(addresses, names.length === 1 ? names[0] : undefined), scope });
    const tied = new Set<string>();
    const open = new Set<string>();
    for (const { value, readable } of values) {
      const name = repositoryOfLocation(value, addresses);
      if (!name) continue;
      tied.add(formatRepositoryName(name));
      if (readable) open.add(formatRepositoryName(name));
    }
    return names.filter(name => open.has(formatRepositoryName(name)) || (!tied.has(formatRepositoryName(name)) && ownsUntied(identity, name)));
  }

  /** Throws a 403 problem naming the action unless the identity may read the repository. */
  async check(identity: Identity, name: RepositoryName): Promise<void> {
    if ((await this.readable(identity, [name])).length) return;
    // The same answer whether or not the repository exists or entities are tied to it: a refusal tells nothing.
    throw forbidden(
      `${identity.principal} may not read the repository ${formatRepositoryName(name)}: the rules hide the catalog entities that come from it (catalog.entity.read); a repository no entity comes from is for admins and the group "${name.owner}"`,
      undefined,
      { action: REPOSITORY_READ },
    );
  }
}

/** Whether a caller sees where the server keeps its repositories (file:// URLs): admins and the local operator. */
export function seesServerPaths(identity: Identity): boolean {
  return identity.roles.includes('admin');
}

/** An untied repository: an admin, or a member of the group (or the user) its owner folder names. */
function ownsUntied(identity: Identity, name: RepositoryName): boolean {
  const owner = name.owner.toLowerCase();
  return identity.roles.includes('admin') || identity.groups.includes(`group:default/${owner}`) || identity.userRef === `user:default/${owner}`;
}
