// Only the functions used: the collectors load with the scorecard kind, which every command (even --help) reads.
import lt from 'semver/functions/lt.js';
import valid from 'semver/functions/valid.js';
import maxSatisfying from 'semver/ranges/max-satisfying.js';
import type { Entity } from '../../core/entity.js';
import { capabilityRef } from '../../platform/model/capability-ref.js';
import { defineCollector } from '../fact-collector.js';

/** What the platform's catalog mirror puts on the Resource of each request. */
const REQUEST_ANNOTATION = 'pave.dev/request';
const PHASE_ANNOTATION = 'pave.dev/phase';
/** `<capability>@<version>`: the capability and the version the request was last reconciled with. */
const CAPABILITY_ANNOTATION = 'pave.dev/capability';
/** The version or semver range the request follows (its own pin, else its team's binding's channel); absent: the newest. */
const CHANNEL_ANNOTATION = 'pave.dev/version-channel';
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
 * whether they are Ready, and whether each runs the newest version of its channel — read from the catalog
 * mirror of the platform API (the Resource's annotations, the Capability's `spec.version` and `spec.versions`),
 * never the platform's tables.
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
      outOfDate: { type: 'integer', description: 'How many of them were last reconciled with an older version than the newest in their channel (their pin or binding’s range; the capability’s newest when they follow none)' },
      allCurrent: { type: 'boolean', description: 'Every one of them runs the newest version of its channel (true when there are none)' },
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
    const published = new Map<string, { newest: string; versions: string[] }>();
    const found = capabilities.length ? await entities.byRefs(capabilities, ['spec.version', 'spec.versions']) : [];
    found.forEach((capability, index) => {
      const version = capability?.spec?.version;
      const versions = Array.isArray(capability?.spec?.versions) ? capability.spec.versions.filter((v): v is string => typeof v === 'string' && valid(v) !== null) : [];
      if (typeof version === 'string') published.set(capabilities[index]!, { newest: version, versions: versions.length ? versions : [version] });
    });
    const outOfDate = used.filter((match, index) => {
      const capability = match ? published.get(capabilityRef(match[1]!)) : undefined;
      if (!match || !capability || !valid(match[2])) return false;
      const latest = latestInChannel(capability, requests[index]!.metadata.annotations?.[CHANNEL_ANNOTATION]);
      return latest !== undefined && lt(match[2]!, latest);
    }).length;
    const ready = phases.filter(phase => phase === 'Ready').length;
    return { requests: phases.length, ready, failing: phases.filter(phase => FAILING_PHASES.has(phase)).length, allReady: ready === phases.length, outOfDate, allCurrent: outOfDate === 0 };
  },
});

/**
 * The newest version a request may run: the newest published inside its channel (a pinned version or a semver
 * range, from its own pin or its team's binding), or the capability's newest when it follows no channel. A
 * request pinned to 1.x is not behind because 2.0 exists, only when a newer 1.x does.
 */
function latestInChannel(capability: { newest: string; versions: readonly string[] }, channel: unknown): string | undefined {
  if (typeof channel !== 'string' || !channel) return valid(capability.newest) ? capability.newest : undefined;
  return maxSatisfying(capability.versions, channel) ?? undefined;
}
