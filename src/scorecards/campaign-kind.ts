/**
 * The Campaign kind (pave.dev/v1alpha1): a scorecard level, or some of its rules, that the entities the
 * scorecard selects should reach by a target date, with exemptions (entity, reason, expiry, who granted it).
 * Checked at ingest beyond the schema: a level or rules (one of them), dates readable, the target not before the start, exemptions' refs
 * readable and each entity exempted once.
 */
import type { FieldError } from '../core/problem.js';
import { tryParseEntityRef } from '../core/entity-ref.js';
import { defineKindPolicy } from '../catalog/model/kind-policy.js';
import { PAVE_API_VERSION } from '../catalog/model/kinds/capability.js';
import { OWNER_FIELD } from '../catalog/model/kinds/schema-parts.js';

const NAME = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]+(?:[-_][a-z0-9]+)*$' };
const TEXT = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });
const DATE = { type: 'string', minLength: 10, maxLength: 30, pattern: '^\\d{4}-\\d{2}-\\d{2}' };

export const campaignPolicy = defineKindPolicy({
  kind: 'Campaign',
  apiVersions: [PAVE_API_VERSION],
  specSchema: {
    type: 'object',
    required: ['scorecard', 'start', 'target'],
    additionalProperties: false,
    properties: {
      owner: TEXT(253),
      scorecard: TEXT(253),
      level: NAME,
      rules: { type: 'array', minItems: 1, maxItems: 50, items: NAME },
      start: DATE,
      target: DATE,
      exemptions: {
        type: 'array',
        maxItems: 1000,
        items: {
          type: 'object',
          required: ['entity', 'reason'],
          additionalProperties: false,
          properties: { entity: TEXT(253), reason: TEXT(500), expires: DATE, grantedBy: TEXT(253) },
        },
      },
    },
  },
  relationFields: [OWNER_FIELD],
  check: checkCampaignSpec,
});

/** Every mistake the schema cannot see, with pointers under `/spec`. */
export function checkCampaignSpec(spec: Record<string, unknown>): FieldError[] {
  const errors: FieldError[] = [];
  if ((spec.level === undefined) === (spec.rules === undefined)) errors.push({ pointer: '/spec/level', detail: 'name either a level to reach or the rules to pass, not both and not neither', rule: 'one-of' });
  const start = Date.parse(String(spec.start));
  const target = Date.parse(String(spec.target));
  if (Number.isNaN(start)) errors.push({ pointer: '/spec/start', detail: 'is not a date (YYYY-MM-DD)', rule: 'format' });
  if (Number.isNaN(target)) errors.push({ pointer: '/spec/target', detail: 'is not a date (YYYY-MM-DD)', rule: 'format' });
  if (!Number.isNaN(start) && !Number.isNaN(target) && target < start) errors.push({ pointer: '/spec/target', detail: `is before the start (${String(spec.start)})`, rule: 'after-start' });
  const seen = new Set<string>();
  ((spec.exemptions as Array<{ entity: string; expires?: string }> | undefined) ?? []).forEach((exemption, index) => {
    const ref = tryParseEntityRef(exemption.entity, { defaultKind: 'component' });
    if (!ref) errors.push({ pointer: `/spec/exemptions/${index}/entity`, detail: 'is not an entity ref', rule: 'ref' });
    const key = ref ? `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase() : exemption.entity;
    if (seen.has(key)) errors.push({ pointer: `/spec/exemptions/${index}/entity`, detail: `exempts ${exemption.entity} a second time`, rule: 'unique' });
    seen.add(key);
    if (exemption.expires !== undefined && Number.isNaN(Date.parse(exemption.expires))) errors.push({ pointer: `/spec/exemptions/${index}/expires`, detail: 'is not a date (YYYY-MM-DD)', rule: 'format' });
  });
  return errors;
}
