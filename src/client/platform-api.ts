import { isPaveError } from '../core/problem.js';
import type { CapabilitySummary, PublishResult } from '../platform/capability-registry.js';
import type { CapabilityRevision, Destination, Run } from '../platform/model/types.js';
import type { PaveEvent } from '../store/event-log.js';
import type { CapabilityBinding } from '../platform/model/capability-binding.js';
import type { ApprovalDecision } from '../platform/model/approval-decision.js';
import type { ApplyResult, RequestView } from '../platform/platform-service.js';
import type { ScoreInput } from '../platform/score/score-input.js';
import type { ScoreApplied, ScoreRendered } from '../platform/score/score-service.js';
import type { ApiConnection } from './api-connection.js';

const segment = encodeURIComponent;

/** The platform API under /api/platform: capabilities, destinations, requests, runs and change events. */
export class PlatformApi {
  constructor(private readonly api: ApiConnection) {}

  // ── capabilities ──
  publishCapability(document: unknown): Promise<PublishResult> {
    return this.api.json({ method: 'POST', path: '/api/platform/capabilities', body: document });
  }

  async capabilities(): Promise<CapabilitySummary[]> {
    return (await this.api.json<{ items: CapabilitySummary[] }>({ method: 'GET', path: '/api/platform/capabilities' })).items;
  }

  /** One revision: the newest (with every published version listed) unless a version is named. */
  capability(name: string, version?: string): Promise<CapabilityRevision & { versions?: string[] }> {
    const path = `/api/platform/capabilities/${segment(name)}${version !== undefined ? `/versions/${segment(version)}` : ''}`;
    return this.api.json({ method: 'GET', path });
  }

  // ── destinations ──
  applyDestination(document: unknown): Promise<{ destination: Destination; outcome: 'created' | 'updated' | 'unchanged' }> {
    return this.api.json({ method: 'POST', path: '/api/platform/destinations', body: document });
  }

  async destinations(): Promise<Destination[]> {
    return (await this.api.json<{ items: Destination[] }>({ method: 'GET', path: '/api/platform/destinations' })).items;
  }

  // ── Score workloads ──
  /** Applies a Score file: its resources' requests and its workload's, in one change. */
  applyScore(input: ScoreInput): Promise<ScoreApplied> {
    return this.api.json({ method: 'POST', path: '/api/platform/score/apply', body: input });
  }

  /** What a Score file would make and commit; nothing is written. */
  renderScore(input: ScoreInput): Promise<ScoreRendered> {
    return this.api.json({ method: 'POST', path: '/api/platform/score/render', body: input });
  }

  // ── bindings ──
  /** Binds a capability for a team (a CapabilityBinding document), or changes its version channel. */
  applyBinding(document: unknown): Promise<{ binding: CapabilityBinding; outcome: 'created' | 'updated' | 'unchanged' }> {
    return this.api.json({ method: 'POST', path: '/api/platform/bindings', body: document });
  }

  /** Bindings, optionally of one team (its namespace) or capability. */
  async bindings(filter: { team?: string; capability?: string } = {}): Promise<CapabilityBinding[]> {
    return (await this.api.json<{ items: CapabilityBinding[] }>({ method: 'GET', path: '/api/platform/bindings', query: filter })).items;
  }

  binding(team: string, capability: string): Promise<CapabilityBinding> {
    return this.api.json({ method: 'GET', path: `/api/platform/bindings/${segment(team)}/${segment(capability)}` });
  }

  async deleteBinding(team: string, capability: string): Promise<void> {
    await this.api.json({ method: 'DELETE', path: `/api/platform/bindings/${segment(team)}/${segment(capability)}` });
  }

  /** The capability owner's decision on a binding waiting for approval. */
  decideBinding(team: string, capability: string, decision: ApprovalDecision): Promise<CapabilityBinding> {
    return this.api.json({ method: 'POST', path: `/api/platform/bindings/${segment(team)}/${segment(capability)}/decision`, body: decision });
  }

  // ── requests ──
  applyRequest(document: unknown): Promise<ApplyResult> {
    return this.api.json({ method: 'POST', path: '/api/platform/requests', body: document });
  }

  request(namespace: string, name: string): Promise<RequestView> {
    return this.api.json({ method: 'GET', path: `/api/platform/requests/${segment(namespace)}/${segment(name)}` });
  }

  /** The request, or undefined once it is gone. */
  async findRequest(namespace: string, name: string): Promise<RequestView | undefined> {
    try {
      return await this.request(namespace, name);
    } catch (error) {
      if (isPaveError(error) && error.status === 404) return undefined;
      throw error;
    }
  }

  async requests(filter: { namespace?: string; kind?: string; capability?: string } = {}): Promise<RequestView[]> {
    return (await this.api.json<{ items: RequestView[] }>({ method: 'GET', path: '/api/platform/requests', query: filter })).items;
  }

  /** Starts the deletion (delete steps, then files pruned in a commit); answers the request as it is now. */
  deleteRequest(namespace: string, name: string): Promise<RequestView> {
    return this.api.json({ method: 'DELETE', path: `/api/platform/requests/${segment(namespace)}/${segment(name)}` });
  }

  /** Moves a request's expiry to `ttl` (a duration such as 12h) from now, within its capability's maximum. */
  extendRequest(namespace: string, name: string, ttl: string): Promise<RequestView> {
    return this.api.json({ method: 'POST', path: `/api/platform/requests/${segment(namespace)}/${segment(name)}/extend`, body: { ttl } });
  }

  /** An approver's decision on a request's newest generation waiting for approval. */
  decideRequest(namespace: string, name: string, decision: ApprovalDecision): Promise<RequestView> {
    return this.api.json({ method: 'POST', path: `/api/platform/requests/${segment(namespace)}/${segment(name)}/approval`, body: decision });
  }

  async runs(namespace: string, name: string): Promise<Run[]> {
    return (await this.api.json<{ items: Run[] }>({ method: 'GET', path: `/api/platform/requests/${segment(namespace)}/${segment(name)}/runs` })).items;
  }

  run(id: string): Promise<Run> {
    return this.api.json({ method: 'GET', path: `/api/platform/runs/${segment(id)}` });
  }

  /** The platform's `platform.*` events as they are appended (optionally of one namespace or request), until `signal` aborts. */
  async *events(options: { namespace?: string; name?: string; signal?: AbortSignal } = {}): AsyncGenerator<PaveEvent> {
    const events = this.api.events({ method: 'GET', path: '/api/platform/events', query: { namespace: options.namespace, name: options.name }, ...(options.signal ? { signal: options.signal } : {}) });
    for await (const event of events) yield JSON.parse(event.data) as PaveEvent;
  }
}
