import type { Entity } from '../../core/entity.js';
import { stringifyEntityRef, tryParseEntityRef } from '../../core/entity-ref.js';
import type { FieldError } from '../../core/problem.js';
import type { EntityReader } from '../query/entity-reader.js';
import type { EntityScope } from '../query/entity-scope.js';
import { editDistance } from '../search/word-match.js';

/** Lifecycles Backstage documents; the catalog may use others, which count as known too. */
const WELL_KNOWN_LIFECYCLES = ['experimental', 'production', 'deprecated'];
/** Types Backstage documents per kind (lower-case kind); those the catalog already uses count as known too. */
const WELL_KNOWN_TYPES: Record<string, string[]> = {
  component: ['service', 'website', 'library'],
  api: ['openapi', 'asyncapi', 'graphql', 'grpc'],
  group: ['team', 'business-unit', 'product-area', 'root'],
};
/** A new value this close to a known one (and not equal) is taken for a typo of it. */
const TYPO_DISTANCE = 2;

/**
 * What is wrong with the catalog references an edit changes: `spec.owner` must name a Group or User in the
 * catalog, `spec.system` a System, and a `spec.lifecycle` or `spec.type` that is a near miss of one the
 * catalog knows (`prodution`) is taken for a typo. Only fields the edit changes are checked, so an edit of a
 * description never fails on an owner that was already missing; a new entity is an edit of one with no spec. The portal's pickers offer the same values.
 * Suggestions come only from entities the editor may read.
 * @example await editReferenceErrors(catalog.entities, scope, before, after) // [{ pointer: '/spec/owner', detail: '…; did you mean payments-team?' }]
 */
export async function editReferenceErrors(reader: EntityReader, scope: EntityScope, before: Entity, after: Entity): Promise<FieldError[]> {
  const changed = (field: string) => typeof after.spec?.[field] === 'string' && after.spec[field] !== before.spec?.[field];
  const namespace = after.metadata.namespace ?? 'default';
  const errors: FieldError[] = [];
  if (changed('owner')) {
    const detail = await missingRef(reader, scope, after.spec!.owner as string, namespace, ['group', 'user']);
    if (detail) errors.push({ pointer: '/spec/owner', detail, rule: 'owner-exists' });
  }
  if (changed('system')) {
    const detail = await missingRef(reader, scope, after.spec!.system as string, namespace, ['system']);
    if (detail) errors.push({ pointer: '/spec/system', detail, rule: 'system-exists' });
  }
  if (changed('lifecycle')) {
    const known = [...WELL_KNOWN_LIFECYCLES, ...(await valuesInUse(reader, scope, 'spec.lifecycle', []))];
    const detail = typoOf(after.spec!.lifecycle as string, known, 'lifecycle');
    if (detail) errors.push({ pointer: '/spec/lifecycle', detail, rule: 'lifecycle-typo' });
  }
  if (changed('type')) {
    const kind = after.kind.toLocaleLowerCase('en-US');
    const known = [...(WELL_KNOWN_TYPES[kind] ?? []), ...(await valuesInUse(reader, scope, 'spec.type', [`kind=${kind}`]))];
    const detail = typoOf(after.spec!.type as string, known, `${after.kind} type`);
    if (detail) errors.push({ pointer: '/spec/type', detail, rule: 'type-typo' });
  }
  return errors;
}

/** Why `ref` names no entity of one of `kinds` the editor may read (with the nearest name), or undefined when it does. */
async function missingRef(reader: EntityReader, scope: EntityScope, ref: string, namespace: string, kinds: string[]): Promise<string | undefined> {
  const what = kinds.map(kind => kind[0]!.toUpperCase() + kind.slice(1)).join(' or ');
  const parsed = tryParseEntityRef(ref, { defaultKind: kinds[0], defaultNamespace: namespace });
  if (!parsed) return `"${ref}" is not an entity ref of the form [kind:][namespace/]name`;
  const kind = parsed.kind.toLocaleLowerCase('en-US');
  if (!kinds.includes(kind)) return `must name a ${what}, not a ${parsed.kind}`;
  const [found] = await reader.byRefs([stringifyEntityRef(parsed)], ['kind'], undefined, scope);
  if (found) return undefined;
  const names = await valuesInUse(reader, scope, 'metadata.name', [`kind=${kind},metadata.namespace=${parsed.namespace}`]);
  const nearest = nearestOf(parsed.name.toLocaleLowerCase('en-US'), names);
  // Suggest the ref as it was typed, with the name corrected.
  const suggestion = nearest && ref.trim().slice(0, ref.trim().length - parsed.name.length) + nearest;
  return `is not a ${what} in the catalog${suggestion ? `; did you mean ${suggestion}?` : ''}`;
}

async function valuesInUse(reader: EntityReader, scope: EntityScope, field: string, filter: string[]): Promise<string[]> {
  const facets = await reader.facets([field], filter.length ? filter : undefined, scope);
  return (Object.values(facets)[0] ?? []).map(facet => facet.value);
}

/** A refusal when `value` is not known but within a typo of a known value. */
function typoOf(value: string, known: string[], what: string): string | undefined {
  if (known.includes(value)) return undefined;
  const nearest = nearestOf(value, known);
  return nearest ? `"${value}" is not a ${what} the catalog uses; did you mean ${nearest}?` : undefined;
}

function nearestOf(value: string, candidates: string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of new Set(candidates)) {
    const distance = editDistance(value, candidate.toLocaleLowerCase('en-US'), TYPO_DISTANCE);
    if (distance <= TYPO_DISTANCE && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
