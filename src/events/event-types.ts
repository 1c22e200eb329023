/**
 * The event types Pave appends to its event log, as subscribers may name them. One list: a module that
 * starts appending a new type adds it here, and webhooks may then subscribe to it.
 */
export const EVENT_TYPES = [
  'catalog.entity.created',
  'catalog.entity.updated',
  'catalog.entity.deleted',
  'catalog.location.registered',
  'catalog.location.refreshed',
  'catalog.location.removed',
  'templates.task.created',
  'templates.task.started',
  'templates.task.step-finished',
  'templates.task.completed',
  'templates.task.failed',
  'templates.task.cancelled',
  'platform.request.applied',
  'platform.request.updated',
  'platform.request.phase-changed',
  'platform.request.deleted',
  'platform.run.finished',
  'platform.delivery.committed',
  'platform.capability.published',
  'platform.capability.deleted',
  'auth.token.created',
  'auth.token.revoked',
  'auth.rule.written',
  'auth.rule.deleted',
  'auth.session.started',
  'auth.session.ended',
  'events.webhook.created',
  'events.webhook.updated',
  'events.webhook.deleted',
] as const;

/**
 * What a subscription may name: lower-case words joined by dots and dashes (`catalog.entity.updated`), or
 * a prefix of them ending in `.*` (`catalog.entity.*`, and also one word: `catalog.*`).
 */
export const EVENT_TYPE_PATTERN = /^[a-z0-9-]+((\.[a-z0-9-]+)+|(\.[a-z0-9-]+)*\.\*)$/;

/**
 * Whether a subscription may name `type`: an event type Pave appends, or a prefix (`catalog.*`,
 * `catalog.entity.*`) that covers at least one.
 * @example isKnownEventType('catalog.*') // true
 * @example isKnownEventType('catalog.entity.renamed') // false
 */
export function isKnownEventType(type: string, known: readonly string[] = EVENT_TYPES): boolean {
  if (!EVENT_TYPE_PATTERN.test(type)) return false;
  if (!type.endsWith('.*')) return known.includes(type);
  const prefix = type.slice(0, -1);
  return known.some(k => k.startsWith(prefix));
}
