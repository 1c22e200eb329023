import { jsonSchemaValidator } from '../core/json-schema.js';
import type { FieldError } from '../core/problem.js';
import type { FactCollector, FactValue } from './fact-collector.js';

/** Each collector's schema closed to undeclared facts (a rule may name only declared ones), compiled once. */
const closedSchemas = new WeakMap<FactCollector, object>();

/**
 * What a collector yielded, checked against its JSON Schema: the facts that hold to it, and a field error for
 * each one that does not (a wrong type, an undeclared name). A bad fact is left out, so rules naming it are
 * unknown rather than judged on a value its collector never promised. Pure.
 * @example checkFacts(catalogCollector, { hasOwner: 'yes' }) // { facts: {}, errors: [{ pointer: '/hasOwner', … }] }
 */
export function checkFacts(collector: FactCollector, yielded: Record<string, FactValue>): { facts: Record<string, FactValue>; errors: FieldError[] } {
  let schema = closedSchemas.get(collector);
  if (!schema) closedSchemas.set(collector, (schema = { ...collector.schema, additionalProperties: false }));
  const errors = jsonSchemaValidator().validate(schema, yielded);
  if (!errors.length) return { facts: yielded, errors };
  const bad = new Set(errors.map(error => (error.pointer.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~')));
  return { facts: Object.fromEntries(Object.entries(yielded).filter(([name]) => !bad.has(name))), errors };
}
