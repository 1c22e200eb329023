/**
 * The entity envelope shared by every stored object (Backstage's shape):
 * catalog entities, templates, capabilities, destinations and scorecards alike.
 * Pure data: nothing in this file does I/O.
 */

export interface EntityLink {
  url: string;
  title?: string;
  icon?: string;
  type?: string;
}

export interface EntityMetadata {
  name: string;
  namespace?: string;
  title?: string;
  description?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  tags?: string[];
  links?: EntityLink[];
  /** Set by the store. */
  uid?: string;
  /** Set by the store; changes on every stored change. */
  etag?: string;
  [key: string]: unknown;
}

export interface CompoundEntityRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface EntityRelation {
  type: string;
  targetRef: string;
  /** Kept for clients written against older Backstage versions. */
  target?: CompoundEntityRef;
}

export interface Entity {
  apiVersion: string;
  kind: string;
  metadata: EntityMetadata;
  spec?: Record<string, unknown>;
  relations?: EntityRelation[];
  status?: Record<string, unknown>;
}

export const DEFAULT_NAMESPACE = 'default';

/** Annotations Pave (like Backstage) writes on ingested entities. */
export const ANNOTATION_LOCATION = 'backstage.io/managed-by-location';
export const ANNOTATION_ORIGIN_LOCATION = 'backstage.io/managed-by-origin-location';
