import { useSyncExternalStore } from 'react';

/**
 * The feature flags a person turned on, kept in this browser as Backstage's FeatureFlags API keeps them (local
 * storage, off by default, per person and browser). Templates name them with `backstage:featureFlag` on a page
 * or field (`src/templates/model/feature-flags.ts`); the settings page turns them on and off, and every
 * component reading them follows (in every tab).
 */
const KEY = 'pave.featureFlags';
const listeners = new Set<() => void>();
let cached: { text: string | null; flags: readonly string[] } = { text: null, flags: [] };

function read(): readonly string[] {
  let text: string | null = null;
  try {
    text = localStorage.getItem(KEY);
  } catch {
    /* storage may be unavailable: every flag is off */
  }
  if (cached.text === text) return cached.flags;
  let flags: readonly string[] = [];
  try {
    const parsed: unknown = text ? JSON.parse(text) : [];
    flags = Array.isArray(parsed) ? parsed.filter((f): f is string => typeof f === 'string') : [];
  } catch {
    flags = [];
  }
  cached = { text, flags };
  return flags;
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/** The flags that are on, following their changes. */
export function useFeatureFlags(): readonly string[] {
  return useSyncExternalStore(subscribe, read);
}

/** Turns a flag on or off in this browser. */
export function setFeatureFlag(name: string, on: boolean): void {
  const flags = read().filter((f) => f !== name);
  try {
    localStorage.setItem(KEY, JSON.stringify(on ? [...flags, name].sort() : flags));
  } catch {
    /* storage may be unavailable: nothing is kept */
  }
  listeners.forEach((listener) => listener());
}
