/**
 * Entity validation: Backstage's envelope rules (SchemaValidEntityPolicy, FieldFormatEntityPolicy,
 * NoForeignRootFieldsEntityPolicy, DefaultNamespaceEntityPolicy) and then the kind policy's spec
 * schema, reporting every mistake at once as field errors with JSON pointers.
 * Pure: no I/O, and it never throws.
 */
import { DEFAULT_NAMESPACE, type Entity } from '../../core/entity.js';
import { joinPointer, type FieldError } from '../../core/problem.js';
import {
  checkAnnotationKey,
  checkAnnotationValue,
  checkApiVersion,
  checkEntityLink,
  checkEntityName,
  checkKind,
  checkLabelKey,
  checkLabelValue,
  checkNamespace,
  checkTag,
} from './field-formats.js';
import { defaultKindRegistry, type KindRegistry } from './kind-registry.js';
import { kindTypoErrors } from './kind-typos.js';
import { jsonTypeOf } from '../../core/json-schema.js';
import { validateSpec } from './spec-schema.js';
import { plainCopy } from '../../core/plain-copy.js';

/** The outcome of {@link validateEntity}: the normalized entity when there are no errors. */
export interface EntityValidation {
  /** A normalized deep copy of the input, present only when `errors` is empty. */
  entity?: Entity;
  /** Every mistake found, each located by a JSON pointer into the input. */
  errors: FieldError[];
}

export interface ValidateEntityOptions {
  /** Kind policies to check `spec` against; the built-in kinds when absent. */
  registry?: KindRegistry;
}

/** The only fields allowed at an entity's root. */
export const ENTITY_ROOT_FIELDS: readonly string[] = Object.freeze([
  'apiVersion',
  'kind',
  'metadata',
  'spec',
  'relations',
  'status',
]);

/** At most this many errors are listed for one document; a last error says how many more there were. */
export const MAX_ERRORS_PER_ENTITY = 1000;

const RELATION_TYPE_PATTERN = /^\w+$/;
const STATUS_LEVELS = ['info', 'warning', 'error'];

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Collects errors up to a limit, counting the rest. */
class ErrorList {
  readonly items: FieldError[] = [];
  private dropped = 0;

  add(pointer: string, detail: string, rule: string): void {
    if (this.items.length < MAX_ERRORS_PER_ENTITY) this.items.push({ pointer, detail, rule });
    else this.dropped++;
  }

  addAll(errors: readonly FieldError[]): void {
    for (const e of errors) this.add(e.pointer, e.detail, e.rule ?? 'invalid');
  }

  type(pointer: string, expected: string, value: unknown): void {
    this.add(pointer, `must be ${expected} (found ${jsonTypeOf(value)})`, 'type');
  }

  /** Reports a `check*` result: a type error for non-strings, else a format error under `rule`. */
  check(pointer: string, value: unknown, problem: string | undefined, rule: string): void {
    if (problem === undefined) return;
    if (typeof value !== 'string') this.type(pointer, 'a string', value);
    else this.add(pointer, problem, rule);
  }

  result(): FieldError[] {
    if (this.dropped === 0) return this.items;
    return [
      ...this.items,
      { pointer: '', detail: `and ${this.dropped} more errors not listed`, rule: 'too-many-errors' },
    ];
  }
}

/**
 * Validates one entity document (e.g. one YAML document of a `catalog-info.yaml`) the way
 * Backstage's catalog does, and returns every error at once. A valid envelope of a kind without a
 * policy (a custom kind, or a known kind at an organisation's own apiVersion) is valid; a built-in kind or
 * apiVersion misspelt is not (kind-typos.ts). On success `entity` is a
 * deep copy with `metadata.namespace` defaulted to `default`; nothing else is changed.
 * Never throws, whatever the input.
 *
 * @example
 * validateEntity({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: 'a b' }, spec: {} })
 * // { errors: [
 * //   { pointer: '/metadata/name', rule: 'name', detail: 'must match ^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$ and be at most 63 characters' },
 * //   { pointer: '/spec/type', rule: 'required', detail: 'is required' }, … ] }
 */
export function validateEntity(raw: unknown, options: ValidateEntityOptions = {}): EntityValidation {
  const errors = new ErrorList();
  try {
    if (!isRecord(raw)) {
      errors.type('', 'an object with apiVersion, kind and metadata', raw);
      return { errors: errors.result() };
    }
    const registry = options.registry ?? defaultKindRegistry;
    checkEnvelope(raw, errors);
    // A kind or apiVersion already refused for its form is not also a typo of a known one.
    const formed = !errors.items.some(e => e.pointer === '/kind' || e.pointer === '/apiVersion');
    if (formed && typeof raw.kind === 'string' && typeof raw.apiVersion === 'string') errors.addAll(kindTypoErrors(raw.kind, raw.apiVersion, registry));
    checkSpec(raw, registry, errors);
    if (errors.items.length > 0) return { errors: errors.result() };
    return normalize(raw, errors);
  } catch (error) {
    errors.add('', `could not be validated: ${describeError(error)}`, 'internal');
    return { errors: errors.result() };
  }
}

function checkEnvelope(root: Json, errors: ErrorList): void {
  for (const key of Object.keys(root)) {
    if (!ENTITY_ROOT_FIELDS.includes(key)) {
      errors.add(
        joinPointer(key),
        `is not an entity field; the root may only hold ${ENTITY_ROOT_FIELDS.join(', ')}`,
        'unknown-field',
      );
    }
  }
  requiredString(root, 'apiVersion', errors, checkApiVersion, 'api-version');
  requiredString(root, 'kind', errors, checkKind, 'kind');

  const metadata = root.metadata;
  if (metadata === undefined || metadata === null) errors.add('/metadata', 'is required', 'required');
  else if (!isRecord(metadata)) errors.type('/metadata', 'an object', metadata);
  else checkMetadata(metadata, errors);

  if (root.spec !== undefined && !isRecord(root.spec)) errors.type('/spec', 'an object', root.spec);
  if (root.relations !== undefined) checkRelations(root.relations, errors);
  if (root.status !== undefined) checkStatus(root.status, errors);
}

function requiredString(
  record: Json,
  key: string,
  errors: ErrorList,
  check: (value: unknown) => string | undefined,
  rule: string,
  base = '',
): void {
  const value = record[key];
  if (value === undefined || value === null) {
    errors.add(base + joinPointer(key), 'is required', 'required');
    return;
  }
  // The pointer is made only for a problem: most fields have none.
  const problem = check(value);
  if (problem !== undefined) errors.check(base + joinPointer(key), value, problem, rule);
}

/** An optional string field; `minLength` 1 means it must not be empty when present. */
function optionalString(record: Json, key: string, base: string, errors: ErrorList, minLength = 0): void {
  const value = record[key];
  if (value === undefined || (typeof value === 'string' && value.length >= minLength)) return;
  const pointer = base + joinPointer(key);
  if (typeof value !== 'string') errors.type(pointer, 'a string', value);
  else errors.add(pointer, 'must not be empty', 'non-empty');
}

function checkMetadata(metadata: Json, errors: ErrorList): void {
  const base = '/metadata';
  requiredString(metadata, 'name', errors, checkEntityName, 'name', base);
  if (metadata.namespace !== undefined) {
    errors.check(`${base}/namespace`, metadata.namespace, checkNamespace(metadata.namespace), 'namespace');
  }
  optionalString(metadata, 'title', base, errors, 1);
  optionalString(metadata, 'description', base, errors);
  optionalString(metadata, 'uid', base, errors, 1);
  optionalString(metadata, 'etag', base, errors, 1);

  checkStringMap(metadata, 'labels', errors, checkLabelKey, 'label-key', checkLabelValue, 'label-value');
  checkStringMap(metadata, 'annotations', errors, checkAnnotationKey, 'annotation-key', checkAnnotationValue, 'type');

  const tags = metadata.tags;
  if (tags !== undefined) {
    if (!Array.isArray(tags)) errors.type(`${base}/tags`, 'an array of strings', tags);
    else {
      // The pointer is made only for a tag with a problem: most have none.
      tags.forEach((tag, i) => {
        const problem = checkTag(tag);
        if (problem !== undefined) errors.check(joinPointer('metadata', 'tags', i), tag, problem, 'tag');
      });
    }
  }

  const links = metadata.links;
  if (links !== undefined) {
    if (!Array.isArray(links)) errors.type(`${base}/links`, 'an array of links', links);
    else {
      links.forEach((link, i) => {
        for (const problem of checkEntityLink(link)) {
          errors.add(joinPointer('metadata', 'links', i) + problem.path, problem.detail, problem.rule);
        }
      });
    }
  }
}

function checkStringMap(
  metadata: Json,
  field: 'labels' | 'annotations',
  errors: ErrorList,
  checkKey: (value: unknown) => string | undefined,
  keyRule: string,
  checkValue: (value: unknown) => string | undefined,
  valueRule: string,
): void {
  const map = metadata[field];
  if (map === undefined) return;
  if (!isRecord(map)) {
    errors.type(joinPointer('metadata', field), 'an object of strings', map);
    return;
  }
  const noun = field === 'labels' ? 'label' : 'annotation';
  for (const [key, value] of Object.entries(map)) {
    const keyProblem = checkKey(key);
    const valueProblem = checkValue(value);
    if (!keyProblem && valueProblem === undefined) continue;
    // Made only for an entry with a problem: most have none.
    const pointer = joinPointer('metadata', field, key);
    if (keyProblem) errors.add(pointer, `${noun} key ${keyProblem}`, keyRule);
    if (valueProblem === undefined) continue;
    if (typeof value !== 'string') {
      errors.add(pointer, `${noun} value must be a string (found ${jsonTypeOf(value)}; quote it in YAML)`, 'type');
    } else errors.add(pointer, `${noun} value ${valueProblem}`, valueRule);
  }
}

function checkRelations(relations: unknown, errors: ErrorList): void {
  if (!Array.isArray(relations)) {
    errors.type('/relations', 'an array', relations);
    return;
  }
  relations.forEach((relation, i) => {
    const base = joinPointer('relations', i);
    if (!isRecord(relation)) {
      errors.type(base, 'an object with type and targetRef', relation);
      return;
    }
    for (const key of Object.keys(relation)) {
      if (!['type', 'targetRef', 'target'].includes(key)) {
        errors.add(base + joinPointer(key), 'is not a relation field (type, targetRef, target)', 'unknown-field');
      }
    }
    requiredString(relation, 'type', errors, v => nonEmptyMatching(v, RELATION_TYPE_PATTERN), 'pattern', base);
    requiredString(relation, 'targetRef', errors, v => nonEmptyMatching(v), 'non-empty', base);
    const target = relation.target;
    if (target === undefined) return;
    if (!isRecord(target)) {
      errors.type(`${base}/target`, 'an object with kind, namespace and name', target);
      return;
    }
    for (const key of Object.keys(target)) {
      if (!['kind', 'namespace', 'name'].includes(key)) {
        errors.add(`${base}/target${joinPointer(key)}`, 'is not a ref field (kind, namespace, name)', 'unknown-field');
      }
    }
    for (const key of ['kind', 'namespace', 'name']) {
      requiredString(target, key, errors, v => nonEmptyMatching(v), 'non-empty', `${base}/target`);
    }
  });
}

function nonEmptyMatching(value: unknown, pattern?: RegExp): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length === 0) return 'must not be empty';
  if (pattern && !pattern.test(value)) return `must match ${pattern.source}`;
  return undefined;
}

function checkStatus(status: unknown, errors: ErrorList): void {
  if (!isRecord(status)) {
    errors.type('/status', 'an object', status);
    return;
  }
  const items = status.items;
  if (items === undefined) return;
  if (!Array.isArray(items)) {
    errors.type('/status/items', 'an array', items);
    return;
  }
  items.forEach((item, i) => {
    const base = joinPointer('status', 'items', i);
    if (!isRecord(item)) {
      errors.type(base, 'an object with type, level and message', item);
      return;
    }
    requiredString(item, 'type', errors, v => nonEmptyMatching(v), 'non-empty', base);
    requiredString(
      item,
      'level',
      errors,
      v => (typeof v === 'string' && !STATUS_LEVELS.includes(v) ? `must be one of ${STATUS_LEVELS.join(', ')}` : nonEmptyMatching(v)),
      'enum',
      base,
    );
    if (item.message === undefined) errors.add(`${base}/message`, 'is required', 'required');
    else optionalString(item, 'message', base, errors);
    const error = item.error;
    if (error === undefined) return;
    if (!isRecord(error)) {
      errors.type(`${base}/error`, 'an object with name and message', error);
      return;
    }
    requiredString(error, 'name', errors, v => nonEmptyMatching(v), 'non-empty', `${base}/error`);
    if (error.message === undefined) errors.add(`${base}/error/message`, 'is required', 'required');
    for (const key of ['message', 'code', 'stack']) optionalString(error, key, `${base}/error`, errors);
  });
}

function checkSpec(root: Json, registry: KindRegistry, errors: ErrorList): void {
  const policy = registry.find(root.kind, root.apiVersion);
  if (!policy) return;
  if (root.spec === undefined) {
    errors.add('/spec', `is required for kind ${policy.kind}`, 'required');
    return;
  }
  if (!isRecord(root.spec)) return; // null, arrays, …: already reported by the envelope check
  const schemaErrors = validateSpec(policy.specSchema, root.spec);
  errors.addAll(schemaErrors);
  if (!schemaErrors.length && policy.check) errors.addAll(policy.check(root.spec));
}

function normalize(root: Json, errors: ErrorList): EntityValidation {
  let copy: Json;
  try {
    copy = plainCopy(root);
  } catch (error) {
    errors.add('', `must be plain data (JSON or YAML values): ${describeError(error)}`, 'json');
    return { errors: errors.result() };
  }
  const metadata = copy.metadata as Json;
  if (metadata.namespace === undefined) {
    // Place the default right after the name, where people write it.
    const withNamespace: Json = {};
    for (const [key, value] of Object.entries(metadata)) {
      withNamespace[key] = value;
      if (key === 'name') withNamespace.namespace = DEFAULT_NAMESPACE;
    }
    copy.metadata = withNamespace;
  }
  return { entity: copy as unknown as Entity, errors: [] };
}

function describeError(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unknown error';
  }
}
