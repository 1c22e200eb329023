import { storedList } from './storedList';

/**
 * The feature flags a person turned on, kept in this browser as Backstage's FeatureFlags API keeps them (local
 * storage, off by default, per person and browser). Templates name them with `backstage:featureFlag` on a page
 * or field (`src/templates/model/feature-flags.ts`); the settings page turns them on and off, and every
 * component reading them follows (in every tab).
 */
const flags = storedList('pave.featureFlags');

/** The flags that are on, following their changes. */
export function useFeatureFlags(): readonly string[] {
  return flags.use();
}

/** Turns a flag on or off in this browser. */
export function setFeatureFlag(name: string, on: boolean): void {
  const others = flags.read().filter((f) => f !== name);
  flags.write(on ? [...others, name].sort() : others);
}
