/**
 * The small slice of JSON Schema the portal's schema forms understand (the golden-path wizard and the
 * platform request form), and light client-side checks. Nothing here compiles schemas to code (the
 * portal's CSP forbids eval): the server validates the values for real and its RFC 9457 problems are
 * shown next to each field.
 */
import type { FieldError } from '../../lib/api';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  enumNames?: string[];
  oneOf?: { const?: unknown; title?: string }[];
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

function isRecord(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Values a form starts with: the schema's defaults, nested objects' included (merged into an object's own default). */
export function defaultsOf(s: JsonSchema, into: Values = {}): Values {
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (into[key] !== undefined) continue;
    if (typeOf(prop) === 'object' && prop.properties) {
      const nested = defaultsOf(prop, isRecord(prop.default) ? { ...prop.default } : {});
      if (Object.keys(nested).length || prop.default !== undefined) into[key] = nested;
    } else if (prop.default !== undefined) into[key] = prop.default;
  }
  return into;
}

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** The schema of the field a pointer names (`/repo/owner`), or undefined where the form shows no field. */
export function schemaAt(s: JsonSchema, pointer: string): JsonSchema | undefined {
  if (!pointer.startsWith('/')) return undefined;
  let at: JsonSchema | undefined = s;
  for (const segment of pointer.slice(1).split('/')) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    at = at?.properties && Object.hasOwn(at.properties, key) ? at.properties[key] : undefined;
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

function label(key: string, s: JsonSchema): string {
  return s.title ?? key;
}

/** Quick checks before leaving a page (required, pattern, lengths, bounds). The server has the last word. */
export function checkPage(s: JsonSchema, values: Values, base = ''): Errors {
  const errors: Errors = {};
  const add = (p: string, m: string) => (errors[p] ??= []).push(m);
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const pointer = pointerTo(base, key);
    const v = values[key];
    if (isEmpty(v)) {
      if (s.required?.includes(key)) add(pointer, `${label(key, prop)} is required`);
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
        if (re && !re.test(v)) add(pointer, `${label(key, prop)} must match ${prop.pattern}`);
      }
      if (prop.maxLength !== undefined && v.length > prop.maxLength) add(pointer, `${label(key, prop)} must be at most ${prop.maxLength} characters`);
      if (prop.minLength !== undefined && v.length < prop.minLength) add(pointer, `${label(key, prop)} must be at least ${prop.minLength} characters`);
    }
    if (typeof v === 'number') {
      if (t === 'integer' && !Number.isInteger(v)) add(pointer, `${label(key, prop)} must be a whole number`);
      if (prop.minimum !== undefined && v < prop.minimum) add(pointer, `${label(key, prop)} must be at least ${prop.minimum}`);
      if (prop.maximum !== undefined && v > prop.maximum) add(pointer, `${label(key, prop)} must be at most ${prop.maximum}`);
    }
    if (t === 'object' && prop.properties && isRecord(v)) Object.assign(errors, checkPage(prop, v, pointer));
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
