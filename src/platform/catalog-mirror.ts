import { ANNOTATION_LOCATION, type Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Logger } from '../core/logger.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { isValidTag, PAVE_API_VERSION } from '../catalog/model/index.js';
import { dependencyNames } from './model/references.js';
import type { Capability, StoredRequest } from './model/types.js';

/** Marks the catalog entities this mirror writes: the capability's name, or the request's `namespace/name`. */
const ANNOTATION_MIRRORED_CAPABILITY = 'pave.dev/capability';
const ANNOTATION_MIRRORED_REQUEST = 'pave.dev/request';

/** The catalog ref of a published capability. */
export function capabilityRef(name: string): string {
  return `capability:default/${name}`;
}

/**
 * Shows the platform API in the software catalog, through the catalog's public service API: each published
 * capability as a `Capability` (pave.dev/v1alpha1) owned by its platform team, and each request as a
 * `Resource` owned by the requesting team that depends on its capability and on the requests it references
 * (so a capability's page lists the Resources requested from it). Writing the same content twice changes
 * nothing, so it is safe to call on every status change.
 */
export class CatalogMirror {
  readonly #catalog: CatalogService;
  readonly #logger: Logger | undefined;

  constructor(catalog: CatalogService, logger?: Logger) {
    this.#catalog = catalog;
    this.#logger = logger;
  }

  /**
   * The catalog entity for a request, owned by the owner Pave decided for it (never an annotation of the
   * submitted document); a row stored before owners were kept shows its namespace's Group until it is applied again.
   */
  static entityOf(request: StoredRequest, phase: string, capabilityVersion?: string): Entity {
    const owner = request.owner ?? `group:default/${request.namespace}`;
    const description = typeof request.entity.metadata.description === 'string' ? request.entity.metadata.description : `${request.kind} requested through the ${request.capability} capability`;
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: request.name,
        namespace: request.namespace,
        ...(typeof request.entity.metadata.title === 'string' ? { title: request.entity.metadata.title } : {}),
        description,
        tags: ['pave-request', request.capability.toLowerCase()],
        annotations: {
          [ANNOTATION_MIRRORED_REQUEST]: `${request.namespace}/${request.name}`,
          'pave.dev/capability': capabilityVersion ? `${request.capability}@${capabilityVersion}` : request.capability,
          'pave.dev/phase': phase,
        },
      },
      spec: {
        type: request.kind.toLowerCase(),
        owner,
        dependsOn: [...dependencyNames(request.entity.spec).map(name => `resource:${request.namespace}/${name}`), capabilityRef(request.capability)],
      },
    };
  }

  /** The catalog entity for a capability: its newest revision, with every version published (newest first). */
  static capabilityEntityOf(capability: Capability, versions: readonly string[]): Entity {
    const { metadata, spec } = capability;
    const tags = [...new Set(['pave-capability', ...(metadata.tags ?? []).filter(isValidTag)])];
    return {
      apiVersion: PAVE_API_VERSION,
      kind: 'Capability',
      metadata: {
        name: metadata.name,
        namespace: 'default',
        ...(typeof metadata.title === 'string' ? { title: metadata.title } : {}),
        description: metadata.description ?? spec.description ?? `${spec.api.kind} (${spec.api.group}/${spec.api.version}), requested through the platform API`,
        tags,
        annotations: { [ANNOTATION_MIRRORED_CAPABILITY]: metadata.name },
      },
      spec: {
        type: spec.api.kind.toLowerCase(),
        ...(spec.owner ? { owner: spec.owner } : {}),
        version: spec.version,
        versions: [...versions],
        api: { group: spec.api.group, version: spec.api.version, kind: spec.api.kind },
        dependsOn: (spec.requires ?? []).map(r => capabilityRef(r.name)),
      },
    };
  }

  /** Creates or updates the request's Resource. Failures are logged, never thrown: the catalog view must not block a reconcile. */
  async upsert(request: StoredRequest, phase: string, capabilityVersion?: string): Promise<void> {
    try {
      await this.#save(CatalogMirror.entityOf(request, phase, capabilityVersion));
    } catch (error) {
      this.#logger?.warn({ err: error, request: `${request.namespace}/${request.name}` }, 'could not show the request in the catalog');
    }
  }

  async remove(namespace: string, name: string): Promise<void> {
    try {
      await this.#removeMirrored(`resource:${namespace}/${name}`, ANNOTATION_MIRRORED_REQUEST, `${namespace}/${name}`);
    } catch (error) {
      this.#logger?.warn({ err: error, request: `${namespace}/${name}` }, 'could not remove the request from the catalog');
    }
  }

  /** Creates or updates a capability's entity. Failures are logged, never thrown: publishing must not depend on the catalog view. */
  async upsertCapability(capability: Capability, versions: readonly string[]): Promise<void> {
    try {
      await this.#save(CatalogMirror.capabilityEntityOf(capability, versions));
    } catch (error) {
      this.#logger?.warn({ err: error, capability: capability.metadata.name }, 'could not show the capability in the catalog');
    }
  }

  async removeCapability(name: string): Promise<void> {
    try {
      await this.#removeMirrored(capabilityRef(name), ANNOTATION_MIRRORED_CAPABILITY, name);
    } catch (error) {
      this.#logger?.warn({ err: error, capability: name }, 'could not remove the capability from the catalog');
    }
  }

  /** Saves to the store, unless a location defines an entity of that ref: its file is its truth, never rewritten from here. */
  async #save(entity: Entity): Promise<void> {
    const ref = entityRefOf(entity);
    const existing = await this.#catalog.entities.byRef(ref);
    if (existing?.metadata.annotations?.[ANNOTATION_LOCATION]) {
      this.#logger?.info({ ref }, 'a catalog location defines this entity; the platform API leaves it as it is');
      return;
    }
    await this.#catalog.saveEntity(entity);
  }

  /** Deletes an entity only if this mirror wrote it (the annotation says so), never one from a location. */
  async #removeMirrored(ref: string, annotation: string, value: string): Promise<void> {
    const entity = await this.#catalog.entities.byRef(ref);
    if (entity?.metadata.uid && entity.metadata.annotations?.[annotation] === value) await this.#catalog.deleteByUid(entity.metadata.uid);
  }
}
