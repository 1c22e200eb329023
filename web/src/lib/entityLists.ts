import { storedList } from './storedList';

/**
 * Short lists of entity refs kept in this browser: the entities a person starred and the ones they visited
 * last. Every component showing a list follows it (a star set on the entity page shows on the home page at once,
 * in every tab).
 */
type ListName = 'starred' | 'recent';

const LISTS = { starred: storedList('pave.starred'), recent: storedList('pave.recent') } satisfies Record<ListName, unknown>;
const RECENT_KEPT = 8;
const STARRED_KEPT = 100;

/** The refs of a list, newest first, following its changes. */
export function useEntityList(name: ListName): readonly string[] {
  return LISTS[name].use();
}

/** Stars or unstars an entity. */
export function toggleStar(ref: string): void {
  const starred = LISTS.starred.read();
  LISTS.starred.write(starred.includes(ref) ? starred.filter((r) => r !== ref) : [ref, ...starred].slice(0, STARRED_KEPT));
}

/** Notes a visit to an entity's page. */
export function noteVisit(ref: string): void {
  const recent = LISTS.recent.read();
  if (recent[0] === ref) return;
  LISTS.recent.write([ref, ...recent.filter((r) => r !== ref)].slice(0, RECENT_KEPT));
}
