/**
 * `oneOf`/`anyOf` alternatives the person chooses between, as react-jsonschema-form (Backstage's form) offers
 * them: an object's (each alternative brings its own fields) or a property's (each alternative is a schema of
 * its own, say a number of days or the word `forever`). Which one is chosen is kept by the form (`Choices`, by
 * the JSON pointer of the object or field); without a choice, the first alternative the value matches, else
 * the one that names most of the value's fields, else the first. Alternatives that only constrain (a `oneOf`
 * of `required` lists, of consts) are no choice here: consts are options (`choices.tsx`), the rest is left to
 * the server.
 */
import { matchesSchema } from './schema-match.js';
import { isRecord, type JsonSchema } from './schema.js';

/** The alternative chosen for each object or field that offers some, by JSON pointer (`''` for the page itself). */
export type Choices = Record<string, number>;

/** A schema's own alternatives when they are a choice of fields or of types; undefined otherwise. */
export function alternativesOf(schema: JsonSchema): JsonSchema[] | undefined {
  const list = schema.oneOf ?? schema.anyOf;
  if (!list?.length || !list.every(isRecord)) return undefined;
  if (list.every((alternative) => 'const' in alternative)) return undefined;
  return list.some((alternative) => alternative.properties || alternative.type !== undefined || alternative.enum) ? list : undefined;
}

/** How an alternative is offered: its title, else `Option n` (react-jsonschema-form's words). */
export function alternativeLabel(alternative: JsonSchema, index: number): string {
  return alternative.title ?? `Option ${index + 1}`;
}

/**
 * @example chosenAlternative([{ properties: { bucket: {} }, required: ['bucket'] }, { properties: { engine: {} } }], { engine: 'pg' }) // 1
 */
export function chosenAlternative(alternatives: readonly JsonSchema[], value: unknown, chosen?: number): number {
  if (chosen !== undefined && chosen >= 0 && chosen < alternatives.length) return chosen;
  if (value === undefined) return 0;
  const matching = alternatives.findIndex((alternative) => matchesSchema(alternative, value));
  if (matching >= 0) return matching;
  if (!isRecord(value)) return 0;
  const named = alternatives.map((alternative) => Object.keys(alternative.properties ?? {}).filter((key) => value[key] !== undefined).length);
  const most = Math.max(...named);
  return most > 0 ? named.indexOf(most) : 0;
}

/**
 * A field's schema with its chosen alternative in place of its `oneOf`/`anyOf` (for a property whose
 * alternatives are types; an object's alternatives are merged by `resolve-schema.ts`).
 * @example fieldSchema({ title: 'Retention', oneOf: [{ title: 'Days', type: 'integer' }, { title: 'Forever', enum: ['forever'] }] }, 'forever') // { title: 'Forever', enum: ['forever'] }
 */
export function fieldSchema(schema: JsonSchema, value: unknown, chosen?: number): JsonSchema {
  const alternatives = alternativesOf(schema);
  if (!alternatives || schema.properties || schema.type === 'object') return schema;
  const { oneOf: _oneOf, anyOf: _anyOf, ...rest } = schema;
  return { ...rest, ...alternatives[chosenAlternative(alternatives, value, chosen)] };
}

/**
 * The value after switching from one alternative to another: an object loses the fields only the old one
 * had (react-jsonschema-form drops them too; they would otherwise be sent unseen); any other value is kept
 * only if the new alternative takes it, else it becomes the new one's default.
 * @example switchedValue(alternatives, { bucket: 'b', name: 'x' }, 0, 1) // { name: 'x' } (when only the first alternative has bucket)
 */
export function switchedValue(alternatives: readonly JsonSchema[], value: unknown, from: number, to: number): unknown {
  const next = alternatives[to];
  if (!isRecord(value)) return next && value !== undefined && matchesSchema(next, value) ? value : next?.default;
  const keeps = new Set(Object.keys(next?.properties ?? {}));
  const drops = Object.keys(alternatives[from]?.properties ?? {}).filter((key) => !keeps.has(key));
  return Object.fromEntries(Object.entries(value).filter(([key]) => !drops.includes(key)));
}
