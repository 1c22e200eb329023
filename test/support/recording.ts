import type { PaveApp } from '../../src/app.js';
import type { AuditEntry } from '../../src/store/audit-log.js';
import type { PaveEvent } from '../../src/store/event-log.js';

/**
 * Runs `work` and answers what it gave with the audit entries and events (of `types`) added meanwhile, each
 * oldest first: how a test sees exactly what one change recorded.
 * @example const { result, audit, events } = await recording(app, ['platform.*'], () => fetch(url, { method: 'POST', body }));
 */
export async function recording<T>(app: PaveApp, types: readonly string[], work: () => Promise<T>): Promise<{ result: T; audit: AuditEntry[]; events: PaveEvent[] }> {
  const after = await app.eventLog.latest();
  const seen = new Set((await app.audit.query({ limit: 1000 })).items.map(entry => entry.id));
  const result = await work();
  return {
    result,
    audit: (await app.audit.query({ limit: 1000 })).items.filter(entry => !seen.has(entry.id)).reverse(),
    events: await app.eventLog.read({ after, types, limit: 1000 }),
  };
}
