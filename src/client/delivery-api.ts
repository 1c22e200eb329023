import type { AdoptionReport, DoraReport, IngestResult, PullRequestReport } from '../delivery/delivery-service.js';
import type { DeliveryEventInput } from '../delivery/delivery-event.js';
import type { DeploymentRecord, UnmappedTarget } from '../delivery/event-store.js';
import type { ApiConnection } from './api-connection.js';

/** Delivery under /api/delivery: events in, unmapped events and mappings, DORA, adoption, deployments. */
export class DeliveryApi {
  constructor(private readonly api: ApiConnection) {}

  send(events: DeliveryEventInput[] | unknown[]): Promise<IngestResult> {
    return this.api.json({ method: 'POST', path: '/api/delivery/events', body: { events } });
  }

  async unmapped(): Promise<UnmappedTarget[]> {
    return (await this.api.json<{ items: UnmappedTarget[] }>({ method: 'GET', path: '/api/delivery/unmapped' })).items;
  }

  map(key: string, value: string, entity: string): Promise<{ key: string; value: string; entity: string; events: number }> {
    return this.api.json({ method: 'POST', path: '/api/delivery/mappings', body: { key, value, entity } });
  }

  dora(query: { entity?: string; window?: string; end?: string; weekly?: boolean } = {}): Promise<DoraReport> {
    const { weekly, ...rest } = query;
    return this.api.json({ method: 'GET', path: '/api/delivery/dora', query: { ...rest, ...(weekly ? { weekly: 'true' } : {}) } });
  }

  adoption(query: { window?: string; end?: string } = {}): Promise<AdoptionReport> {
    return this.api.json({ method: 'GET', path: '/api/delivery/adoption', query: { ...query } });
  }

  /** Lead time per pull request of a component (or a system's or group's components). */
  pullRequests(entity: string, query: { window?: string; end?: string } = {}): Promise<PullRequestReport> {
    return this.api.json({ method: 'GET', path: `/api/delivery/components/${encodeURIComponent(entity)}/pull-requests`, query: { ...query } });
  }

  async deployments(entity: string, limit?: number): Promise<DeploymentRecord[]> {
    return (await this.api.json<{ items: DeploymentRecord[] }>({ method: 'GET', path: '/api/delivery/deployments', query: { entity, ...(limit ? { limit: String(limit) } : {}) } })).items;
  }
}
