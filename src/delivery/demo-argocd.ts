import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import type { PlatformService } from '../platform/platform-service.js';
import type { DeliveryService } from './delivery-service.js';

/** How long after Pave's commit the simulated Argo CD reports it synced and healthy. */
const SYNC_DELAY_MS = 45_000;

/**
 * The demo's stand-in for Argo CD: the demo destinations are local repositories no cluster syncs, so each of
 * Pave's commits to one (`platform.delivery.committed`) is answered as an Argo CD application syncing the
 * destination's folder would: Synced and Healthy at that commit, through the same read back as Argo CD's
 * webhook. Only `pave serve --demo` registers it.
 * @example app.eventConsumers.register(new DemoArgoCd(app.platform, app.delivery));
 */
export class DemoArgoCd implements EventConsumer {
  readonly name = 'delivery.demo-argocd';
  readonly types = ['platform.delivery.committed'];
  // Commits made while Pave was stopped are reported too (a report already read back changes nothing).
  readonly startAt = 'oldest';
  readonly #platform: PlatformService;
  readonly #delivery: DeliveryService;

  constructor(platform: PlatformService, delivery: DeliveryService) {
    this.#platform = platform;
    this.#delivery = delivery;
  }

  async handle(events: readonly PaveEvent[]): Promise<void> {
    for (const event of events) {
      const { destination, commit } = event.payload as { destination?: string; commit?: string };
      const target = destination ? await this.#platform.destinations.get(destination) : undefined;
      if (!target || !commit) continue;
      const at = new Date(Math.min(Date.parse(event.at) + SYNC_DELAY_MS, Date.now())).toISOString();
      await this.#delivery.receive('argocd', [], undefined, {
        tool: 'argocd',
        app: `demo-${destination}`,
        destination,
        path: target.spec.git.path ?? '',
        sync: 'Synced',
        health: 'Healthy',
        revision: commit,
        message: 'simulated by the demo (no cluster syncs the demo destinations)',
        at,
      });
    }
  }
}
