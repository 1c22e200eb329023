import { forEachPausing } from '../core/event-loop-yield.js';

/**
 * Which derived rows of replaced entities a write must rewrite. A refresh that changes one field of every entity used
 * to delete and insert again all of each one's ~20 search rows and every relation: the deletes alone cost ~0.35 ms an
 * entity on SQLite and held the event loop for tens of ms a statement (bench/README, session 13). Comparing with the
 * rows stored leaves untouched what did not change. The comparison of a chunk's ~4,000 rows was itself a stretch of
 * tens of ms: it lets the event loop in (`pause`) as it goes.
 */

/** A stored or derived search row: entity id, key, value, original value. */
export type SearchRowTuple = readonly [entityId: string, key: string, value: string | null, originalValue: string | null];
/** A stored or derived relation row: origin id, source ref, type, target ref. */
export type RelationTuple = readonly [originId: string, sourceRef: string, type: string, targetRef: string];

/** The search rows to rewrite: every row of `ids` under `keys` is deleted, and the new ones of those are inserted. */
export interface SearchRewrite {
  ids: Set<string>;
  /** Undefined: every key of `ids` (too many keys changed to name them in a statement). */
  keys: Set<string> | undefined;
}

/** Beyond this many changed keys in one chunk, its entities' rows are rewritten whole (a statement's parameters). */
const MAX_NAMED_KEYS = 500;

/** Rows grouped by their first column, each group by key (or whole) as one comparable text. */
async function groupsOf(rows: Iterable<readonly (string | null)[]>, keyed: boolean, pause: () => Promise<void>): Promise<Map<string, Map<string, string[]>>> {
  const groups = new Map<string, Map<string, string[]>>();
  await forEachPausing(
    rows,
    pause,
    ([id, key, ...rest]) => {
      let byKey = groups.get(id!);
      if (!byKey) groups.set(id!, (byKey = new Map()));
      const group = keyed ? key! : '';
      const line = JSON.stringify(keyed ? rest : [key, ...rest]);
      const lines = byKey.get(group);
      if (lines) lines.push(line);
      else byKey.set(group, [line]);
    },
  );
  return groups;
}

const sameLines = (a: string[] | undefined, b: string[] | undefined): boolean => {
  if (!a || !b) return a === b;
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((line, i) => line === sortedB[i]);
};

/** The keys whose rows differ, per entity of `ids`. */
async function changedGroups(
  ids: Iterable<string>,
  stored: Map<string, Map<string, string[]>>,
  next: Map<string, Map<string, string[]>>,
  pause: () => Promise<void>,
): Promise<Map<string, string[]>> {
  const changed = new Map<string, string[]>();
  await forEachPausing(ids, pause, id => {
    const before = stored.get(id) ?? new Map<string, string[]>();
    const after = next.get(id) ?? new Map<string, string[]>();
    const keys = [...new Set([...before.keys(), ...after.keys()])].filter(key => !sameLines(before.get(key), after.get(key)));
    if (keys.length) changed.set(id, keys);
  });
  return changed;
}

/** What of replaced entities' search rows must be rewritten, from the rows stored and the rows derived now. */
export async function searchRewrite(
  ids: Iterable<string>,
  stored: Iterable<SearchRowTuple>,
  next: Iterable<SearchRowTuple>,
  pause: () => Promise<void>,
): Promise<SearchRewrite> {
  const changed = await changedGroups(ids, await groupsOf(stored, true, pause), await groupsOf(next, true, pause), pause);
  const keys = new Set([...changed.values()].flat());
  return { ids: new Set(changed.keys()), keys: keys.size > MAX_NAMED_KEYS ? undefined : keys };
}

/** The replaced entities whose relations differ from those stored. */
export async function relationRewrite(ids: Iterable<string>, stored: Iterable<RelationTuple>, next: Iterable<RelationTuple>, pause: () => Promise<void>): Promise<Set<string>> {
  return new Set((await changedGroups(ids, await groupsOf(stored, false, pause), await groupsOf(next, false, pause), pause)).keys());
}
