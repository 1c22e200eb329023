/**
 * Score's placeholders — `${metadata.name}`, `${metadata.annotations.KEY}`, `${resources.NAME.OUTPUT}` — in
 * Pave's words: metadata is filled in at once, and a resource's output becomes a reference to its request's
 * outputs (`${requests.<request>.outputs.<output>}`), which the reconciler resolves once that request is Ready.
 * `$$` is a literal `$`. Every placeholder that names nothing is a mistake, reported with its field. Pure: no I/O.
 */
import { isObject } from '../../core/is-object.js';
import { joinPointer, type FieldError } from '../../core/problem.js';

const PLACEHOLDER = /\$\$|\$\{([^}]*)\}/g;
const OUTPUT_SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** A resource as placeholders see it: the request that provides it and, when its capability declares them, its outputs. */
export interface PlaceholderResource {
  /** Undefined for a resource no capability provides: that is reported once, at the resource, not at each use. */
  request: string | undefined;
  /** The output names its capability's outputs schema declares; undefined when it declares none (any name goes). */
  outputs?: readonly string[];
}

export interface PlaceholderContext {
  metadata: Record<string, unknown>;
  resources: Readonly<Record<string, PlaceholderResource>>;
}

export interface Expansion<T> {
  value: T;
  errors: FieldError[];
  /** The resources the value refers to, by their names in the Score file. */
  resources: Set<string>;
}

/**
 * Expands the placeholders of every string in a value (objects and arrays walked), each error located by its
 * JSON pointer under `pointer`.
 * @example expandPlaceholders({ DB: 'postgres://${resources.db.host}' }, '/containers/web/variables', context).value
 *   // { DB: 'postgres://${requests.orders-db.outputs.host}' }
 */
export function expandPlaceholders<T>(value: T, pointer: string, context: PlaceholderContext): Expansion<T> {
  const errors: FieldError[] = [];
  const resources = new Set<string>();
  const walk = (node: unknown, at: string): unknown => {
    if (typeof node === 'string') return expandText(node, at, context, errors, resources);
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${at}/${i}`));
    if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([key, item]) => [key, walk(item, at + joinPointer(key))]));
    return node;
  };
  return { value: walk(value, pointer) as T, errors, resources };
}

function expandText(text: string, at: string, context: PlaceholderContext, errors: FieldError[], used: Set<string>): string {
  return text.replace(PLACEHOLDER, (whole, inner: string | undefined) => {
    if (inner === undefined) return '$';
    const fail = (detail: string, rule: string) => {
      errors.push({ pointer: at, detail: `${whole}: ${detail}`, rule });
      return whole;
    };
    const path = inner.split('.');
    const [root, ...rest] = path;
    if (root === 'metadata') {
      let current: unknown = context.metadata;
      for (const part of rest) current = isObject(current) && Object.hasOwn(current, part) ? current[part] : undefined;
      if (current === undefined || !rest.length) return fail(`the workload's metadata has no ${rest.join('.') || 'value here'}`, 'placeholder');
      return typeof current === 'string' ? current : JSON.stringify(current);
    }
    if (root === 'resources') {
      const [name, ...output] = rest;
      const names = Object.keys(context.resources);
      const resource = name === undefined ? undefined : context.resources[name];
      if (!resource) return fail(`names no resource of this workload (${names.length ? `it has ${names.join(', ')}` : 'it has none'})`, 'placeholder');
      if (!output.length) return fail(`name one of ${name}'s outputs, e.g. \${resources.${name}.${resource.outputs?.[0] ?? 'host'}}`, 'placeholder');
      if (!output.every(part => OUTPUT_SEGMENT.test(part))) return fail('an output name is letters, digits, _ and -', 'placeholder');
      if (resource.request === undefined) return whole;
      if (resource.outputs && !resource.outputs.includes(output[0]!)) {
        return fail(`${name} has no output ${output[0]} (its capability's outputs: ${resource.outputs.join(', ') || 'none'})`, 'placeholder');
      }
      used.add(name!);
      return `\${requests.${resource.request}.outputs.${output.join('.')}}`;
    }
    return fail('is not a Score placeholder: use ${metadata.…} or ${resources.<name>.<output>} (and $$ for a literal $)', 'placeholder');
  });
}
