/**
 * Secret fields (`ui:field: Secret`) in the schema form, at any depth: their values are kept apart from the
 * values and sent as the task's secrets, keyed as the server reads them (`src/templates/model/secret-fields.ts`):
 * the field's name at the top (`token`), the names and item indexes joined by dots below (`deploy.token`,
 * `services.0.apiKey`).
 */
import { fieldSchema, type Choices } from './alternatives.js';
import { resolveSchema } from './resolve-schema.js';
import { isObjectField, isRecord, pointerTo, typeOf, type JsonSchema, type Values } from './schema.js';

export function isSecretField(schema: JsonSchema): boolean {
  return schema['ui:field'] === 'Secret';
}

/** Where a form's Secret fields keep their values, by `secretKeyOf` their pointer. */
export interface SecretValues {
  values: Record<string, string>;
  onChange: (next: Record<string, string>) => void;
}

/**
 * @example secretKeyOf('/services/0/apiKey') // 'services.0.apiKey'
 */
export function secretKeyOf(pointer: string): string {
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * The keys of the Secret fields the values show now, at any depth (a branch or alternative that is not shown,
 * or an item since removed, sends nothing).
 */
export function shownSecretKeys(schema: JsonSchema, values: Values, choices: Choices, base = ''): string[] {
  const keys: string[] = [];
  for (const [key, declared] of Object.entries(resolveSchema(schema, values, choices[base]).properties ?? {})) {
    const pointer = pointerTo(base, key);
    const prop = fieldSchema(declared, values[key], choices[pointer]);
    const value = values[key];
    if (isSecretField(prop)) keys.push(secretKeyOf(pointer));
    else if (isObjectField(prop)) keys.push(...shownSecretKeys(prop, isRecord(value) ? value : {}, choices, pointer));
    else if (typeOf(prop) === 'array' && prop.items && isObjectField(prop.items) && Array.isArray(value)) {
      value.forEach((item, i) => keys.push(...shownSecretKeys(prop.items!, isRecord(item) ? item : {}, choices, pointerTo(pointer, String(i)))));
    }
  }
  return keys;
}
