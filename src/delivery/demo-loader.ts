import type { Identity } from '../auth/identity.js';
import type { Logger } from '../core/logger.js';
import { parseEntityRef } from '../core/entity-ref.js';
import type { DeliveryCatalog, DeliveryService } from './delivery-service.js';
import { demoHistory, type DemoComponent } from './demo-history.js';

/**
 * Loads the demo's delivery history (`demoHistory`) for every component with a `github.com/project-slug`
 * annotation, through the generic API's service call, as `operator`. Loading again adds only what is new.
 * @example await loadDeliveryDemo(app.delivery, app.catalog.entities, { operator: app.auth.localOperator() });
 */
export async function loadDeliveryDemo(delivery: DeliveryService, catalog: DeliveryCatalog, options: { operator: Identity; now?: Date; logger?: Logger }): Promise<{ stored: number }> {
  const entities = await catalog.list({ filter: ['kind=component,metadata.annotations.github.com/project-slug'] });
  const components: DemoComponent[] = entities.map(e => ({
    name: e.metadata.name,
    owner: typeof e.spec?.owner === 'string' ? parseEntityRef(e.spec.owner, { defaultKind: 'group' }).name : 'nobody',
    slug: e.metadata.annotations!['github.com/project-slug']!,
  }));
  const events = demoHistory(components, options.now ?? new Date());
  let stored = 0;
  const batch = delivery.config.maxBatch;
  for (let i = 0; i < events.length; i += batch) stored += (await delivery.ingest(options.operator, events.slice(i, i + batch))).stored;
  options.logger?.info({ components: components.length, events: events.length, stored }, 'demo delivery history loaded');
  return { stored };
}
