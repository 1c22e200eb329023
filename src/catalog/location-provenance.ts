/**
 * Where a location came from when a golden path registered it: the template, the task and who ran it. Pave
 * keeps it with the location and writes it into the annotations of every entity the location yields, at each
 * read, so it survives refreshes without the repository's files having to carry it.
 */
import type { Entity } from '../core/entity.js';
import type { LocationContent } from './ingest/read-location.js';

export interface LocationProvenance {
  /** The template's entity ref, e.g. `template:default/typescript-service`. */
  template: string;
  /** The template's version when it ran (its `pave.dev/template-version` annotation), when it declares one. */
  templateVersion?: string;
  /** The template task that registered the location. */
  task: string;
  /** Who ran the golden path (a user ref), when known. */
  createdBy?: string;
}

/** Backstage's annotation for the template an entity was created from (scorecards and the portal read it). */
export const ANNOTATION_SOURCE_TEMPLATE = 'backstage.io/source-template';
/** The version a template declares (on the Template), and the one an entity was made from (on the entity). */
export const ANNOTATION_TEMPLATE_VERSION = 'pave.dev/template-version';
export const ANNOTATION_SOURCE_TEMPLATE_VERSION = 'pave.dev/source-template-version';

/**
 * A Template's version as tasks record it and scorecards compare it: its declared one (the
 * `pave.dev/template-version` annotation, else `spec.version`), else its catalog etag.
 */
export function templateVersion(entity: Entity): string {
  const declared = entity.metadata.annotations?.[ANNOTATION_TEMPLATE_VERSION];
  if (typeof declared === 'string' && declared) return declared;
  const version = (entity.spec as { version?: unknown } | undefined)?.version;
  return typeof version === 'string' || typeof version === 'number' ? String(version) : (entity.metadata.etag ?? '');
}

export const ANNOTATION_CREATED_BY = 'pave.dev/created-by';
export const ANNOTATION_CREATED_BY_TASK = 'pave.dev/created-by-task';

/**
 * Adds the provenance annotations to every entity read from a location a golden path registered. Only Pave
 * says who ran a golden path from which version: a file's own `pave.dev/created-by*` and
 * `pave.dev/source-template-version` annotations are dropped.
 */
export function annotateProvenance(content: LocationContent, provenance: LocationProvenance | undefined): void {
  for (const { entity } of content.entities) {
    const annotations = entity.metadata.annotations;
    if (annotations) {
      delete annotations[ANNOTATION_CREATED_BY];
      delete annotations[ANNOTATION_CREATED_BY_TASK];
      delete annotations[ANNOTATION_SOURCE_TEMPLATE_VERSION];
    }
    if (!provenance) continue;
    entity.metadata.annotations = {
      ...entity.metadata.annotations,
      [ANNOTATION_SOURCE_TEMPLATE]: provenance.template,
      [ANNOTATION_CREATED_BY_TASK]: provenance.task,
      ...(provenance.templateVersion ? { [ANNOTATION_SOURCE_TEMPLATE_VERSION]: provenance.templateVersion } : {}),
      ...(provenance.createdBy ? { [ANNOTATION_CREATED_BY]: provenance.createdBy } : {}),
    };
  }
}

/** The provenance stored with a location (JSON text), or undefined. */
export function storedProvenance(text: string | null | undefined): LocationProvenance | undefined {
  return text ? (JSON.parse(text) as LocationProvenance) : undefined;
}
