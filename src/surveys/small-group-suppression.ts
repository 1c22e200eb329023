/**
 * Which groups may be shown so that no group smaller than `min` can be seen or worked out.
 *
 * A group below `min` is hidden. Hiding alone is not enough: the total minus the groups shown equals the
 * hidden groups together, so when the hidden ones add up to fewer than `min` (but more than none), the
 * smallest shown groups are hidden too until they do — or nothing is shown. The decision depends only on
 * the counts of all groups, never on which group a caller asked for, so no filter changes what is hidden.
 * @example shownGroups(new Map([['a', 9], ['b', 7], ['c', 2]]), 5) // Set { 'a' } — b is hidden too, else total − a − b = c
 */
export function shownGroups<K>(counts: ReadonlyMap<K, number>, min: number): Set<K> {
  const shown = [...counts].filter(([, count]) => count >= min).sort((a, b) => a[1] - b[1]);
  let hidden = [...counts].filter(([, count]) => count < min).reduce((sum, [, count]) => sum + count, 0);
  while (hidden > 0 && hidden < min && shown.length) hidden += shown.shift()![1];
  return new Set(shown.map(([key]) => key));
}
