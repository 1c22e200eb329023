import { Parser } from 'yaml';
import { withoutYamlDebugSwitches } from '../../core/yaml-debug-switches.js';
import { fastYamlValues } from '../../core/yaml-fast-values.js';
import { composeWithUniqueKeys } from '../../core/yaml-unique-keys.js';
import { MAX_NESTING_DEPTH } from '../../core/nesting-depth.js';

/** Largest definition whose structure is read for search; a bigger one is searched by its words only. */
const MAX_PARSED_BYTES = 512 * 1024;
const MAX_TERMS = 2000;

/**
 * The names a person searches an API by: OpenAPI operation ids, paths and schema names; AsyncAPI
 * channels, operations and messages; GraphQL and gRPC type, field and service names. Never throws: a
 * definition that does not parse gives the names its text shows.
 * @example apiDefinitionTerms('openapi', 'paths:\n  /payments:\n    post: {operationId: createPayment}') // ['/payments', 'createPayment']
 */
export function apiDefinitionTerms(type: string, definition: string): string[] {
  const terms = new Set<string>();
  const add = (value: unknown) => {
    if (typeof value === 'string' && value && terms.size < MAX_TERMS) terms.add(value);
  };
  const kind = type.toLowerCase();
  // Bigger definitions are searched by their words only: their structure is not worth its time on every write.
  if (definition.length > MAX_PARSED_BYTES) return [];
  if (kind === 'graphql' || kind === 'grpc') {
    // `[ \t]+`, not `\s+`: a run of blank lines must not be rescanned from every line it spans (quadratic time).
    const pattern = kind === 'graphql'
      ? /\b(?:type|input|enum|interface|union|scalar)\s+([A-Za-z_]\w*)|^[ \t]+([A-Za-z_]\w*)[ \t]*(?:\(|:)/gm
      : /\b(?:service|rpc|message|enum)\s+([A-Za-z_]\w*)/g;
    for (const match of definition.matchAll(pattern)) add(match[1] ?? match[2]);
    return [...terms];
  }
  if (kind !== 'openapi' && kind !== 'asyncapi') return [];
  let doc: unknown;
  // One document without mistakes, or no terms (what yaml's `parse` threw for); the fast parser gives the same value
  // wherever it gives one. Not `parse`: its duplicate-key check is quadratic (a 512 KiB definition: minutes of CPU).
  const fast = fastYamlValues(definition, MAX_NESTING_DEPTH);
  if (fast?.length === 1) doc = fast[0];
  else {
    try {
      const docs = withoutYamlDebugSwitches(() => composeWithUniqueKeys([...new Parser().parse(definition)]));
      if (docs.length !== 1 || docs[0]!.errors.length) return [];
      doc = docs[0]!.toJS({ maxAliasCount: 100 });
    } catch {
      return [];
    }
  }
  if (!isRecord(doc)) return [];
  const keysOf = (value: unknown) => (isRecord(value) ? Object.keys(value) : []);
  const components = isRecord(doc.components) ? doc.components : {};
  for (const name of [...keysOf(components.schemas), ...keysOf(components.messages)]) add(name);
  if (kind === 'openapi') {
    for (const [path, item] of Object.entries(isRecord(doc.paths) ? doc.paths : {})) {
      add(path);
      for (const operation of Object.values(isRecord(item) ? item : {})) if (isRecord(operation)) add(operation.operationId);
    }
    return [...terms];
  }
  // AsyncAPI 2 keys channels by address and nests operations; AsyncAPI 3 names both at the top.
  for (const [name, channel] of Object.entries(isRecord(doc.channels) ? doc.channels : {})) {
    add(name);
    if (!isRecord(channel)) continue;
    add(channel.address);
    for (const operation of [channel.publish, channel.subscribe]) if (isRecord(operation)) add(operation.operationId);
    for (const message of keysOf(channel.messages)) add(message);
  }
  for (const name of keysOf(doc.operations)) add(name);
  return [...terms];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The terms of API definitions, each worked out once by type and text. A location's read fills it as each entity
 * comes, while its main thread mostly waits for the parse worker, so that the write after it (one transaction, the
 * main thread's busiest part) finds them ready: a 15.7k catalog's definitions took ~1 s there.
 * @example terms.of('openapi', entity.spec.definition)
 */
export class ApiDefinitionTermsMemo {
  readonly #byType = new Map<string, Map<string, string[]>>();

  /** What `apiDefinitionTerms` gives (the same array for the same type and text). */
  of(type: string, definition: string): string[] {
    let byText = this.#byType.get(type);
    if (!byText) this.#byType.set(type, (byText = new Map()));
    let terms = byText.get(definition);
    if (!terms) byText.set(definition, (terms = apiDefinitionTerms(type, definition)));
    return terms;
  }
}
