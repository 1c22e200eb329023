/** Entity references (`kind:namespace/name`), parsed the Backstage way. */
import type { Entity } from './api';

export interface Ref {
  kind: string;
  namespace: string;
  name: string;
}

export function parseRef(ref: string, defaults: { kind?: string; namespace?: string } = {}): Ref {
  let kind = defaults.kind ?? '';
  let rest = ref;
  const colon = ref.indexOf(':');
  if (colon >= 0) {
    kind = ref.slice(0, colon);
    rest = ref.slice(colon + 1);
  }
  let namespace = defaults.namespace ?? 'default';
  let name = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    namespace = rest.slice(0, slash);
    name = rest.slice(slash + 1);
  }
  return { kind: kind.toLowerCase(), namespace: namespace.toLowerCase(), name };
}

export function refOf(e: Entity): string {
  return `${e.kind.toLowerCase()}:${(e.metadata.namespace ?? 'default').toLowerCase()}/${e.metadata.name.toLowerCase()}`;
}

export function stringifyRef(r: Ref): string {
  return `${r.kind.toLowerCase()}:${r.namespace.toLowerCase()}/${r.name.toLowerCase()}`;
}

/** Short human form: omits the default namespace and, when given, the expected kind. */
export function humanRef(ref: string, defaultKind?: string): string {
  const r = parseRef(ref, { kind: defaultKind });
  const ns = r.namespace === 'default' ? '' : `${r.namespace}/`;
  const kind = defaultKind && r.kind === defaultKind.toLowerCase() ? '' : `${r.kind}:`;
  return `${kind}${ns}${r.name}`;
}

export function entityPath(ref: string | Ref, tab?: string): string {
  const r = typeof ref === 'string' ? parseRef(ref) : ref;
  const base = `/catalog/${encodeURIComponent(r.namespace)}/${encodeURIComponent(r.kind.toLowerCase())}/${encodeURIComponent(r.name)}`;
  return tab ? `${base}/${tab}` : base;
}

export function entityPathOf(e: Entity, tab?: string): string {
  return entityPath({ kind: e.kind, namespace: e.metadata.namespace ?? 'default', name: e.metadata.name }, tab);
}

/** How an entity is named on screen: its title, else its profile's display name (users, groups), else its name. */
export function displayName(e: Entity): string {
  const profile = e.spec?.profile as { displayName?: unknown } | undefined;
  return e.metadata.title || (typeof profile?.displayName === 'string' ? profile.displayName : '') || e.metadata.name;
}

export function relationTargets(e: Entity, type: string): string[] {
  return (e.relations ?? []).filter((r) => r.type === type).map((r) => r.targetRef);
}

/** Owner ref of an entity, from its ownedBy relation, else from spec.owner. */
export function ownerRef(e: Entity): string | undefined {
  const rel = relationTargets(e, 'ownedBy')[0];
  if (rel) return rel;
  const owner = e.spec?.owner;
  return typeof owner === 'string' ? stringifyRef(parseRef(owner, { kind: 'group', namespace: e.metadata.namespace })) : undefined;
}
