/**
 * Typed calls to the delivery API (/api/delivery): DORA figures, adoption, deployments, pull requests and unmapped events.
 * Goes through the portal's shared client, so errors are RFC 9457 problems (`ApiError`).
 */
import { apiRequest } from '../lib/api';
// The answers are the server's own types (type-only: nothing of src/ is bundled).
import type { AdoptionReport, DoraReport, PullRequestReport } from '../../../src/delivery/delivery-service.js';
import type { DoraFigures } from '../../../src/delivery/dora.js';
import type { DeploymentRecord, UnmappedTarget } from '../../../src/delivery/event-store.js';
export type { AdoptionReport, DoraFigures, DoraReport, DeploymentRecord, PullRequestReport, UnmappedTarget };

const BASE = '/api/delivery';

function qs(params: Record<string, string | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) sp.set(k, v);
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function getDora(params: { entity?: string; window?: string; weekly?: string }, signal?: AbortSignal): Promise<DoraReport> {
  return apiRequest(`${BASE}/dora${qs(params)}`, { signal });
}

export function getAdoption(params: { window?: string }, signal?: AbortSignal): Promise<AdoptionReport> {
  return apiRequest(`${BASE}/adoption${qs(params)}`, { signal });
}

export async function getDeployments(entity: string, signal?: AbortSignal): Promise<DeploymentRecord[]> {
  return (await apiRequest<{ items: DeploymentRecord[] }>(`${BASE}/deployments${qs({ entity, limit: '20' })}`, { signal })).items;
}

/** Lead time per pull request of a component over a window. */
export function getPullRequests(entity: string, window: string, signal?: AbortSignal): Promise<PullRequestReport> {
  return apiRequest(`${BASE}/components/${encodeURIComponent(entity)}/pull-requests${qs({ window })}`, { signal });
}

export async function getUnmapped(signal?: AbortSignal): Promise<UnmappedTarget[]> {
  return (await apiRequest<{ items: UnmappedTarget[] }>(`${BASE}/unmapped`, { signal })).items;
}

/** Attributes every event of a key (received and to come) to an entity. */
export function mapUnmapped(key: string, value: string, entity: string): Promise<{ key: string; value: string; entity: string; events: number }> {
  return apiRequest(`${BASE}/mappings`, { method: 'POST', json: { key, value, entity } });
}
