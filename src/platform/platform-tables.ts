/**
 * The platform API's tables: capability revisions, destinations, requests and runs.
 * They join the store's `Database` by declaration merging (the store declares only its own). Every file
 * that queries them imports this file, for types only, so each compilation holding such a file sees them.
 */

declare module '../store/schema.js' {
  interface Database {
    platform_capability_revisions: PlatformCapabilityRevisionsTable;
    platform_destinations: PlatformDestinationsTable;
    platform_requests: PlatformRequestsTable;
    platform_request_deliveries: PlatformRequestDeliveriesTable;
    platform_runs: PlatformRunsTable;
    platform_bindings: PlatformBindingsTable;
  }
}

/** One immutable published revision of a capability (`body` is the Capability document as JSON). */
export interface PlatformCapabilityRevisionsTable {
  id: string;
  name: string;
  version: string;
  api_group: string;
  api_version: string;
  api_kind: string;
  body: string;
  /** sha256 of the stable JSON of the capability: republishing a version must match it. */
  digest: string;
  created_at: string;
}

export interface PlatformDestinationsTable {
  name: string;
  body: string;
  /** The repository of `spec.git.url` as `repositoryKey` names it: what a GitOps tool's report is matched by. */
  repository: string | null;
  created_at: string;
  updated_at: string;
}

/** A request for a capability; `body` is the submitted document, `status` what the reconciler observed. */
export interface PlatformRequestsTable {
  id: string;
  namespace: string;
  name: string;
  api_version: string;
  kind: string;
  capability: string;
  /** Version or range from the `pave.dev/capability-version` annotation; null floats on latest. */
  pinned_version: string | null;
  /** Goes up by one on every change of the submitted document. */
  generation: number;
  body: string;
  status: string;
  /** Set when deletion was asked for; the row goes once its files are pruned. */
  deleting_since: string | null;
  /** The owning team's Group ref, decided when the request was created; null for rows older than that. */
  owner: string | null;
  /** The approval the current generation needs or got (JSON `RequestApproval`); null when none is needed. */
  approval: string | null;
  /** When the request is deleted for having lived its time; null lives until deleted. */
  expires_at: string | null;
  /** When the warning that it will expire was given (for the current expiry). */
  expiry_warned_at: string | null;
  /** What the GitOps tool syncing its files last reported (JSON `RequestGitOps`); null before any report. */
  gitops: string | null;
  created_at: string;
  updated_at: string;
}

/** One folder of a destination a request's files were placed in (its status's `deliveries`, as rows to look up by destination). */
export interface PlatformRequestDeliveriesTable {
  request_id: string;
  destination: string;
  path: string;
}

/** One workflow execution. JSON columns: steps, outputs, diff, commits. */
export interface PlatformRunsTable {
  id: string;
  request_id: string;
  namespace: string;
  name: string;
  kind: string;
  generation: number;
  capability: string;
  capability_version: string;
  action: string;
  trigger: string;
  input_hash: string;
  phase: string;
  steps: string;
  outputs: string;
  diff: string;
  commits: string;
  drift: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

/** A team's binding of a capability; `body` is the CapabilityBinding document with its status. */
export interface PlatformBindingsTable {
  id: string;
  /** The team's Group ref. */
  team: string;
  /** The team's namespace as the binding names it. */
  namespace: string;
  capability: string;
  phase: string;
  body: string;
  created_at: string;
  updated_at: string;
}
