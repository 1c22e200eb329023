/**
 * The catalog's tables: entities, what is derived from them (search rows, relations) and locations.
 * They join the store's `Database` by declaration merging (the store declares only its own). Every file
 * that queries them imports this file, for types only, so each compilation holding such a file sees them.
 */
import type { Generated } from 'kysely';
import type { SearchDocument } from './search/search-document.js';

declare module '../store/schema.js' {
  interface Database {
    entities: EntitiesTable;
    entity_search: EntitySearchTable;
    relations: RelationsTable;
    locations: LocationsTable;
    location_problems: LocationProblemsTable;
    location_files: LocationFilesTable;
    search_documents: SearchDocumentsTable;
    catalog_state: CatalogStateTable;
    sent_entities: SentEntitiesTable;
  }
}

export interface EntitiesTable {
  id: string;
  /** Canonical lower-case `kind:namespace/name`. */
  ref: string;
  kind: string;
  namespace: string;
  name: string;
  title: string | null;
  description: string | null;
  /** The entity as JSON text, without relations and store-assigned fields: its etag is this text's hash. */
  body: string;
  etag: string;
  generation: number;
  /** The location whose refresh produced this entity; null for entities saved through the API. */
  location_id: string | null;
  /** File or URL the entity was read from. */
  source: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * Each entity as reads send it (sent-entity.ts), in a table of its own so that `entities` rows stay as
 * narrow as the scans of filters and sorts want them (twice the width made those ~4x slower on SQLite).
 */
export interface SentEntitiesTable {
  entity_id: string;
  /** The entity's JSON with its uid and etag, without relations. */
  sent_body: string;
  /** Its relations, a JSON array; rewritten when relations with it as source change. */
  sent_relations: string;
  /** 1 when the whole JSON's keys are in the order of by-name's response schema, else 0. */
  schema_ordered: number;
}

/** Flattened `key = value` pairs of every entity, lower-cased: the basis for filters and facets. */
export interface EntitySearchTable {
  entity_id: string;
  key: string;
  value: string | null;
  /** The value as written, for facet labels. */
  original_value: string | null;
}

/**
 * What search reads (`search/search-document.ts`): each entity's own text (`section` empty) and each section
 * of its docs, indexed by trigrams (`search_fts` on SQLite; on PostgreSQL the `search_text` column, all of a
 * row's text lower-cased, with a pg_trgm index where the server has the extension).
 */
export interface SearchDocumentsTable extends SearchDocument {
  id: Generated<number>;
  entity_id: string;
}

export interface RelationsTable {
  /** The entity whose spec gave rise to this relation; relations go when it goes. */
  origin_id: string;
  source_ref: string;
  type: string;
  target_ref: string;
}

export interface LocationsTable {
  id: string;
  type: string;
  target: string;
  /** How portal edits reach a git location: `direct` commits to its branch, `branch` pushes a review branch. */
  edit_mode: string;
  state: string;
  entity_count: number;
  error_count: number;
  last_refresh_at: string | null;
  last_error: string | null;
  created_at: string;
  /** JSON of `LocationProvenance` when a golden path registered it (migration 0018). */
  provenance: string | null;
}

/** A file of a location that a refresh skips while its hash is the same (`location-files.ts`). */
export interface LocationFilesTable {
  location_id: string;
  /** The file as its entities' `source` names it. */
  source: string;
  /** SHA-256 of the file's bytes, hex. */
  hash: string;
  /** JSON `[ref, document][]`: what the file defined, in order. */
  refs: string;
  /** The ingestion fingerprint it was read under (`ingestion-fingerprint.ts`); '' for rows older than it. */
  fingerprint: string;
}

export interface LocationProblemsTable {
  id: Generated<number>;
  location_id: string;
  source: string | null;
  document: number | null;
  line: number | null;
  pointer: string;
  detail: string;
  rule: string | null;
  entity_ref: string | null;
}

/** The catalog's state version (`catalog-state.ts`): one row, `catalog`, bumped by every catalog write. */
export interface CatalogStateTable {
  name: string;
  version: number | string;
}
