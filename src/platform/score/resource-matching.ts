/**
 * Which capability provides a Score resource: the capabilities whose `spec.provides` names the resource's
 * type and its class (`default` when it names none); one naming the class exactly wins over one providing
 * every class of the type. No match, or two equally good, is a mistake naming what exists. Pure: no I/O.
 */
import type { FieldError } from '../../core/problem.js';
import { describeProvided } from '../model/provided-resources.js';
import type { Capability } from '../model/types.js';
import type { ScoreResource } from './score-file.js';

export const DEFAULT_CLASS = 'default';

/**
 * The capability for a resource, or the error to report at `pointer` (the resource's place in the Score file).
 * @example matchCapability({ type: 'postgres' }, '/resources/db', capabilities).capability?.metadata.name // 'postgresql'
 */
export function matchCapability(resource: ScoreResource, pointer: string, capabilities: readonly Capability[]): { capability?: Capability; error?: FieldError } {
  const wanted = resource.class ?? DEFAULT_CLASS;
  const ofType = capabilities.flatMap(capability => (capability.spec.provides ?? []).filter(p => p.type === resource.type).map(provided => ({ capability, provided })));
  if (!ofType.length) {
    const provided = capabilities.flatMap(c => (c.spec.provides ?? []).map(p => `${describeProvided(p)} by ${c.metadata.name}`));
    return {
      error: {
        pointer: `${pointer}/type`,
        detail: `no capability provides resources of type ${resource.type}; ${provided.length ? `the types provided are ${provided.join(', ')}` : 'no published capability provides any Score resource (spec.provides)'}`,
        rule: 'resource-type',
      },
    };
  }
  const exact = ofType.filter(m => m.provided.class === wanted);
  const candidates = exact.length ? exact : ofType.filter(m => m.provided.class === undefined);
  if (!candidates.length) {
    return {
      error: {
        pointer: resource.class === undefined ? pointer : `${pointer}/class`,
        detail: `no capability provides ${resource.type} of class ${wanted}; the classes provided are ${ofType.map(m => `${m.provided.class} (by ${m.capability.metadata.name})`).join(', ')}`,
        rule: 'resource-class',
      },
    };
  }
  const names = [...new Set(candidates.map(m => m.capability.metadata.name))];
  if (names.length > 1) {
    return { error: { pointer, detail: `${resource.type} of class ${wanted} is provided by several capabilities (${names.join(', ')}); the platform team must make one provide it`, rule: 'resource-ambiguous' } };
  }
  return { capability: candidates[0]!.capability };
}
