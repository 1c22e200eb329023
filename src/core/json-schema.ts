/**
 * JSON Schema validation (draft-07, ajv) and the one translation of its errors into Pave's field
 * errors: a JSON pointer to the field and a detail naming the rule, worded the same for entity specs,
 * platform requests, golden-path forms and action inputs. Pure: no I/O.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { pointerSegment, type FieldError } from './problem.js';
import { ruleWords } from './schema-words.js';

// ajv-formats is CommonJS: Node (and the CLI bundle) hand over its module.exports, the plugin itself, as the default
// export, while its typings describe that plugin as `exports.default`.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;

export interface JsonSchemaOptions {
  /**
   * Refuse schemas with unknown keywords or formats and other mistakes ajv's strict mode finds. Default
   * true; false for Backstage form schemas, which carry keywords of their own.
   */
  strict?: boolean;
  /** Fill in `default`s on the value validated (it is changed in place: pass a copy). Default false. */
  useDefaults?: boolean;
}

/** Compiled schemas kept per validator; past this many (schemas sent by clients) the cache starts again. */
const MAX_CACHED = 500;

/**
 * A JSON Schema validator: every error at once, union types, ajv-formats' formats, and a cache of
 * compiled schemas (by object, then by content).
 */
export class JsonSchemaValidator {
  readonly #ajv: Ajv;
  readonly #byObject = new WeakMap<object, ValidateFunction>();
  readonly #byText = new Map<string, ValidateFunction>();

  constructor(options: JsonSchemaOptions = {}) {
    // verbose: errors carry the offending value, so a type error can say what was found.
    this.#ajv = addFormats(new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true, logger: false, strict: options.strict ?? true, useDefaults: options.useDefaults ?? false }));
  }

  /**
   * The compiled schema, from the cache when it was compiled before; throws ajv's error for a schema it
   * cannot compile.
   */
  compile(schema: object): ValidateFunction {
    let validate = this.#byObject.get(schema);
    if (validate) return validate;
    const text = JSON.stringify(schema);
    validate = this.#byText.get(text);
    if (!validate) {
      validate = this.#ajv.compile(schema);
      if (this.#byText.size >= MAX_CACHED) this.#byText.clear();
      this.#byText.set(text, validate);
    }
    this.#byObject.set(schema, validate);
    return validate;
  }

  /**
   * Validates `value` against `schema` and returns every mistake as field errors (see `schemaErrors`).
   * @example jsonSchemaValidator().validate({ type: 'object', required: ['owner'] }, {}, { at: '/spec' })
   *   // [{ pointer: '/spec/owner', detail: 'is required', rule: 'required' }]
   */
  validate(schema: object, value: unknown, options: SchemaErrorOptions = {}): FieldError[] {
    const validate = this.compile(schema);
    return validate(value) ? [] : schemaErrors(validate.errors ?? [], options);
  }

  /**
   * What is wrong with a schema itself, located under `pointer`: not an object, the meta-schema's
   * errors, or else why it cannot be compiled (strict mode's unknown keywords, bad formats, …).
   * @example jsonSchemaValidator().schemaProblems({ type: 'objekt' }, '/spec/api/schema') // [{ pointer: '/spec/api/schema/type', … }]
   */
  schemaProblems(schema: unknown, pointer: string): FieldError[] {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) return [{ pointer, detail: 'must be a JSON Schema object', rule: 'type' }];
    if (!this.#ajv.validateSchema(schema)) {
      return (this.#ajv.errors ?? []).map(error => ({
        pointer: pointer + error.instancePath,
        detail: `is not a valid JSON Schema: ${error.instancePath || 'the schema'} ${error.message ?? 'is invalid'}`,
        rule: 'json-schema',
      }));
    }
    try {
      this.compile(schema);
      return [];
    } catch (error) {
      return [{ pointer, detail: `is not a valid JSON Schema: ${(error as Error).message}`, rule: 'json-schema' }];
    }
  }
}

const validators = new Map<string, JsonSchemaValidator>();

/**
 * The shared validator for a set of options (compiled schemas are cached in it).
 * @example const errors = jsonSchemaValidator({ useDefaults: true }).validate(schema, copy, { at: '/spec' });
 */
export function jsonSchemaValidator(options: JsonSchemaOptions = {}): JsonSchemaValidator {
  const key = `${options.strict ?? true}/${options.useDefaults ?? false}`;
  let validator = validators.get(key);
  if (!validator) validators.set(key, (validator = new JsonSchemaValidator(options)));
  return validator;
}

/** The field an error is about: its pointer, and the property names leading to it (unescaped). */
export interface SchemaField {
  pointer: string;
  path: string[];
}

export interface SchemaErrorOptions {
  /** The JSON pointer of the value validated, which every pointer starts with (e.g. `/spec`). Default ''. */
  at?: string;
  /**
   * How a detail names its field, e.g. `/spec/size`, `Port (port)` or `input.repoUrl`. Default: it does not
   * (the pointer alone names it).
   */
  name?: (field: SchemaField) => string;
  /** What a property the schema does not allow is. Default "is not allowed (no such field)". */
  unknownProperty?: string;
  /** Errors to leave out (e.g. a reference, resolved later, standing where a number belongs). */
  skip?: (error: ErrorObject) => boolean;
  /** A caller's own words for an error (its schema is `error.parentSchema`); undefined keeps the default words. */
  words?: (error: ErrorObject) => string | undefined;
}

/**
 * Turns ajv's errors into field errors: the pointer of the field (for `required` and
 * `additionalProperties`, of the property itself), a detail naming the rule in words, and the rule. Exact
 * repeats, and the summary ajv adds for a failed `if` (the `then`/`else` error says what is wrong), are
 * left out.
 * @example schemaErrors(validate.errors, { at: '/values', name: field => field.path.join('.') })
 *   // [{ pointer: '/values/port', detail: 'port must be an integer (found string)', rule: 'type' }]
 */
export function schemaErrors(errors: readonly ErrorObject[], options: SchemaErrorOptions = {}): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    if (error.keyword === 'if' || options.skip?.(error)) continue;
    const fieldError = translate(error, options);
    const key = `${fieldError.pointer}\u0000${fieldError.detail}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(fieldError);
  }
  return out;
}

function translate(error: ErrorObject, options: SchemaErrorOptions): FieldError {
  const params = error.params as Record<string, unknown>;
  const property = error.keyword === 'required' ? params.missingProperty : error.keyword === 'additionalProperties' ? params.additionalProperty : undefined;
  const pointer = (options.at ?? '') + error.instancePath + (property === undefined ? '' : '/' + pointerSegment(String(property)));
  const ruled = ruleOf(error, params, options);
  const { rule } = ruled;
  const detail = options.words?.(error) ?? ruled.detail;
  const path = pointer
    .slice((options.at ?? '').length)
    .split('/')
    .slice(1)
    .map(segment => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
  const name = options.name?.({ pointer, path });
  return { pointer, detail: name ? `${name} ${detail}` : detail, rule };
}

/** The rule an error breaks, in words, and its name. */
function ruleOf(error: ErrorObject, params: Record<string, unknown>, options: SchemaErrorOptions): { detail: string; rule: string } {
  switch (error.keyword) {
    case 'required':
      return { detail: ruleWords('required', undefined, undefined)!, rule: 'required' };
    case 'additionalProperties':
      return { detail: options.unknownProperty ?? 'is not allowed (no such field)', rule: 'additionalProperties' };
    case 'type':
      return { detail: `must be ${typeList(params.type)} (found ${jsonTypeOf(error.data)})`, rule: 'type' };
    case 'minLength':
      return { detail: ruleWords('minLength', params.limit, error.parentSchema)!, rule: params.limit === 1 ? 'non-empty' : 'min-length' };
    case 'minItems':
      return { detail: ruleWords('minItems', params.limit, error.parentSchema)!, rule: 'min-items' };
    case 'maxItems':
      return { detail: ruleWords('maxItems', params.limit, error.parentSchema)!, rule: 'max-items' };
    case 'enum':
      return { detail: `must be one of ${(params.allowedValues as unknown[]).map(v => JSON.stringify(v)).join(', ')}`, rule: 'enum' };
    case 'const':
      return { detail: `must be ${JSON.stringify(params.allowedValue)}`, rule: 'const' };
    default:
      // ajv's own words name the rule well enough: "must match pattern …", "must be >= 1024", "must match format …".
      return { detail: error.message ?? `must satisfy ${error.keyword}`, rule: error.keyword };
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  null: 'null',
};

function typeList(types: unknown): string {
  return (Array.isArray(types) ? types : String(types).split(','))
    .map(type => TYPE_NAMES[String(type)] ?? String(type))
    .join(' or ');
}

/**
 * The JSON type of a value, as messages name it.
 * @example jsonTypeOf([]) // 'array'
 */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
