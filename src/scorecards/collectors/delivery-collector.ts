import { entityRefOf } from '../../core/entity-ref.js';
import { defineCollector } from '../fact-collector.js';

/** The window the figures cover, in days (DORA's usual month). */
export const DELIVERY_WINDOW_DAYS = 30;
const BAND = { type: ['string', 'null'], description: '' };
const band = (metric: string) => ({ ...BAND, description: `DORA's band for ${metric}: elite, high, medium, low, or null without enough data` });

/** The delivery module's events after which delivery facts are collected again at once. */
export const DELIVERY_EVENTS: readonly string[] = ['delivery.events.received', 'delivery.mapping.created'];

/**
 * Delivery facts: the component's DORA figures over the last 30 days, asked of the delivery module's service
 * (its public figures, never its tables). Collected again when deliveries arrive or are mapped
 * (`delivery-fact-refresh.ts`), and every hour as a deferred job, as the window moves on.
 */
export const deliveryCollector = defineCollector({
  id: 'delivery',
  description: `DORA figures of the last ${DELIVERY_WINDOW_DAYS} days from the delivery module`,
  kinds: ['component'],
  triggers: { events: DELIVERY_EVENTS, everySeconds: 3600 },
  schema: {
    type: 'object',
    properties: {
      deployments: { type: 'integer', description: `Production deployments that succeeded in the last ${DELIVERY_WINDOW_DAYS} days` },
      deploymentsPerWeek: { type: 'number', description: 'Successful production deployments per week' },
      deploymentFrequencyBand: band('deployment frequency'),
      leadTimeHours: { type: ['number', 'null'], description: 'Median hours from commit to production, or null without changes' },
      leadTimeBand: band('lead time for changes'),
      changeFailureRate: { type: ['number', 'null'], description: 'Share (0–1) of production deployments that failed, or null without deployments' },
      changeFailureRateBand: band('change failure rate'),
      recoveryHours: { type: ['number', 'null'], description: 'Median hours to recover from a failed deployment, or null without failures' },
      recoveryTimeBand: band('time to restore service'),
    },
  },
  async collect(entity, { delivery }) {
    if (!delivery) return undefined;
    // Loaded here: the query layer (and its SQL builder) is not needed to declare the collector.
    const { ALL_ENTITIES } = await import('../../catalog/query/entity-scope.js');
    const { metrics } = await delivery.dora({ entity: entityRefOf(entity), windowDays: DELIVERY_WINDOW_DAYS, scope: ALL_ENTITIES });
    return {
      deployments: metrics.deploymentFrequency.deployments,
      deploymentsPerWeek: metrics.deploymentFrequency.perWeek,
      deploymentFrequencyBand: metrics.deploymentFrequency.band,
      leadTimeHours: metrics.leadTime.medianHours,
      leadTimeBand: metrics.leadTime.band,
      changeFailureRate: metrics.changeFailureRate.rate,
      changeFailureRateBand: metrics.changeFailureRate.band,
      recoveryHours: metrics.recoveryTime.medianHours,
      recoveryTimeBand: metrics.recoveryTime.band,
    };
  },
});
