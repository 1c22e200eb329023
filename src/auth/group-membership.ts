import type { Entity } from '../core/entity.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';

const MEMBER_OF = 'memberOf';
const CHILD_OF = 'childOf';
/** Hierarchies deeper than this are cut (with a cycle-safe walk this only bounds pathological catalogs). */
const MAX_DEPTH = 64;

/**
 * Group membership from the catalog. A user belongs to the groups of its `memberOf` relations
 * (from `spec.memberOf` or a group's `spec.members`) and, transitively, to every parent of those
 * groups (`childOf`). The walk is breadth-first with a visited set, so cycles end it.
 * @example const { user, groups } = await membership.ofUser('user:default/jane');
 */
export class GroupMembership {
  readonly #entities: EntityReader;

  constructor(entities: EntityReader) {
    this.#entities = entities;
  }

  /** The user entity (undefined when the catalog has none) and all its groups, direct and inherited. */
  async ofUser(userRef: string): Promise<{ user?: Entity; groups: string[] }> {
    const ref = userRef.toLocaleLowerCase('en-US');
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
