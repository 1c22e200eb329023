import { getEntitiesByRefs, type Entity } from '../lib/api';
import { useAsync } from '../lib/hooks';

export const SUMMARY_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
  'spec.type',
  'spec.lifecycle',
  'spec.owner',
  'spec.profile',
];

/** Loads summaries of every entity the given entity relates to, keyed by lower-case ref. */
export function useRelated(entity: Entity | undefined) {
  const refs = Array.from(new Set((entity?.relations ?? []).map((r) => r.targetRef.toLowerCase()))).sort();
  const key = refs.join('|');
  return useAsync(async (signal) => {
    const res = await getEntitiesByRefs(refs, SUMMARY_FIELDS, signal);
    const map = new Map<string, Entity>();
    res.items.forEach((e, i) => {
      if (e) map.set(refs[i]!, e);
    });
    return map;
  }, [key]);
}
