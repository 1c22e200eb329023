import { useSyncExternalStore } from 'react';

/**
 * A short list of strings kept in this browser's local storage under `key`, which every component showing it
 * follows (in every tab, through the `storage` event). Reads are cached by the stored text, so
 * `useSyncExternalStore` sees the same array until the list changes. Storage may be unavailable (private
 * windows, quotas): the list is then empty and nothing is kept.
 */
export interface StoredList {
  read(): readonly string[];
  write(items: readonly string[]): void;
  /** The list, following its changes. */
  use(): readonly string[];
}

const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** @example const flags = storedList('pave.featureFlags'); flags.write([...flags.read(), 'beta']); */
export function storedList(key: string): StoredList {
  let cached: { text: string | null; items: readonly string[] } = { text: null, items: [] };
  const read = (): readonly string[] => {
    let text: string | null = null;
    try {
      text = localStorage.getItem(key);
    } catch {
      /* storage may be unavailable: the list is empty */
    }
    if (cached.text === text) return cached.items;
    let items: readonly string[] = [];
    try {
      const parsed: unknown = text ? JSON.parse(text) : [];
      items = Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
    } catch {
      items = [];
    }
    cached = { text, items };
    return items;
  };
  const write = (items: readonly string[]): void => {
    try {
      localStorage.setItem(key, JSON.stringify(items));
    } catch {
      /* storage may be unavailable: nothing is kept */
    }
    listeners.forEach((listener) => listener());
  };
  return { read, write, use: () => useSyncExternalStore(subscribe, read) };
}
