/**
 * What a subscription may name: lower-case words joined by dots and dashes (`catalog.entity.updated`), or
 * a prefix of them ending in `.*` (`catalog.entity.*`, and also one word: `catalog.*`).
 */
export const EVENT_TYPE_PATTERN = /^[a-z0-9-]+((\.[a-z0-9-]+)+|(\.[a-z0-9-]+)*\.\*)$/;

/**
 * Whether a subscription may name `type`: an event type Pave appends (every module declares its own in its
 * `module.ts`), or a prefix (`catalog.*`, `catalog.entity.*`) that covers at least one.
 * @example isKnownEventType('catalog.*', ['catalog.entity.updated']) // true
 * @example isKnownEventType('catalog.entity.renamed', ['catalog.entity.updated']) // false
 */
export function isKnownEventType(type: string, known: readonly string[]): boolean {
  if (!EVENT_TYPE_PATTERN.test(type)) return false;
  if (!type.endsWith('.*')) return known.includes(type);
  const prefix = type.slice(0, -1);
  return known.some(k => k.startsWith(prefix));
}
