/**
 * Who work acts as when it runs later, without the request that started it: a golden-path task, run by
 * the worker after its creator's request has ended, reads, registers and requests as its creator. The
 * task records how its creator acted (`recorded-identity.ts`: principal, how it signed in, its token's
 * scopes and id), and the identity is rebuilt from that record the way a request would build it, so each
 * decision is the one the creator would get now: groups read afresh from the catalog, the token's scopes
 * and the guest role kept. A creator that can no longer act (a User gone from the catalog, a revoked or
 * expired token) reads nothing and may do nothing.
 */
import type { Entity } from '../core/entity.js';
import { forbidden, isPaveError } from '../core/problem.js';
import type { EntityReader } from '../catalog/query/entity-reader.js';
import { ALL_ENTITIES, NO_ENTITIES, type EntityScope } from '../catalog/query/entity-scope.js';
import type { AuthService } from './auth-service.js';
import { authorizeEntityWrites, type EntityChangeOptions } from './entity-changes.js';
import type { Identity } from './identity.js';
import type { ResourceInput } from './permission-service.js';
import type { RecordedIdentity } from './recorded-identity.js';

/** Decisions for one identity, live or recorded; every method asks the rules in force now. */
export interface ActingAuthority {
  /** Who acts, for messages (`user:default/jane`; `nobody` with authorization off). */
  readonly principal: string;
  /** The entities it may act on with `action` (default `catalog.entity.read`), for queries. */
  readScope(action?: string): Promise<EntityScope>;
  /** Throws a 403 problem naming the rule unless `action` is allowed (on `resource`, asking for `input`). */
  authorize(action: string, resource?: ResourceInput, input?: unknown): Promise<void>;
  /** Whether `action` is allowed (on `resource`); never throws for a refusal. */
  allows(action: string, resource?: ResourceInput): Promise<boolean>;
  /** Throws unless it may write these entities as they are (see `entity-changes.ts`). */
  authorizeEntityWrites(entities: readonly Entity[], options?: EntityChangeOptions): Promise<void>;
}

/**
 * The authority of a live identity (a request's caller).
 * @example await actingAs(app.auth, app.catalog.entities, request.identity).authorize('templates.task.create')
 */
export function actingAs(auth: AuthService, catalog: Pick<EntityReader, 'byRefs'>, identity: Identity): ActingAuthority {
  return authority(auth, catalog, identity.principal, async () => identity);
}

/**
 * The authority of a recorded identity, rebuilt once (on first use) from the record. With no record
 * (authorization off, or work made while it was off) every decision is allowed, as for the request that
 * made it; the local operator, who holds the store, likewise.
 * @example const creator = actingAsRecorded(app.auth, app.catalog.entities, task.spec.identity); await creator.readScope();
 */
export function actingAsRecorded(auth: AuthService, catalog: Pick<EntityReader, 'byRefs'>, recorded: RecordedIdentity | undefined): ActingAuthority {
  if (!auth.enabled || recorded === undefined) return UNRESTRICTED;
  if (recorded.via === 'local') return actingAs(auth, catalog, auth.localOperator());
  let rebuilt: Promise<Identity | undefined> | undefined;
  return authority(auth, catalog, recorded.principal, () => (rebuilt ??= identityOf(auth, recorded)));
}

/** The authority of work no rules apply to (authorization off): everything is allowed. */
export const UNRESTRICTED: ActingAuthority = Object.freeze({
  principal: 'nobody',
  readScope: async () => ALL_ENTITIES,
  authorize: async () => undefined,
  allows: async () => true,
  authorizeEntityWrites: async () => undefined,
});

/** An authority that may do nothing: work whose creator was not recorded although rules applied. */
export function actingAsNobody(principal: string): ActingAuthority {
  const refuse = () => forbidden(`${principal} is not recorded with this work, so it may do nothing`);
  return {
    principal,
    readScope: async () => NO_ENTITIES,
    authorize: async () => {
      throw refuse();
    },
    allows: async () => false,
    authorizeEntityWrites: async entities => {
      if (entities.length) throw refuse();
    },
  };
}

function authority(auth: AuthService, catalog: Pick<EntityReader, 'byRefs'>, principal: string, identity: () => Promise<Identity | undefined>): ActingAuthority {
  const current = async (): Promise<Identity> => {
    const found = await identity();
    if (!found) throw forbidden(`${principal} can no longer act (no longer a User in the catalog, or its token is no longer active)`);
    return found;
  };
  return {
    principal,
    async readScope(action = 'catalog.entity.read') {
      const found = await identity();
      return found ? auth.permissions.readScope(found, action) : NO_ENTITIES;
    },
    async authorize(action, resource, input) {
      await auth.permissions.authorize(await current(), action, resource, input);
    },
    async allows(action, resource) {
      const found = await identity();
      return found !== undefined && (await auth.permissions.decide(found, action, resource)).allowed;
    },
    async authorizeEntityWrites(entities, options) {
      await authorizeEntityWrites(auth.permissions, catalog, await current(), entities, options);
    },
  };
}

/** The identity a record acts as now; undefined for a removed User or a token no longer active. */
async function identityOf(auth: AuthService, recorded: RecordedIdentity): Promise<Identity | undefined> {
  const extra = { ...(recorded.scopes ? { scopes: recorded.scopes } : {}), ...(recorded.tokenId ? { tokenId: recorded.tokenId } : {}) };
  if (recorded.via === 'token') {
    const tokens = await auth.tokens.list(auth.localOperator(), { principal: recorded.principal });
    const token = tokens.find(candidate => candidate.id === recorded.tokenId && candidate.state === 'active');
    if (!token) return undefined;
    if (token.kind === 'service') return auth.permissions.identityForService(recorded.principal, token.groups, extra);
  }
  try {
    return await auth.permissions.identityForUser(recorded.principal, recorded.via, extra);
  } catch (error) {
    if (isPaveError(error) && error.status === 401) return undefined; // no longer a User in the catalog
    throw error;
  }
}
