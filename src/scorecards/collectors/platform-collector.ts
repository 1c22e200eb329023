// Only the functions used: the collectors load with the scorecard kind, which every command (even --help) reads.
import lt from 'semver/functions/lt.js';
import valid from 'semver/functions/valid.js';
import type { Entity } from '../../core/entity.js';
import { capabilityRef } from '../../platform/model/capability-ref.js';
import { defineCollector } from '../fact-collector.js';

/** What the platform's catalog mirror puts on the Resource of each request. */
const REQUEST_ANNOTATION = 'pave.dev/request';
const PHASE_ANNOTATION = 'pave.dev/phase';
/** `<capability>@<version>`: the capability and the version the request was last reconciled with. */
const CAPABILITY_ANNOTATION = 'pave.dev/capability';
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

/** Whether an entity is the catalog mirror of a capability (its `spec.version` is the newest published). */
export function isCapability(entity: Entity): boolean {
  return entity.kind.toLowerCase() === 'capability';
}

/**
 * Platform facts: the platform requests the entity depends on (or, for a request's own Resource, itself),
 * whether they are Ready, and whether each runs the newest version of its capability — read from the catalog
 * mirror of the platform API (the Resource's annotations, the Capability's `spec.version`), never the
 * platform's tables.
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
      outOfDate: { type: 'integer', description: 'How many of them were last reconciled with an older version than their capability’s newest' },
      allCurrent: { type: 'boolean', description: 'Every one of them runs its capability’s newest version (true when there are none)' },
    },
  },
  async collect(entity, { entities }) {
    let requests: Entity[] = [];
    if (isRequestResource(entity)) requests = [entity];
    else {
      const refs = requestRefsOf(entity);
      const found = refs.length ? await entities.byRefs(refs, ['metadata.annotations']) : [];
      requests = found.filter((resource): resource is Entity => resource !== null && isRequestResource(resource));
    }
    const phases = requests.map(request => String(request.metadata.annotations?.[PHASE_ANNOTATION] ?? ''));
    const used = requests.map(request => /^(.+)@(.+)$/.exec(String(request.metadata.annotations?.[CAPABILITY_ANNOTATION] ?? '')));
    const capabilities = [...new Set(used.filter(match => match !== null).map(match => capabilityRef(match[1]!)))];
    const newest = new Map<string, string>();
    const found = capabilities.length ? await entities.byRefs(capabilities, ['spec.version']) : [];
    found.forEach((capability, index) => {
      const version = capability?.spec?.version;
      if (typeof version === 'string') newest.set(capabilities[index]!, version);
    });
    const outOfDate = used.filter(match => {
      const latest = match ? newest.get(capabilityRef(match[1]!)) : undefined;
      return match && latest && valid(match[2]) && valid(latest) && lt(match[2]!, latest);
    }).length;
    const ready = phases.filter(phase => phase === 'Ready').length;
    return { requests: phases.length, ready, failing: phases.filter(phase => FAILING_PHASES.has(phase)).length, allReady: ready === phases.length, outOfDate, allCurrent: outOfDate === 0 };
  },
});
