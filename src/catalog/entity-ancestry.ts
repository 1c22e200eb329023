import { createHash } from 'node:crypto';
import { ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION, type Entity } from '../core/entity.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Location } from './location-service.js';

/** Backstage's `getEntityAncestors` answer: the entity first, then each entity that produced it. */
export interface EntityAncestry {
  rootEntityRef: string;
  items: Array<{ entity: Entity; parentEntityRefs: string[] }>;
}

/**
 * The Location entity Backstage keeps for a registered location (`location:default/generated-<sha1 of
 * type:target>`). Pave keeps registrations as locations, not entities; this is the entity they stand for.
 * @example registeredLocationEntity({ id: 'l1', type: 'url', target: 'https://github.com/acme/shop/blob/main/catalog-info.yaml' }).metadata.name // 'generated-…'
 */
export function registeredLocationEntity(location: Location): Entity {
  const ref = `${location.type}:${location.target}`;
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Location',
    metadata: {
      name: `generated-${createHash('sha1').update(ref).digest('hex')}`,
      namespace: 'default',
      annotations: { [ANNOTATION_LOCATION]: ref, [ANNOTATION_ORIGIN_LOCATION]: ref },
    },
    spec: { type: location.type, target: location.target },
  };
}

/**
 * The ancestry graph of an entity: it, whose parent is the registered location that produced it (none for an
 * entity saved through the API), which is the root of every graph.
 */
export function entityAncestry(entity: Entity, location: Location | undefined): EntityAncestry {
  const rootEntityRef = entityRefOf(entity);
  if (!location) return { rootEntityRef, items: [{ entity, parentEntityRefs: [] }] };
  const parent = registeredLocationEntity(location);
  return { rootEntityRef, items: [{ entity, parentEntityRefs: [entityRefOf(parent)] }, { entity: parent, parentEntityRefs: [] }] };
}
