import { basename, dirname } from 'node:path';
import { ANNOTATION_LOCATION, type Entity } from '../core/entity.js';
import { badRequest } from '../core/problem.js';
import type { LocationSpec } from './ingest/read-location.js';
import { parseGitTarget } from './ingest/location-target.js';
import type { LocationService } from './location-service.js';

/** Backstage's analyze-location request (`@backstage/plugin-catalog-common`), as its catalog-import page sends it. */
export interface AnalyzeLocationRequest {
  location: LocationSpec;
  /** The entity file to look for when the target names a repository rather than a file. */
  catalogFilename?: string;
}

export interface AnalyzeLocationField {
  field: string;
  state: 'analysisSuggestedValue' | 'analysisSuggestedNoValue' | 'needsUserInput';
  value: string | null;
  description: string;
}

export interface AnalyzeLocationResponse {
  existingEntityFiles: Array<{ location: LocationSpec; isRegistered: boolean; entity: Entity }>;
  generateEntities: Array<{ entity: Entity; fields: AnalyzeLocationField[] }>;
}

/**
 * What registering a location would bring: the entities its files hold (each with the file's own location
 * and whether that, or the analysed target, is registered already), or, when there is no entity file, a
 * Component to generate for it, whose owner the person has to choose.
 * @example await analyzeLocation(locations, { location: { type: 'url', target: 'https://github.com/acme/shop' } }, authorize)
 */
export async function analyzeLocation(locations: LocationService, request: AnalyzeLocationRequest, authorize: (entities: Entity[]) => Promise<void>): Promise<AnalyzeLocationResponse> {
  const { location, content } = await locations.read(withCatalogFilename(request));
  const registered = new Set((await locations.list()).map(l => `${l.type}:${l.target}`));
  const analysed = `${location.type}:${location.target}`;
  if (content.entities.length) {
    const entities = content.entities.map(e => e.entity);
    await authorize(entities);
    return {
      existingEntityFiles: entities.map(entity => {
        const file = entity.metadata.annotations?.[ANNOTATION_LOCATION] ?? analysed;
        const colon = file.indexOf(':');
        return { location: { type: file.slice(0, colon), target: file.slice(colon + 1) }, isRegistered: registered.has(file) || registered.has(analysed), entity };
      }),
      generateEntities: [],
    };
  }
  // Only a target with no entity file gets one generated; one that could not be read at all is refused.
  const unreadable = content.files === 0 ? content.errors.filter(e => e.rule !== 'not-found') : [];
  if (unreadable.length) throw badRequest(`Location ${analysed} could not be read: ${unreadable.map(e => e.detail).join('; ')}`, unreadable.map(e => ({ ...e, pointer: '/location/target' })));
  return {
    existingEntityFiles: [],
    generateEntities: [
      {
        entity: { apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name: suggestedName(location) }, spec: { type: 'other', lifecycle: 'unknown' } },
        fields: [{ field: 'spec.owner', state: 'needsUserInput', value: null, description: 'Entered by the user: the group or user that owns this component' }],
      },
    ],
  };
}

/** A repository target without a file names the catalog file to look for. */
function withCatalogFilename({ location, catalogFilename }: AnalyzeLocationRequest): LocationSpec {
  if (!catalogFilename || location.type !== 'url' || location.target.includes('#') || /\/(-\/)?(blob|tree)\//.test(location.target)) return location;
  return { ...location, target: `${location.target}#:${catalogFilename}` };
}

/** The name a generated Component gets: the repository's or the folder's, in entity-name form. */
function suggestedName(location: LocationSpec): string {
  let name: string;
  try {
    name = location.type === 'url' ? basename(parseGitTarget(location.target).repository).replace(/\.git$/, '') : basename(dirname(location.target));
  } catch {
    name = 'new-component';
  }
  return name.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 63) || 'new-component';
}
