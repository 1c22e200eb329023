import { stringifyEntityRef, tryParseEntityRef } from '../core/entity-ref.js';
import { invalidInput } from '../core/problem.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';

/** A namespace requests can be made in, and the Group that owns them. */
export interface NamespaceOwner {
  namespace: string;
  owner: string;
}

/** A namespace as the API shows it to a caller: whether they may make requests there, and bind capabilities for its team. */
export type RequestNamespace = NamespaceOwner & { mayRequest: boolean; mayBind: boolean };

/**
 * The canonical Group ref an owner names (`group:default/checkout-team`, or a bare group name), or undefined
 * when it names no Group: the rule for `platform.namespaceOwners` entries.
 * @example groupRefOf('Checkout-Team') // 'group:default/checkout-team'; groupRefOf('user:default/ana') // undefined
 */
export function groupRefOf(owner: unknown): string | undefined {
  const ref = typeof owner === 'string' ? tryParseEntityRef(owner, { defaultKind: 'group' }) : undefined;
  return ref && ref.kind.toLowerCase() === 'group' ? stringifyEntityRef(ref) : undefined;
}

/**
 * Which team owns a namespace's requests, from configuration and the catalog, never from what a caller
 * sends: `platform.namespaceOwners` when it names the namespace, else the Group entity named like the
 * namespace (`group:default/<namespace>`). A request keeps the owner decided when it was created.
 * @example
 *   const owners = new NamespaceOwners(catalog.entities, { ops: 'group:default/sre' });
 *   await owners.ownerOf('checkout-team') // 'group:default/checkout-team' when that Group exists
 */
export class NamespaceOwners {
  readonly #entities: Pick<EntityReader, 'byRef' | 'list'>;
  readonly #configured: ReadonlyMap<string, string>;

  constructor(entities: Pick<EntityReader, 'byRef' | 'list'>, configured: Readonly<Record<string, string>> = {}) {
    this.#entities = entities;
    const owners = new Map<string, string>();
    for (const [namespace, owner] of Object.entries(configured)) {
      const ref = groupRefOf(owner);
      // The configuration was validated at start; an entry that is still not a Group ref names no owner.
      if (ref) owners.set(namespace.toLowerCase(), ref);
    }
    this.#configured = owners;
  }

  /** The owning team's Group ref, or undefined when neither the configuration nor the catalog names one. */
  async ownerOf(namespace: string): Promise<string | undefined> {
    const configured = this.#configured.get(namespace.toLowerCase());
    if (configured) return configured;
    const group = stringifyEntityRef({ kind: 'group', namespace: 'default', name: namespace });
    return (await this.#entities.byRef(group)) ? group : undefined;
  }

  /**
   * Every namespace with an owning team: those the configuration names, then one per Group of the catalog
   * (named like it), sorted by name.
   */
  async list(): Promise<NamespaceOwner[]> {
    const found = new Map(this.#configured);
    for (const group of await this.#entities.list({ filter: ['kind=group'], fields: ['kind', 'metadata.name', 'metadata.namespace'] })) {
      const namespace = group.metadata.name.toLowerCase();
      if (!found.has(namespace) && (group.metadata.namespace ?? 'default').toLowerCase() === 'default') found.set(namespace, stringifyEntityRef(group));
    }
    return [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([namespace, owner]) => ({ namespace, owner }));
  }

  /** The owning team's Group ref; a 422 problem naming the namespace and both sources when there is none. */
  async requireOwner(namespace: string): Promise<string> {
    const owner = await this.ownerOf(namespace);
    if (owner) return owner;
    const group = stringifyEntityRef({ kind: 'group', namespace: 'default', name: namespace });
    throw invalidInput(`Namespace ${namespace} has no owning team, so no request can be made in it`, [
      {
        pointer: '/metadata/namespace',
        detail: `names no team: there is no Group ${group} in the catalog and platform.namespaceOwners has no entry for ${namespace}`,
        rule: 'owner',
      },
    ]);
  }
}
