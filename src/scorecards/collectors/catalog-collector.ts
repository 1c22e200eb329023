import type { Entity } from '../../core/entity.js';
import { parseEntityRef, stringifyEntityRef } from '../../core/entity-ref.js';
import { defineCollector } from '../fact-collector.js';

const SOFTWARE_KINDS = ['component', 'api', 'resource', 'system', 'domain'];

/**
 * Catalog facts: what the entity's own definition says (owner exists and is a Group, description,
 * lifecycle, tags, links, system, docs, API definition). Collected on every change of the entity.
 */
export const catalogCollector = defineCollector({
  id: 'catalog',
  description: 'What the entity’s catalog definition says about it',
  kinds: SOFTWARE_KINDS,
  triggers: { events: ['catalog.entity.created', 'catalog.entity.updated'] },
  schema: {
    type: 'object',
    properties: {
      hasOwner: { type: 'boolean', description: 'spec.owner is set' },
      ownerIsGroup: { type: 'boolean', description: 'The owner exists in the catalog and is a Group' },
      hasDescription: { type: 'boolean', description: 'metadata.description is set' },
      lifecycle: { type: ['string', 'null'], description: 'spec.lifecycle, or null' },
      tagCount: { type: 'integer', description: 'How many tags' },
      linkCount: { type: 'integer', description: 'How many links' },
      hasSystem: { type: 'boolean', description: 'spec.system is set' },
      hasDocs: { type: 'boolean', description: 'A backstage.io/techdocs-ref annotation is set' },
      hasApiDefinition: { type: 'boolean', description: 'An API with a definition, or a component that provides an API' },
    },
  },
  async collect(entity: Entity, { entities }) {
    const spec = entity.spec ?? {};
    const owner = typeof spec.owner === 'string' && spec.owner.trim() ? spec.owner.trim() : undefined;
    let ownerIsGroup = false;
    if (owner) {
      try {
        const ref = stringifyEntityRef(parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace ?? 'default' }));
        ownerIsGroup = ref.startsWith('group:') && (await entities.byRef(ref)) !== undefined;
      } catch {
        ownerIsGroup = false;
      }
    }
    const annotations = entity.metadata.annotations ?? {};
    const kind = entity.kind.toLowerCase();
    const provides = Array.isArray(spec.providesApis) ? spec.providesApis.length : 0;
    const definition = kind === 'api' && typeof spec.definition === 'string' && spec.definition.trim() !== '';
    return {
      hasOwner: owner !== undefined,
      ownerIsGroup,
      hasDescription: typeof entity.metadata.description === 'string' && entity.metadata.description.trim() !== '',
      lifecycle: typeof spec.lifecycle === 'string' ? spec.lifecycle : null,
      tagCount: Array.isArray(entity.metadata.tags) ? entity.metadata.tags.length : 0,
      linkCount: Array.isArray(entity.metadata.links) ? entity.metadata.links.length : 0,
      hasSystem: typeof spec.system === 'string' && spec.system.trim() !== '',
      hasDocs: typeof annotations['backstage.io/techdocs-ref'] === 'string' && annotations['backstage.io/techdocs-ref'].trim() !== '',
      hasApiDefinition: definition || provides > 0,
    };
  },
});
