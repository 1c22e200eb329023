/**
 * Which Score resources a capability provides (`spec.provides: [{ type: postgres, class: default }]`): the
 * matching rules a platform team declares so that `pave score apply` turns a workload's resources into
 * requests of its capabilities. Pure: no I/O.
 */
import { isObject } from '../../core/is-object.js';
import type { FieldError } from '../../core/problem.js';
import type { ProvidedResource } from './types.js';

/** Score's own pattern for resource types and classes. */
export const RESOURCE_TYPE = /^[A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9]$/;

/** Checks `spec.provides`, naming every mistake under `at`. */
export function validateProvides(raw: unknown, at: string): FieldError[] {
  if (!Array.isArray(raw)) return [{ pointer: at, detail: 'must be a list of { type, class? }, e.g. [{ type: postgres, class: default }]', rule: 'type' }];
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const itemAt = `${at}/${i}`;
    if (!isObject(item)) return errors.push({ pointer: itemAt, detail: 'must be a mapping with type and optionally class', rule: 'type' });
    for (const key of Object.keys(item)) if (key !== 'type' && key !== 'class') errors.push({ pointer: `${itemAt}/${key}`, detail: 'is not a known field here (expected type, class)', rule: 'additionalProperties' });
    if (typeof item.type !== 'string' || !RESOURCE_TYPE.test(item.type)) errors.push({ pointer: `${itemAt}/type`, detail: 'must be a Score resource type such as postgres (letters, digits and -)', rule: 'format' });
    if (item.class !== undefined && (typeof item.class !== 'string' || !RESOURCE_TYPE.test(item.class))) errors.push({ pointer: `${itemAt}/class`, detail: 'must be a Score resource class such as default or large (letters, digits and -)', rule: 'format' });
    const key = `${String(item.type)}/${String(item.class ?? '*')}`;
    if (seen.has(key)) errors.push({ pointer: itemAt, detail: `repeats ${describeProvided(item as unknown as ProvidedResource)}`, rule: 'unique' });
    seen.add(key);
  });
  return errors;
}

/** A provided type in words: `postgres (class default)` or `postgres (any class)`. */
export function describeProvided(provided: ProvidedResource): string {
  return `${provided.type} (${provided.class === undefined ? 'any class' : `class ${provided.class}`})`;
}
