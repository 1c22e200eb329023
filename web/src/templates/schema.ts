/**
 * The small slice of JSON Schema the golden-path wizard understands, and light client-side checks.
 * Nothing here compiles schemas to code (the portal's CSP forbids eval): the server validates the
 * values for real and its RFC 9457 problems are shown next to each field.
 */

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
/** Field errors keyed by JSON pointer under the values (`/name`, `/repo/owner`). */
export type Errors = Record<string, string[]>;

export function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
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

/** Values every page starts with: the schema defaults. */
export function defaultsOf(s: JsonSchema, into: Values = {}): Values {
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    if (into[key] !== undefined) continue;
    if (prop.default !== undefined) into[key] = prop.default;
    else if (typeOf(prop) === 'object' && prop.properties) {
      const nested = defaultsOf(prop, {});
      if (Object.keys(nested).length) into[key] = nested;
    }
  }
  return into;
}

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

function label(key: string, s: JsonSchema): string {
  return s.title ?? key;
}

/** Quick checks before leaving a page (required, pattern, lengths, bounds). The server has the last word. */
export function checkPage(s: JsonSchema, values: Values, base = ''): Errors {
  const errors: Errors = {};
  const add = (p: string, m: string) => (errors[p] ??= []).push(m);
  for (const [key, prop] of Object.entries(s.properties ?? {})) {
    const pointer = `${base}/${key}`;
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
    if (t === 'object' && prop.properties && v && typeof v === 'object') Object.assign(errors, checkPage(prop, v as Values, pointer));
  }
  return errors;
}

/** Which page a value pointer (`/name`, `/repo/owner`) belongs to. */
export function pageOfPointer(pages: JsonSchema[], pointer: string): number {
  const top = decodeURIComponent(pointer.split('/')[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
  const i = pages.findIndex((p) => p.properties && top in p.properties);
  return i;
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
