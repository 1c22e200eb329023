/** The Template kind (scaffolder.backstage.io/v1beta3): a golden path that creates software from parameters and steps. */
import { defineKindPolicy } from '../kind-policy.js';
import type { SpecSchema } from '../spec-schema.js';
import { OWNER_FIELD, nonEmptyString } from './schema-parts.js';

/** The apiVersion of Backstage software templates that Pave runs. */
export const TEMPLATE_API_VERSION = 'scaffolder.backstage.io/v1beta3';

function permissions(): SpecSchema {
  return { type: 'object', properties: { tags: { type: 'array', items: { type: 'string' } } } };
}

function parameterForm(): SpecSchema {
  return { type: 'object', properties: { 'backstage:permissions': permissions() } };
}

const condition = (): SpecSchema => ({ type: ['string', 'boolean'] });

/**
 * Template: `type` and `steps` (each with a string `action`) required; `owner`, `lifecycle`,
 * `parameters` (one form object or a list of them), `secrets`, `presentation`, `output` and the
 * EXPERIMENTAL_ fields optional, typed as in Backstage's Template v1beta3 schema. Relations:
 * `owner` only, as Backstage's scaffolder processor derives.
 */
export const templatePolicy = defineKindPolicy({
  kind: 'Template',
  // A Template runs for whoever picks it: publishing one is the platform team's call, not any owner's.
  publishedBy: 'templates.template.publish',
  apiVersions: [TEMPLATE_API_VERSION],
  specSchema: {
    type: 'object',
    required: ['type', 'steps'],
    properties: {
      type: nonEmptyString(),
      owner: nonEmptyString(),
      lifecycle: nonEmptyString(),
      // One form (an object) or several (an array of objects); a JSON array is never an object.
      parameters: { type: ['object', 'array'], properties: parameterForm().properties, items: parameterForm() },
      secrets: { type: 'object', properties: { schema: { type: 'object' } } },
      presentation: {
        type: 'object',
        properties: {
          buttonLabels: {
            type: 'object',
            properties: {
              backButtonText: { type: 'string' },
              createButtonText: { type: 'string' },
              reviewButtonText: { type: 'string' },
            },
          },
        },
      },
      EXPERIMENTAL_recovery: { type: 'object', properties: { EXPERIMENTAL_strategy: { type: 'string' } } },
      EXPERIMENTAL_formDecorators: {
        type: 'array',
        items: { type: 'object', properties: { id: { type: 'string' }, input: { type: 'object' } } },
      },
      steps: {
        type: 'array',
        items: {
          type: 'object',
          required: ['action'],
          properties: {
            id: { type: 'string' },
            name: { type: 'string' },
            action: { type: 'string' },
            input: { type: 'object' },
            if: condition(),
            'backstage:permissions': permissions(),
          },
        },
      },
      output: {
        type: 'object',
        properties: {
          links: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                if: condition(),
                url: nonEmptyString(),
                entityRef: nonEmptyString(),
                title: nonEmptyString(),
                icon: nonEmptyString(),
              },
            },
          },
          text: {
            type: 'array',
            items: {
              type: 'object',
              properties: { if: condition(), title: nonEmptyString(), icon: nonEmptyString(), content: { type: 'string' } },
            },
          },
        },
        additionalProperties: { type: 'string' },
      },
    },
  },
  relationFields: [OWNER_FIELD],
});
