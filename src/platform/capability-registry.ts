import semver from 'semver';
import { systemClock, type Clock } from '../core/clock.js';
import { newId } from '../core/ids.js';
import { conflict, invalidInput, notFound, type FieldError } from '../core/problem.js';
import type { Db, Store } from '../store/store.js';
import type {} from './platform-tables.js'; // the tables it queries, for Kysely's types
import { validateCapability } from './model/capability-validation.js';
import type { Capability, CapabilityRevision } from './model/types.js';
import { digestOf } from './render.js';

/** One capability as the marketplace lists it: its newest revision and every version published. */
export interface CapabilitySummary {
  name: string;
  title?: string;
  description?: string;
  latestVersion: string;
  versions: string[];
  api: { group: string; version: string; kind: string };
  capability: Capability;
}

export interface PublishResult {
  revision: CapabilityRevision;
  /** `created` for a new revision; `unchanged` when exactly this version was already published. */
  outcome: 'created' | 'unchanged';
  /** True when this revision is now the newest version. */
  latest: boolean;
}

/** A capability revision checked for publishing, and whether exactly it is published already. */
export interface CheckedRevision {
  capability: Capability;
  digest: string;
  published: boolean;
}

/**
 * Published capabilities: each `spec.version` an immutable revision. Publishing validates everything and
 * reports every mistake at once; republishing the same version with other content is refused. Checking and
 * storing are two steps, so that the platform service stores a revision in one transaction with its audit
 * entry and its event.
 * @example
 *   const checked = await registry.check(yaml.parse(text));
 *   if (!checked.published) await store.transaction(trx => registry.insert(trx, checked));
 */
export class CapabilityRegistry {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #parsed = new Map<string, Capability>();

  constructor(store: Store, options: { clock?: Clock } = {}) {
    this.#store = store;
    this.#clock = options.clock ?? systemClock;
  }

  /** Validates a capability revision for publishing. Throws 422 with every mistake, or 409 for a changed version. */
  async check(raw: unknown): Promise<CheckedRevision> {
    const { capability, errors } = validateCapability(raw);
    if (!capability) throw invalidInput(`The capability has ${errors.length} mistake(s)`, errors);
    const name = capability.metadata.name;
    const registryErrors = await this.#checkAgainstRegistry(capability);
    if (registryErrors.length) throw invalidInput(`The capability has ${registryErrors.length} mistake(s)`, registryErrors);

    const digest = digestOf(capability);
    const existing = await this.#store.db
      .selectFrom('platform_capability_revisions')
      .select(['digest'])
      .where('name', '=', name)
      .where('version', '=', capability.spec.version)
      .executeTakeFirst();
    if (existing && existing.digest !== digest) {
      throw conflict(`${name} ${capability.spec.version} is already published with other content; revisions are immutable, so publish it as a new spec.version`, [
        { pointer: '/spec/version', detail: `${capability.spec.version} is already published with other content`, rule: 'immutable' },
      ]);
    }
    return { capability, digest, published: Boolean(existing) };
  }

  /** Stores a checked revision in `db`'s transaction; false when that version was stored meanwhile (by someone else). */
  async insert(db: Db, checked: CheckedRevision): Promise<boolean> {
    const { capability, digest } = checked;
    const result = await db
      .insertInto('platform_capability_revisions')
      .values({
        id: newId(),
        name: capability.metadata.name,
        version: capability.spec.version,
        api_group: capability.spec.api.group,
        api_version: capability.spec.api.version,
        api_kind: capability.spec.api.kind,
        body: JSON.stringify(capability),
        digest,
        created_at: this.#clock.now().toISOString(),
      })
      .onConflict(oc => oc.columns(['name', 'version']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** What publishing a revision gave: the revision as stored and whether it is now the newest. */
  async result(capability: Capability, outcome: PublishResult['outcome']): Promise<PublishResult> {
    const { name } = capability.metadata;
    const revision = (await this.get(name, capability.spec.version))!;
    const latest = (await this.versions(name))[0] === capability.spec.version;
    return { revision, outcome, latest };
  }

  /** Every version of a capability, newest first (semver order). */
  async versions(name: string): Promise<string[]> {
    const rows = await this.#store.db.selectFrom('platform_capability_revisions').select('version').where('name', '=', name).execute();
    return rows.map(r => r.version).sort(semver.rcompare);
  }

  /** One revision, or the newest when no version is given. */
  async get(name: string, version?: string): Promise<CapabilityRevision | undefined> {
    const wanted = version ?? (await this.versions(name))[0];
    if (!wanted) return undefined;
    const row = await this.#store.db
      .selectFrom('platform_capability_revisions')
      .selectAll()
      .where('name', '=', name)
      .where('version', '=', wanted)
      .executeTakeFirst();
    if (!row) return undefined;
    return { name: row.name, version: row.version, digest: row.digest, capability: this.#parse(row.id, row.body), publishedAt: row.created_at };
  }

  /** Like `get`, but a 404 problem when absent. */
  async require(name: string, version?: string): Promise<CapabilityRevision> {
    const revision = await this.get(name, version);
    if (!revision) throw notFound(version ? `Capability ${name} has no version ${version}` : `No capability named ${name}`);
    return revision;
  }

  /**
   * The revision a request uses: the newest one, or with a pin (exact version or semver range) the newest
   * that satisfies it. Undefined when none does.
   */
  async resolve(name: string, pin?: string): Promise<CapabilityRevision | undefined> {
    const versions = await this.versions(name);
    const version = pin ? semver.maxSatisfying(versions, pin) : versions[0];
    return version ? this.get(name, version) : undefined;
  }

  /** The capability that defines a kind in an API group (whatever its API version). */
  async findByApi(group: string, kind: string): Promise<string | undefined> {
    const row = await this.#store.db
      .selectFrom('platform_capability_revisions')
      .select('name')
      .where('api_group', '=', group)
      .where('api_kind', '=', kind)
      .executeTakeFirst();
    return row?.name;
  }

  /** The API versions (e.g. v1alpha1) any revision of a capability declared. */
  async apiVersions(name: string): Promise<string[]> {
    const rows = await this.#store.db.selectFrom('platform_capability_revisions').select('api_version').distinct().where('name', '=', name).execute();
    return rows.map(r => r.api_version);
  }

  /** Every capability with its newest revision, by name. */
  async list(): Promise<CapabilitySummary[]> {
    const rows = await this.#store.db.selectFrom('platform_capability_revisions').select(['name', 'version']).execute();
    const byName = new Map<string, string[]>();
    for (const row of rows) byName.set(row.name, [...(byName.get(row.name) ?? []), row.version]);
    const summaries: CapabilitySummary[] = [];
    for (const name of [...byName.keys()].sort()) {
      const versions = byName.get(name)!.sort(semver.rcompare);
      const latest = (await this.get(name, versions[0]))!;
      const { api } = latest.capability.spec;
      summaries.push({
        name,
        ...(typeof latest.capability.metadata.title === 'string' ? { title: latest.capability.metadata.title } : {}),
        ...(typeof latest.capability.metadata.description === 'string' ? { description: latest.capability.metadata.description } : {}),
        latestVersion: versions[0]!,
        versions,
        api: { group: api.group, version: api.version, kind: api.kind },
        capability: latest.capability,
      });
    }
    return summaries;
  }

  /**
   * Whether a capability is published, read in `trx`; on PostgreSQL its revisions stay until `trx` ends (a deletion
   * at once waits, then sees what `trx` wrote; SQLite runs one writing transaction at a time).
   */
  async heldPublished(trx: Db, name: string): Promise<boolean> {
    const query = trx.selectFrom('platform_capability_revisions').select('id').where('name', '=', name);
    return (await (this.#store.dialect === 'postgres' ? query.forShare() : query).execute()).length > 0;
  }

  /** Removes every revision of a capability in `db`'s transaction (the caller checks that no request uses it). */
  async remove(db: Db, name: string): Promise<void> {
    await db.deleteFrom('platform_capability_revisions').where('name', '=', name).execute();
  }

  /** Mistakes only the registry can see: the API taken by another capability or changed, and unmet requirements. */
  async #checkAgainstRegistry(capability: Capability): Promise<FieldError[]> {
    const errors: FieldError[] = [];
    const name = capability.metadata.name;
    const { group, kind } = capability.spec.api;
    const owner = await this.findByApi(group, kind);
    if (owner && owner !== name) errors.push({ pointer: '/spec/api/kind', detail: `${kind} in ${group} is already defined by capability ${owner}`, rule: 'unique' });
    const earlier = await this.get(name);
    if (earlier && (earlier.capability.spec.api.group !== group || earlier.capability.spec.api.kind !== kind)) {
      errors.push({
        pointer: '/spec/api',
        detail: `earlier versions of ${name} define ${earlier.capability.spec.api.kind} in ${earlier.capability.spec.api.group}; a capability keeps its group and kind`,
        rule: 'immutable',
      });
    }
    for (const [i, requirement] of (capability.spec.requires ?? []).entries()) {
      const versions = await this.versions(requirement.name);
      if (!versions.length) errors.push({ pointer: `/spec/requires/${i}/name`, detail: `requires capability ${requirement.name}, which is not published`, rule: 'requires' });
      else if (!semver.maxSatisfying(versions, requirement.version)) {
        errors.push({
          pointer: `/spec/requires/${i}/version`,
          detail: `requires ${requirement.name} ${requirement.version}, but only ${versions.join(', ')} are published`,
          rule: 'requires',
        });
      }
    }
    return errors;
  }

  #parse(id: string, body: string): Capability {
    let capability = this.#parsed.get(id);
    if (!capability) {
      capability = JSON.parse(body) as Capability;
      this.#parsed.set(id, capability);
    }
    return structuredClone(capability);
  }
}
