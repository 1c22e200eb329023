/**
 * The delivery module's tables: delivery events as received (normalized), the mappings people made
 * from a provider's key to a catalog entity, and which entities hold each key's events. They join the store's `Database` by declaration merging.
 */

declare module '../store/schema.js' {
  interface Database {
    delivery_events: DeliveryEventsTable;
    delivery_mappings: DeliveryMappingsTable;
    delivery_targets: DeliveryTargetsTable;
  }
}

/** One delivery event: a deployment, a change (commit) or an incident's opening or resolution. Unique by id. */
export interface DeliveryEventsTable {
  id: string;
  /** deployment, change, incident */
  type: string;
  /** api, github, gitlab, argocd, flux, pagerduty */
  source: string;
  /** deployment: success | failure; incident: opened | resolved; change: null */
  status: string | null;
  /** When it happened (deployment finished, commit made, incident opened or resolved): ISO-8601 UTC. */
  at: string;
  environment: string | null;
  /** change: its commit; deployment: the commit deployed. */
  sha: string | null;
  /** A change that is a pull or merge request: its key (status opened, merged, closed or reopened); null for a commit. */
  pull_request: string | null;
  /** The incident's own key (several events tell one incident's story). */
  incident: string | null;
  /** A deployment the sender says was unplanned, made because of an incident. */
  rework: number;
  /** How the sender named what it is about: `entity` (an entity ref) or an annotation name (`github.com/project-slug`). */
  target_key: string;
  target_value: string;
  /** The catalog entity it is attributed to; null while unmapped. */
  entity_ref: string | null;
  /** JSON list of the commits a deployment shipped, when the sender says. */
  commits: string | null;
  /** JSON: title, url, message (display only). */
  detail: string | null;
  received_at: string;
}

/** A key people mapped by hand: events naming (`target_key`, `target_value`) belong to `entity_ref`. */
export interface DeliveryMappingsTable {
  target_key: string;
  target_value: string;
  entity_ref: string;
  created_at: string;
  created_by: string;
}

/** An entity that holds events of a target (`target_key`, `target_value`): whom a mapping of it takes events from. */
export interface DeliveryTargetsTable {
  target_key: string;
  target_value: string;
  entity_ref: string;
}
