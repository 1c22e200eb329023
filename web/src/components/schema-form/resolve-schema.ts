/**
 * The schema a form shows for its values right now, as react-jsonschema-form (Backstage's form) resolves it:
 * `allOf` parts merged in, `if`/`then`/`else` decided, `dependencies` applied (a list makes fields required; a
 * schema adds its properties and, of its `oneOf`/`anyOf`, the branch whose condition on the dependency's own
 * field holds), and of an object's own `oneOf`/`anyOf` the alternative chosen in the form (`alternatives.ts`:
 * `chosen`, else the one its values match), or, for alternatives that only constrain, the first its values
 * match. Fields a branch adds come after the others (`ui:order` may place them); a field already there keeps
 * its own schema.
 */
import { alternativesOf, chosenAlternative } from './alternatives.js';
import { isCondition, matchesSchema } from './schema-match.js';
import { isRecord, type JsonSchema, type Values } from './schema.js';

function mergeInto(base: JsonSchema, part: JsonSchema): JsonSchema {
  const properties = { ...base.properties };
  for (const [key, sub] of Object.entries(part.properties ?? {})) if (!Object.hasOwn(properties, key)) properties[key] = sub;
  const required = [...new Set([...(base.required ?? []), ...(part.required ?? [])])];
  return { ...base, properties, required };
}

/**
 * @example resolveSchema({ properties: { kind: { enum: ['a', 'b'] } }, dependencies: { kind: { oneOf: [{ properties: { kind: { const: 'b' }, extra: { type: 'string' } } }] } } }, { kind: 'b' })
 *   // { properties: { kind: …, extra: { type: 'string' } }, required: [] }
 */
export function resolveSchema(schema: JsonSchema, values: Values, chosen?: number, depth = 0): JsonSchema {
  const { allOf, anyOf, oneOf, dependencies, then: thenBranch, else: elseBranch, ...own } = schema;
  let out: JsonSchema = { ...own, properties: { ...schema.properties }, required: [...(schema.required ?? [])] };
  if (isCondition(own.if)) delete out.if;
  if (depth > 16) return out;
  const merge = (part: unknown) => {
    if (isRecord(part)) out = mergeInto(out, resolveSchema(part as JsonSchema, values, undefined, depth + 1));
  };
  for (const part of allOf ?? []) merge(part);
  if (isCondition(schema.if)) merge(matchesSchema(schema.if, values) ? thenBranch : elseBranch);
  for (const [key, dependency] of Object.entries(dependencies ?? {})) {
    if (values[key] === undefined) continue;
    if (Array.isArray(dependency)) {
      out = mergeInto(out, { required: dependency.filter((k): k is string => typeof k === 'string') });
      continue;
    }
    if (!isRecord(dependency)) continue;
    const { oneOf: choices, anyOf: alternatives, ...rest } = dependency as JsonSchema;
    merge(rest);
    merge((choices ?? alternatives)?.find((branch) => matchesSchema(branch.properties?.[key] ?? true, values[key])));
  }
  const alternatives = depth === 0 ? alternativesOf(schema) : undefined;
  if (alternatives) merge(alternatives[chosenAlternative(alternatives, values, chosen)]);
  else merge((oneOf ?? anyOf)?.find((branch) => isRecord(branch) && branch.properties && matchesSchema(branch, values)));
  return out;
}
