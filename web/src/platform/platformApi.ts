/**
 * Typed calls to the platform API (/api/platform): capabilities, requests, runs and dry-run renders.
 * Goes through the portal's shared client, so errors are RFC 9457 problems (`ApiError`).
 */
import { apiRequest } from '../lib/api';

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  [key: string]: unknown;
};

export interface CapabilityDoc {
  apiVersion: string;
  kind: 'Capability';
  metadata: { name: string; title?: string; description?: string; tags?: string[] };
  spec: {
    version: string;
    description?: string;
    /** The owning platform team (an entity ref; a bare name is a Group). */
    owner?: string;
    api: { group: string; version: string; kind: string; schema: JsonSchema };
    outputs?: JsonSchema;
    requires?: { name: string; version: string }[];
    placement?: { selector?: Record<string, string>; mode?: 'one' | 'all' };
  };
}

export interface CapabilitySummary {
  name: string;
  title?: string;
  description?: string;
  latestVersion: string;
  versions: string[];
  api: { group: string; version: string; kind: string };
  capability: CapabilityDoc;
}

export interface CapabilityRevision {
  name: string;
  version: string;
  digest: string;
  capability: CapabilityDoc;
  publishedAt: string;
  versions?: string[];
}

export interface Condition {
  type: 'Accepted' | 'DependenciesReady' | 'Configured' | 'Written' | 'Ready';
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
}

export interface RequestView {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; title?: string; uid?: string; generation?: number; creationTimestamp?: string; annotations?: Record<string, string> };
  spec: Record<string, unknown>;
  status?: {
    phase: 'Pending' | 'Progressing' | 'Ready' | 'Failed' | 'Waiting' | 'Deleting';
    message?: string;
    conditions: Condition[];
    observedGeneration: number;
    capability?: string;
    capabilityVersion?: string;
    upgradeAvailable?: string;
    outputs?: Record<string, unknown>;
    deliveries: { destination: string; path: string; commit?: string }[];
    lastRun?: { id: string; phase: string; action: string; finishedAt?: string };
    nextRetryAt?: string;
    lastReconciledAt?: string;
  };
}

export interface RunStep {
  name: string;
  type: 'template' | 'module';
  phase: 'Succeeded' | 'Failed' | 'Skipped';
  attempts: number;
  startedAt: string;
  finishedAt: string;
  log: string[];
  message?: string;
  error?: string;
}

export interface Run {
  id: string;
  namespace: string;
  name: string;
  kind: string;
  generation: number;
  capability: string;
  capabilityVersion: string;
  action: 'configure' | 'delete' | 'repair';
  trigger: string;
  phase: 'Running' | 'Succeeded' | 'Failed' | 'Abandoned';
  steps: RunStep[];
  outputs: Record<string, unknown>;
  diff: { destination: string; path: string; change: 'added' | 'modified' | 'deleted' }[];
  commits: { destination: string; commit: string; url: string; branch: string }[];
  drift: boolean;
  error?: string;
  startedAt: string;
  finishedAt?: string;
}

export interface DryRunResult {
  request: { apiVersion: string; kind: string; namespace: string; name: string };
  capability: { name: string; version: string };
  placements: { destination?: string; folder: string }[];
  files: { path: string; content: string }[];
  outputs: Record<string, unknown>;
  message?: string;
  steps: RunStep[];
  unresolved: string[];
  selector: Record<string, string>;
}

export interface RequestDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; title?: string };
  spec: Record<string, unknown>;
}

const enc = encodeURIComponent;
const BASE = '/api/platform';

export function listCapabilities(signal?: AbortSignal): Promise<{ items: CapabilitySummary[] }> {
  return apiRequest(`${BASE}/capabilities`, { signal });
}

export function getCapability(name: string, signal?: AbortSignal): Promise<CapabilityRevision> {
  return apiRequest(`${BASE}/capabilities/${enc(name)}`, { signal });
}

export function listRequests(params: { namespace?: string; capability?: string } = {}, signal?: AbortSignal): Promise<{ items: RequestView[] }> {
  const sp = new URLSearchParams();
  if (params.namespace) sp.set('namespace', params.namespace);
  if (params.capability) sp.set('capability', params.capability);
  const q = sp.toString();
  return apiRequest(`${BASE}/requests${q ? `?${q}` : ''}`, { signal });
}

export function applyRequest(doc: RequestDocument): Promise<{ request: RequestView; outcome: 'created' | 'updated' | 'unchanged' }> {
  return apiRequest(`${BASE}/requests`, { method: 'POST', json: doc });
}

export function renderRequest(doc: RequestDocument): Promise<DryRunResult> {
  return apiRequest(`${BASE}/render`, { method: 'POST', json: { request: doc } });
}

export function getRequest(namespace: string, name: string, signal?: AbortSignal): Promise<RequestView> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}`, { signal });
}

export function deleteRequest(namespace: string, name: string): Promise<RequestView> {
  return apiRequest(`${BASE}/requests/${enc(namespace)}/${enc(name)}`, { method: 'DELETE' });
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
