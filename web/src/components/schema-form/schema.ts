/**
 * The JSON Schema the portal's schema forms understand (the golden-path wizard and the platform request
 * form; branches are resolved in `resolve-schema.ts`), and light client-side checks. Nothing here compiles schemas to code (the
 * portal's CSP forbids eval): the server validates the values for real and its RFC 9457 problems are
 * shown next to each field.
 */
import type { FieldError } from '../../../../src/core/problem.js';
import { fieldLabel, ruleWords } from '../../../../src/core/schema-words.js';
import { alternativesOf, fieldSchema, type Choices } from './alternatives.js';
import { resolveSchema } from './resolve-schema.js';
import { isSecretField, secretKeyOf } from './secrets.js';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  enumNames?: string[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema | boolean;
  /** A JSON Schema condition; text is a page's own `if:` expression, which the server evaluates. */
  if?: JsonSchema | boolean | string;
  then?: JsonSchema;
  else?: JsonSchema;
  /** Property dependencies (a list of fields it makes required) or schema dependencies. */
  dependencies?: Record<string, string[] | JsonSchema>;
  minItems?: number;
  maxItems?: number;
  contains?: JsonSchema | boolean;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  items?: JsonSchema;
  uniqueItems?: boolean;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  'ui:field'?: string;
  'ui:widget'?: string;
  'ui:options'?: Record<string, unknown>;
  'ui:help'?: string;
  'ui:placeholder'?: string;
  'ui:autofocus'?: boolean;
  'ui:readonly'?: boolean;
  'ui:order'?: string[];
  'ui:backstage'?: { review?: { show?: boolean; mask?: string } };
  [key: string]: unknown;
}

export type Values = Record<string, unknown>;
/** Field errors keyed by JSON pointer (`/name`, `/repo/owner`; under a `base` such as `/spec` when the form has one). */
export type Errors = Record<string, string[]>;

export function typeOf(s: JsonSchema): string | undefined {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  return t ?? (s.properties ? 'object' : undefined);
}

/** The pointer of a property under `base` (RFC 6901 escapes, as the server writes them). */
export function pointerTo(base: string, key: string): string {
  return `${base}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Properties in display order (`ui:order`, with `*` for the rest). */
export function orderedProperties(s: JsonSchema): [string, JsonSchema][] {
  const props = Object.entries(s.properties ?? {});
  const order = s['ui:order'];
  if (!order?.length) return props;
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i >= 0 ? i : Math.max(order.indexOf('*'), order.length);
  };
  return props.map((p, i) => [p, i] as const).sort((a, b) => rank(a[0][0]) - rank(b[0][0]) || a[1] - b[1]).map(([p]) => p);
}

export function isRecord(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Whether a field is an object of fields: its own properties, or alternatives that bring some (`alternatives.ts`). */
export function isObjectField(s: JsonSchema): boolean {
  const t = typeOf(s) ?? 'object';
  if (t !== 'object') return false;
  return Boolean(s.properties) || Boolean(alternativesOf(s)?.some((alternative) => alternative.properties));
}

/** Values a form starts with: the schema's defaults (for the fields its values show), nested objects' included (merged into an object's own default). */
export function defaultsOf(s: JsonSchema, into: Values = {}): Values {
  for (const [key, prop] of Object.entries(resolveSchema(s, into).properties ?? {})) {
    if (into[key] !== undefined) continue;
    if (isObjectField(prop)) {
      const nested = defaultsOf(prop, isRecord(prop.default) ? { ...prop.default } : {});
      if (Object.keys(nested).length || prop.default !== undefined) into[key] = nested;
    } else if (prop.default !== undefined) into[key] = prop.default;
  }
  return into;
}

/**
 * Values after an edit, as the form's branches follow it: fields a branch brings in get their defaults, and
 * fields it takes away lose their values (they would otherwise be sent unseen).
 * @example followBranches(page, { kind: 'service', port: 8080 }, { kind: 'library', port: 8080 }) // { kind: 'library' }
 */
export function followBranches(s: JsonSchema, before: Values, after: Values, chosen?: number): Values {
  const was = resolveSchema(s, before, chosen).properties ?? {};
  const is = resolveSchema(s, after, chosen).properties ?? {};
  const out = { ...after };
  for (const key of Object.keys(was)) if (!Object.hasOwn(is, key)) delete out[key];
  const added = Object.fromEntries(Object.entries(is).filter(([key]) => !Object.hasOwn(was, key)));
  return defaultsOf({ properties: added }, out);
}

/**
 * A map keyed by place (pointers, secret keys) once item `index` of the list at `list` is removed: the item's
 * own entries go, and those of the items after it move down one, as the items do.
 * @example withoutItem({ 'services.0.apiKey': 'a', 'services.1.apiKey': 'b' }, 'services', 0, '.') // { 'services.0.apiKey': 'b' }
 */
export function withoutItem<T>(map: Record<string, T>, list: string, index: number, separator: string): Record<string, T> {
  const prefix = `${list}${separator}`;
  const out: Record<string, T> = {};
  for (const [key, value] of Object.entries(map)) {
    const match = key.startsWith(prefix) ? new RegExp(`^(\\d+)($|\\${separator}.*)`).exec(key.slice(prefix.length)) : null;
    if (!match) out[key] = value;
    else if (Number(match[1]) > index) out[`${prefix}${Number(match[1]) - 1}${match[2]}`] = value;
    else if (Number(match[1]) < index) out[key] = value;
  }
  return out;
}

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** The schemas a property may have under `s`: its own, or one a branch (allOf, if/then/else, dependencies, oneOf, anyOf) brings. */
function propertyAnywhere(s: JsonSchema, key: string, depth = 0): JsonSchema | undefined {
  if (s.properties && Object.hasOwn(s.properties, key)) return s.properties[key];
  if (depth > 16) return undefined;
  const branches = [...(s.allOf ?? []), ...(s.oneOf ?? []), ...(s.anyOf ?? []), s.then, s.else, ...Object.values(s.dependencies ?? {}).filter(isRecord)];
  for (const branch of branches) {
    const found = isRecord(branch) ? propertyAnywhere(branch as JsonSchema, key, depth + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** The schema of the field a pointer names (`/repo/owner`, `/endpoints/0/path`), whatever branch shows it; undefined where the form shows no field. */
export function schemaAt(s: JsonSchema, pointer: string): JsonSchema | undefined {
  if (!pointer.startsWith('/')) return undefined;
  let at: JsonSchema | undefined = s;
  for (const segment of pointer.slice(1).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    at = at && typeOf(at) === 'array' && /^\d+$/.test(key) ? at.items : at ? propertyAnywhere(at, key) : undefined;
  }
  return at;
}

/** A problem's field errors by pointer; `strip` removes a prefix the form does not show (e.g. `/values`). */
export function errorsByPointer(errors: readonly FieldError[], strip = ''): Errors {
  const out: Errors = {};
  for (const e of errors) {
    const pointer = strip && (e.pointer === strip || e.pointer.startsWith(`${strip}/`)) ? e.pointer.slice(strip.length) : e.pointer;
    (out[pointer || '/'] ??= []).push(e.detail);
  }
  return out;
}

/** What the form's checks and walks know besides the values: where they stand, the alternatives chosen, and the Secret fields' values. */
export interface FormState {
  /** The pointer of the values (`/spec` for a request's spec). */
  base?: string;
  choices?: Choices;
  /** Secret fields' values by `secretKeyOf` their pointer (the wizard's; the request form has none). */
  secrets?: Record<string, string>;
}

/**
 * Quick checks before leaving a page or sending a form (required, pattern, lengths, bounds, the number of items),
 * on the fields its values show, worded as the server words them (`core/schema-words.ts`). The server has the last word.
 */
export function checkPage(s: JsonSchema, values: Values, state: FormState = {}): Errors {
  const { base = '', choices = {}, secrets } = state;
  const errors: Errors = {};
  const add = (p: string, m: string) => (errors[p] ??= []).push(m);
  const broken = (pointer: string, key: string, prop: JsonSchema, keyword: string, limit?: unknown) => add(pointer, `${fieldLabel(key, prop)} ${ruleWords(keyword, limit, prop)!}`);
  const shown = resolveSchema(s, values, choices[base]);
  for (const [key, declared] of Object.entries(shown.properties ?? {})) {
    const pointer = pointerTo(base, key);
    const prop = fieldSchema(declared, values[key], choices[pointer]);
    const v = secrets && isSecretField(prop) ? secrets[secretKeyOf(pointer)] : values[key];
    if (isEmpty(v)) {
      if (shown.required?.includes(key)) broken(pointer, key, { ...prop, title: declared.title ?? prop.title }, 'required');
      continue;
    }
    const t = typeOf(prop);
    if (typeof v === 'string') {
      if (prop.pattern) {
        let re: RegExp | undefined;
        try {
          re = new RegExp(prop.pattern, 'u');
        } catch {
          re = undefined;
        }
        if (re && !re.test(v)) broken(pointer, key, prop, 'pattern', prop.pattern);
      }
      if (prop.maxLength !== undefined && v.length > prop.maxLength) broken(pointer, key, prop, 'maxLength', prop.maxLength);
      if (prop.minLength !== undefined && v.length < prop.minLength) broken(pointer, key, prop, 'minLength', prop.minLength);
    }
    if (typeof v === 'number') {
      if (t === 'integer' && !Number.isInteger(v)) add(pointer, `${fieldLabel(key, prop)} must be a whole number`);
      if (prop.minimum !== undefined && v < prop.minimum) broken(pointer, key, prop, 'minimum', prop.minimum);
      if (prop.maximum !== undefined && v > prop.maximum) broken(pointer, key, prop, 'maximum', prop.maximum);
    }
    if (isObjectField(prop) && isRecord(v)) Object.assign(errors, checkPage(prop, v, { ...state, base: pointer }));
    if (t === 'array' && Array.isArray(v)) {
      if (prop.minItems !== undefined && v.length < prop.minItems) broken(pointer, key, prop, 'minItems', prop.minItems);
      if (prop.maxItems !== undefined && v.length > prop.maxItems) broken(pointer, key, prop, 'maxItems', prop.maxItems);
      if (prop.items && isObjectField(prop.items)) v.forEach((item, i) => Object.assign(errors, checkPage(prop.items!, isRecord(item) ? item : {}, { ...state, base: pointerTo(pointer, String(i)) })));
    }
  }
  return errors;
}

/** RepoUrlPicker values: `host?owner=o&repo=r`. */
export function parseRepoUrl(v: unknown): { host: string; owner: string; repo: string } {
  const s = typeof v === 'string' ? v : '';
  const q = s.indexOf('?');
  const host = q >= 0 ? s.slice(0, q) : s;
  const params = new URLSearchParams(q >= 0 ? s.slice(q + 1) : '');
  return { host, owner: params.get('owner') ?? '', repo: params.get('repo') ?? '' };
}

export function formatRepoUrl(r: { host: string; owner: string; repo: string }): string | undefined {
  if (!r.owner && !r.repo) return undefined;
  const params = new URLSearchParams();
  if (r.owner) params.set('owner', r.owner);
  if (r.repo) params.set('repo', r.repo);
  return `${r.host || 'local'}?${params.toString()}`;
}
