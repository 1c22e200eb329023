/**
 * How many relations a catalog of generated entities holds once fully processed, counted the way the catalog API
 * lists them: the distinct (type, target) pairs in each entity's `relations`. Each spec reference gives one relation
 * on its entity and its inverse on the target, as Backstage's built-in kinds processor emits them; the peer
 * benchmark counts relations through each API until both reach this number ("every relation" is a number to reach,
 * not a quiet moment to wait for).
 * @example expectedRelations(buildCatalog(2_000, DEFAULT_SEED).entities)
 */
import type { buildCatalog } from './generate-catalog.js';

type Entity = ReturnType<typeof buildCatalog>['entities'][number];

/** Per kind: the spec field, the kind its short references default to, the relation and its inverse. */
const REFERENCES: Record<string, Array<[field: string, defaultKind: string | undefined, relation: string, inverse: string]>> = {
  Component: [
    ['owner', 'group', 'ownedBy', 'ownerOf'],
    ['subcomponentOf', 'component', 'partOf', 'hasPart'],
    ['providesApis', 'api', 'providesApi', 'apiProvidedBy'],
    ['consumesApis', 'api', 'consumesApi', 'apiConsumedBy'],
    ['dependsOn', undefined, 'dependsOn', 'dependencyOf'],
    ['dependencyOf', undefined, 'dependencyOf', 'dependsOn'],
    ['system', 'system', 'partOf', 'hasPart'],
  ],
  API: [
    ['owner', 'group', 'ownedBy', 'ownerOf'],
    ['system', 'system', 'partOf', 'hasPart'],
  ],
  Resource: [
    ['owner', 'group', 'ownedBy', 'ownerOf'],
    ['dependsOn', undefined, 'dependsOn', 'dependencyOf'],
    ['dependencyOf', undefined, 'dependencyOf', 'dependsOn'],
    ['system', 'system', 'partOf', 'hasPart'],
  ],
  System: [
    ['owner', 'group', 'ownedBy', 'ownerOf'],
    ['domain', 'domain', 'partOf', 'hasPart'],
  ],
  Domain: [
    ['owner', 'group', 'ownedBy', 'ownerOf'],
    ['subdomainOf', 'domain', 'partOf', 'hasPart'],
  ],
  User: [['memberOf', 'group', 'memberOf', 'hasMember']],
  Group: [
    ['parent', 'group', 'childOf', 'parentOf'],
    ['children', 'group', 'parentOf', 'childOf'],
    ['members', 'user', 'hasMember', 'memberOf'],
  ],
};

export function expectedRelations(entities: readonly Entity[]): number {
  const refOf = (kind: string, name: string) => `${kind.toLowerCase()}:default/${name.toLowerCase()}`;
  const existing = new Set(entities.map(e => refOf(e.kind, String(e.metadata.name))));
  const relations = new Set<string>();
  for (const entity of entities) {
    const self = refOf(entity.kind, String(entity.metadata.name));
    for (const [field, defaultKind, relation, inverse] of REFERENCES[entity.kind] ?? []) {
      const value = entity.spec[field];
      for (const target of value === undefined ? [] : Array.isArray(value) ? value : [value]) {
        const [kind, name] = String(target).includes(':') ? String(target).split(':') : [defaultKind, String(target)];
        if (!kind || !name) throw new Error(`${self}: spec.${field} "${String(target)}" names no kind`);
        const other = refOf(kind, name);
        relations.add(`${self} ${relation} ${other}`);
        // The inverse sits on the target, which lists it only if it exists.
        if (existing.has(other)) relations.add(`${other} ${inverse} ${self}`);
      }
    }
  }
  return relations.size;
}
