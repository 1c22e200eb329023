import { defineCollector } from '../fact-collector.js';

/** The annotation a golden path leaves on what it creates: the template's ref. */
export const SOURCE_TEMPLATE_ANNOTATION = 'backstage.io/source-template';

/** Provenance facts: whether the entity was created from a golden path, and which one. */
export const provenanceCollector = defineCollector({
  id: 'provenance',
  description: 'Whether the entity was created from a golden path',
  kinds: ['component', 'api', 'resource', 'system'],
  triggers: { events: ['catalog.entity.created', 'catalog.entity.updated'] },
  schema: {
    type: 'object',
    properties: {
      fromGoldenPath: { type: 'boolean', description: `The ${SOURCE_TEMPLATE_ANNOTATION} annotation is set` },
      template: { type: ['string', 'null'], description: 'The template ref it was created from, or null' },
    },
  },
  async collect(entity) {
    const template = entity.metadata.annotations?.[SOURCE_TEMPLATE_ANNOTATION];
    const named = typeof template === 'string' && template.trim() !== '' ? template.trim() : null;
    return { fromGoldenPath: named !== null, template: named };
  },
});
