import type { Entity } from '../core/entity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';

const MEMBER_OF = 'memberOf';
const CHILD_OF = 'childOf';
/** Hierarchies deeper than this are cut (with a cycle-safe walk this only bounds pathological catalogs). */
const MAX_DEPTH = 64;
/** Users whose membership is kept per catalog version; past this many the cache starts over (it bounds memory, nothing else). */
const MAX_CACHED_USERS = 10_000;

export interface GroupMembershipOptions {
  /**
   * The catalog's version: a number that changes with every committed change to entities, on every replica
   * (catalog/catalog-state.ts: each write moves it in its own transaction). With it, a user's
   * membership is worked out once per version instead of on every request (the user and each level of groups are
   * reads of their own); without it, every call reads the catalog.
   */
  catalogVersion?: () => Promise<number>;
}

/**
 * Group membership from the catalog. A user belongs to the groups of its `memberOf` relations
 * (from `spec.memberOf` or a group's `spec.members`) and, transitively, to every parent of those
 * groups (`childOf`). The walk is breadth-first with a visited set, so cycles end it.
 * @example const { user, groups } = await membership.ofUser('user:default/jane');
 */
export class GroupMembership {
  readonly #entities: EntityReader;
  readonly #catalogVersion: (() => Promise<number>) | undefined;
  /** Memberships worked out at one catalog version (promises, so concurrent requests share one walk). */
  #cached: { version: number; users: Map<string, Promise<{ user?: Entity; groups: string[] }>> } = { version: -1, users: new Map() };

  constructor(entities: EntityReader, options: GroupMembershipOptions = {}) {
    this.#entities = entities;
    this.#catalogVersion = options.catalogVersion;
  }

  /**
   * The user entity (undefined when the catalog has none) and all its groups, direct and inherited. With a catalog
   * version, the version is read first and the walk after it, so a cached answer is never older than its version: a
   * change committed since (a user leaving a group, on this replica or another) makes the next call walk again.
   */
  async ofUser(userRef: string): Promise<{ user?: Entity; groups: string[] }> {
    const ref = userRef.toLocaleLowerCase('en-US');
    if (!this.#catalogVersion) return this.#walkUser(ref);
    const version = await this.#catalogVersion();
    if (this.#cached.version !== version || this.#cached.users.size >= MAX_CACHED_USERS) this.#cached = { version, users: new Map() };
    const users = this.#cached.users;
    let found = users.get(ref);
    if (!found) {
      found = this.#walkUser(ref);
      users.set(ref, found);
      // A failed read is not an answer to keep.
      found.catch(() => users.get(ref) === found && users.delete(ref));
    }
    const { user, groups } = await found;
    return { ...(user ? { user } : {}), groups: [...groups] };
  }

  async #walkUser(ref: string): Promise<{ user?: Entity; groups: string[] }> {
    const user = await this.#entities.byRef(ref);
    if (!user) return { groups: [] };
    const direct = (user.relations ?? []).filter(r => r.type === MEMBER_OF).map(r => r.targetRef);
    return { user, groups: await this.withAncestors(direct) };
  }

  /** The given groups and every ancestor of them, each once, nearest first. */
  async withAncestors(groupRefs: readonly string[]): Promise<string[]> {
    const seen = new Set<string>();
    let frontier = [...new Set(groupRefs.map(g => g.toLocaleLowerCase('en-US')))];
    for (let depth = 0; frontier.length && depth < MAX_DEPTH; depth++) {
      for (const ref of frontier) seen.add(ref);
      const groups = await this.#entities.byRefs(frontier);
      const next = new Set<string>();
      for (const group of groups) {
        if (!group) continue;
        for (const relation of group.relations ?? []) {
          if (relation.type === CHILD_OF && !seen.has(relation.targetRef)) next.add(relation.targetRef);
        }
      }
      frontier = [...next];
    }
    return [...seen];
  }

  /** Whether the user belongs to the group, directly or through a child group. */
  async isMember(userRef: string, groupRef: string): Promise<boolean> {
    const { groups } = await this.ofUser(userRef);
    return groups.includes(groupRef.toLocaleLowerCase('en-US'));
  }
}
