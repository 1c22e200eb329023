/**
 * Conditions on a request, Kubernetes style: one per type, with the time its status last changed.
 * Pure functions over plain data.
 */
import type { Condition, ConditionType } from './types.js';

/** The conditions the reconciler sets. */
export const RECONCILER_CONDITIONS: ConditionType[] = ['Accepted', 'DependenciesReady', 'Configured', 'Written', 'Ready'];
/** Every condition in the order shown: the reconciler's, then GitOps health read back (Synced, Healthy). */
export const CONDITION_ORDER: ConditionType[] = [...RECONCILER_CONDITIONS, 'Synced', 'Healthy'];

export interface ConditionUpdate {
  type: ConditionType;
  status: Condition['status'];
  reason: string;
  message: string;
}

/**
 * Returns the conditions with `updates` applied, in the standard order. A condition whose status does
 * not change keeps its `lastTransitionTime`.
 */
export function setConditions(current: readonly Condition[], updates: readonly ConditionUpdate[], generation: number, now: string): Condition[] {
  const byType = new Map(current.map(c => [c.type, c]));
  for (const update of updates) {
    const previous = byType.get(update.type);
    byType.set(update.type, {
      ...update,
      lastTransitionTime: previous && previous.status === update.status ? previous.lastTransitionTime : now,
      observedGeneration: generation,
    });
  }
  return CONDITION_ORDER.flatMap(type => (byType.has(type) ? [byType.get(type)!] : []));
}

/** The initial conditions of a request nobody has reconciled yet. */
export function pendingConditions(generation: number, now: string): Condition[] {
  return setConditions(
    [],
    RECONCILER_CONDITIONS.map(type => ({ type, status: 'Unknown' as const, reason: 'Pending', message: 'waiting for the reconciler' })),
    generation,
    now,
  );
}

export function conditionOf(conditions: readonly Condition[] | undefined, type: ConditionType): Condition | undefined {
  return conditions?.find(c => c.type === type);
}
