import type { Entity } from '../core/entity.js';
import type { Logger } from '../core/logger.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { dependencyNames } from './model/references.js';
import { ANNOTATION_OWNER, type StoredRequest } from './model/types.js';

/**
 * Shows each request in the software catalog as a `Resource` owned by the requesting team, with
 * `dependsOn` links to the requests it references, through the catalog's public service API.
 * Writing the same content twice changes nothing, so it is safe to call on every status change.
 */
export class CatalogMirror {
  readonly #catalog: CatalogService;
  readonly #logger: Logger | undefined;

  constructor(catalog: CatalogService, logger?: Logger) {
    this.#catalog = catalog;
    this.#logger = logger;
  }

  /** The catalog entity for a request. */
  static entityOf(request: StoredRequest, phase: string, capabilityVersion?: string): Entity {
    const annotations = request.entity.metadata.annotations ?? {};
    const owner = annotations[ANNOTATION_OWNER] ?? `group:default/${request.namespace}`;
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
          'pave.dev/request': `${request.namespace}/${request.name}`,
          'pave.dev/capability': capabilityVersion ? `${request.capability}@${capabilityVersion}` : request.capability,
          'pave.dev/phase': phase,
        },
      },
      spec: {
        type: request.kind.toLowerCase(),
        owner,
        dependsOn: dependencyNames(request.entity.spec).map(name => `resource:${request.namespace}/${name}`),
      },
    };
  }

  /** Creates or updates the request's Resource. Failures are logged, never thrown: the catalog view must not block a reconcile. */
  async upsert(request: StoredRequest, phase: string, capabilityVersion?: string): Promise<void> {
    try {
      await this.#catalog.saveEntity(CatalogMirror.entityOf(request, phase, capabilityVersion));
    } catch (error) {
      this.#logger?.warn({ err: error, request: `${request.namespace}/${request.name}` }, 'could not show the request in the catalog');
    }
  }

  async remove(namespace: string, name: string): Promise<void> {
    try {
      const entity = await this.#catalog.entities.byRef(`resource:${namespace}/${name}`);
      if (entity?.metadata.uid && entity.metadata.annotations?.['pave.dev/request'] === `${namespace}/${name}`) {
        await this.#catalog.deleteByUid(entity.metadata.uid);
      }
    } catch (error) {
      this.#logger?.warn({ err: error, request: `${namespace}/${name}` }, 'could not remove the request from the catalog');
    }
  }
}
