import type { Entity } from '../../core/entity.js';
import { defineCollector } from '../fact-collector.js';

/** What the platform's catalog mirror puts on the Resource of each request. */
const REQUEST_ANNOTATION = 'pave.dev/request';
const PHASE_ANNOTATION = 'pave.dev/phase';
const FAILING_PHASES = new Set(['Failed']);

/** The Resources of platform requests an entity is or depends on (its `dependsOn` relations). */
export function requestRefsOf(entity: Entity): string[] {
  if (entity.metadata.annotations?.[REQUEST_ANNOTATION]) return [];
  return (entity.relations ?? []).filter(relation => relation.type === 'dependsOn' && relation.targetRef.startsWith('resource:')).map(relation => relation.targetRef);
}

/** Whether an entity is the catalog mirror of a platform request. */
export function isRequestResource(entity: Entity): boolean {
  return typeof entity.metadata.annotations?.[REQUEST_ANNOTATION] === 'string';
}

/**
 * Platform facts: the platform requests the entity depends on (or, for a request's own Resource, itself) and
 * whether they are Ready, read from the catalog mirror of the platform API (never the platform's tables).
 */
export const platformCollector = defineCollector({
  id: 'platform',
  description: 'The entity’s platform requests and whether they are Ready',
  kinds: ['component', 'resource', 'system'],
  triggers: { events: ['catalog.entity.created', 'catalog.entity.updated'] },
  schema: {
    type: 'object',
    properties: {
      requests: { type: 'integer', description: 'How many platform requests it is or depends on' },
      ready: { type: 'integer', description: 'How many of them are Ready' },
      failing: { type: 'integer', description: 'How many of them are Failed' },
      allReady: { type: 'boolean', description: 'Every one of them is Ready (true when there are none)' },
    },
  },
  async collect(entity, { entities }) {
    const phases: string[] = [];
    if (isRequestResource(entity)) phases.push(String(entity.metadata.annotations?.[PHASE_ANNOTATION] ?? ''));
    else {
      const refs = requestRefsOf(entity);
      const found = refs.length ? await entities.byRefs(refs, ['metadata.annotations']) : [];
      for (const resource of found) if (resource && isRequestResource(resource)) phases.push(String(resource.metadata.annotations?.[PHASE_ANNOTATION] ?? ''));
    }
    const ready = phases.filter(phase => phase === 'Ready').length;
    return { requests: phases.length, ready, failing: phases.filter(phase => FAILING_PHASES.has(phase)).length, allReady: ready === phases.length };
  },
});
