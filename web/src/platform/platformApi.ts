/**
 * Typed calls to the platform API (/api/platform): capabilities, requests, runs and dry-run renders.
 * Goes through the portal's shared client, so errors are RFC 9457 problems (`ApiError`).
 */
import { apiRequest } from '../lib/api';
// The answers are the server's own types (type-only: nothing of src/ is bundled). Every field is a string,
// number, boolean or plain object already, so they read the same after JSON.
import type { CapabilityRevision, RequestEntity, Run } from '../../../src/platform/model/types.js';
import type { CapabilitySummary } from '../../../src/platform/capability-registry.js';
import type { ApplyResult, RequestView } from '../../../src/platform/platform-service.js';
import type { DryRunResult } from '../../../src/platform/dry-run.js';
import type { RequestNamespace } from '../../../src/platform/namespace-owners.js';
import type { ApprovalDecision } from '../../../src/platform/model/approval-decision.js';
import type { CapabilityBinding } from '../../../src/platform/model/capability-binding.js';
import type { RequestActions } from '../../../src/platform/model/request-actions.js';
export type { CapabilitySummary, DryRunResult, RequestActions, RequestView, Run };

/** GET /capabilities/:name: the newest revision with every version published. */
export type CapabilityWithVersions = CapabilityRevision & { versions: string[] };

/** What the portal submits (apply and dry run): a request without a status. */
export type RequestDocument = Omit<RequestEntity, 'status'>;

const enc = encodeURIComponent;
const BASE = '/api/platform';

export function listCapabilities(signal?: AbortSignal): Promise<{ items: CapabilitySummary[] }> {
  return apiRequest(`${BASE}/capabilities`, { signal });
}

export function getCapability(name: string, signal?: AbortSignal): Promise<CapabilityWithVersions> {
  return apiRequest(`${BASE}/capabilities/${enc(name)}`, { signal });
}

/** GET /namespaces: where requests can be made, each with its owning team and whether the caller may request there. */
export function listNamespaces(signal?: AbortSignal): Promise<{ items: RequestNamespace[] }> {
  return apiRequest(`${BASE}/namespaces`, { signal });
}

/** GET /bindings: teams' bindings of capabilities. */
export function listBindings(signal?: AbortSignal): Promise<{ items: CapabilityBinding[] }> {
  return apiRequest(`${BASE}/bindings`, { signal });
}

export function listRequests(params: { namespace?: string; capability?: string } = {}, signal?: AbortSignal): Promise<{ items: RequestView[] }> {
  const sp = new URLSearchParams();
  if (params.namespace) sp.set('namespace', params.namespace);
  if (params.capability) sp.set('capability', params.capability);
  const q = sp.toString();
  return apiRequest(`${BASE}/requests${q ? `?${q}` : ''}`, { signal });
}

export function applyRequest(doc: RequestDocument): Promise<ApplyResult> {
  return apiRequest(`${BASE}/requests`, { method: 'POST', json: doc });
}

export function renderRequest(doc: RequestDocument): Promise<DryRunResult> {
  return apiRequest(`${BASE}/render`, { method: 'POST', json: { request: doc } });
}

export function getRequest(namespace: string, name: string, signal?: AbortSignal): Promise<RequestView> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}`, { signal });
}

/** GET /requests/:ns/:name/actions: what the caller may do with it now (the buttons to offer). */
export function requestActions(namespace: string, name: string, signal?: AbortSignal): Promise<RequestActions> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}/actions`, { signal });
}

/** POST /bindings: binds a capability for a team, following `version` (a pin or a range; none follows the newest). */
export function bindCapability(team: string, capability: string, version?: string): Promise<{ binding: CapabilityBinding; outcome: string }> {
  return apiRequest(`${BASE}/bindings`, { method: 'POST', json: { apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: team }, spec: { capability, ...(version ? { version } : {}) } } });
}

export function deleteRequest(namespace: string, name: string): Promise<RequestView> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}`, { method: 'DELETE' });
}

/** POST /requests/:ns/:name/extend: moves the expiry to `ttl` from now, within the capability's maximum. */
export function extendRequest(namespace: string, name: string, ttl: string): Promise<RequestView> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}/extend`, { method: 'POST', json: { ttl } });
}

/** POST /requests/:ns/:name/approval: an approver's decision on the newest generation waiting for approval. */
export function decideRequest(namespace: string, name: string, decision: ApprovalDecision): Promise<RequestView> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}/approval`, { method: 'POST', json: decision });
}

export function listRuns(namespace: string, name: string, signal?: AbortSignal): Promise<{ items: Run[] }> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}/runs?limit=20`, { signal });
}

/** The server-sent event stream of one request's changes. */
export function requestEventsUrl(namespace: string, name: string): string {
  return `${BASE}/events?namespace=${enc(namespace)}&name=${enc(name)}`;
}

/** The catalog entity of a published capability (the server mirrors each one as kind Capability). */
export function capabilityRef(name: string): string {
  return `capability:default/${name}`;
}

/** The request form of a capability. */
export function requestFormPath(name: string): string {
  return `/platform/capabilities/${enc(name)}`;
}

export function requestPath(namespace: string, name: string): string {
  return `/platform/requests/${enc(namespace)}/${enc(name)}`;
}
