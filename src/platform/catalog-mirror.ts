import { ANNOTATION_LOCATION, type Entity } from '../core/entity.js';
import { capabilityRef } from './model/capability-ref.js';
import { entityRefOf } from '../core/entity-ref.js';
import type { Logger } from '../core/logger.js';
import type { CatalogService } from '../catalog/catalog-service.js';
import { isValidTag, PAVE_API_VERSION } from '../catalog/model/index.js';
import type { EventConsumer } from '../store/event-consumers.js';
import type { PaveEvent } from '../store/event-log.js';
import type { CapabilityRegistry } from './capability-registry.js';
import { dependencyNames } from './model/references.js';
import { shownPhase } from './model/shown-phase.js';
import type { Capability, StoredRequest } from './model/types.js';
import type { RequestStore } from './request-store.js';
import type { BindingStore } from './binding-store.js';
import type { CapabilityBinding } from './model/capability-binding.js';

/** Marks the catalog entities this mirror writes: the capability's name, or the request's `namespace/name`. */
const ANNOTATION_MIRRORED_CAPABILITY = 'pave.dev/capability';
const ANNOTATION_MIRRORED_REQUEST = 'pave.dev/request';
const ANNOTATION_MIRRORED_BINDING = 'pave.dev/binding';
/** On a request's Resource: the version or semver range it follows; absent, it follows the newest. */
const ANNOTATION_MIRRORED_CHANNEL = 'pave.dev/version-channel';

/** What the mirror reads (the platform's own stores) and writes (the catalog, through its service). */
export interface CatalogMirrorOptions {
  catalog: CatalogService;
  requests: RequestStore;
  capabilities: CapabilityRegistry;
  bindings: BindingStore;
  logger?: Logger;
}

/**
 * Shows the platform API in the software catalog, through the catalog's public service API: each published
 * capability as a `Capability` (pave.dev/v1alpha1) owned by its platform team, and each request as a
 * `Resource` owned by the requesting team that depends on its capability and on the requests it references
 * (so a capability's page lists the Resources requested from it).
 *
 * It is a durable consumer of the event log (`platform.catalog-mirror`): each `platform.request.*`,
 * `platform.run.finished` or `platform.capability.*` event makes it write the entity as the platform's
 * tables hold it now (or remove it once the request or capability is gone). Handling an event again writes
 * the same entity, so at-least-once delivery is safe; a failure is thrown, and the consumer hands the events
 * again later, never past them.
 * @example consumers.register(new CatalogMirror({ catalog, requests, capabilities }));
 */
export class CatalogMirror implements EventConsumer {
  readonly name = 'platform.catalog-mirror';
  readonly types = ['platform.request.*', 'platform.run.finished', 'platform.capability.*', 'platform.binding.*'];
  // Capabilities published before this consumer existed have their events in the log too.
  readonly startAt = 'oldest';
  readonly #o: CatalogMirrorOptions;

  constructor(options: CatalogMirrorOptions) {
    this.#o = options;
  }

  /**
   * The catalog entity for a request, owned by the owner Pave decided for it (never an annotation of the
   * submitted document); a row stored before owners were kept shows its namespace's Group until it is applied again.
   */
  static entityOf(request: StoredRequest): Entity {
    const owner = request.owner ?? `group:default/${request.namespace}`;
    const capabilityVersion = request.status.capabilityVersion;
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
          'pave.dev/phase': shownPhase(request),
          // The version channel it follows (its own pin, else its team's binding's): what "out of date" is measured in.
          ...(request.pinnedVersion ? { [ANNOTATION_MIRRORED_CHANNEL]: request.pinnedVersion } : {}),
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

  /** The catalog entity for a team's binding: owned by the team (listed on its page), depending on the capability. */
  static bindingEntityOf(binding: CapabilityBinding): Entity {
    const { metadata, spec, status } = binding;
    return {
      apiVersion: PAVE_API_VERSION,
      kind: 'CapabilityBinding',
      metadata: {
        name: metadata.name,
        namespace: metadata.namespace,
        description: `${status.team} binds ${spec.capability}${spec.version ? ` on ${spec.version}` : ' (newest version)'}: ${status.phase}`,
        tags: ['pave-binding'],
        annotations: { [ANNOTATION_MIRRORED_BINDING]: `${metadata.namespace}/${metadata.name}` },
      },
      spec: { owner: status.team, capability: capabilityRef(spec.capability), ...(spec.version ? { version: spec.version } : {}), phase: status.phase },
    };
  }

  /** Brings the catalog up to date with the requests and capabilities these events are about, each once. */
  async handle(events: readonly PaveEvent[]): Promise<void> {
    const capabilities = new Set<string>();
    const requests = new Map<string, { namespace: string; name: string }>();
    const bindings = new Map<string, { team: string; namespace: string; name: string }>();
    for (const { type, payload } of events) {
      if (typeof payload.name !== 'string') continue;
      if (type.startsWith('platform.capability.')) capabilities.add(payload.name);
      else if (type.startsWith('platform.binding.')) {
        if (typeof payload.namespace === 'string' && typeof payload.owner === 'string') bindings.set(`${payload.owner}/${payload.name}`, { team: payload.owner, namespace: payload.namespace, name: payload.name });
      }
      else if (typeof payload.namespace === 'string') requests.set(`${payload.namespace}/${payload.name}`, { namespace: payload.namespace, name: payload.name });
    }
    for (const name of capabilities) await this.#syncCapability(name);
    for (const { namespace, name } of requests.values()) await this.#syncRequest(namespace, name);
    for (const binding of bindings.values()) await this.#syncBinding(binding);
  }

  /** The binding's entity as it is stored now; removed once it is gone. */
  async #syncBinding({ team, namespace, name }: { team: string; namespace: string; name: string }): Promise<void> {
    const stored = await this.#o.bindings.get(team, name);
    if (stored) await this.#save(CatalogMirror.bindingEntityOf(stored.binding));
    else await this.#removeMirrored(`capabilitybinding:${namespace}/${name}`, ANNOTATION_MIRRORED_BINDING, `${namespace}/${name}`);
  }

  /** Shows every published capability now (at start: capabilities published before their events were kept). */
  async showCapabilities(): Promise<void> {
    for (const summary of await this.#o.capabilities.list()) await this.#save(CatalogMirror.capabilityEntityOf(summary.capability, summary.versions));
  }

  /** The request's Resource as the request is now; removed once the request is gone. */
  async #syncRequest(namespace: string, name: string): Promise<void> {
    const request = await this.#o.requests.byName(namespace, name);
    if (request) await this.#save(CatalogMirror.entityOf(request));
    else await this.#removeMirrored(`resource:${namespace}/${name}`, ANNOTATION_MIRRORED_REQUEST, `${namespace}/${name}`);
  }

  /** The capability's entity as its newest revision is now; removed once it is deleted. */
  async #syncCapability(name: string): Promise<void> {
    const latest = await this.#o.capabilities.get(name);
    if (latest) await this.#save(CatalogMirror.capabilityEntityOf(latest.capability, await this.#o.capabilities.versions(name)));
    else await this.#removeMirrored(capabilityRef(name), ANNOTATION_MIRRORED_CAPABILITY, name);
  }

  /** Saves to the store, unless a location defines an entity of that ref: its file is its truth, never rewritten from here. */
  async #save(entity: Entity): Promise<void> {
    const ref = entityRefOf(entity);
    const existing = await this.#o.catalog.entities.byRef(ref);
    if (existing?.metadata.annotations?.[ANNOTATION_LOCATION]) {
      this.#o.logger?.info({ ref }, 'a catalog location defines this entity; the platform API leaves it as it is');
      return;
    }
    await this.#o.catalog.saveEntity(entity);
  }

  /** Deletes an entity only if this mirror wrote it (the annotation says so), never one from a location. */
  async #removeMirrored(ref: string, annotation: string, value: string): Promise<void> {
    const entity = await this.#o.catalog.entities.byRef(ref);
    if (entity?.metadata.uid && entity.metadata.annotations?.[annotation] === value) await this.#o.catalog.deleteByUid(entity.metadata.uid);
  }
}
