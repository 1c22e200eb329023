/**
 * Relation vocabulary (Backstage's). Each pair names the forward type (drawn as an arrow
 * from the subject to the target) and its inverse.
 */
export const RELATION_PAIRS: [forward: string, inverse: string][] = [
  ['ownedBy', 'ownerOf'],
  ['consumesApi', 'apiConsumedBy'],
  ['providesApi', 'apiProvidedBy'],
  ['dependsOn', 'dependencyOf'],
  ['partOf', 'hasPart'],
  ['memberOf', 'hasMember'],
  ['childOf', 'parentOf'],
];

const FORWARD = new Map(RELATION_PAIRS.map(([f, i]) => [f, i]));
const INVERSE = new Map(RELATION_PAIRS.map(([f, i]) => [i, f]));

/** Normalises a relation to its forward direction: which end is the source, and the label. */
export function orient(type: string): { forward: boolean; label: string } {
  if (FORWARD.has(type)) return { forward: true, label: type };
  const f = INVERSE.get(type);
  if (f) return { forward: false, label: f };
  return { forward: true, label: type };
}

export const RELATION_TITLES: Record<string, string> = {
  ownedBy: 'Owner',
  ownerOf: 'Owns',
  providesApi: 'Provides APIs',
  apiProvidedBy: 'Provided by',
  consumesApi: 'Consumes APIs',
  apiConsumedBy: 'Consumed by',
  dependsOn: 'Depends on',
  dependencyOf: 'Dependency of',
  partOf: 'Part of',
  hasPart: 'Has parts',
  memberOf: 'Member of',
  hasMember: 'Members',
  childOf: 'Parent group',
  parentOf: 'Sub-groups',
};

/** Order in which related entities are listed on the overview. */
export const RELATION_ORDER = ['providesApi', 'consumesApi', 'dependsOn', 'dependencyOf', 'apiProvidedBy', 'apiConsumedBy', 'partOf', 'hasPart', 'ownerOf', 'memberOf', 'hasMember', 'childOf', 'parentOf', 'ownedBy'];
