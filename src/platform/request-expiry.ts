import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/store.js';
import type { EventLog } from '../store/event-log.js';
import type { ChangeAuthor } from '../store/audit-log.js';
import { requestEvent } from './change-events.js';
import type { RequestStore } from './request-store.js';

/** Who deletes an expired request, in its audit entry and events. */
export const EXPIRY_AUTHOR: ChangeAuthor = { actor: 'pave:expiry' };

export interface RequestExpiryOptions {
  store: Store;
  requests: RequestStore;
  eventLog: EventLog;
  /** Deletes a request through its delete workflow (the platform service's deletion, reason Expired). */
  deleteRequest: (namespace: string, name: string, author: ChangeAuthor, options: { reason: 'Expired' }) => Promise<unknown>;
  /** How long before its expiry a request's owners are warned, in seconds. */
  warningSeconds: number;
  /** Seconds between sweeps while started. */
  intervalSeconds: number;
  clock: Clock;
  logger?: Logger;
}

/**
 * Expiry of requests, as a background worker (`platform.expiry`): each sweep appends one
 * `platform.request.expiring` event (payload: expiresAt) for every request whose expiry is within the warning
 * time and not yet warned about, and deletes every request whose time is up through its delete workflow
 * (audited as `pave:expiry`, phase change reason `Expired`). Sweeps are idempotent and safe on many replicas:
 * a warning is marked in the transaction that appends it, and asking twice for a deletion changes nothing.
 * @example await new RequestExpiry({ …, clock: { now: () => later } }).sweep();
 */
export class RequestExpiry {
  readonly #o: RequestExpiryOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(options: RequestExpiryOptions) {
    this.#o = options;
  }

  /** Warns about what expires soon and deletes what has expired, as of the clock's now. */
  async sweep(): Promise<{ warned: number; expired: number }> {
    const now = this.#o.clock.now();
    let warned = 0;
    const soon = new Date(now.getTime() + this.#o.warningSeconds * 1000).toISOString();
    for (const request of await this.#o.requests.expiringBy(soon, { unwarned: true })) {
      const expiresAt = request.expiresAt!;
      const appended = await this.#o.store.transaction(async trx => {
        if (!(await this.#o.requests.markWarned(trx, request.id, expiresAt, now.toISOString()))) return false;
        await this.#o.eventLog.append(trx, requestEvent('platform.request.expiring', request, { expiresAt }));
        return true;
      });
      if (appended) warned++;
    }
    let expired = 0;
    for (const request of await this.#o.requests.expiringBy(now.toISOString())) {
      await this.#o.deleteRequest(request.namespace, request.name, EXPIRY_AUTHOR, { reason: 'Expired' });
      expired++;
    }
    return { warned, expired };
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      if (this.#running) return;
      this.#running = this.sweep()
        .then(() => undefined, (error: unknown) => this.#o.logger?.error({ err: error }, 'expiry sweep failed; the next one tries again'))
        .finally(() => (this.#running = undefined));
    }, this.#o.intervalSeconds * 1000);
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
