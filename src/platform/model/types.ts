/**
 * The platform API's vocabulary: capabilities, destinations, requests, their status and runs.
 * Pure data; nothing here does I/O.
 */
import type { EntityMetadata } from '../../core/entity.js';
import type { CapabilityOffer } from './capability-offer.js';
import type { ApprovalRule, RequestApproval } from './request-approval.js';
import type { TtlPolicy } from './request-ttl.js';
import type { RequestGitOps } from './gitops-health.js';

export const PLATFORM_API_VERSION = 'pave.dev/v1alpha1';

/** A JSON Schema, as written in a capability. */
export type JsonSchema = Record<string, unknown>;

export interface TemplateFileSpec {
  /** Path relative to the request's folder; may hold `${{ … }}` expressions. */
  path: string;
  content: string;
  /** Optional condition (`${{ … }}`): the file is written only when it is true. */
  if?: string | boolean;
}

export interface TemplateStepSpec {
  name: string;
  type: 'template';
  files?: TemplateFileSpec[];
  /** Values rendered with the expression engine (`${{ … }}` keeps types). */
  outputs?: Record<string, unknown>;
  message?: string;
}

export interface ModuleStepSpec {
  name: string;
  type: 'module';
  /** The module's ES source, stored in the revision (files named by `path` are read in when published). */
  source: string;
  /** Where the source was read from, for messages. */
  path?: string;
  /** Time limit of one execution. */
  timeoutSeconds?: number;
}

/**
 * Pave's built-in renderer of a Score workload's Kubernetes manifests (a Deployment, and a Service when it
 * publishes ports) from the request's spec: no expression and no code of anyone's choosing runs.
 */
export interface WorkloadStepSpec {
  name: string;
  type: 'workload';
}

export type StepSpec = TemplateStepSpec | ModuleStepSpec | WorkloadStepSpec;

/** A Score resource type (and optionally class) a capability provides: how Score resources find their capability. */
export interface ProvidedResource {
  type: string;
  /** Absent: every class of the type (a resource with a class of its own prefers a capability naming it). */
  class?: string;
}

export interface CapabilitySpec {
  version: string;
  description?: string;
  /** The platform team that publishes it (an entity ref; a bare name is a Group), shown as its owner in the catalog. */
  owner?: string;
  api: { group: string; version: string; kind: string; schema: JsonSchema };
  outputs?: JsonSchema;
  requires?: Array<{ name: string; version: string }>;
  workflows: { configure: StepSpec[]; delete?: StepSpec[] };
  placement?: { selector?: Record<string, string>; mode?: 'one' | 'all' };
  /** Seconds, or a duration such as `10m`. */
  reconcileInterval?: string | number;
  /** Which teams may bind it, and how; absent: open to every team without a binding. */
  offer?: CapabilityOffer;
  /** Who must approve a request (optionally only some, by input conditions) before it is reconciled. */
  approval?: ApprovalRule;
  /** How long its requests live: `default` when a request names none, never longer than `maximum`. */
  ttl?: TtlPolicy;
  /** The Score resource types (and classes) its requests provide to workloads (`pave score apply`). */
  provides?: ProvidedResource[];
}

export interface Capability {
  apiVersion: typeof PLATFORM_API_VERSION;
  kind: 'Capability';
  metadata: EntityMetadata;
  spec: CapabilitySpec;
}

/** An immutable published revision of a capability. */
export interface CapabilityRevision {
  name: string;
  version: string;
  /** sha256 of the stored capability: the same version republished must match it. */
  digest: string;
  capability: Capability;
  publishedAt: string;
}

export interface DestinationSpec {
  git: { url: string; branch?: string; path?: string };
  /** Only `namespace/kind/name` today: `<path>/<namespace>/<kind>/<name>/`. */
  layout?: 'namespace/kind/name';
  /** What happens to a request's files when it is deleted: removed in a commit, or left in place. */
  cleanupPolicy?: 'delete' | 'retain';
}

export interface Destination {
  apiVersion: typeof PLATFORM_API_VERSION;
  kind: 'Destination';
  metadata: EntityMetadata & { labels?: Record<string, string> };
  spec: DestinationSpec;
}

/** The reconciler's conditions, then those GitOps health read back adds (`Synced`, `Healthy`; see gitops-health.ts). */
export type ConditionType = 'Accepted' | 'DependenciesReady' | 'Configured' | 'Written' | 'Ready' | 'Synced' | 'Healthy';

export interface Condition {
  type: ConditionType;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration: number;
  /** Synced, Healthy: the commit the GitOps tool reported. */
  revision?: string;
}

/** Every phase a request is shown in (the portal's request list filters on them). */
export const REQUEST_PHASES = ['Pending', 'Progressing', 'Ready', 'Failed', 'Waiting', 'Deleting', 'PendingApproval', 'Rejected'] as const;
export type RequestPhase = (typeof REQUEST_PHASES)[number];

export interface Delivery {
  destination: string;
  /** The folder in the destination repository. */
  path: string;
  /** The commit holding the current content. */
  commit?: string;
}

export interface RequestStatus {
  phase: RequestPhase;
  message?: string;
  conditions: Condition[];
  observedGeneration: number;
  capability?: string;
  capabilityVersion?: string;
  /** A newer capability version the request could move to (pinned requests only). */
  upgradeAvailable?: string;
  outputs?: Record<string, unknown>;
  deliveries: Delivery[];
  lastRun?: { id: string; phase: RunPhase; action: RunAction; finishedAt?: string };
  /** When a failed reconcile is retried (exponential backoff). */
  nextRetryAt?: string;
  /** Hash of everything the last successful render depended on. */
  inputHash?: string;
  /** When the request was last rendered and compared with its destinations. */
  lastReconciledAt?: string;
  /** The team that owns it, as Pave decided when it was created (shown, never taken from a caller). */
  owner?: string;
  /** The approval its newest generation needed: who may decide, why, and the decision once made. */
  approval?: RequestApproval;
  /** When it is deleted for having lived its time (its capability's ttl, or its own). */
  expiresAt?: string;
}

/** A request as submitted: any published kind, in its team's namespace. */
export interface RequestEntity {
  apiVersion: string;
  kind: string;
  metadata: EntityMetadata & { namespace: string };
  spec: Record<string, unknown>;
  status?: RequestStatus;
}

/** A stored request with its bookkeeping. */
export interface StoredRequest {
  id: string;
  namespace: string;
  name: string;
  apiVersion: string;
  kind: string;
  capability: string;
  /** Version (or range) the request is pinned to, from `pave.dev/capability-version`; undefined floats on latest. */
  pinnedVersion?: string;
  generation: number;
  entity: RequestEntity;
  status: RequestStatus;
  deletingSince?: string;
  /**
   * The owning team's Group ref, decided by Pave when the request was created (see
   * `namespace-owners.ts`), never read from the document. Undefined only for rows stored before owners were kept.
   */
  owner?: string;
  /** The approval the newest generation needs or got; undefined when none was needed. */
  approval?: RequestApproval;
  /** When it expires (is deleted through its delete workflow); undefined lives until deleted. */
  expiresAt?: string;
  /** What the GitOps tool syncing its files last reported (written by GitOps health read back, never by the reconciler). */
  gitops?: RequestGitOps;
  createdAt: string;
  updatedAt: string;
}

export type RunAction = 'configure' | 'delete' | 'repair';
export type RunPhase = 'Running' | 'Succeeded' | 'Failed' | 'Abandoned';

export interface RunStep {
  name: string;
  type: StepSpec['type'];
  phase: 'Succeeded' | 'Failed' | 'Skipped';
  attempts: number;
  startedAt: string;
  finishedAt: string;
  log: string[];
  message?: string;
  error?: string;
}

export interface RunCommit {
  destination: string;
  /** The request's folder there (absent in runs stored before it was kept). */
  path?: string;
  commit: string;
  url: string;
  branch: string;
}

/** An immutable record of one workflow execution. */
export interface Run {
  id: string;
  requestId: string;
  namespace: string;
  name: string;
  kind: string;
  generation: number;
  capability: string;
  capabilityVersion: string;
  action: RunAction;
  trigger: string;
  inputHash: string;
  phase: RunPhase;
  steps: RunStep[];
  outputs: Record<string, unknown>;
  diff: Array<{ destination: string; path: string; change: 'added' | 'modified' | 'deleted' }>;
  commits: RunCommit[];
  drift: boolean;
  error?: string;
  startedAt: string;
  finishedAt?: string;
}

/** Annotation pinning a request to a capability version (or semver range). */
export const ANNOTATION_CAPABILITY_VERSION = 'pave.dev/capability-version';
/** Annotation naming the destination a `mode: one` placement should use. */
export const ANNOTATION_DESTINATION = 'pave.dev/destination';
/**
 * The owner annotation that requests once carried. Ownership is now decided by Pave (configuration and
 * catalog), so a caller's `pave.dev/owner` is refused unless it names the owner Pave decided, and is never stored.
 */
export const ANNOTATION_OWNER = 'pave.dev/owner';
