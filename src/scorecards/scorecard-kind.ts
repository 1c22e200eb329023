/**
 * The Scorecard kind (pave.dev/v1alpha1), declared by the scorecards module: standards as code, stored as
 * YAML in git like any entity. The JSON Schema gives the shape; `check` the rest, when the file is ingested
 * or the API called: level names and ranks unique, each rule at a level that exists, rule ids unique, each
 * condition parsing and naming only facts a collector declares, each filter readable. The catalog reports
 * every mistake with the file, line and field, and the rest of the location still loads.
 */
import type { FieldError } from '../core/problem.js';
import { defineKindPolicy } from '../catalog/model/kind-policy.js';
import { PAVE_API_VERSION } from '../catalog/model/kinds/capability.js';
import { OWNER_FIELD } from '../catalog/model/kinds/schema-parts.js';
import { parseFilterParams } from '../catalog/query/entity-filter.js';
import { checkCondition, MAX_CONDITION_LENGTH } from './rule-condition.js';
import { knownFacts } from './collectors.js';

const NAME = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' };
const TEXT = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const FILTER = { type: 'string', minLength: 1, maxLength: 1000 };

export const scorecardPolicy = defineKindPolicy({
  kind: 'Scorecard',
  apiVersions: [PAVE_API_VERSION],
  specSchema: {
    type: 'object',
    required: ['levels', 'rules'],
    additionalProperties: false,
    properties: {
      owner: TEXT(253),
      filter: { anyOf: [FILTER, { type: 'array', maxItems: 20, items: FILTER }] },
      levels: {
        type: 'array',
        minItems: 1,
        maxItems: 10,
        items: {
          type: 'object',
          required: ['name', 'rank'],
          additionalProperties: false,
          properties: { name: NAME, rank: { type: 'integer', minimum: 0, maximum: 1000 }, colour: TEXT(32) },
        },
      },
      rules: {
        type: 'array',
        maxItems: 200,
        items: {
          type: 'object',
          required: ['id', 'level', 'condition'],
          additionalProperties: false,
          properties: {
            id: NAME,
            title: TEXT(200),
            level: NAME,
            weight: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
            condition: TEXT(MAX_CONDITION_LENGTH),
            passMessage: TEXT(500),
            failMessage: TEXT(500),
            fixUrl: { type: 'string', maxLength: 2000, pattern: '^https?://' },
            fix: {
              type: 'object',
              required: ['template'],
              additionalProperties: false,
              properties: { template: TEXT(253), values: { type: 'object', maxProperties: 20, additionalProperties: { type: 'string', maxLength: 500 } } },
            },
          },
        },
      },
    },
  },
  relationFields: [OWNER_FIELD],
  check: checkScorecardSpec,
});

/** Every mistake the schema cannot see, with pointers under `/spec`. */
export function checkScorecardSpec(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  const levels = spec.levels as Array<{ name: string; rank: number }>;
  const rules = spec.rules as Array<{ id: string; level: string; condition: string }>;
  const names = new Set<string>();
  const ranks = new Set<number>();
  levels.forEach((level, index) => {
    if (names.has(level.name)) errors.push({ pointer: `/spec/levels/${index}/name`, detail: `repeats the level "${level.name}"`, rule: 'unique' });
    if (ranks.has(level.rank)) errors.push({ pointer: `/spec/levels/${index}/rank`, detail: `repeats the rank ${level.rank}`, rule: 'unique' });
    names.add(level.name);
    ranks.add(level.rank);
  });
  const known = knownFacts();
  const ids = new Set<string>();
  rules.forEach((rule, index) => {
    if (ids.has(rule.id)) errors.push({ pointer: `/spec/rules/${index}/id`, detail: `repeats the rule id "${rule.id}"`, rule: 'unique' });
    ids.add(rule.id);
    if (!names.has(rule.level)) errors.push({ pointer: `/spec/rules/${index}/level`, detail: `names the level "${rule.level}", which the scorecard does not define`, rule: 'exists' });
    errors.push(...checkCondition(rule.condition, `/spec/rules/${index}/condition`, known).errors);
  });
  const filters = spec.filter === undefined ? [] : typeof spec.filter === 'string' ? [spec.filter] : (spec.filter as string[]);
  filters.forEach((filter, index) => {
    try {
      parseFilterParams([filter]);
    } catch {
      errors.push({ pointer: typeof spec.filter === 'string' ? '/spec/filter' : `/spec/filter/${index}`, detail: 'is not a filter: key=value statements separated by commas', rule: 'filter' });
    }
  });
  return errors;
}
