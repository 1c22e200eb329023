import type { Entity } from '../../core/entity.js';
import { ANNOTATION_SOURCE_TEMPLATE, ANNOTATION_SOURCE_TEMPLATE_VERSION, ANNOTATION_TEMPLATE_VERSION, templateVersion as versionOf } from '../../catalog/location-provenance.js';
import { canonicalRef } from '../canonical-ref.js';
import { defineCollector } from '../fact-collector.js';

/** The template an entity was made from (canonical ref), or undefined. */
export function sourceTemplateOf(entity: Entity): string | undefined {
  const template = entity.metadata.annotations?.[ANNOTATION_SOURCE_TEMPLATE];
  return typeof template === 'string' && template.trim() !== '' ? canonicalRef(template.trim(), 'template', entity.metadata.namespace ?? 'default') : undefined;
}

/**
 * Provenance facts: whether the entity was created from a golden path, which one, from which version of it,
 * and whether that is still the template's version (read from the Template in the catalog the way tasks
 * record it: declared, else `spec.version`, else its etag — so a template that declares a new version, or
 * changes without declaring one, makes what was made from an older one out of date at once).
 */
export const provenanceCollector = defineCollector({
  id: 'provenance',
  description: 'Whether the entity was created from a golden path, and from its current version',
  kinds: ['component', 'api', 'resource', 'system'],
  triggers: { events: ['catalog.entity.created', 'catalog.entity.updated'] },
  schema: {
    type: 'object',
    properties: {
      fromGoldenPath: { type: 'boolean', description: `The ${ANNOTATION_SOURCE_TEMPLATE} annotation is set` },
      template: { type: ['string', 'null'], description: 'The template ref it was created from, or null' },
      templateVersion: { type: ['string', 'null'], description: `The template's version it was created from (${ANNOTATION_SOURCE_TEMPLATE_VERSION}), or null` },
      templateLatestVersion: { type: ['string', 'null'], description: `The template's version now (its ${ANNOTATION_TEMPLATE_VERSION} annotation, else spec.version, else its catalog etag), or null when it is gone` },
      templateCurrent: { type: ['boolean', 'null'], description: 'It was created from the template’s version now; null when either version is not known' },
    },
  },
  async collect(entity, { entities }) {
    const named = entity.metadata.annotations?.[ANNOTATION_SOURCE_TEMPLATE];
    const template = typeof named === 'string' && named.trim() !== '' ? named.trim() : null;
    const made = entity.metadata.annotations?.[ANNOTATION_SOURCE_TEMPLATE_VERSION];
    const templateVersion = typeof made === 'string' && made ? made : null;
    const ref = sourceTemplateOf(entity);
    const [current] = ref ? await entities.byRefs([ref], ['metadata', 'spec.version']) : [];
    const templateLatestVersion = (current && versionOf(current)) || null;
    return {
      fromGoldenPath: template !== null,
      template,
      templateVersion,
      templateLatestVersion,
      templateCurrent: templateVersion && templateLatestVersion ? templateVersion === templateLatestVersion : null,
    };
  },
});
