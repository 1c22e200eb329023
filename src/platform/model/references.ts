/**
 * References from one request's spec to another's outputs: `${requests.<name>.outputs.<key>}`.
 * Finding them, resolving them, and ordering requests by them. Pure: no I/O.
 */
import { joinPointer, pointerSegment } from '../../core/problem.js';

const REFERENCE = /\$\{requests\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.outputs\.([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\}/g;
const WHOLE_REFERENCE = new RegExp(`^${REFERENCE.source}$`);

export interface OutputReference {
  /** The referenced request, in the same namespace. */
  request: string;
  /** Dotted path into its outputs. */
  key: string;
  /** Where the reference sits in the referring document, e.g. `/spec/databaseHost`. */
  pointer: string;
}

/** Every output reference in a value, with the JSON pointer of the string holding it. */
export function findReferences(value: unknown, pointer = '/spec'): OutputReference[] {
  const found: OutputReference[] = [];
  walk(value, pointer, (text, at) => {
    for (const match of text.matchAll(REFERENCE)) found.push({ request: match[1]!, key: match[2]!, pointer: at });
  });
  return found;
}

/** The names of the requests a spec depends on, sorted and without duplicates. */
export function dependencyNames(spec: unknown): string[] {
  return [...new Set(findReferences(spec).map(r => r.request))].sort();
}

/** True when the string is exactly one reference (its resolved value keeps its JSON type). */
export function isWholeReference(value: unknown): boolean {
  return typeof value === 'string' && WHOLE_REFERENCE.test(value);
}

/** Result of substituting references: the resolved value, and the references that had no value. */
export interface Resolution {
  value: unknown;
  missing: OutputReference[];
}

/**
 * Replaces every reference by the referenced output. A string that is exactly one reference takes the
 * output's value (any JSON type); a reference inside a longer string is interpolated as text.
 * @example resolveReferences({ host: '${requests.db.outputs.host}' }, { db: { host: 'db-rw' } }).value // { host: 'db-rw' }
 */
export function resolveReferences(value: unknown, outputs: Readonly<Record<string, Record<string, unknown> | undefined>>, pointer = '/spec'): Resolution {
  const missing: OutputReference[] = [];
  const lookup = (request: string, key: string, at: string): unknown => {
    let current: unknown = outputs[request];
    for (const part of key.split('.')) {
      current = current !== null && typeof current === 'object' && Object.hasOwn(current, part) ? (current as Record<string, unknown>)[part] : undefined;
    }
    if (current === undefined) missing.push({ request, key, pointer: at });
    return current;
  };
  const resolve = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') {
      const whole = WHOLE_REFERENCE.exec(node);
      if (whole) return lookup(whole[1]!, whole[2]!, at) ?? node;
      return node.replace(REFERENCE, (text, request: string, key: string) => {
        const found = lookup(request, key, at);
        if (found === undefined) return text;
        return typeof found === 'string' ? found : JSON.stringify(found);
      });
    }
    if (Array.isArray(node)) return node.map((item, i) => resolve(item, `${at}/${i}`));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, resolve(v, `${at}/${pointerSegment(k)}`)]));
    }
    return node;
  };
  return { value: resolve(value, pointer), missing };
}

/**
 * Finds a dependency cycle among requests (name → names it depends on); returns the cycle as a path
 * (`a → b → a`) or undefined.
 */
export function findCycle(graph: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const seen = state.get(node);
    if (seen === 'done') return undefined;
    if (seen === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

function walk(value: unknown, at: string, visit: (text: string, pointer: string) => void): void {
  if (typeof value === 'string') visit(value, at);
  else if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${at}/${i}`, visit));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) walk(item, at + joinPointer(key), visit);
  }
}
