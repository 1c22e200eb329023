import { useSyncExternalStore } from 'react';

/**
 * Short lists of entity refs kept in this browser: the entities a person starred and the ones they visited
 * last. Every component showing a list follows it (a star set on the entity page shows on the home page at once,
 * in every tab).
 */
type ListName = 'starred' | 'recent';

const KEYS: Record<ListName, string> = { starred: 'pave.starred', recent: 'pave.recent' };
const RECENT_KEPT = 8;
const STARRED_KEPT = 100;
const listeners = new Set<() => void>();
const cache = new Map<ListName, { text: string | null; refs: readonly string[] }>();

function read(name: ListName): readonly string[] {
  let text: string | null = null;
  try {
    text = localStorage.getItem(KEYS[name]);
  } catch {
    /* storage may be unavailable: the list is empty */
  }
  const cached = cache.get(name);
  if (cached && cached.text === text) return cached.refs;
  let refs: readonly string[] = [];
  try {
    const parsed: unknown = text ? JSON.parse(text) : [];
    refs = Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    refs = [];
  }
  cache.set(name, { text, refs });
  return refs;
}

function write(name: ListName, refs: readonly string[]): void {
  try {
    localStorage.setItem(KEYS[name], JSON.stringify(refs));
  } catch {
    /* storage may be unavailable: nothing is kept */
  }
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** The refs of a list, newest first, following its changes. */
export function useEntityList(name: ListName): readonly string[] {
  return useSyncExternalStore(subscribe, () => read(name));
}

/** Stars or unstars an entity. */
export function toggleStar(ref: string): void {
  const starred = read('starred');
  write('starred', starred.includes(ref) ? starred.filter((r) => r !== ref) : [ref, ...starred].slice(0, STARRED_KEPT));
}

/** Notes a visit to an entity's page. */
export function noteVisit(ref: string): void {
  const recent = read('recent');
  if (recent[0] === ref) return;
  write('recent', [ref, ...recent.filter((r) => r !== ref)].slice(0, RECENT_KEPT));
}
